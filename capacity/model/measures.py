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
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from capacity.model.calendar import HOURS_PER_DAY
from capacity.model.catalogue import EXIT_REASONS, STOCK_STAGES, timeseries_columns
from capacity.scenario.schema import TASKS

if TYPE_CHECKING:
    from capacity.model.office import Office, TeamState

__all__ = ["SNAPSHOT_OFFSET_HOURS", "Snapshots", "key_figures"]

SNAPSHOT_OFFSET_HOURS = 1e-6
"""The snapshot of day d is taken at 24 (d + 1) - this many hours."""

STAFF_COUNT_HOUR = 12.0
"""Hour of day at which caseworkers on duty, busy and idle are counted."""


def follow_up_teams(office: Office) -> list[TeamState]:
    """Teams whose caseloads define 'caseload per follow-up caseworker': the teams doing
    follow-up of an AAP case type, or of any case type if there is no AAP type."""
    scenario = office.scenario
    aap_kinds = {f"{n}.follow_up" for n, ct in scenario.case_types.items() if ct.aap}
    kinds = aap_kinds or {f"{n}.follow_up" for n in scenario.case_types}
    return [t for t in office.teams if t.task_kinds & kinds]


class Snapshots:
    """Collects one row of stocks per day."""

    def __init__(self, office: Office):
        self.office = office
        self.rows: list[list[float]] = []
        self.caseload_workers = [cw for t in follow_up_teams(office) for cw in t.members]

    def process(self, days: int):
        """Take a snapshot at the end of each of ``days`` days."""
        env = self.office.env
        for day in range(days):
            yield env.timeout(HOURS_PER_DAY * day + STAFF_COUNT_HOUR - env.now)
            staff = self.office.busy_idle_on_duty()
            yield env.timeout(HOURS_PER_DAY * (day + 1) - SNAPSHOT_OFFSET_HOURS - env.now)
            self.rows.append(self._row(day, staff))

    def _row(self, day: int, staff: tuple[int, int, int]) -> list[float]:
        office = self.office
        in_stage = office.in_stage
        stocks = [in_stage.get(stage, 0) for stage in STOCK_STAGES]
        queues = [office.queued[task] for task in TASKS]
        recipients = office.aap_recipients
        share = office.aap_with_plan / recipients if recipients else math.nan
        loads = [len(cw.users) for cw in self.caseload_workers]
        busy, idle, on = staff
        return [
            day,
            office.arrived_total,
            office.exited_total,
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
    int_cols = ["day", "arrived_total", "exited_total", "users_in_office"]
    int_cols += [f"in_{s}" for s in STOCK_STAGES] + [f"queue_{t}" for t in TASKS]
    int_cols += [
        "aap_recipients",
        "overdue_contacts",
        "follow_up_without_caseworker",
        "caseworkers_on_duty",
        "caseworkers_busy",
        "caseworkers_idle",
    ]
    frame[int_cols] = frame[int_cols].astype("int64")
    return frame[columns]


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else math.nan


def _p90(values: list[float]) -> float:
    return float(np.percentile(values, 90)) if values else math.nan


def key_figures(office: Office, timeseries: pd.DataFrame) -> dict[str, float]:
    """Every key figure of the replication (names and units in the catalogue)."""
    run = office.scenario.run
    t0 = run.warm_up_days * HOURS_PER_DAY
    t1 = run.horizon_days * HOURS_PER_DAY
    years = (t1 - t0) / (365.25 * HOURS_PER_DAY)
    weeks = (t1 - t0) / (7 * HOURS_PER_DAY)
    rec = office.records
    window = timeseries[timeseries["day"] >= run.warm_up_days]

    def inside(t: float) -> bool:
        return t0 <= t <= t1

    decisions = [(h, r) for t, h, r in rec.decisions if inside(t)]
    decision_days = [h / HOURS_PER_DAY for h, _ in decisions]
    contacts = [late for t, late in rec.contacts_due if inside(t)]
    figures: dict[str, float] = {
        "users_arrived": float(sum(inside(t) for t in rec.arrivals)),
        "users_in_office_mean": float(window["users_in_office"].mean()),
        "aap_recipients_mean": float(window["aap_recipients"].mean()),
        "aap_with_valid_plan_share": float(window["aap_with_valid_plan_share"].mean()),
        "caseload_follow_up_mean": float(window["caseload_follow_up_mean"].mean()),
        "caseload_follow_up_max": float(window["caseload_follow_up_max"].mean()),
        "aap_decision_days_mean": _mean(decision_days),
        "aap_decision_days_p90": _p90(decision_days),
        "aap_decided_within_35_days_share": _mean([float(d <= 35) for d in decision_days]),
        "aap_rejection_share": _mean([float(r) for _, r in decisions]),
        "disability_applications_per_week": sum(inside(t) for t, _ in rec.disability_cases) / weeks,
        "disability_case_days_mean": _mean(
            [h / HOURS_PER_DAY for t, h in rec.disability_cases if inside(t)]
        ),
        "follow_up_contacts_overdue_share": _mean([float(x) for x in contacts]),
        "overdue_contacts_mean": float(window["overdue_contacts"].mean()),
        "follow_up_without_caseworker_mean": float(window["follow_up_without_caseworker"].mean()),
        "aap_time_on_aap_days_mean": _mean([h / HOURS_PER_DAY for t, h in rec.spells if inside(t)]),
        "handoffs_per_week": sum(inside(t) for t in rec.handoffs) / weeks,
    }
    first, last = run.warm_up_days, run.horizon_days
    for team in office.teams:
        duty = team.duty_hours[first:last].sum()
        figures[f"utilisation_{team.name}"] = (
            float(team.busy_hours[first:last].sum() / duty) if duty > 0 else math.nan
        )
    for task in TASKS:
        waits = [w / HOURS_PER_DAY for t, w in rec.waits[task] if inside(t)]
        figures[f"wait_{task}_days_mean"] = _mean(waits)
        figures[f"wait_{task}_days_p90"] = _p90(waits)
        # A wait under a microhour is a start in the same instant, not a wait.
        figures[f"waited_{task}_share"] = _mean([float(w > 1e-6) for w in waits])
    counts = dict.fromkeys(EXIT_REASONS, 0)
    for t, reason in rec.exits:
        if inside(t):
            counts[reason] += 1
    for reason in EXIT_REASONS:
        figures[f"exits_per_year_{reason}"] = counts[reason] / years
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
