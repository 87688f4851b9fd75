"""One replication of a scenario, as a pure function of (scenario, replication number)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import simpy

from capacity.model.calendar import DutyCalendar, office_open_days
from capacity.model.caseworker import Caseworker
from capacity.model.followup import BenefitClock
from capacity.model.measures import Snapshots, events_frame, key_figures, timeseries_frame
from capacity.model.office import Office
from capacity.model.pathway import Pathways, card_anchor_hours
from capacity.model.result import ReplicationResult
from capacity.model.rng import make_rng, name_key
from capacity.scenario.routing import effective_teams, routing_warnings
from capacity.scenario.schema import TASKS, Scenario

__all__ = ["build_office", "run_replication"]


def build_office(
    scenario: Scenario, replication: int, record_events: bool = False
) -> tuple[simpy.Environment, Office, Snapshots]:
    """Set up the environment, teams, caseworkers, users and measuring for one replication
    without running it (tests use this to inspect the model while it runs)."""
    env = simpy.Environment()
    teams = effective_teams(scenario)
    office = Office(env, scenario, teams, record_events)
    run = scenario.run
    days = run.horizon_days + 1
    open_days = office_open_days(scenario.calendar, run, days)
    for team_state, team in zip(office.teams, teams, strict=True):
        team_state.busy_hours = np.zeros(days)
        team_state.duty_hours = np.zeros(days)
        seen: dict[str, int] = {}
        for index, origin in enumerate(team.members):
            # Keyed by the configured team and the person's place in it, so the same
            # person has the same absences under every organisation model.
            position = seen[origin] = seen.get(origin, -1) + 1
            rng = make_rng(run.seed, replication, "absence", name_key(origin), position)
            calendar = DutyCalendar(
                scenario.calendar,
                run,
                scenario.staff[origin],
                open_days,
                index,
                len(team.members),
                rng,
            )
            team_state.duty_hours += calendar.day_hours
            cw = Caseworker(env, office, team_state, index, calendar, TASKS)
            team_state.members.append(cw)
            office.caseworkers.append(cw)
    clock = BenefitClock(office, card_anchor_hours(run.start_date), run.horizon_days * 24.0)
    Pathways(office, scenario, replication, clock).start()
    for cw in office.caseworkers:
        env.process(cw.run())
    snapshots = Snapshots(office)
    return env, office, snapshots


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a replication runs.

    A replication makes almost no cyclic garbage (a test checks it) but keeps hundreds
    of thousands of objects alive, which every full collection walks again: in a large
    office that was a quarter of the time, growing faster than the office. Reference
    counting still frees everything else at once; the collector runs again afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_replication(
    scenario: Scenario, replication: int, record_events: bool = False
) -> ReplicationResult:
    """Simulate ``scenario`` once and measure it.

    Args:
        scenario: a validated scenario (never changed by running it).
        replication: replication number >= 0; with ``scenario.run.seed`` it fixes every
            random stream, so the same pair always gives the same result.
        record_events: also return one row per user event (memory grows with events).

    Returns:
        A :class:`ReplicationResult` with key figures, the daily time series and,
        when asked, the events.
    """
    with _cycle_collector_paused():
        env, office, snapshots = build_office(scenario, replication, record_events)
        done = env.process(snapshots.process(scenario.run.horizon_days))
        env.run(until=done)
    timeseries = timeseries_frame(office, snapshots)
    figures = key_figures(office, timeseries)
    events = events_frame(office) if record_events else None
    return ReplicationResult(
        replication=replication,
        figures=figures,
        timeseries=timeseries,
        events=events,
        warnings=tuple(routing_warnings(scenario)),
    )
