"""Team caseloads (``organisation.caseload_work = "team"``) and follow-up that ends after
a contact (``follow_up.end_after_contact_share``).

With a contact interval of 0, follow-up is a multi-server station with a return loop:
after each contact the user comes back with probability 1 - q. Under team caseloads its
queue is shared, first come first served, so by Jackson's theorem it is an M/M/c queue
with arrival rate lambda / q, whose exact waits Erlang C gives.
"""

from __future__ import annotations

import pytest
from helpers import interval, replicate

from capacity.experiment.erlang import erlang_c
from capacity.model import run_replication
from capacity.scenario import ScenarioError, parse_scenario

HOURS = 24.0
ARRIVALS_PER_HOUR = 3.0
END_SHARE = 0.5
SERVERS = 4
MEAN_CONTACT_HOURS = 0.5
GROUPS = ("standard", "situational", "specially_adapted", "permanently_adapted")


def _loop(caseload_work: str = "team", days: int = 200, end_share: float = END_SHARE) -> dict:
    return {
        "run": {"name": "loop", "horizon_days": days, "warm_up_days": 10, "seed": 7},
        "calendar": {"always_open": True},
        "case_types": {
            "fu": {
                "label": "follow-up loop",
                "stages": ["follow_up"],
                "plan": {"validity_days": 3650},
                "follow_up": {
                    "contact_interval_days": dict.fromkeys(GROUPS, 0),
                    "booking_lead_days": 0,
                    "contact_work_hours": {"dist": "exponential", "mean": MEAN_CONTACT_HOURS},
                    "end_after_contact_share": end_share,
                },
            }
        },
        "streams": {
            "arrivals": {
                "case_type": "fu",
                "entry_stage": "follow_up",
                "rate_per_week": ARRIVALS_PER_HOUR * 168,
            }
        },
        "staff": {
            "team": {
                "headcount": SERVERS,
                "tasks": ["fu.follow_up", "fu.renewal"],
                "case_work_share": 1.0,
            }
        },
        "organisation": {
            "model": "specialised",
            "task_switching_penalty": 0.0,
            "handoff_hours": 0.0,
            "caseload_work": caseload_work,
        },
    }


def test_team_caseloads_exclude_a_cap_and_absence_cover() -> None:
    """Each combination that cannot apply is refused, naming the fields."""
    for extra, field in (
        ({"caseload_cap": 50}, "caseload_cap"),
        ({"absence_cover": "colleagues"}, "absence_cover"),
    ):
        data = _loop()
        data["organisation"].update(extra)
        with pytest.raises(ScenarioError, match=field):
            parse_scenario(data)
    data = _loop()
    data["organisation"].update(caseload_cap=50, absence_cover="colleagues")
    with pytest.raises(ScenarioError, match=r"caseload_cap.*and absence_cover"):
        parse_scenario(data)  # both problems at once


def test_contact_interval_may_be_zero_only_when_follow_up_can_end() -> None:
    """0 days is allowed with an end share above 0; negative days never, and 0 days
    without an end share is refused (the contacts would repeat for ever)."""
    parse_scenario(_loop())
    data = _loop()
    data["case_types"]["fu"]["follow_up"]["contact_interval_days"]["standard"] = -1
    with pytest.raises(ScenarioError, match=r"\[0, 3650\]"):
        parse_scenario(data)
    with pytest.raises(ScenarioError, match="end_after_contact_share above 0"):
        parse_scenario(_loop(end_share=0.0))


def test_every_user_gets_exactly_one_contact_when_follow_up_always_ends() -> None:
    """With end share 1 every user leaves 'completed' after one contact: the users who
    left equal the contacts held (conservation), and nobody leaves any other way."""
    result = run_replication(parse_scenario(_loop(days=20, end_share=1.0)), 0)
    series = result.timeseries
    exited = int(series["exited_total"].iloc[-1])
    assert exited > 1000
    assert int(series["tasks_done"].sum()) in (exited, exited + 1, exited + 2, exited + 3)


def test_pooled_follow_up_waits_less_than_personal_caseloads() -> None:
    """Same users, same numbers: contacts wait less on average in a shared queue than
    when each user's contacts go to their own caseworker (pooled servers). Not the share
    who wait: under personal caseloads a return is released just as its caseworker comes
    free, so it rarely waits, while new users wait longer."""
    team = run_replication(parse_scenario(_loop("team", days=60)), 0).figures
    personal = run_replication(parse_scenario(_loop("personal", days=60)), 0).figures
    assert team["wait_follow_up_days_mean"] < personal["wait_follow_up_days_mean"]


@pytest.mark.slow
def test_return_loop_matches_erlang_c_and_geometric_contacts() -> None:
    """Follow-up station with a return loop under team caseloads: the exact Erlang-C wait
    in queue and probability of waiting at the station's arrival rate lambda / q lie in
    the model's 95 % intervals, and users receive 1 / q = 2 contacts on average."""
    rate = ARRIVALS_PER_HOUR / END_SHARE
    load = rate * MEAN_CONTACT_HOURS
    p_wait = erlang_c(SERVERS, load)
    wq_hours = p_wait / (SERVERS / MEAN_CONTACT_HOURS - rate)
    results = replicate(parse_scenario(_loop(days=300)), 8)
    mean, low, high = interval([r.figures["wait_follow_up_days_mean"] * HOURS for r in results])
    assert low <= wq_hours <= high, (mean, low, high, wq_hours)
    assert (high - low) / 2 < 0.15 * wq_hours
    mean, low, high = interval([r.figures["waited_follow_up_share"] for r in results])
    assert low <= p_wait <= high, (mean, low, high, p_wait)
    contacts = [
        r.timeseries["tasks_done"].sum() / r.timeseries["exited_total"].iloc[-1] for r in results
    ]
    mean, low, high = interval(contacts)
    assert low <= 1 / END_SHARE <= high, (mean, low, high)
