"""Property-based tests: any valid scenario, drawn from the documented ranges of the
schema (capacity/scenario/schema.py), runs to the end with its conservation laws intact
and sensible figures.

The scenarios are small (tens of users, up to 45 days) so that many can be tried; the
ranges of the fields that shape the model's logic are the schema's whole ranges
(organisation models, priorities, caps, shares 0..1, exit hazards up to 100 a year,
always-open or office calendars, initial users in any stage).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capacity.model import figure_catalogue, run_replication
from capacity.model.catalogue import STOCK_STAGES
from capacity.scenario import Scenario, parse_scenario
from capacity.scenario.schema import EFFORT_GROUPS, STAGES, TASKS

# Deadlines off: a replication's time depends on the machine's load, not on the example.
PROPERTY_SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

START = dt.date(2010, 3, 1)

_share = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
_positive_share = st.floats(min_value=0.05, max_value=1.0, allow_nan=False)


@st.composite
def _distribution(draw: st.DrawFn, high: float) -> dict[str, Any]:
    """A distribution of each kind the schema offers, with a mean of at most ``high``."""
    mean = draw(st.floats(min_value=0.01, max_value=high))
    kind = draw(st.sampled_from(["fixed", "exponential", "lognormal", "gamma", "uniform"]))
    if kind == "fixed":
        return {"dist": "fixed", "value": mean}
    if kind == "exponential":
        return {"dist": "exponential", "mean": mean}
    if kind == "uniform":
        return {"dist": "uniform", "low": 0.0, "high": 2 * mean}
    return {"dist": kind, "mean": mean, "cv": draw(st.floats(min_value=0.1, max_value=2.0))}


@st.composite
def _effort_shares(draw: st.DrawFn) -> dict[str, float]:
    weights = draw(st.lists(_positive_share, min_size=len(EFFORT_GROUPS), max_size=4))
    total = sum(weights)
    return {g: w / total for g, w in zip(EFFORT_GROUPS, weights, strict=True)}


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A valid scenario: one case type with any ordered subset of the stages, served by
    three teams whose tasks fit every organisation model."""
    stages = [s for s in STAGES if draw(st.booleans())] or [draw(st.sampled_from(STAGES))]
    horizon = draw(st.integers(min_value=5, max_value=45))
    always_open = draw(st.booleans())
    case_type: dict[str, Any] = {
        "aap": draw(st.booleans()),
        "stages": stages,
        "reception": {"work_hours": draw(_distribution(1.0))},
        "assessment": {
            "meetings": draw(st.integers(min_value=1, max_value=4)),
            "work_hours_per_meeting": draw(_distribution(3.0)),
            "days_between_meetings": draw(_distribution(10.0)),
            "doctor_statement_days": draw(_distribution(10.0)),
            "disability_share": draw(_share),
        },
        "decision": {
            "delay_days": draw(_distribution(10.0)),
            "rejection_share": draw(_share),
            "capacity_per_week": draw(st.one_of(st.none(), st.floats(0.5, 50.0))),
        },
        "plan": {
            "work_hours": draw(_distribution(4.0)),
            "validity_days": draw(st.floats(min_value=1.0, max_value=400.0)),
            "renewal_lead_days": draw(st.floats(min_value=0.0, max_value=60.0)),
        },
        "follow_up": {
            "contact_interval_days": {
                g: draw(st.floats(min_value=2.0, max_value=365.0)) for g in EFFORT_GROUPS
            },
            "booking_lead_days": draw(st.floats(min_value=0.0, max_value=14.0)),
            "meldekort_extra_contact_share": draw(_share),
            "exit_per_year": {
                reason: draw(st.floats(min_value=0.0, max_value=100.0))
                for reason in ("work", "disability", "sanction", "other")
            },
            "close_follow_up_work_multiplier": draw(st.floats(min_value=0.0, max_value=10.0)),
            "max_period_days": draw(st.one_of(st.none(), st.floats(1.0, 400.0))),
            "end_after_contact_share": draw(_share),
        },
    }
    if case_type["follow_up"]["end_after_contact_share"] >= 0.2 and draw(st.booleans()):
        # A return loop: the next contact as soon as the last is held.
        case_type["follow_up"]["contact_interval_days"]["standard"] = 0.0
    entry = draw(st.sampled_from([None, *stages]))
    stream: dict[str, Any] = {
        "case_type": "x",
        "rate_per_week": draw(st.floats(min_value=0.0, max_value=30.0)),
        "effort_group_shares": draw(_effort_shares()),
    }
    if entry is not None:
        stream["entry_stage"] = entry
    if draw(st.booleans()):
        day = draw(st.integers(min_value=0, max_value=horizon - 1))
        stream["batches"] = [
            {
                "date": START + dt.timedelta(days=day),
                "users": draw(st.integers(min_value=0, max_value=20)),
            }
        ]
    initial = []
    if draw(st.booleans()):
        stage = draw(st.sampled_from(stages))
        group: dict[str, Any] = {
            "case_type": "x",
            "stage": stage,
            "users": draw(st.integers(min_value=0, max_value=25)),
            "age_in_stage_days": draw(_distribution(60.0)),
        }
        if stage == "follow_up":
            group["with_valid_plan_share"] = draw(_share)
        initial.append(group)

    def team(tasks: list[str]) -> dict[str, Any]:
        return {
            "headcount": draw(st.integers(min_value=0, max_value=3)),
            "tasks": tasks,
            "fte": draw(_positive_share),
            "case_work_share": draw(_positive_share),
            "absence_share": draw(st.floats(min_value=0.0, max_value=0.9)),
        }

    data = {
        "run": {
            "name": "generated",
            "start_date": START,
            "horizon_days": horizon,
            "warm_up_days": draw(st.integers(min_value=0, max_value=horizon - 1)),
            "seed": draw(st.integers(min_value=0, max_value=2**63 - 1)),
            "replications": 1,
        },
        "calendar": {
            "always_open": always_open,
            "summer_staffing_share": draw(_share),
            "public_holidays": draw(st.booleans()),
        },
        "case_types": {"x": case_type},
        "streams": {"s": stream},
        "initial_state": initial,
        "staff": {
            # Reception alone, assessment with plan, follow-up apart: valid under
            # generalist, specialised and split_aap alike.
            "front": team(["*.reception"]),
            "assess": team(["x.assessment", "x.plan", "x.disability"]),
            "follow": team(["x.follow_up", "x.renewal", "x.disability"]),
        },
        "organisation": {
            "model": draw(st.sampled_from(["generalist", "specialised", "split_aap"])),
            "task_switching_penalty": draw(st.floats(min_value=0.0, max_value=2.0)),
            "handoff_hours": draw(st.floats(min_value=0.0, max_value=8.0)),
            "priority": draw(st.permutations(list(TASKS))),
            "overdue_first": draw(st.booleans()),
        },
    }
    if draw(st.booleans()):
        data["organisation"]["caseload_work"] = "team"
    else:
        data["organisation"]["caseload_cap"] = draw(
            st.one_of(st.none(), st.integers(min_value=1, max_value=20))
        )
    if draw(st.booleans()):
        data.update(draw(_changes_over_time(horizon, data["staff"])))
    if draw(st.booleans()):
        case_type["attendance"] = {
            "no_show_share": draw(st.floats(min_value=0.0, max_value=0.9)),
            "no_show_work_hours": draw(_distribution(1.0)),
            "rebook_days": draw(_distribution(14.0)),
            "sanction_after_no_shows": draw(st.integers(min_value=1, max_value=3)),
            "sanction_share": draw(_share),
        }
        case_type["reentry"] = {
            "share": draw(_share),
            "delay_days": draw(_distribution(20.0)),
        }
        stream["seasonal_factors"] = draw(
            st.lists(st.floats(min_value=0.0, max_value=3.0), min_size=12, max_size=12)
        )
    return parse_scenario(data, "generated")


@st.composite
def _changes_over_time(
    draw: st.DrawFn, horizon: int, staff: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Dated hires, one leaver where a team has someone, a reorganisation, an absence
    wave, an IT outage and random downtime, all inside the horizon."""

    def day() -> dt.date:
        return START + dt.timedelta(days=draw(st.integers(min_value=1, max_value=horizon - 1)))

    changes: list[dict[str, Any]] = []
    for name, team in staff.items():
        if draw(st.booleans()):
            changes.append({"date": day(), "team": name, "change": "hire", "people": 1})
        if team["headcount"] and draw(st.booleans()):
            changes.append({"date": day(), "team": name, "change": "leave", "people": 1})
    first, last = sorted([day(), day()])
    return {
        "staffing_changes": changes,
        "new_staff": {
            "ramp_up_days": draw(st.floats(min_value=0.0, max_value=60.0)),
            "ramp_up_start_speed": draw(_positive_share),
            "mentoring_hours_per_week": draw(st.floats(min_value=0.0, max_value=10.0)),
        },
        "reorganisations": [
            {"date": day(), "model": draw(st.sampled_from(["generalist", "specialised"]))}
        ],
        "absence_waves": [
            {
                "start_date": first,
                "end_date": last + dt.timedelta(days=1),
                "share": draw(_share),
            }
        ],
        "it_outages": [{"date": day(), "hours": draw(st.floats(min_value=0.5, max_value=48.0))}],
        "it_downtime": {"outages_per_year": draw(st.floats(min_value=0.0, max_value=50.0))},
    }


# Figures defined whatever happens (counts, daily means of stocks, rates per week/year).
ALWAYS_DEFINED = (
    "users_arrived",
    "users_in_office_mean",
    "aap_recipients_mean",
    "disability_applications_per_week",
    "overdue_contacts_mean",
    "follow_up_without_caseworker_mean",
    "handoffs_per_week",
)


@PROPERTY_SETTINGS
@given(scenarios())
def test_any_valid_scenario_runs_with_conservation_and_sane_figures(scenario: Scenario) -> None:
    """The run finishes; on every day users arrived = in the office + exited, the stages
    add up to the office, busy + idle = on duty; no figure is negative, shares and
    utilisations lie in [0, 1], counts and rates are never NaN, and a wait is NaN exactly
    when no such task started in the window."""
    result = run_replication(scenario, 0, record_events=True)
    series = result.timeseries
    assert len(series) == scenario.run.horizon_days
    assert (series["arrived_total"] == series["users_in_office"] + series["exited_total"]).all()
    in_stages = series[[f"in_{stage}" for stage in STOCK_STAGES]].sum(axis=1)
    assert (in_stages == series["users_in_office"]).all()
    staff = series["caseworkers_busy"] + series["caseworkers_idle"]
    assert (staff == series["caseworkers_on_duty"]).all()
    assert (series.drop(columns=["date"]).fillna(0).to_numpy() >= 0).all()

    figures = result.figures
    assert set(figures) == {spec.name for spec in figure_catalogue(scenario)}
    for spec in figure_catalogue(scenario):
        value = figures[spec.name]
        if math.isnan(value):
            continue
        assert value >= 0, (spec.name, value)
        if spec.unit == "share":
            assert value <= 1 + 1e-9, (spec.name, value)
    for name in ALWAYS_DEFINED:
        assert not math.isnan(figures[name]), name

    events = result.events
    assert events is not None
    t0, t1 = scenario.run.warm_up_days, scenario.run.horizon_days
    times = events["time_days"].to_numpy()
    in_window = (times >= t0) & (times <= t1)
    for task in TASKS:
        started = bool(np.any(in_window & (events["event"] == f"start_{task}").to_numpy()))
        assert math.isnan(figures[f"wait_{task}_days_mean"]) == (not started), task
        assert math.isnan(figures[f"waited_{task}_share"]) == (not started), task
    # Users arrived counts newcomers: the log's arrivals in the window, less the users
    # present at time 0 when the window starts then.
    logged = int(np.sum(in_window & (events["event"] == "arrive").to_numpy()))
    initial = sum(group.users for group in scenario.initial_state) if t0 == 0 else 0
    assert figures["users_arrived"] == logged - initial
