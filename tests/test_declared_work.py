"""Work declared beside the stages' own: each way it arises on a case worked out by
hand or from a Poisson count, who does it, deadlines, and the checks of the section."""

from __future__ import annotations

import math
from typing import Any

import pytest

from capacity.model import run_replication
from capacity.scenario import ScenarioError, parse_scenario

HOURS = 24.0


def _office(
    case_type: dict[str, Any], streams: dict[str, Any], staff: dict[str, Any], **run: Any
) -> dict[str, Any]:
    return {
        "run": {"name": "declared", "start_date": "2010-03-01", "horizon_days": 7, **run},
        "calendar": {"always_open": True},
        "case_types": {"x": case_type},
        "streams": streams,
        "staff": staff,
        "organisation": {"model": "specialised", "task_switching_penalty": 0.0},
    }


def _batch(users: int, entry_stage: str | None = None) -> dict[str, Any]:
    stream: dict[str, Any] = {"case_type": "x", "batches": [{"date": "2010-03-01", "users": users}]}
    if entry_stage:
        stream["entry_stage"] = entry_stage
    return {"batch": stream}


def test_work_at_a_stage_is_picked_first_unless_placed() -> None:
    """Three users arrive together at reception, which also releases two hours of
    'welcome' work each. One desk open around the clock does both; 'welcome' is not in
    organisation.priority, so it is picked first: welcomes at 0-2, 2-4, 4-6 hours (waits
    0, 2, 4), then the one-hour receptions at 6, 7 and 8 (waits 6, 7, 8). In the week the
    desk spent 6 hours on welcomes and 3 on reception."""
    ct = {
        "stages": ["reception"],
        "reception": {"work_hours": {"dist": "fixed", "value": 1.0}},
        "work": [{"name": "welcome", "arises": "at_stage", "stage": "reception", "hours": 2.0}],
    }
    staff = {"desk": {"headcount": 1, "tasks": ["x.*"], "case_work_share": 1.0}}
    f = run_replication(parse_scenario(_office(ct, _batch(3), staff)), 0).figures
    assert f["wait_welcome_days_mean"] == pytest.approx(2 / HOURS)
    assert f["wait_reception_days_mean"] == pytest.approx(7 / HOURS)
    assert f["welcome_per_week"] == pytest.approx(3.0)
    assert f["work_hours_per_week_desk_welcome"] == pytest.approx(6.0)
    assert f["work_hours_per_week_desk_reception"] == pytest.approx(3.0)


def test_work_every_so_often_while_in_a_stage() -> None:
    """Five users in follow-up from day 0 give a contact every 7 days: on days 7, 14 and
    21 of a 28-day horizon (day 28 is past it), 15 in 4 weeks."""
    ct = {
        "stages": ["follow_up"],
        "work": [{"name": "call", "arises": "every", "interval_days": 7, "hours": 0.5}],
    }
    staff = {"team": {"headcount": 1, "tasks": ["x.*"], "case_work_share": 1.0}}
    data = _office(ct, _batch(5, "follow_up"), staff, horizon_days=28)
    f = run_replication(parse_scenario(data), 0).figures
    assert f["call_per_week"] == pytest.approx(15 / 4)


def _waiting(headcount: int) -> dict[str, Any]:
    """200 claims waiting 100 days for their decision, each asking 0.5 times a week, three
    times as often while awaiting the decision (1.5 a week), answered within 2 days."""
    ct = {
        "stages": ["decision"],
        "decision": {"delay_days": {"dist": "fixed", "value": 100.0}},
        "work": [
            {
                "name": "request",
                "arises": "per_user",
                "during": ["decision"],
                "rate_per_week": 0.5,
                "state_factors": {"awaiting_decision": 3.0},
                "hours": 0.1,
                "done_by": "anyone",
                "deadline_days": 2.0,
            }
        ],
    }
    staff = {"desk": {"headcount": headcount, "tasks": ["x.*"], "case_work_share": 1.0}}
    return _office(ct, _batch(200, "decision"), staff, horizon_days=100)


def test_requests_per_user_come_at_the_rate_the_state_gives() -> None:
    """The requests are a Poisson count with mean 200 x 1.5 a week: 300 a week, whose
    standard deviation over the 100/7 weeks is sqrt(300 x 100/7) / (100/7) = 4.6 a
    week; the count lies within four of them. With ample staff each is started at once,
    so all meet their deadline."""
    f = run_replication(parse_scenario(_waiting(5)), 0).figures
    weeks = 100 / 7
    sd = math.sqrt(300 * weeks) / weeks
    assert abs(f["request_per_week"] - 300) < 4 * sd
    assert f["request_within_deadline_share"] == 1.0
    assert f["wait_request_days_mean"] == pytest.approx(0.0, abs=1e-9)


def test_requests_nobody_answers_all_miss_their_deadline() -> None:
    """With nobody on the desk no request is started: every deadline is missed."""
    f = run_replication(parse_scenario(_waiting(0)), 0).figures
    assert f["request_within_deadline_share"] == 0.0
    assert f["request_per_week"] > 0


def test_the_declared_work_is_checked() -> None:
    """A stage's task name, a way of arising without what it needs or with what another
    way needs, a stage the case type does not have, a priority naming no task, and one
    name declared twice with different rules are refused, each naming the place."""
    base = {
        "stages": ["reception"],
        "reception": {"work_hours": {"dist": "fixed", "value": 1.0}},
    }
    staff = {"desk": {"headcount": 1, "tasks": ["x.*"], "case_work_share": 1.0}}
    bad: list[tuple[list[dict[str, Any]], str]] = [
        (
            [{"name": "follow_up", "arises": "at_stage", "stage": "reception", "hours": 1}],
            "stage's own work",
        ),
        ([{"name": "w", "arises": "at_stage", "hours": 1}], "needs stage"),
        (
            [
                {
                    "name": "w",
                    "arises": "per_user",
                    "rate_per_week": 1,
                    "interval_days": 7,
                    "hours": 1,
                }
            ],
            "remove interval_days",
        ),
        (
            [{"name": "w", "arises": "at_stage", "stage": "plan", "hours": 1}],
            "not a stage of case type",
        ),
        (
            [
                {
                    "name": "w",
                    "arises": "at_stage",
                    "stage": "reception",
                    "hours": 1,
                    "overdue_first": True,
                }
            ],
            "needs deadline_days",
        ),
    ]
    for work, message in bad:
        with pytest.raises(ScenarioError, match=message):
            parse_scenario(_office({**base, "work": work}, _batch(1), staff))
    data = _office(
        {**base, "work": [{"name": "w", "arises": "at_stage", "stage": "reception", "hours": 1}]},
        _batch(1),
        staff,
    )
    data["organisation"]["priority"] = [
        "w", "reception", "disability", "assessment", "plan", "renewal", "follow_up", "nothing"
    ]  # fmt: skip
    with pytest.raises(ScenarioError, match=r"organisation\.priority\.7"):
        parse_scenario(data)
    data["case_types"]["y"] = {
        **base,
        "work": [
            {
                "name": "w",
                "arises": "at_stage",
                "stage": "reception",
                "hours": 1,
                "done_by": "anyone",
            }
        ],
    }
    data["organisation"]["priority"] = data["organisation"]["priority"][:-1]
    with pytest.raises(ScenarioError, match="must agree"):
        parse_scenario(data)


def test_a_service_described_without_code_of_its_own() -> None:
    """The bundled debt-counselling service runs from its file alone: no module of the
    package names it or its kinds of work, and its counsellors spend their time on
    exactly the declared work (the stage brings none)."""
    from pathlib import Path

    import capacity

    package = Path(capacity.__file__).parent
    sources = [p.read_text(encoding="utf-8") for p in package.rglob("*.py")]
    for word in ("debt", "counselling", "intake"):
        assert not [s for s in sources if word in s], word
    scenario = capacity.with_changes(
        capacity.load_scenario("debt_counselling"),
        {"run.horizon_days": 120, "run.warm_up_days": 60},
    )
    f = run_replication(scenario, 0).figures
    assert f["work_hours_per_week_counsellors_follow_up"] == 0.0
    assert f["work_hours_per_week_counsellors_renewal"] == 0.0
    declared = sum(
        f[f"work_hours_per_week_counsellors_{name}"]
        for name in ("intake", "counselling", "debt_request")
    )
    assert declared > 0
    assert 0 <= f["debt_request_within_deadline_share"] <= 1
