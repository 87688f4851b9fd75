"""Drop-out and re-entry, and dated benefit rules: the maximum period by the date a
spell started, what happens at the maximum, and the waiting period before a new spell.

The maximum AAP period was 4 years for spells started 2010-2017 and 3 years from 1
January 2018 (Prop. 74 L (2016-2017)); a waiting period of 52 weeks before a new spell
for those who reached the maximum applied from 1 January 2018 until it was repealed
from 1 July 2022 (Prop. 114 LS (2021-2022), chapter 11). The cases below use short
periods with those dates, timed by hand.
"""

from __future__ import annotations

import math

import pytest

from capacity.model import run_replication
from capacity.scenario import ScenarioError, parse_scenario

YEAR_DAYS = 365.25


def _follow_up_only(
    follow_up: dict,
    *,
    start: str = "2010-03-01",
    horizon: int = 60,
    batches: list[dict] | None = None,
    reentry: dict | None = None,
    headcount: int = 2,
) -> dict:
    """AAP users who start in follow-up (the benefit starts on arrival)."""
    case_type: dict = {"aap": True, "stages": ["follow_up"], "follow_up": follow_up}
    if reentry is not None:
        case_type["reentry"] = reentry
    return {
        "run": {"name": "rules", "start_date": start, "horizon_days": horizon},
        "calendar": {"always_open": True},
        "case_types": {"x": case_type},
        "streams": {"s": {"case_type": "x", "batches": batches or [{"date": start, "users": 1}]}},
        "staff": {"team": {"headcount": headcount, "tasks": ["x.*"], "case_work_share": 1.0}},
        "organisation": {"model": "specialised", "task_switching_penalty": 0.0},
    }


def _events(data: dict, replication: int = 0):
    result = run_replication(parse_scenario(data), replication, record_events=True)
    return result, result.events


def _times(events, event: str) -> list[float]:
    return events[events["event"] == event]["time_days"].round(9).tolist()


# ----------------------------------------------------------------- maximum period


def test_an_extension_adds_its_days_to_the_maximum() -> None:
    """One user, maximum 10 days, extension share 1, extension 7 days: extended at day
    10, leaves with 'max_period' at day 17."""
    follow = {
        "max_period_days": 10.0,
        "at_max_period": {"extension_share": 1.0, "extension_days": 7.0},
    }
    _, ev = _events(_follow_up_only(follow))
    assert _times(ev, "max_period_extended") == [10.0]
    assert _times(ev, "exit_max_period") == [17.0]


def test_the_maximum_is_the_one_in_force_when_the_spell_started() -> None:
    """Maximum 10 days, 5 days for spells from 1 January 2018. A spell started 20
    December 2017 ends on 30 December (10 days); one started 27 December 2017 ends 6
    January 2018 (still 10 days: it started before the change, though it ends after);
    one started 10 January 2018 ends 15 January (5 days)."""
    follow = {
        "max_period_days": 10.0,
        "max_period_changes": [{"from_date": "2018-01-01", "max_period_days": 5.0}],
    }
    batches = [
        {"date": "2017-12-20", "users": 1},
        {"date": "2017-12-27", "users": 1},
        {"date": "2018-01-10", "users": 1},
    ]
    _, ev = _events(_follow_up_only(follow, start="2017-12-01", horizon=60, batches=batches))
    exits = ev[ev["event"] == "exit_max_period"]["date"].tolist()
    assert exits == ["2017-12-30", "2018-01-06", "2018-01-15"]


def test_initial_users_spell_start_is_before_the_run() -> None:
    """Users present at 1 January 2018 with 500 days of benefit used started their spell
    in 2016: they keep the 4-year maximum (1461 days) and leave after 961 more days;
    the 3-year maximum would have them leave after 595."""
    follow = {
        "max_period_days": 1461.0,
        "max_period_changes": [{"from_date": "2018-01-01", "max_period_days": 1095.0}],
    }
    data = _follow_up_only(follow, start="2018-01-01", horizon=1000)
    data["streams"] = {}
    data["initial_state"] = [
        {
            "case_type": "x",
            "stage": "follow_up",
            "users": 1,
            "benefit_elapsed_days": {"dist": "fixed", "value": 500.0},
        }
    ]
    _, ev = _events(data)
    assert _times(ev, "exit_max_period") == [961.0]


def test_outcomes_at_the_maximum_have_their_shares() -> None:
    """3,000 users reach a 10-day maximum: 30 % to a disability assessment, 20 % job
    seekers, 20 % extended by 5 days, the rest 'max_period'. After the extension the
    same outcomes apply without one (disability 0.3/0.8, job seeker 0.2/0.8), so in all
    0.3 + 0.2 x 0.375 = 0.375 disability, 0.2 + 0.2 x 0.25 = 0.25 job seekers and 0.375
    'max_period', each within four binomial sd. Every disability exit has had its case
    prepared."""
    users = 3000
    follow = {
        "max_period_days": 10.0,
        "at_max_period": {
            "disability_share": 0.3,
            "job_seeker_share": 0.2,
            "extension_share": 0.2,
            "extension_days": 5.0,
        },
    }
    data = _follow_up_only(
        follow, horizon=30, batches=[{"date": "2010-03-01", "users": users}], headcount=50
    )
    result, ev = _events(data)
    n = ev["event"].value_counts().to_dict()
    assert n["max_period_extended"] == pytest.approx(0.2 * users, abs=4 * math.sqrt(users * 0.16))
    for event, share in (
        ("exit_disability", 0.375),
        ("exit_job_seeker", 0.25),
        ("exit_max_period", 0.375),
    ):
        assert n[event] == pytest.approx(
            share * users, abs=4 * math.sqrt(users * share * (1 - share))
        )
    assert n["exit_disability"] + n["exit_job_seeker"] + n["exit_max_period"] == users
    assert n["done_disability"] == n["exit_disability"]
    years = 30 / YEAR_DAYS
    assert result.figures["exits_per_year_job_seeker"] == pytest.approx(
        n["exit_job_seeker"] / years
    )


# ---------------------------------------------------------------- waiting period

WAITING_2018_2022 = {
    "waiting_period_days": 0.0,
    "waiting_period_changes": [
        {"from_date": "2018-01-01", "waiting_period_days": 364.0},
        {"from_date": "2022-07-01", "waiting_period_days": 0.0},
    ],
}


@pytest.mark.parametrize(
    ("start", "back"),
    [
        # Spell ends 11 January 2017, before the waiting period: back after 30 days.
        ("2017-01-01", "2017-02-10"),
        # Ends 11 January 2019: back 364 days later (the 30 days are inside them).
        ("2019-01-01", "2020-01-10"),
        # Ends 11 January 2022: the repeal on 1 July 2022 frees the user then.
        ("2022-01-01", "2022-07-01"),
        # Ends 11 July 2022, after the repeal: back after 30 days.
        ("2022-07-01", "2022-08-10"),
    ],
)
def test_waiting_period_before_a_new_spell_after_the_maximum(start: str, back: str) -> None:
    """One user with a 10-day maximum, who always claims again 30 days after leaving at
    the maximum; the waiting period is 52 weeks (364 days) from 1 January 2018 until 1
    July 2022 and 0 otherwise. The new claim arrives on the hand-computed date."""
    follow = {"max_period_days": 10.0, **WAITING_2018_2022}
    reentry = {"after_max_period_share": 1.0, "delay_days": {"dist": "fixed", "value": 30.0}}
    _, ev = _events(_follow_up_only(follow, start=start, horizon=400, reentry=reentry))
    arrivals = ev[ev["event"] == "reentry"]["date"].tolist()
    assert arrivals[0] == back


def test_waiting_period_does_not_apply_to_other_exits() -> None:
    """A rejected claimant who claims again 30 days later is not held back by the
    waiting period (it applies only after leaving at the maximum)."""
    data = {
        "run": {"name": "wait", "start_date": "2019-01-01", "horizon_days": 100},
        "case_types": {
            "x": {
                "aap": True,
                "stages": ["decision"],
                "decision": {"rejection_share": 1.0},
                "follow_up": WAITING_2018_2022,
                "reentry": {
                    "share": 1.0,
                    "after_reasons": ["rejected"],
                    "delay_days": {"dist": "fixed", "value": 30.0},
                },
            }
        },
        "streams": {"s": {"case_type": "x", "batches": [{"date": "2019-01-01", "users": 1}]}},
        "staff": {"desk": {"headcount": 1, "tasks": ["x.reception"]}},
    }
    result, ev = _events(data)
    # Rejected at once, back at 30, 60 and 90 days: three re-entries in the 100 days.
    assert _times(ev, "reentry") == [30.0, 60.0, 90.0]
    assert _times(ev, "exit_rejected") == [0.0, 30.0, 60.0, 90.0]
    assert result.figures["users_arrived"] == 4
    assert result.figures["reentries_per_year"] == pytest.approx(3 / (100 / YEAR_DAYS))
    assert result.timeseries["reentered_total"].tolist()[29:31] == [0, 1]


# ------------------------------------------------------------------------ re-entry


def _dropping_out(share: float, users: int = 3000) -> dict:
    """Users in follow-up leaving to work (0.5 a year) or for other reasons (2 a year),
    a share of the 'other' exits coming back at once as new claimants."""
    follow = {"exit_per_year": {"work": 0.5, "other": 2.0}}
    reentry = {"share": share, "delay_days": {"dist": "fixed", "value": 0.0}}
    return _follow_up_only(
        follow,
        horizon=365,
        batches=[{"date": "2010-03-01", "users": users}],
        reentry=reentry,
        headcount=40,
    )


def test_reentries_are_the_share_of_qualifying_exits_and_count_as_arrivals() -> None:
    """Re-entry share 0.4 after 'other' (and 'sanction', which does not occur here),
    none after 'work', coming back at once: the re-entries are Binomial(qualifying exits,
    0.4), within four sd of 0.4 x those exits; every returning user counts as an arrival
    (users_arrived = batch + re-entries) and users are conserved every day."""
    users, share = 3000, 0.4
    result, ev = _events(_dropping_out(share, users))
    n = ev["event"].value_counts().to_dict()
    qualifying = n.get("exit_other", 0) + n.get("exit_sanction", 0)
    back = n["reentry"]
    assert back == pytest.approx(
        share * qualifying, abs=4 * math.sqrt(qualifying * share * (1 - share))
    )
    f = result.figures
    years = 365 / YEAR_DAYS
    assert f["reentries_per_year"] == pytest.approx(back / years)
    assert f["reentries_per_year"] == pytest.approx(
        share * f["exits_per_year_other"], rel=4 * math.sqrt((1 - share) / (share * qualifying))
    )
    assert f["users_arrived"] == users + back
    ts = result.timeseries
    assert (ts["arrived_total"] == ts["users_in_office"] + ts["exited_total"]).all()
    assert ts["reentered_total"].iloc[-1] == back
    # A returning user is a new user: one arrival event per user.
    assert ev[ev["event"] == "arrive"]["user"].is_unique


def test_reentry_leaves_the_other_users_numbers_unchanged() -> None:
    """Common random numbers: returning users draw from generators of their own, so
    with and without re-entry the users of the batch leave at the same times for the
    same reasons (their exits here do not depend on the office's workload)."""
    _, without = _events(_dropping_out(0.0, 500))
    _, with_back = _events(_dropping_out(0.5, 500))
    first = with_back[with_back["user"] <= 500]
    exits = ["exit_work", "exit_other"]
    a = without[without["event"].isin(exits)][["user", "time_days", "event"]]
    b = first[first["event"].isin(exits)][["user", "time_days", "event"]]
    assert a.reset_index(drop=True).equals(b.reset_index(drop=True))


def test_rules_are_checked_with_their_field() -> None:
    """Shares at the maximum above 1, dated changes out of order, 'max_period' among
    the re-entry reasons and a re-entry stage outside the pathway are refused."""
    cases = [
        (
            {"at_max_period": {"disability_share": 0.6, "extension_share": 0.5}},
            None,
            "case_types.x.follow_up.at_max_period: disability_share + job_seeker_share",
        ),
        (
            {
                "max_period_changes": [
                    {"from_date": "2018-01-01", "max_period_days": 1095},
                    {"from_date": "2016-01-01", "max_period_days": 1461},
                ]
            },
            None,
            "case_types.x.follow_up.max_period_changes: the changes must have distinct",
        ),
        ({}, {"after_reasons": ["max_period"]}, "case_types.x.reentry.after_reasons.0:"),
        ({}, {"entry_stage": "plan"}, "case_types.x.reentry.entry_stage: 'plan' is not a stage"),
    ]
    for follow, reentry, message in cases:
        with pytest.raises(ScenarioError) as info:
            parse_scenario(_follow_up_only(follow, reentry=reentry))
        assert info.value.problems[0].startswith(message), info.value.problems
