"""Staffing over time, reorganisations and disturbances: hand-timed cases, conservation
and directions under common random numbers."""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest
from helpers import interval, replicate, variant

from capacity.model import run_replication
from capacity.model.calendar import DutyCalendar
from capacity.model.disturbances import Disturbance, _clear_days, disturbance_figures
from capacity.model.outages import outage_intervals
from capacity.model.replication import build_office
from capacity.scenario import ScenarioError, parse_scenario
from capacity.scenario.distributions import Triangular
from capacity.scenario.working_days import iso_weeks, office_open_days


def _desk(work_hours: float, users: int, headcount: int = 1, days: int = 7) -> dict:
    """One team doing reception only, open 24/7, all users arriving at time 0."""
    return {
        "run": {"name": "hand", "start_date": "2010-03-01", "horizon_days": days},
        "calendar": {"always_open": True},
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


def _follow_up_office(users: int, **organisation) -> dict:
    """Users in follow-up at time 0 (no exits), teams 'a' and 'b' both able to follow up."""
    return {
        "run": {"name": "fu", "start_date": "2010-03-01", "horizon_days": 60},
        "calendar": {"always_open": True},
        "case_types": {"fu": {"stages": ["follow_up"]}},
        "initial_state": [{"case_type": "fu", "stage": "follow_up", "users": users}],
        "staff": {"a": {"headcount": 3, "tasks": ["fu.*"]}},
        "organisation": {"model": "specialised", **organisation},
    }


# --------------------------------------------------------------------- the plan


def test_plan_hires_leave_last_in_first_out_and_moves_keep_the_person() -> None:
    data = _follow_up_office(5)
    data["staff"]["b"] = {"headcount": 1, "tasks": ["fu.renewal"]}
    data["staffing_changes"] = [
        {"date": "2010-03-11", "team": "a", "change": "hire", "people": 2},
        {"date": "2010-03-21", "team": "a", "change": "leave", "people": 1},
        {"date": "2010-03-31", "team": "a", "change": "move", "people": 1, "to_team": "b"},
        {"date": "2010-04-10", "team": "b", "change": "fte", "people": 1, "fte": 0.5},
    ]
    plan = parse_scenario(data).compiled.workforce
    assert plan.problems == ()
    assert [(p.origin, p.position, p.hire_day) for p in plan.persons] == [
        ("a", 0, 0), ("a", 1, 0), ("a", 2, 0), ("b", 0, 0), ("a", 3, 10), ("a", 4, 10)
    ]  # fmt: skip
    # The last hired leaves first (day 20); the next-last moves to b (day 30) ...
    assert plan.persons[5].leave_day == 20
    assert plan.persons[4].team_on(29) == "a"
    assert plan.persons[4].team_on(30) == "b"
    # ... and is then b's most recent member, so the FTE change falls on them.
    assert plan.persons[4].fte_on(39) == 1.0
    assert plan.persons[4].fte_on(40) == 0.5
    assert plan.persons[3].fte_on(40) == 1.0
    assert plan.change_days == (10, 20, 30, 40)
    # Each hire is mentored by an experienced colleague of team a, in turn.
    assert [(m.mentor, m.trainee, m.first_day, m.end_day) for m in plan.mentoring] == [
        (0, 4, 10, 100), (1, 5, 10, 100)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date": "2010-03-11", "team": "zz", "change": "hire"}, "staffing_changes.0.team"),
        ({"date": "2010-03-11", "team": "a", "change": "leave", "people": 4}, "has 3 people"),
        ({"date": "2011-03-11", "team": "a", "change": "hire"}, "staffing_changes.0.date"),
        ({"date": "2010-03-11", "team": "a", "change": "fte"}, "needs fte"),
        ({"date": "2010-03-11", "team": "a", "change": "move"}, "needs to_team"),
    ],
)
def test_invalid_staffing_changes_name_the_field(change: dict, message: str) -> None:
    data = _follow_up_office(5)
    data["staffing_changes"] = [change]
    with pytest.raises(ScenarioError, match=message):
        parse_scenario(data)


def test_reorganisation_to_a_model_that_leaves_work_undone_is_refused() -> None:
    data = _follow_up_office(5)
    data["staff"]["a"]["tasks"] = ["fu.follow_up"]
    data["staff"]["b"] = {"headcount": 1, "tasks": ["fu.renewal"]}
    data["organisation"]["model"] = "generalist"
    data["reorganisations"] = [{"date": "2010-04-01", "model": "specialised"}]
    parse_scenario(data)  # both teams together still do everything
    data["staff"]["b"]["tasks"] = ["fu.follow_up"]
    with pytest.raises(ScenarioError, match="under model 'specialised'"):
        parse_scenario(data)


# --------------------------------------------------------------------- calendar


def test_outage_cuts_the_window_and_the_work_resumes_after_it() -> None:
    """24/7 desk, one user with 10 hours of work at time 0, IT down from 02:00 to 05:00
    on day 0: the work ends at 13:00, and day 0 has 21 duty hours."""
    data = _desk(10.0, 1)
    data["it_outages"] = [{"date": "2010-03-01", "start_hour": 2.0, "hours": 3.0}]
    result = run_replication(parse_scenario(data), 0, record_events=True)
    done = result.events[result.events.event == "done_reception"]["time_days"]
    assert done.iloc[0] * 24 == pytest.approx(13.0)
    assert result.figures["utilisation_desk"] == pytest.approx(10 / (7 * 24 - 3))
    assert result.figures["it_outage_1_tasks_done_per_week_during"] == pytest.approx(7.0)


def test_calendar_with_fte_mentoring_and_employment_masks() -> None:
    """Office hours 08:00-15:30, a person employed from day 2, FTE 0.8 from day 3,
    2.5 hours a week of mentoring (0.5 h a working day) on days 3-4."""
    scenario = parse_scenario(_follow_up_office(1))
    run, calendar = scenario.run, scenario.calendar.model_copy(update={"always_open": False})
    days = 7  # Monday 1 March 2010 to Sunday
    open_days = office_open_days(calendar, run, days)
    employed = np.arange(days) >= 2
    fte = np.where(np.arange(days) >= 3, 0.8, 1.0)
    reduction = np.where((np.arange(days) >= 3) & (np.arange(days) < 5), 0.5, 0.0)
    team = scenario.staff["a"].model_copy(update={"case_work_share": 1.0})
    cal = DutyCalendar(
        calendar, team, open_days, iso_weeks(run, days), 0, 1, np.random.default_rng(0),
        employed=employed, fte=fte, reduction_hours=reduction,
    )  # fmt: skip
    assert cal.day_hours.tolist() == pytest.approx([0, 0, 7.5, 5.5, 5.5, 0, 0])
    assert cal.next_start(0.0) == pytest.approx(2 * 24 + 8)


def test_random_outages_are_poisson_with_the_configured_rate() -> None:
    """52 outages a year over a year: the count per replication has mean 52 (within its
    interval over 60 replications), and every interval lies inside the horizon."""
    data = _desk(1.0, 1, days=365)
    data["it_downtime"] = {"outages_per_year": 52.0, "outage_hours": {"dist": "fixed", "value": 1}}
    scenario = parse_scenario(data)
    counts = []
    for rep in range(60):
        intervals = outage_intervals(scenario, rep)
        assert all(0 <= s < e <= 365 * 24 for s, e in intervals)
        counts.append(len(intervals))
    _mean, low, high = interval(counts)
    expected = 52.0 * 365 / 365.25
    assert low <= expected <= high
    assert intervals == outage_intervals(scenario, 59)  # same seed, same outages


# ------------------------------------------------------------------ runtime rules


def test_new_caseworker_works_at_the_ramp_up_speed() -> None:
    """A desk whose only person leaves on day 1 while a new person is hired that day, at
    start speed 0.5 rising to 1 over 10 days. A 6-hour task started at the hire (day 1,
    00:00) takes 6 / 0.5 = 12 hours."""
    data = _desk(6.0, 0, days=5)
    data["streams"]["batch"]["batches"] = [{"date": "2010-03-02", "users": 1}]
    data["staffing_changes"] = [
        {"date": "2010-03-02", "team": "desk", "change": "hire"},
        {"date": "2010-03-02", "team": "desk", "change": "leave"},
    ]
    data["new_staff"] = {"ramp_up_days": 10, "ramp_up_start_speed": 0.5}
    # The leaver is the most recent member: the new hire. Swap the order instead.
    data["staffing_changes"].reverse()
    result = run_replication(parse_scenario(data), 0, record_events=True)
    done = result.events[result.events.event == "done_reception"]
    assert done["caseworker"].tolist() == ["desk-2"]
    assert done["time_days"].iloc[0] * 24 == pytest.approx(24 + 12, abs=1e-4)


@pytest.mark.parametrize("rule", ["least_loaded", "queue"])
def test_a_leavers_users_go_to_colleagues_or_wait(rule: str) -> None:
    """30 users on three caseloads of 10; one caseworker leaves on day 20. With
    least_loaded the two others hold all 30 (15 each); with queue, 10 users have no
    caseworker until their next contact. Users are conserved either way."""
    data = _follow_up_office(30, leaver_caseload=rule)
    data["staffing_changes"] = [{"date": "2010-03-21", "team": "a", "change": "leave"}]
    scenario = parse_scenario(data)
    env, office, _snapshots = build_office(scenario, 0)
    env.run(until=20 * 24 + 1)
    loads = [len(cw.users) for cw in office.caseworkers]
    assert loads[2] == 0
    assert not office.caseworkers[2].employed
    assert sum(loads) + sum(u.owner is None for u in office.users_by_uid.values()) == 30
    if rule == "least_loaded":
        assert loads[:2] == [15, 15]
        assert sum(u.extra_work for u in office.users_by_uid.values()) == pytest.approx(
            10 * scenario.organisation.handover_hours_per_user
        )
    else:
        assert loads[:2] == [10, 10]


def test_reorganisation_moves_follow_up_users_to_the_follow_up_team() -> None:
    """Generalist until day 30, then specialised: 'intake' does assessment and plan,
    'follow' does follow-up. After the reorganisation no intake caseworker holds a
    follow-up user, and everyone in follow-up is held by a member of 'follow'."""
    scenario = variant(
        "office_2011",
        run__horizon_days=60,
        run__warm_up_days=0,
        organisation__model="generalist",
        reorganisations=[{"date": "2010-03-31", "model": "split_aap"}],
    )
    env, office, _snapshots = build_office(scenario, 0)
    env.run(until=30 * 24 - 1)
    assert office.route["aap.follow_up"].name == "generalist"
    env.run(until=30 * 24 + 1)
    follow = office.team_by_name["follow_up"]
    assert office.route["aap.follow_up"] is follow
    holders = {
        u.owner.team.name for u in office.users_by_uid.values()
        if u.owner is not None and u.case_type == "aap" and u.stage == "follow_up"
    }  # fmt: skip
    assert holders == {"follow_up"}
    # Caseloads within one user of each other: least-loaded assignment.
    aap_loads = [len(cw.users) for cw in follow.members]
    assert max(aap_loads) - min(aap_loads) <= 1 + max(aap_loads) // 10


def test_cover_by_colleagues_empties_absent_personal_queues() -> None:
    """Under 'colleagues', at the end of every day no absent caseworker has work in their
    personal queue (it is in the team's shared queue); users are conserved."""
    scenario = variant(
        "office_2011",
        run__horizon_days=40,
        run__warm_up_days=0,
        organisation__absence_cover="colleagues",
        absence_waves=[{"start_date": "2010-03-15", "end_date": "2010-04-01", "share": 0.5}],
    )
    env, office, _snapshots = build_office(scenario, 0)
    for day in range(15, 31):
        env.run(until=day * 24 + 23)
        for cw in office.caseworkers:
            if office.absent_today(cw):
                assert sum(len(q) for q in cw.queues.values()) == 0
    ts = run_replication(scenario, 0).timeseries
    assert (ts["arrived_total"] == ts["users_in_office"] + ts["exited_total"]).all()


# --------------------------------------------------------- figures and directions


def test_disturbance_figures_by_hand() -> None:
    """A 10-day series with a backlog that rises in a 2-day wave and clears 3 days after."""
    backlog = [5, 5, 5, 5, 9, 12, 10, 7, 5, 4]
    frame = pd.DataFrame(
        {
            "backlog_tasks": backlog,
            "backlog_age_days_mean": np.ones(10),
            "tasks_done": np.full(10, 2),
            "aap_with_valid_plan_share": np.full(10, 0.5),
            "overdue_contacts": np.zeros(10),
        }
    )
    scenario = parse_scenario(
        {**_desk(1.0, 1, days=10), "absence_waves": [
            {"start_date": "2010-03-05", "end_date": "2010-03-07", "share": 1.0}
        ]}
    )  # fmt: skip
    f = disturbance_figures(scenario, frame)
    assert f["absence_wave_1_backlog_tasks_before"] == 5.0
    assert f["absence_wave_1_backlog_tasks_during"] == pytest.approx(10.5)
    assert f["absence_wave_1_backlog_tasks_after"] == pytest.approx((10 + 7 + 5 + 4) / 4)
    assert f["absence_wave_1_backlog_peak_tasks"] == 12.0
    assert f["absence_wave_1_backlog_clear_days"] == 2.0  # day 6 -> day 8
    assert f["absence_wave_1_tasks_done_per_week_during"] == 14.0
    assert _clear_days(np.array([5, 9, 9]), 1, 5.0) == 2.0  # never: days to horizon
    empty = disturbance_figures(scenario, frame.iloc[:0])
    assert math.isnan(empty["absence_wave_1_backlog_tasks_before"])
    assert Disturbance("r", "reorganisation", "reorganisations.0", 3, 3).instant


@pytest.mark.slow
def test_absence_wave_builds_a_backlog_and_lowers_production() -> None:
    """Half of every team away for four weeks (common random numbers against the same
    office without the wave): more backlog and fewer tasks done during the wave, a larger
    backlog peak, and the same backlog before it (identical until the wave starts)."""
    base = variant("office_2011", run__horizon_days=200, run__warm_up_days=0)
    data = copy.deepcopy(base.model_dump(mode="json"))
    data["absence_waves"] = [{"start_date": "2010-06-01", "end_date": "2010-06-29", "share": 0.5}]
    wave = parse_scenario(data)
    with_wave = replicate(wave, 4)
    without = replicate(parse_scenario({**data, "absence_waves": []} | {"it_outages": []}), 4)
    for a, b in zip(with_wave, without, strict=True):
        ts_a, ts_b = a.timeseries, b.timeseries
        before = ts_a["day"] < 92
        assert (ts_a.loc[before, "backlog_tasks"] == ts_b.loc[before, "backlog_tasks"]).all()
        during = (ts_a["day"] >= 92) & (ts_a["day"] < 120)
        assert ts_a.loc[during, "tasks_done"].sum() < ts_b.loc[during, "tasks_done"].sum()
        assert ts_a.loc[during, "backlog_tasks"].mean() > ts_b.loc[during, "backlog_tasks"].mean()
    assert all(r.figures["absence_wave_1_backlog_peak_tasks"] > 0 for r in with_wave)


@pytest.mark.slow
def test_hiring_for_follow_up_lowers_caseloads_and_raises_the_plan_share() -> None:
    """Three follow-up caseworkers hired in September 2010 (paired replications): the
    spring 2011 caseload per follow-up caseworker falls and the valid-plan share rises."""
    base = variant("office_2011", run__replications=4)
    hired = variant(
        "office_2011",
        staffing_changes=[
            {"date": "2010-09-01", "team": "follow_up", "change": "hire", "people": 3}
        ],
    )
    a, b = replicate(base, 4), replicate(hired, 4)
    for x, y in zip(a, b, strict=True):
        assert y.figures["caseload_follow_up_mean"] < x.figures["caseload_follow_up_mean"]
    diff = [y.figures["aap_with_valid_plan_share"] - x.figures["aap_with_valid_plan_share"]
            for x, y in zip(a, b, strict=True)]  # fmt: skip
    assert interval(diff)[1] > 0


@pytest.mark.slow
def test_reorganised_office_produces_more_after_specialising() -> None:
    """The bundled replay: in the four weeks after the change to specialised teams the
    office finishes more tasks a week than in the four weeks before (each replication),
    and the staff sick-leave wave lowers production while it lasts."""
    results = replicate(variant("office_2011_reorganised"), 4)
    for r in results:
        f = r.figures
        assert (
            f["reorganisation_1_tasks_done_per_week_after"]
            > (f["reorganisation_1_tasks_done_per_week_before"])
        )
        assert (
            f["sick_leave_wave_tasks_done_per_week_during"]
            < (f["sick_leave_wave_tasks_done_per_week_before"])
        )
        ts = r.timeseries
        assert ts["utilisation_generalist"].iloc[:365].notna().any()
        assert ts["utilisation_generalist"].iloc[366:].isna().all()


def test_absence_spells_from_a_distribution_keep_the_long_run_share() -> None:
    """Spells of triangular(1, 4, 20) days (rounded up) and a 10 % absence share: over 40
    people and ten years the absent share is 0.10 within its interval, and the spells
    have the distribution's whole-day mean length."""
    from capacity.model.calendar import _absence, _whole_day_mean

    spells = Triangular(low=1, mode=4, high=20)
    team = (
        parse_scenario(_follow_up_office(1))
        .staff["a"]
        .model_copy(update={"absence_share": 0.1, "absence_spell_length_days": spells})
    )
    shares, lengths = [], []
    for person in range(40):
        absent = _absence(team, 3650, np.random.default_rng(person))
        shares.append(absent.mean())
        edges = np.flatnonzero(np.diff(np.concatenate([[0], absent.astype(int), [0]])))
        lengths += list(edges[1::2] - edges[::2])
    _, low, high = interval(shares)
    assert low <= 0.1 <= high
    # Back-to-back spells merge into one run, so runs are at least as long as spells.
    assert np.mean(lengths) == pytest.approx(
        _whole_day_mean(team.absence_spell_length_days), rel=0.1
    )


def test_spell_length_distribution_and_mean_together_are_refused() -> None:
    data = _follow_up_office(1)
    data["staff"]["a"].update(
        absence_share=0.1,
        absence_spell_days=5,
        absence_spell_length_days={"dist": "fixed", "value": 3},
    )
    with pytest.raises(ScenarioError, match="not both"):
        parse_scenario(data)


def test_mentoring_takes_exactly_its_hours_from_the_team() -> None:
    """A hire on a Monday with 5 mentoring hours a week over 14 days of ramp-up: the
    original three members' duty hours fall by exactly 1 hour on each of the 10 working
    days (common random numbers: same absences with and without mentoring)."""
    data = _follow_up_office(3)
    data["calendar"] = {"summer_weeks": []}
    data["staffing_changes"] = [{"date": "2010-03-08", "team": "a", "change": "hire"}]
    data["new_staff"] = {"ramp_up_days": 14, "mentoring_hours_per_week": 5.0}
    with_mentor = build_office(parse_scenario(data), 0)[1]
    data["new_staff"]["mentoring_hours_per_week"] = 0.0
    without = build_office(parse_scenario(data), 0)[1]
    old = slice(0, 3)
    hours_with = sum(cw.calendar.day_hours for cw in with_mentor.caseworkers[old])
    hours_without = sum(cw.calendar.day_hours for cw in without.caseworkers[old])
    assert (hours_without - hours_with).sum() == pytest.approx(10.0)
    assert ((hours_without - hours_with)[:7] == 0).all()


def test_a_moved_caseworker_hands_on_users_the_new_team_does_not_serve() -> None:
    """Three caseworkers of 'a' hold ten follow-up users each; one moves on day 20 to
    'b', which only renews plans: their ten users go to the two left in 'a'."""
    data = _follow_up_office(30)
    data["staff"]["b"] = {"headcount": 0, "tasks": ["fu.renewal"]}
    data["staffing_changes"] = [
        {"date": "2010-03-21", "team": "a", "change": "move", "to_team": "b"}
    ]
    env, office, _ = build_office(parse_scenario(data), 0)
    env.run(until=20 * 24 + 1)
    mover = office.caseworkers[2]
    assert mover.employed
    assert mover.team.name == "b"
    assert len(mover.users) == 0
    assert [len(cw.users) for cw in office.caseworkers[:2]] == [15, 15]


def test_teams_left_empty_by_dated_changes_are_warned_about_with_dates() -> None:
    """Everyone leaves team a on 21 March: warned from that date to the end. A team
    empty at the start but hired into is warned only until the hire."""

    data = _follow_up_office(5)
    data["staffing_changes"] = [{"date": "2010-03-21", "team": "a", "change": "leave", "people": 3}]
    (warning,) = parse_scenario(data).compiled.warnings
    assert warning.startswith("team 'a' has nobody from 2010-03-21 to 2010-04-29")
    assert warning.endswith("never be done")
    data["staff"]["a"]["headcount"] = 0
    data["staffing_changes"] = [{"date": "2010-03-21", "team": "a", "change": "hire"}]
    (warning,) = parse_scenario(data).compiled.warnings
    assert warning.startswith("team 'a' has nobody from 2010-03-01 to 2010-03-20")
    assert warning.endswith("not be done meanwhile")


def test_a_reorganisation_into_an_empty_team_is_warned_about() -> None:

    data = _follow_up_office(5)
    data["staff"]["a"]["tasks"] = ["fu.follow_up"]
    data["staff"]["b"] = {"headcount": 0, "tasks": ["fu.renewal"]}
    data["organisation"]["model"] = "generalist"
    assert parse_scenario(data).compiled.warnings == ()
    data["reorganisations"] = [{"date": "2010-04-01", "model": "specialised"}]
    (warning,) = parse_scenario(data).compiled.warnings
    assert "team 'b' has nobody from 2010-04-01" in warning
    assert "fu.renewal" in warning


def test_disturbance_names_may_not_clash_with_reorganisations() -> None:
    data = _follow_up_office(5)
    data["reorganisations"] = [{"date": "2010-04-01", "model": "generalist"}]
    data["absence_waves"] = [
        {"name": "reorganisation_1", "start_date": "2010-03-10", "end_date": "2010-03-20",
         "share": 0.5}
    ]  # fmt: skip
    with pytest.raises(ScenarioError, match=r"already used by reorganisations\.0"):
        parse_scenario(data)


def test_a_distribution_without_dist_says_what_is_missing() -> None:
    data = _follow_up_office(5)
    data["it_downtime"] = {"outage_hours": {"mean": 5.0}}
    with pytest.raises(ScenarioError, match="a distribution needs dist = one of fixed"):
        parse_scenario(data)


def test_meetings_missed_for_ever_and_rebooked_at_once_are_refused() -> None:
    data = _follow_up_office(5)
    data["case_types"]["fu"]["attendance"] = {
        "no_show_share": 1.0,
        "rebook_days": {"dist": "fixed", "value": 0},
    }
    with pytest.raises(ScenarioError, match="rebook every meeting at once"):
        parse_scenario(data)


def test_a_hire_who_leaves_on_the_same_day_never_works() -> None:
    """A hire and a leaver on the same date: the newest (the hire) leaves at once, the
    run finishes and the employed count is unchanged."""
    data = _follow_up_office(5)
    data["staffing_changes"] = [
        {"date": "2010-03-11", "team": "a", "change": "hire"},
        {"date": "2010-03-11", "team": "a", "change": "leave"},
    ]
    ts = run_replication(parse_scenario(data), 0).timeseries
    assert (ts["caseworkers_employed"] == 3).all()
    assert (ts["arrived_total"] == ts["users_in_office"] + ts["exited_total"]).all()
