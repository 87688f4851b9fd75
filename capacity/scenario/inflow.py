"""The arrival rate of a stream over time: rate changes, seasonality and surges.

A stream's users arrive as a Poisson process whose rate is piecewise constant between
dates: the rate in force (``rate_per_week``, then each of ``rate_changes``) times the
month's seasonal factor times the factors of the surges running that day. The model
and the validation (expected number of users) read the same steps from here.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from capacity.scenario.schema import Run, Stream

__all__ = ["rate_steps"]


def _month_starts(first: dt.date, end: dt.date) -> list[dt.date]:
    """First days of the months after ``first``'s month, before ``end``."""
    starts: list[dt.date] = []
    year, month = first.year, first.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        date = dt.date(year, month, 1)
        if date >= end:
            return starts
        starts.append(date)


def rate_steps(stream: Stream, run: Run) -> list[tuple[dt.date, float]]:
    """The stream's rate as (from date, arrivals per week) steps, in date order.

    The first step starts at ``run.start_date``; each step lasts until the next one or
    the end of the horizon. Without seasonal factors and surges the steps are exactly
    ``rate_per_week`` and the ``rate_changes`` as written (a change on the start date
    included), so the arrivals of such a stream are those of earlier versions, draw for
    draw. With them, there is a step at every rate change, month start (seasonality) and
    surge start and end inside the horizon, and the rate of each step is the product
    described in the module docstring.
    """
    base = [(run.start_date, stream.rate_per_week)]
    base += [(c.from_date, c.rate_per_week) for c in stream.rate_changes]
    if not stream.seasonal_factors and not stream.surges:
        return base
    end = run.end_date
    breaks = {date for date, _ in base}
    if stream.seasonal_factors:
        breaks.update(_month_starts(run.start_date, end))
    for surge in stream.surges:
        breaks.update(d for d in (surge.start_date, surge.end_date) if d < end)
    steps = []
    for date in sorted(d for d in breaks if run.start_date <= d < end):
        rate = next(r for d, r in reversed(base) if d <= date)
        if stream.seasonal_factors:
            rate *= stream.seasonal_factors[date.month - 1]
        rate *= math.prod(s.factor for s in stream.surges if s.start_date <= date < s.end_date)
        steps.append((date, rate))
    return steps
