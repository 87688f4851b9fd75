"""IT outages: the hours in which no case work can be done, dated and random.

Random outages are a Poisson process in calendar time over the horizon with lengths from
``it_downtime.outage_hours``; they come from their own random stream, so every scenario
with the same seed and replication has the same outages (common random numbers).
Overlapping outages are merged.
"""

from __future__ import annotations

from capacity.model.calendar import HOURS_PER_DAY
from capacity.model.rng import make_rng
from capacity.scenario.schema import Scenario

__all__ = ["outage_intervals"]

HOURS_PER_YEAR = 365.25 * HOURS_PER_DAY


def outage_intervals(scenario: Scenario, replication: int) -> list[tuple[float, float]]:
    """Sorted, disjoint (start, end) hours since time 0 with IT down, inside the horizon."""
    run = scenario.run
    horizon = run.horizon_days * HOURS_PER_DAY
    intervals = [
        (
            (o.date - run.start_date).days * HOURS_PER_DAY + o.start_hour,
            (o.date - run.start_date).days * HOURS_PER_DAY + o.start_hour + o.hours,
        )
        for o in scenario.it_outages
    ]
    random = scenario.it_downtime
    if random.outages_per_year > 0:
        rng = make_rng(run.seed, replication, "it_downtime")
        count = int(rng.poisson(random.outages_per_year * horizon / HOURS_PER_YEAR))
        starts = rng.uniform(0.0, horizon, count)
        lengths = random.outage_hours.sample_many(rng, count)
        intervals += [(float(s), float(s + h)) for s, h in zip(starts, lengths, strict=True)]
    merged: list[tuple[float, float]] = []
    for start, end in sorted(intervals):
        end = min(end, horizon)
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
