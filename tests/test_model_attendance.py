"""Missed meetings (no-shows): rebooking, the time they cost, sanctions, and their
effect on an office under common random numbers."""

from __future__ import annotations

import itertools
import math

import pytest
from helpers import variant

from capacity.model import run_replication
from capacity.scenario import parse_scenario
from capacity.scenario.distributions import Fixed


def _assessments(users: int, meetings: int, attendance: dict, horizon: int = 200) -> dict:
    """A batch of users at time 0 who need ``meetings`` one-hour assessment meetings a
    day apart and then leave ('completed'); plenty of caseworkers, open 24/7."""
    return {
        "run": {"name": "noshow", "start_date": "2010-03-01", "horizon_days": horizon},
        "calendar": {"always_open": True},
        "case_types": {
            "x": {
                "stages": ["assessment"],
                "assessment": {
                    "meetings": meetings,
                    "work_hours_per_meeting": {"dist": "fixed", "value": 1.0},
                    "days_between_meetings": {"dist": "fixed", "value": 1.0},
                },
                "attendance": attendance,
            }
        },
        "streams": {"s": {"case_type": "x", "batches": [{"date": "2010-03-01", "users": users}]}},
        "staff": {"team": {"headcount": 40, "tasks": ["x.*"], "case_work_share": 1.0}},
        "organisation": {"model": "specialised", "task_switching_penalty": 0.0},
    }


def _counts(events) -> dict[str, int]:
    return events["event"].value_counts().to_dict()


def test_attempts_per_meeting_are_geometric_and_every_meeting_is_held() -> None:
    """With no-show probability p = 0.3 and no sanctions, the attempts needed to hold a
    meeting are geometric: mean 1/(1-p) = 1.4286 (sd sqrt(p)/(1-p) per meeting). 1,000
    users x 3 meetings: the mean lies within four standard errors of it; every meeting
    released is eventually held (conservation: 3,000 held, every user completes); each
    attempt is either held or missed; the share of attempts missed is p."""
    p, users, meetings = 0.3, 1000, 3
    s = parse_scenario(_assessments(users, meetings, {"no_show_share": p, "rebook_days": 2.0}))
    result = run_replication(s, 0, record_events=True)
    n = _counts(result.events)
    held = users * meetings
    assert n["done_assessment"] == held
    assert n["exit_completed"] == users
    assert n["start_assessment"] == held + n["no_show_assessment"]
    se = math.sqrt(p) / (1 - p) / math.sqrt(held)
    assert n["start_assessment"] / held == pytest.approx(1 / (1 - p), abs=4 * se)
    f = result.figures
    attempts = n["start_assessment"]
    assert f["meetings_missed_share"] == pytest.approx(n["no_show_assessment"] / attempts)
    assert f["meetings_missed_share"] == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / attempts))
    weeks = 200 / 7
    assert f["no_shows_per_week"] == pytest.approx(n["no_show_assessment"] / weeks)
    ts = result.timeseries
    assert (ts["arrived_total"] == ts["users_in_office"] + ts["exited_total"]).all()


def test_missed_meeting_costs_only_the_no_show_time_and_is_rebooked_as_timed_by_hand() -> None:
    """One user who never turns up (p = 1), no sanctions; 0.5 hours lost per attempt,
    rebooked 1 day after each. Attempts start at 0, 24.5, 49, ..., 220.5 hours: 10 in
    the 10-day horizon, 5 hours of work, none held; utilisation 5 / 240."""
    s = parse_scenario(
        _assessments(
            1,
            1,
            {"no_show_share": 1.0, "no_show_work_hours": 0.5, "rebook_days": 1.0},
            horizon=10,
        )
    )
    result = run_replication(s, 0, record_events=True)
    ev = result.events
    missed = ev[ev["event"] == "no_show_assessment"]["time_days"] * 24
    assert missed.round(9).tolist() == [24.5 * k for k in range(10)]
    assert "done_assessment" not in set(ev["event"])
    assert result.figures["utilisation_team"] == pytest.approx(5 / (240 * 40))
    # The rebooked meeting is waited for again from its new appointment: no wait.
    assert result.figures["wait_assessment_days_mean"] == pytest.approx(0.0)
    assert result.timeseries["users_in_office"].iloc[-1] == 1


def test_with_one_no_show_to_a_sanction_and_share_1_every_no_show_is_a_sanction() -> None:
    """sanction_after_no_shows = 1 and sanction_share = 1: each no-show is a sanction
    exit, nobody misses twice, and the users who complete are those who never missed
    (expected 0.7^3 of them for p = 0.3, within four binomial sd)."""
    users = 1000
    attendance = {"no_show_share": 0.3, "sanction_after_no_shows": 1, "sanction_share": 1.0}
    s = parse_scenario(_assessments(users, 3, attendance))
    result = run_replication(s, 0, record_events=True)
    ev = result.events
    n = _counts(ev)
    assert n["no_show_assessment"] == n["exit_sanction"]
    assert ev[ev["event"] == "no_show_assessment"]["user"].is_unique
    assert n["exit_sanction"] + n["exit_completed"] == users
    q = 0.7**3
    assert n["exit_completed"] == pytest.approx(users * q, abs=4 * math.sqrt(users * q * (1 - q)))
    assert result.figures["exits_per_year_sanction"] == pytest.approx(
        n["exit_sanction"] / (200 / 365.25)
    )
    ts = result.timeseries
    assert ts["queue_assessment"].iloc[-1] == 0
    assert (ts["arrived_total"] == ts["users_in_office"] + ts["exited_total"]).all()


def test_sanction_decision_comes_after_the_set_number_of_no_shows_in_a_row() -> None:
    """Two no-shows in a row and share 1: every sanctioned user's last two attempts were
    missed, and no user who completed ever missed two in a row (an attended meeting
    restarts the count)."""
    attendance = {
        "no_show_share": 0.4,
        "sanction_after_no_shows": 2,
        "sanction_share": 1.0,
        "rebook_days": 1.0,
    }
    result = run_replication(
        parse_scenario(_assessments(400, 3, attendance)), 0, record_events=True
    )
    ev = result.events
    attempts = ev[ev["event"].isin(["no_show_assessment", "done_assessment"])]
    exits = ev[ev["event"].str.startswith("exit_")].set_index("user")["event"]
    sanctioned = 0
    for user, rows in attempts.groupby("user"):
        missed = (rows["event"] == "no_show_assessment").tolist()
        in_row = any(a and b for a, b in itertools.pairwise(missed))
        if exits[user] == "exit_sanction":
            sanctioned += 1
            assert missed[-2:] == [True, True]
            assert not any(a and b for a, b in itertools.pairwise(missed[:-1]))
        else:
            assert exits[user] == "exit_completed"
            assert not in_row
    assert sanctioned > 0


def test_a_missed_contact_rebooked_after_its_due_date_is_overdue() -> None:
    """A follow-up user arriving from no team gets a hand-over contact due in 14 days.
    They never turn up and each rebooking takes 20 days, so the contact is overdue from
    day 14 on: all contacts due were overdue, and one contact is overdue at the end."""
    data = {
        "run": {"name": "overdue", "start_date": "2010-03-01", "horizon_days": 30},
        "calendar": {"always_open": True},
        "case_types": {
            "x": {
                "stages": ["follow_up"],
                "attendance": {"no_show_share": 1.0, "rebook_days": 20.0},
            }
        },
        "streams": {"s": {"case_type": "x", "batches": [{"date": "2010-03-01", "users": 1}]}},
        "staff": {"team": {"headcount": 1, "tasks": ["x.*"], "case_work_share": 1.0}},
        "organisation": {"model": "specialised"},
    }
    result = run_replication(parse_scenario(data), 0)
    assert result.figures["follow_up_contacts_overdue_share"] == 1.0
    overdue = result.timeseries["overdue_contacts"]
    assert overdue.iloc[13] == 0
    assert (overdue.iloc[14:] == 1).all()


def test_a_plain_number_of_hours_is_a_fixed_distribution() -> None:
    s = parse_scenario(_assessments(1, 1, {"no_show_work_hours": 0.5, "rebook_days": 7}))
    att = s.case_types["x"].attendance
    assert att.no_show_work_hours == Fixed(value=0.5)
    assert att.rebook_days == Fixed(value=7.0)


def test_more_no_shows_give_more_overdue_contacts_under_common_random_numbers() -> None:
    """office_2011 (120 days, observed from day 30) with 0 and with 30 % of AAP meetings
    missed: the same users arrive (common random numbers: the no-show draws come from
    each user's own generator), and with no-shows more follow-up contacts are overdue,
    in each of two replications."""
    changes = {"run__horizon_days": 120, "run__warm_up_days": 30}
    base = variant("office_2011", **changes)
    missed = variant("office_2011", case_types__aap__attendance={"no_show_share": 0.3}, **changes)
    for r in range(2):
        a = run_replication(base, r)
        b = run_replication(missed, r)
        assert (a.timeseries["arrived_total"] == b.timeseries["arrived_total"]).all()
        assert a.figures["no_shows_per_week"] == 0
        # Only AAP users miss meetings; the share is over every case type's meetings.
        assert 0.05 < b.figures["meetings_missed_share"] < 0.3
        assert b.figures["overdue_contacts_mean"] > a.figures["overdue_contacts_mean"]
        assert (
            b.figures["follow_up_contacts_overdue_share"]
            > a.figures["follow_up_contacts_overdue_share"]
        )
