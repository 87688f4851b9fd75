"""Measuring a replication: the daily snapshot and the key figures, in one place.

Snapshots are taken once a day at the end of the day (one microhour before midnight, so
that events scheduled at midnight, such as batch arrivals, belong to the next day);
caseworkers on duty, busy and idle are counted at noon, when an office is open.
Key figures use the observation window: days from ``warm_up_days`` to the horizon for
stocks (daily means), events in the same hours for flows. Definitions are in
:mod:`capacity.model.catalogue`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Generator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import simpy
from simpy.events import EventPriority

from capacity.model.attendance import MEETING_TASKS
from capacity.model.calendar import HOURS_PER_DAY
from capacity.model.catalogue import (
    AAP_EXIT_REASONS,
    DAYS_PER_YEAR,
    EXIT_REASONS,
    STOCK_STAGES,
    cohort_figure,
    cohort_years,
    declared_kinds,
    team_tasks,
    timeseries_columns,
)
from capacity.model.disturbances import disturbance_figures
from capacity.model.office import DECISION_TARGET_DAYS
from capacity.model.result import CASELOAD_COLUMNS
from capacity.model.survival import kaplan_meier

if TYPE_CHECKING:
    from capacity.model.office import Office, Records, TeamState

__all__ = ["SNAPSHOT_OFFSET_HOURS", "Snapshots", "final_caseloads", "key_figures"]

SNAPSHOT_OFFSET_HOURS = 1e-6
"""The snapshot of day d is taken at 24 (d + 1) - this many hours."""

STAFF_COUNT_HOUR = 12.0
"""Hour of day at which caseworkers on duty, busy and idle are counted."""

LATE = EventPriority(2)
"""Priority of a reading's event: after SimPy's own priorities (0 urgent, 1 normal), so
it is processed after every other event of its instant, those scheduled during that
instant included."""


class Reading(simpy.Event):
    """An event ``delay`` hours from now that is processed last among the events of its
    instant. A reading then sees the state the model settles into at that instant: a
    caseworker whose window ends exactly then has already gone off duty, instead of
    being counted idle while the wake-up that ends their day is still queued."""

    def __init__(self, env: simpy.Environment, delay: float):
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, LATE, delay)


def follow_up_teams(office: Office) -> list[TeamState]:
    """Teams whose caseloads define 'caseload per follow-up caseworker': the teams doing
    follow-up of an AAP case type, or of any case type if there is no AAP type."""
    kinds = office.scenario.compiled.follow_up_kinds
    return [t for t in office.active_teams if t.task_kinds & kinds]


class Snapshots:
    """Collects one row of stocks per day."""

    def __init__(self, office: Office):
        self.office = office
        self.rows: list[list[float]] = []
        self._done_before = 0
        start = Reading(office.env, office.records.t0 - office.env.now)
        start.callbacks.append(self._window_starts)

    def _window_starts(self, _event: simpy.Event) -> None:
        # Spells granted at the very start count as granted in the window, not as running
        # at its start.
        office = self.office
        t0 = office.records.t0
        office.records.recipients_at_start = sum(
            1
            for u in office.users_by_uid.values()
            if u.aap and u.benefit_start is not None and u.benefit_start < t0
        )

    def process(self, days: int) -> Generator[simpy.Event, object, None]:
        """Take a snapshot at the end of each of ``days`` days."""
        env = self.office.env
        for day in range(days):
            yield Reading(env, HOURS_PER_DAY * day + STAFF_COUNT_HOUR - env.now)
            staff = self.office.busy_idle_on_duty()
            yield Reading(env, HOURS_PER_DAY * (day + 1) - SNAPSHOT_OFFSET_HOURS - env.now)
            self.rows.append(self._row(day, staff))

    def _row(self, day: int, staff: tuple[int, int, int]) -> list[float]:
        office = self.office
        in_stage = office.in_stage
        stocks = [in_stage.get(stage, 0) for stage in STOCK_STAGES]
        queues = [office.queued[task] for task in office.scenario.compiled.task_names]
        recipients = office.aap_recipients
        share = office.aap_with_plan / recipients if recipients else math.nan
        # Teams and members change with staffing changes and reorganisations: read them now.
        loads = [len(cw.users) for t in follow_up_teams(office) for cw in t.members]
        busy, idle, on = staff
        backlog = sum(queues)
        age = (
            (office.env.now - office.queued_released_sum / backlog) / HOURS_PER_DAY
            if backlog
            else 0.0
        )
        done = office.done_total - self._done_before
        self._done_before = office.done_total
        return [
            day,
            office.arrived_total,
            office.exited_total,
            office.reentered_total,
            sum(stocks),
            *stocks,
            *queues,
            recipients,
            share,
            sum(loads) / len(loads) if loads else math.nan,  # np.mean of a short list is slow
            max(loads) if loads else math.nan,
            office.overdue_open,
            # Counting matches only, owner first (rarely None), is four times faster than
            # summing a flag for every user, every day.
            sum(
                1
                for u in office.users_by_uid.values()
                if u.owner is None and u.stage == "follow_up"
            ),
            on,
            busy,
            idle,
            sum(cw.employed for cw in office.caseworkers),
            backlog,
            age,
            done,
        ]


def _dates(start: dt.date, days: int) -> list[str]:
    return [(start + dt.timedelta(days=d)).isoformat() for d in range(days)]


def timeseries_frame(office: Office, snapshots: Snapshots) -> pd.DataFrame:
    """The daily time series: snapshot stocks plus each team's utilisation that day."""
    scenario = office.scenario
    columns = timeseries_columns(scenario)
    days = scenario.run.horizon_days
    stock_cols = [c for c in columns if c != "date" and not c.startswith("utilisation_")]
    frame = pd.DataFrame(snapshots.rows, columns=stock_cols)
    frame.insert(1, "date", _dates(scenario.run.start_date, days))
    for team in office.teams:
        with np.errstate(invalid="ignore", divide="ignore"):
            util = team.busy_hours[:days] / team.duty_hours[:days]
        frame[f"utilisation_{team.name}"] = np.where(team.duty_hours[:days] > 0, util, np.nan)
    int_cols = ["day", "arrived_total", "exited_total", "reentered_total", "users_in_office"]
    int_cols += [f"in_{s}" for s in STOCK_STAGES]
    int_cols += [f"queue_{t}" for t in scenario.compiled.task_names]
    int_cols += [
        "aap_recipients",
        "overdue_contacts",
        "follow_up_without_caseworker",
        "caseworkers_on_duty",
        "caseworkers_busy",
        "caseworkers_idle",
        "caseworkers_employed",
        "backlog_tasks",
        "tasks_done",
    ]
    frame[int_cols] = frame[int_cols].astype("int64")
    return frame[columns]


def _missed_share(rec: Records) -> float:
    """Missed meetings over meeting attempts (every start of a meeting task), in the
    window; NaN without meetings."""
    attempts = sum(rec.waits[task].count for task in MEETING_TASKS)
    return rec.no_shows / attempts if attempts else math.nan


def _share(part: int, whole: int) -> float:
    return part / whole if whole else math.nan


def _granted_cohort(office: Office) -> dict[str, float]:
    """The AAP spells that started in the window: the share still running after each of
    the years that fit in the window and the mean length, by Kaplan-Meier (spells still
    running at the horizon censored there); nothing for a window under a year."""
    wanted = cohort_years(office.scenario)
    if not wanted:
        return {}
    records = office.records
    horizon = office.scenario.run.horizon_days * HOURS_PER_DAY
    running = [
        (horizon - u.benefit_start) / HOURS_PER_DAY
        for u in office.users_by_uid.values()
        if u.aap and u.benefit_start is not None and u.benefit_start >= records.t0
    ]
    curve = kaplan_meier(records.granted_spells, running)
    figures = {cohort_figure(years): curve.share_at(years * DAYS_PER_YEAR) for years in wanted}
    figures["aap_spell_days_mean_granted"] = curve.mean()
    return figures


def _spells_per_stock(office: Office, window: pd.DataFrame) -> float:
    """AAP spells running in the window (at its start, and granted in it) over the mean
    recipients at the month ends in it; NaN without a month end or recipients."""
    records = office.records
    start = office.scenario.run.start_date
    month_ends = [(start + dt.timedelta(days=int(day) + 1)).day == 1 for day in window["day"]]
    stock = window.loc[month_ends, "aap_recipients"]
    granted = len(records.granted_spells) + sum(
        1
        for u in office.users_by_uid.values()
        if u.aap and u.benefit_start is not None and u.benefit_start >= records.t0
    )
    at_start = records.recipients_at_start or 0
    if stock.empty or stock.mean() == 0:
        return math.nan
    return (at_start + granted) / float(stock.mean())


def key_figures(office: Office, timeseries: pd.DataFrame) -> dict[str, float]:
    """Every key figure of the replication (names and units in the catalogue)."""
    run = office.scenario.run
    t0 = run.warm_up_days * HOURS_PER_DAY
    t1 = run.horizon_days * HOURS_PER_DAY
    years = (t1 - t0) / (DAYS_PER_YEAR * HOURS_PER_DAY)
    weeks = (t1 - t0) / (7 * HOURS_PER_DAY)
    rec = office.records
    window = timeseries[timeseries["day"] >= run.warm_up_days]

    decisions = rec.decision_days
    figures: dict[str, float] = {
        "users_arrived": float(rec.arrivals),
        "users_in_office_mean": float(window["users_in_office"].mean()),
        "aap_recipients_mean": float(window["aap_recipients"].mean()),
        "aap_with_valid_plan_share": float(window["aap_with_valid_plan_share"].mean()),
        "caseload_follow_up_mean": float(window["caseload_follow_up_mean"].mean()),
        "caseload_follow_up_max": float(window["caseload_follow_up_max"].mean()),
        "aap_decision_days_mean": decisions.mean(),
        "aap_decision_days_p90": decisions.quantile(0.9),
        "aap_decided_within_35_days_share": decisions.share_at_most(DECISION_TARGET_DAYS),
        "aap_rejection_share": _share(rec.rejected, decisions.count),
        "disability_applications_per_week": rec.disability_days.count / weeks,
        "disability_case_days_mean": rec.disability_days.mean(),
        "follow_up_contacts_overdue_share": _share(rec.contacts_late, rec.contacts_due),
        "overdue_contacts_mean": float(window["overdue_contacts"].mean()),
        "follow_up_without_caseworker_mean": float(window["follow_up_without_caseworker"].mean()),
        "aap_time_on_aap_days_mean": rec.spell_days.mean(),
        "aap_processing_days_mean": rec.processing_days.mean(),
        "aap_processing_days_p90": rec.processing_days.quantile(0.9),
        "aap_processed_within_35_days_share": rec.processing_days.share_at_most(
            DECISION_TARGET_DAYS
        ),
        **_granted_cohort(office),
        "aap_spells_per_month_end_stock": _spells_per_stock(office, window),
        "handoffs_per_week": rec.handoffs / weeks,
        "backlog_tasks_mean": float(window["backlog_tasks"].mean()),
        "backlog_age_days_mean": float(window["backlog_age_days_mean"].mean()),
        "tasks_done_per_week": float(window["tasks_done"].sum()) / weeks,
        "caseworkers_employed_mean": float(window["caseworkers_employed"].mean()),
        "no_shows_per_week": rec.no_shows / weeks,
        "meetings_missed_share": _missed_share(rec),
        "reentries_per_year": rec.reentries / years,
    }
    figures.update(disturbance_figures(office.scenario, timeseries))
    first, last = run.warm_up_days, run.horizon_days
    for team in office.teams:
        duty = team.duty_hours[first:last].sum()
        figures[f"utilisation_{team.name}"] = (
            float(team.busy_hours[first:last].sum() / duty) if duty > 0 else math.nan
        )
    for name, deadline in declared_kinds(office.scenario).items():
        figures[f"{name}_per_week"] = rec.released.get(name, 0) / weeks
        if deadline:
            due = rec.deadline_due.get(name, 0)
            figures[f"{name}_within_deadline_share"] = (
                1.0 - rec.deadline_late.get(name, 0) / due if due else math.nan
            )
    for task in office.scenario.compiled.task_names:
        waits = rec.waits[task]
        figures[f"wait_{task}_days_mean"] = waits.mean()
        figures[f"wait_{task}_days_p90"] = waits.quantile(0.9)
        figures[f"waited_{task}_share"] = waits.share_positive()
    for reason in EXIT_REASONS:
        figures[f"exits_per_year_{reason}"] = rec.exits.get(reason, 0) / years
    for reason in AAP_EXIT_REASONS:
        figures[f"aap_exits_per_year_{reason}"] = rec.aap_exits.get(reason, 0) / years
    for team_name, task in team_tasks(office.scenario):
        worked = rec.work_hours.get((team_name, task), 0.0)
        figures[f"work_hours_per_week_{team_name}_{task}"] = worked / weeks
    return figures


def events_frame(office: Office) -> pd.DataFrame:
    """Recorded user events as a table (columns in :class:`ReplicationResult`)."""
    start = office.scenario.run.start_date
    rows = office.records.events or []
    frame = pd.DataFrame(
        rows, columns=["user", "time_hours", "case_type", "stage", "event", "caseworker"]
    )
    frame["time_days"] = frame["time_hours"] / HOURS_PER_DAY
    frame["date"] = [
        (start + dt.timedelta(days=math.floor(d))).isoformat() for d in frame["time_days"]
    ]
    return frame[["user", "time_days", "date", "case_type", "stage", "event", "caseworker"]]


def final_caseloads(office: Office) -> pd.DataFrame:
    """Each caseworker's caseload in ``office`` now (rows and columns as
    :attr:`capacity.model.result.ReplicationResult.caseloads`)."""
    counting = {team.name for team in follow_up_teams(office)}
    rows = [
        (team.name, cw.name, team.name in counting, len(cw.users))
        for team in office.active_teams
        # A reception-only team takes no one onto a caseload.
        if any(not kind.endswith(".reception") for kind in team.task_kinds)
        for cw in team.members
    ]
    frame = pd.DataFrame(rows, columns=list(CASELOAD_COLUMNS))
    return frame.astype({"follow_up": bool, "users": "int64"})
