"""The office model on the bundled office scenarios: conservation, common random
numbers, direction of staffing effects, determinism, and the study's figures."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from helpers import interval, replicate, variant

from capacity.model import run_replication
from capacity.scenario import load_scenario


@pytest.fixture(scope="module")
def office_short():
    """office_2011 cut to 120 days, observed from day 30."""
    return variant("office_2011", run__horizon_days=120, run__warm_up_days=30)


@pytest.fixture(scope="module")
def office_result(office_short):
    return run_replication(office_short, 0)


def test_users_are_conserved_at_every_day_boundary(office_result) -> None:
    """Users arrived (initial users included) = users in the office + users exited, on
    every day; the stage counts add up to the users in the office."""
    ts = office_result.timeseries
    assert (ts["arrived_total"] == ts["users_in_office"] + ts["exited_total"]).all()
    stages = ts[[c for c in ts.columns if c.startswith("in_")]].sum(axis=1)
    assert (stages == ts["users_in_office"]).all()
    assert ts["arrived_total"].iloc[0] >= 1650  # the converted recipients are there at once


def test_caseworker_time_is_conserved(office_result) -> None:
    """At every snapshot busy + idle caseworkers = caseworkers on duty, and no team works
    more hours in a day than it has on duty (daily utilisation in [0, 1])."""
    ts = office_result.timeseries
    assert (ts["caseworkers_busy"] + ts["caseworkers_idle"] == ts["caseworkers_on_duty"]).all()
    # Counted at noon: someone is on duty on a working Monday, nobody on a Sunday.
    by_date = ts.set_index("date")
    assert by_date.loc["2010-03-08", "caseworkers_on_duty"] > 20
    assert by_date.loc["2010-03-07", "caseworkers_on_duty"] == 0
    for col in [c for c in ts.columns if c.startswith("utilisation_")]:
        values = ts[col].dropna()
        assert ((values >= 0) & (values <= 1 + 1e-9)).all(), col


def test_closed_days_have_no_duty_and_no_work(office_result) -> None:
    """Weekends and Easter 2010 (1-5 April) have no duty hours: utilisation is empty."""
    ts = office_result.timeseries.set_index("date")
    for day in ["2010-03-06", "2010-03-07", "2010-04-01", "2010-04-02", "2010-04-05"]:
        assert math.isnan(ts.loc[day, "utilisation_follow_up"]), day
    assert not math.isnan(ts.loc["2010-04-06", "utilisation_follow_up"])


def test_shares_are_shares_and_nothing_is_negative(office_result) -> None:
    """Every share lies in [0, 1]; counts, waits and rates are never negative."""
    for name, value in office_result.figures.items():
        if math.isnan(value):
            continue
        assert value >= 0, name
        if name.endswith("_share") or name.startswith("utilisation_"):
            assert value <= 1 + 1e-9, name


def test_same_seed_gives_identical_results(office_short, office_result) -> None:
    """Running the same (scenario, replication) again gives the same numbers exactly."""
    again = run_replication(office_short, 0)
    assert again.figures == office_result.figures or all(
        (a == b) or (math.isnan(a) and math.isnan(b))
        for a, b in zip(again.figures.values(), office_result.figures.values(), strict=True)
    )
    pd.testing.assert_frame_equal(again.timeseries, office_result.timeseries)


def test_staffing_changes_leave_the_users_unchanged(office_short, office_result) -> None:
    """Common random numbers: more follow-up staff sees the same arrivals."""
    more = variant(
        "office_2011", run__horizon_days=120, run__warm_up_days=30, staff__follow_up__headcount=10
    )
    other = run_replication(more, 0)
    assert other.figures["users_arrived"] == office_result.figures["users_arrived"]
    assert (other.timeseries["arrived_total"] == office_result.timeseries["arrived_total"]).all()


def test_more_follow_up_caseworkers_raise_plan_share_and_lower_caseload() -> None:
    """With the same users (same seeds), 9 instead of 7 follow-up caseworkers give a
    higher share of AAP recipients with a valid plan and a lower mean caseload in every
    replication; the caseload falls roughly as 7/9."""
    base = variant("office_2011", run__replications=2)
    more = variant("office_2011", staff__follow_up__headcount=9)
    for r in range(2):
        a = run_replication(base, r).figures
        b = run_replication(more, r).figures
        assert b["aap_with_valid_plan_share"] > a["aap_with_valid_plan_share"] + 0.05
        assert b["caseload_follow_up_mean"] < a["caseload_follow_up_mean"]
        assert b["caseload_follow_up_mean"] / a["caseload_follow_up_mean"] == pytest.approx(
            7 / 9, rel=0.05
        )


def test_generalist_office_produces_fewer_plans_and_more_overdue_contacts() -> None:
    """The same office as generalists (relearning cost across four case types): fewer
    AAP recipients with a valid plan and more overdue follow-up contacts, as the study
    reports of the offices before they specialised."""
    spec = load_scenario("office_2011")
    gen = load_scenario("office_2011_generalist")
    for r in range(2):
        a = run_replication(spec, r).figures
        b = run_replication(gen, r).figures
        assert b["aap_with_valid_plan_share"] < a["aap_with_valid_plan_share"] - 0.1
        assert b["follow_up_contacts_overdue_share"] > a["follow_up_contacts_overdue_share"]


@pytest.mark.slow
def test_office_2011_reproduces_the_studys_figures() -> None:
    """Over 20 replications office_2011 gives, for spring 2011, a share of AAP recipients
    with a valid activity plan of 0.57 +- 0.05 (the study: 'about 57 %') and a mean
    caseload per follow-up caseworker between 150 and 220 ('up to 200')."""
    results = replicate(load_scenario("office_2011"), 20)
    share, _, _ = interval([r.figures["aap_with_valid_plan_share"] for r in results])
    caseload, _, _ = interval([r.figures["caseload_follow_up_mean"] for r in results])
    assert 0.52 <= share <= 0.62
    assert 150 <= caseload <= 220
    # The disability cases the study reports: 8-10 a week at this office.
    weekly = np.mean([r.figures["disability_applications_per_week"] for r in results])
    assert 6 <= weekly <= 11
