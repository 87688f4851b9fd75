"""The office's calendar over the horizon: which days it is open (weekdays worked,
Norwegian public holidays) and which days fall in the summer weeks."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import holidays
import numpy as np

if TYPE_CHECKING:
    from capacity.scenario.schema import Calendar, Run

__all__ = ["iso_weeks", "office_open_days"]

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def office_open_days(calendar: Calendar, run: Run, days: int) -> np.ndarray:
    """Boolean array of shape (days,): is the office open on day d (before absence)?
    Every day with ``always_open``; else the working weekdays that are not Norwegian
    public holidays (the ``holidays`` package; Sundays as such are not holidays here)."""
    if calendar.always_open:
        return np.ones(days, dtype=bool)
    worked = {_WEEKDAYS.index(w) for w in calendar.working_weekdays}
    closed: set[dt.date] = set()
    if calendar.public_holidays:
        years = range(run.start_date.year, (run.start_date + dt.timedelta(days)).year + 1)
        closed = set(holidays.country_holidays("NO", years=years, include_sundays=False))
    open_days = np.zeros(days, dtype=bool)
    for d in range(days):
        date = run.start_date + dt.timedelta(days=d)
        open_days[d] = date.weekday() in worked and date not in closed
    return open_days


def iso_weeks(run: Run, days: int) -> np.ndarray:
    """ISO week number (1..53) of each of ``days`` days from ``run.start_date``,
    int array of shape (days,)."""
    return np.array(
        [(run.start_date + dt.timedelta(days=d)).isocalendar().week for d in range(days)],
        dtype=np.int64,
    )
