"""A long horizon: 20 simulated years of the largest bundled office (office_2011, about
1,700-2,200 users in the office at a time) in one replication, measured at the end of
year 5 and of year 20.

Memory is measured as the number of memory blocks Python has allocated
(``sys.getallocatedblocks()``, after a full garbage collection): every user, task,
scheduled event and record is at least one block, so the count follows the model's
objects exactly and does not depend on when the allocator hands memory back to the
system (the resident size is given in the messages for reference). What the office
holds at a time is bounded by the users in it; so must its memory be, not by the time
elapsed. Tolerance: memory at year 20 at most 10 % above memory at year 5, scaled by
the ratio of users present (the event heap and caseloads fluctuate from day to day).
"""

from __future__ import annotations

import gc
import sys
from dataclasses import dataclass

import pytest

from capacity.model.replication import build_office
from capacity.scenario import load_scenario, with_changes

HOURS_PER_YEAR = 365.25 * 24
TOLERANCE = 0.10


@dataclass(frozen=True)
class Sample:
    """The model's state at the end of a simulated year."""

    year: int
    blocks: int
    users: int
    scheduled_events: int
    resident_mb: float


def _resident_mb() -> float:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * 4096 / 1e6
    except OSError:  # not Linux: the figure is only for the message
        return float("nan")


@pytest.fixture(scope="module")
def samples() -> dict[int, Sample]:
    """Run office_2011 for 20 years (and a month more, so that year 20 is not the
    horizon, where no events are scheduled any more) and sample years 5 and 20."""
    scenario = load_scenario("office_2011")
    scenario = with_changes(scenario, {"run.horizon_days": round(20 * 365.25) + 30})
    env, office, snapshots = build_office(scenario, 0)
    env.process(snapshots.process(scenario.run.horizon_days))
    taken = {}
    for year in (5, 20):
        env.run(until=year * HOURS_PER_YEAR)
        gc.collect()
        taken[year] = Sample(
            year=year,
            blocks=sys.getallocatedblocks(),
            users=len(office.users_by_uid),
            scheduled_events=len(env._queue),  # SimPy's heap of pending events
            resident_mb=_resident_mb(),
        )
    return taken


@pytest.mark.slow
def test_users_and_scheduled_events_stay_bounded(samples: dict[int, Sample]) -> None:
    """The office does not accumulate users or pending events (clocks of users who left,
    idle wake-ups): at year 20 both are within 50 % of year 5."""
    early, late = samples[5], samples[20]
    assert late.users <= 1.5 * early.users, (early, late)
    assert late.scheduled_events <= 1.5 * early.scheduled_events, (early, late)


@pytest.mark.slow
def test_memory_is_bounded_by_the_users_in_the_office(samples: dict[int, Sample]) -> None:
    """Memory at year 20 is at most 10 % above year 5, scaled by the users present."""
    early, late = samples[5], samples[20]
    allowed = early.blocks * max(1.0, late.users / early.users) * (1 + TOLERANCE)
    assert late.blocks <= allowed, (
        f"year 5: {early.blocks:,} blocks ({early.resident_mb:.0f} MB resident), "
        f"{early.users} users; year 20: {late.blocks:,} blocks "
        f"({late.resident_mb:.0f} MB), {late.users} users; allowed {allowed:,.0f}"
    )
