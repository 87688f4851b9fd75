"""Deterministic cases timed by hand: fixed work, a few users, exact waits."""

from __future__ import annotations

import pytest

from capacity.model import run_replication
from capacity.model.replication import build_office
from capacity.scenario import parse_scenario


def _one_desk(calendar: dict, work_hours: float, users: int, headcount: int = 1) -> dict:
    return {
        "run": {"name": "hand", "start_date": "2010-03-01", "horizon_days": 7},
        "calendar": calendar,
        "case_types": {
            "x": {
                "stages": ["reception"],
                "reception": {"work_hours": {"dist": "fixed", "value": work_hours}},
            }
        },
        "streams": {
            "batch": {"case_type": "x", "batches": [{"date": "2010-03-01", "users": users}]}
        },
        "staff": {
            "desk": {"headcount": headcount, "tasks": ["x.reception"], "case_work_share": 1.0}
        },
        "organisation": {"model": "specialised", "task_switching_penalty": 0.0},
    }


def test_three_users_one_server_open_all_day_wait_0_1_2_hours() -> None:
    """Three users arrive together at midnight; one server, 1 hour each, open 24/7.
    Waits are 0, 1 and 2 hours: mean 1 hour = 1/24 day."""
    s = parse_scenario(_one_desk({"always_open": True}, 1.0, 3))
    f = run_replication(s, 0).figures
    assert f["wait_reception_days_mean"] == pytest.approx(1 / 24)
    assert f["waited_reception_share"] == pytest.approx(2 / 3)  # two of three waited
    assert f["exits_per_year_completed"] == pytest.approx(3 / (7 / 365.25))


def test_closed_hours_count_as_waiting_and_work_resumes_next_morning() -> None:
    """Office open 08:00-15:30 (7.5 h), Monday 1 March 2010; three users at midnight
    needing 4 hours each; one caseworker doing only case work.
    User 1 starts 08:00 (wait 8 h), ends 12:00. User 2 starts 12:00 (wait 12 h), works
    3.5 h to closing and 0.5 h on Tuesday, ending 08:30. User 3 starts Tuesday 08:30
    (wait 32.5 h). Mean wait (8 + 12 + 32.5) / 3 = 17.5 hours."""
    s = parse_scenario(_one_desk({"opening_hour": 8.0, "hours_per_day": 7.5}, 4.0, 3))
    result = run_replication(s, 0, record_events=True)
    assert result.figures["wait_reception_days_mean"] == pytest.approx(17.5 / 24)
    done = result.events[result.events.event == "done_reception"]["time_days"].tolist()
    assert [round(d * 24, 6) for d in done] == [12.0, 32.5, 36.5]
    # Utilisation: 12 hours of work over Monday-Sunday duty hours (5 days * 7.5 h).
    assert result.figures["utilisation_desk"] == pytest.approx(12 / 37.5)


def test_no_one_on_duty_on_a_public_holiday() -> None:
    """Monday 5 April 2010 is Easter Monday (closed); one user arriving then with 1 hour
    of work waits until Tuesday 08:00: 32 hours."""
    data = _one_desk({"opening_hour": 8.0, "hours_per_day": 7.5}, 1.0, 1)
    data["run"]["start_date"] = "2010-04-05"
    data["streams"]["batch"]["batches"][0]["date"] = "2010-04-05"
    f = run_replication(parse_scenario(data), 0).figures
    assert f["wait_reception_days_mean"] == pytest.approx(32 / 24)


def test_team_with_no_headcount_runs_with_a_warning_and_the_queue_keeps_everyone() -> None:
    """A team emptied of people but still routed work: the run finishes, a warning names
    the team, and every arrival is still waiting at the end (queue = arrivals)."""
    s = parse_scenario(_one_desk({"always_open": True}, 1.0, 5, headcount=0))
    result = run_replication(s, 0)
    assert any("desk" in w for w in result.warnings)
    last = result.timeseries.iloc[-1]
    assert last["queue_reception"] == 5
    assert last["users_in_office"] == 5


def test_absent_caseworker_does_no_work_and_every_hour_of_work_is_accounted_for() -> None:
    """One caseworker absent about half the working days (spells of 10 days); 20 users
    arrive on day 0 with exactly 2 hours of work each. Every user is served, the hours
    worked add up to exactly 40, and no hour is worked on a day without duty."""
    data = _one_desk({"opening_hour": 8.0, "hours_per_day": 7.5}, 2.0, 20)
    data["run"]["horizon_days"] = 90
    data["staff"]["desk"].update(absence_share=0.5, absence_spell_days=10)
    scenario = parse_scenario(data)
    env, office, snapshots = build_office(scenario, 0)
    env.run(until=env.process(snapshots.process(90)))
    team = office.teams[0]
    assert office.exited_total == 20
    assert team.busy_hours.sum() == pytest.approx(40.0)
    assert not (team.busy_hours[team.duty_hours == 0] > 0).any()
    # Absence really removed working days: fewer duty days than the office was open.
    open_days = scenario.compiled.open_days[:91].sum()
    assert (team.duty_hours > 0).sum() < open_days


def test_caseload_cap_is_never_exceeded_and_the_rest_wait_for_a_caseworker() -> None:
    """Ten users in follow-up at time 0, two caseworkers with a cap of 3 users each: the
    caseloads are exactly 3 and 3 every day, and the 4 others never get a caseworker."""
    data = {
        "run": {"name": "cap", "start_date": "2010-03-01", "horizon_days": 60},
        "case_types": {"fu": {"stages": ["follow_up"]}},
        "initial_state": [{"case_type": "fu", "stage": "follow_up", "users": 10}],
        "staff": {"team": {"headcount": 2, "tasks": ["fu.*"]}},
        "organisation": {"model": "specialised", "caseload_cap": 3},
    }
    scenario = parse_scenario(data)
    env, office, snapshots = build_office(scenario, 0)
    env.run(until=env.process(snapshots.process(60)))
    ts = run_replication(scenario, 0).timeseries
    assert (ts["caseload_follow_up_max"] == 3).all()
    assert (ts["caseload_follow_up_mean"] == 3).all()
    assert (ts["follow_up_without_caseworker"] == 4).all()
    assert sorted(len(cw.users) for cw in office.caseworkers) == [3, 3]
    assert sum(u.owner is None for u in office.users_by_uid.values()) == 4


def test_geometric_draw_stays_finite_for_tiny_probabilities() -> None:
    """A share of 5e-324 (the smallest float) flags no card within any horizon instead of
    overflowing; ordinary cases are exact (u = 0.5, p = 0.5: 1 trial; p = 0.1: 7)."""
    from capacity.model.entities import GEOMETRIC_CAP, geometric_from_uniform

    assert geometric_from_uniform(0.5, 5e-324) == GEOMETRIC_CAP
    assert geometric_from_uniform(0.5, 0.5) == 1
    assert geometric_from_uniform(0.5, 0.1) == 7  # ceil(log 0.5 / log 0.9) = ceil(6.58)


@pytest.mark.parametrize("work_hours", [12.0, 1.0])
def test_a_window_ending_at_the_noon_count_is_off_duty_at_it(work_hours: float) -> None:
    """Open around the clock with half the time for case work: the one caseworker's
    window is 00:00-12:00, ending exactly when staff are counted. At 12:00 they are off
    duty, neither busy nor idle, whether a 12-hour task ends then (busy until 12:00) or
    they have been idle since 01:00; the next day they are counted the same way."""
    data = _one_desk({"always_open": True}, work_hours, 1)
    data["staff"]["desk"]["case_work_share"] = 0.5
    series = run_replication(parse_scenario(data), 0).timeseries
    assert series["caseworkers_on_duty"].tolist() == [0] * 7
    assert series["caseworkers_busy"].tolist() == [0] * 7
    assert series["caseworkers_idle"].tolist() == [0] * 7
