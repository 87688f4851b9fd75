"""Each caseworker's caseload at the end: the same replication as the model's own, and
counts that agree with the time series' mean and largest caseload on the last day."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import variant

import capacity
from capacity.model import run_replication
from capacity.model.result import CASELOAD_COLUMNS
from capacity.scenario import Scenario


@pytest.fixture(scope="module")
def office_short() -> Scenario:
    """office_2011 over its first 40 days: 1,650 converted users already on caseloads."""
    return variant("office_2011", run__horizon_days=40, run__warm_up_days=0)


def test_caseloads_agree_with_the_last_day(office_short: Scenario) -> None:
    """The follow-up caseworkers' counts average to the last row's caseload mean and their
    largest is its maximum; there is one row per person of every team that holds users
    (reception's three hosts hold none)."""
    result = run_replication(office_short, 0)
    table = result.caseloads
    assert list(table.columns) == list(CASELOAD_COLUMNS)
    headcounts = {name: team.headcount for name, team in office_short.staff.items()}
    assert set(table["team"]) == set(headcounts) - {"reception"}
    assert table.groupby("team").size().to_dict() == {
        team: count for team, count in headcounts.items() if team != "reception"
    }
    last = result.timeseries.iloc[-1]
    follow_up = table[table["follow_up"]]
    assert set(follow_up["team"]) == {"follow_up"}
    assert follow_up["users"].mean() == pytest.approx(last["caseload_follow_up_mean"])
    assert follow_up["users"].max() == last["caseload_follow_up_max"]
    # The converted users start on follow-up caseloads: most of 1,650 are still held.
    assert follow_up["users"].sum() > 1_000


def test_generalists_hold_the_users(office_short: Scenario) -> None:
    """Under the generalist model one pool holds the users, and every generalist counts
    in the follow-up caseload figures."""
    generalist = variant("office_2011_generalist", run__horizon_days=40, run__warm_up_days=0)
    table = run_replication(generalist, 0).caseloads
    teams = set(table["team"])
    assert "generalist" in teams
    assert table[table["team"] == "generalist"]["follow_up"].all()


def test_run_collects_and_writes_caseloads(tmp_path: Path, tiny: Scenario) -> None:
    """capacity.run stacks the replications' caseloads with a replication column, and
    the results folder holds them as caseloads.csv."""
    result = capacity.run(tiny, replications=2)
    assert result.caseloads is not None
    assert list(result.caseloads.columns) == ["replication", *CASELOAD_COLUMNS]
    # front is reception-only: 2 assessors + 2 follow-up caseworkers, per replication.
    assert result.caseloads.groupby("replication").size().to_list() == [4, 4]
    folder = result.save(tmp_path)
    written = pd.read_csv(folder / "caseloads.csv")
    pd.testing.assert_frame_equal(written, result.caseloads)
