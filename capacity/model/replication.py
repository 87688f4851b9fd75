"""One replication of a scenario, as a pure function of (scenario, replication number)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import simpy

from capacity.model.calendar import HOURS_PER_DAY, DutyCalendar
from capacity.model.caseworker import Caseworker
from capacity.model.declared_work import DeclaredWork
from capacity.model.followup import BenefitClock
from capacity.model.measures import (
    Snapshots,
    events_frame,
    final_caseloads,
    key_figures,
    timeseries_frame,
)
from capacity.model.office import Office
from capacity.model.outages import outage_intervals
from capacity.model.pathway import Pathways, card_anchor_hours
from capacity.model.result import ReplicationResult
from capacity.model.rng import make_rng, name_key
from capacity.model.staff_changes import StaffChanges

if TYPE_CHECKING:
    from capacity.scenario.schema import Scenario
    from capacity.scenario.workforce import Person, Workforce

__all__ = ["build_office", "cycle_collector_paused", "replication_result", "run_replication"]


def build_office(
    scenario: Scenario,
    replication: int,
    record_events: bool = False,
    env: simpy.Environment | None = None,
) -> tuple[simpy.Environment, Office, Snapshots]:
    """Set up the environment, teams, caseworkers, users and measuring for one replication
    without running it (tests use this to inspect the model while it runs).

    ``env`` is the SimPy environment to build in, by default a new one. Offices built in
    one environment run side by side without meeting (the benchmarks use this to tell
    what a large office costs from what many users in one process cost).
    """
    env = simpy.Environment() if env is None else env
    compiled = scenario.compiled
    plan = compiled.workforce
    office = Office(env, scenario, record_events)
    run = scenario.run
    days = compiled.days
    for team_state in office.teams:
        team_state.busy_hours = np.zeros(days)
        team_state.duty_hours = np.zeros(days)
    outages = outage_intervals(scenario, replication)
    mentoring = _mentoring_hours(scenario, plan, days)
    teams_by_day = _teams_by_day(plan, days, [t.name for t in office.teams])
    rotation = plan.rotation()
    caseworkers = []
    for index, person in enumerate(plan.persons):
        # Keyed by the configured team and the person's place in it, so the same
        # person has the same absences under every organisation model.
        rng = make_rng(run.seed, replication, "absence", name_key(person.origin), person.position)
        position, size = rotation[index]
        calendar = DutyCalendar(
            scenario.calendar,
            scenario.staff[person.origin],
            compiled.open_days,
            compiled.iso_weeks,
            position,
            size,
            rng,
            employed=_employed(person, days) if person.hired or person.leave_day else None,
            fte=_fte(person, days) if len(person.fte) > 1 else None,
            reduction_hours=mentoring.get(index),
            extra_absence=_wave_absence(scenario, replication, person, days),
            outages=outages,
        )
        day_team = teams_by_day[index]
        for t, team_state in enumerate(office.teams):
            team_state.duty_hours += np.where(day_team == t, calendar.day_hours, 0.0)
        # Someone hired and gone on the same day is never employed: still give them a team.
        first_team = office.team_by_name[
            plan.effective_team(index, person.hire_day)
            or plan.team_of(person.origin, person.hire_day)
        ]
        cw = Caseworker(env, office, first_team, position, calendar, compiled.task_names)
        cw.name = f"{person.origin}-{person.position + 1}"
        if person.hired:
            cw.employed = False
            ramp = scenario.new_staff
            cw.ramp_up(
                person.hire_day * HOURS_PER_DAY,
                ramp.ramp_up_days * HOURS_PER_DAY,
                ramp.ramp_up_start_speed,
            )
        else:
            first_team.members.append(cw)
        caseworkers.append(cw)
        office.caseworkers.append(cw)
    clock = BenefitClock(office, card_anchor_hours(run.start_date), run.horizon_days * 24.0)
    if any(ct.work for ct in scenario.case_types.values()):
        office.declared = DeclaredWork(office, scenario, run.horizon_days * HOURS_PER_DAY)
    Pathways(office, scenario, replication, clock).start()
    for cw in office.caseworkers:
        env.process(cw.run())
    changes = StaffChanges(office, compiled, caseworkers)
    if changes.needed:
        env.process(changes.process(run.horizon_days))
    snapshots = Snapshots(office)
    return env, office, snapshots


def _employed(person: Person, days: int) -> np.ndarray:
    employed = np.zeros(days, dtype=bool)
    end = days if person.leave_day is None else min(days, person.leave_day)
    employed[person.hire_day : end] = True
    return employed


def _fte(person: Person, days: int) -> np.ndarray:
    fte = np.empty(days)
    for i, (first, value) in enumerate(person.fte):
        last = person.fte[i + 1][0] if i + 1 < len(person.fte) else days
        fte[first if i else 0 : last] = value
    return fte


def _teams_by_day(plan: Workforce, days: int, names: list[str]) -> list[np.ndarray]:
    """Per person, the index (in ``names``) of their effective team on each day, -1 when
    not employed; the day's duty hours count for that team."""
    result = []
    for index in range(len(plan.persons)):
        day_team = np.full(days, -1)
        for first, last, name in plan.team_steps(index, days):
            if name is not None:
                day_team[first:last] = names.index(name)
        result.append(day_team)
    return result


def _mentoring_hours(scenario: Scenario, plan: Workforce, days: int) -> dict[int, np.ndarray]:
    """Case-work hours per day each mentor gives to training, spread over working days."""
    per_week = len(scenario.calendar.working_weekdays)
    hours: dict[int, np.ndarray] = {}
    for m in plan.mentoring:
        reduction = hours.setdefault(m.mentor, np.zeros(days))
        reduction[m.first_day : min(days, m.end_day)] += m.hours_per_week / per_week
    return hours


def _wave_absence(
    scenario: Scenario, replication: int, person: Person, days: int
) -> np.ndarray | None:
    """Days the person is away in absence waves (whole waves, drawn per person)."""
    if not scenario.absence_waves:
        return None
    run = scenario.run
    absent = np.zeros(days, dtype=bool)
    for i, wave in enumerate(scenario.absence_waves):
        if wave.teams and person.origin not in wave.teams:
            continue
        rng = make_rng(
            run.seed, replication, "absence_waves", i, name_key(person.origin), person.position
        )
        if rng.random() < wave.share:
            first = (wave.start_date - run.start_date).days
            last = (wave.end_date - run.start_date).days
            absent[max(0, first) : min(days, last)] = True
    return absent


def replication_result(office: Office, snapshots: Snapshots, replication: int) -> ReplicationResult:
    """The measures of ``office`` (replication number ``replication``) whose simulation
    has run to the horizon: key figures, the daily time series, the caseloads at the end
    and, if the office recorded them, the events."""
    timeseries = timeseries_frame(office, snapshots)
    return ReplicationResult(
        replication=replication,
        figures=key_figures(office, timeseries),
        timeseries=timeseries,
        events=events_frame(office) if office.recording else None,
        warnings=office.scenario.compiled.warnings,
        caseloads=final_caseloads(office),
    )


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a replication runs.

    A replication makes almost no cyclic garbage (a test checks it) but keeps hundreds
    of thousands of objects alive, which every full collection walks again: in a large
    office that was a quarter of the time, growing faster than the office. Reference
    counting still frees everything else at once; the collector runs again afterwards,
    and its first pass then frees whatever the block dropped.
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
    with cycle_collector_paused():
        env, office, snapshots = build_office(scenario, replication, record_events)
        done = env.process(snapshots.process(scenario.run.horizon_days))
        env.run(until=done)
        result = replication_result(office, snapshots, replication)
        # The office at the end is held together by reference cycles (every waiting
        # process and the event it waits for), which only the collector frees. Dropped
        # before the collector resumes, it is freed by the collector's first pass, and the
        # next replication reuses its memory. Still referenced then, that pass walked
        # every object of it for nothing, and each replication left its office behind
        # until an older generation was collected: memory grew by an office per
        # replication, and each one ran in fresh, uncached memory.
        del env, office, snapshots, done
    return result
