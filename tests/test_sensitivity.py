"""Sensitivity to the uncertain values: exact answers on an office whose waits are
known by hand, the checks of the [[uncertain]] list, and the command's files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import capacity
from capacity.interfaces import cli
from capacity.scenario import ScenarioError, parse_scenario, with_changes

HOURS = 24.0


def _desk(uncertain: list[dict[str, Any]]) -> dict[str, Any]:
    """Three users arrive together on day 0; one desk open around the clock serves each
    for exactly ``work`` hours (1.5 here): they wait 0, w and 2w hours, a mean of w."""
    return {
        "run": {"name": "desk", "start_date": "2010-03-01", "horizon_days": 3, "replications": 2},
        "calendar": {"always_open": True},
        "case_types": {
            "x": {
                "stages": ["reception"],
                "reception": {"work_hours": {"dist": "fixed", "value": 1.5}},
            }
        },
        "streams": {"batch": {"case_type": "x", "batches": [{"date": "2010-03-01", "users": 3}]}},
        "staff": {"desk": {"headcount": 1, "tasks": ["x.reception"], "case_work_share": 1.0}},
        "organisation": {"model": "specialised", "task_switching_penalty": 0.0},
        "uncertain": uncertain,
    }


WORK = {
    "path": "case_types.x.reception.work_hours.value",
    "low": 1.0,
    "high": 2.0,
    "basis": "assumption",
    "note": "hours per user",
}
IDLE = {
    # No absence at all, so the length of a spell changes nothing.
    "path": "staff.desk.absence_spell_days",
    "low": 2.0,
    "high": 8.0,
    "basis": "assumption",
    "note": "no effect here",
}


def test_one_at_a_time_changes_are_exact() -> None:
    """Work of 1 and 2 hours instead of 1.5 moves the mean wait by exactly -0.5 and +0.5
    hours, the same in every replication (an interval of width 0)."""
    scenario = parse_scenario(_desk([WORK]))
    result = capacity.sensitivity(scenario, figures=["wait_reception_days_mean"])
    table = result.summary.set_index("value")
    assert list(table.index) == [1.0, 2.0]
    assert table["base_mean"].tolist() == pytest.approx([1.5 / HOURS] * 2)
    assert table["change"].tolist() == pytest.approx([-0.5 / HOURS, 0.5 / HOURS])
    assert table["change_ci_low"].tolist() == pytest.approx(table["change"].tolist())
    assert table["change_ci_high"].tolist() == pytest.approx(table["change"].tolist())
    assert (table["replications"] == 2).all()
    assert result.lines() == [
        f"wait_reception_days_mean depends most on {WORK['path']} (a swing of {1 / HOURS:.3g} days)"
    ]


def test_morris_effects_of_a_linear_and_an_idle_value() -> None:
    """The mean wait is w / 24 days, linear in w over its range of 1 hour: every
    elementary effect is 1/24 day per whole range (mu* = mu = 1/24, sigma 0); a value
    with no effect has mu* 0."""
    scenario = parse_scenario(_desk([WORK, IDLE]))
    result = capacity.sensitivity(
        scenario, figures=["wait_reception_days_mean"], method="morris", trajectories=4
    )
    table = result.summary.set_index("path")
    work = table.loc[WORK["path"]]
    assert (work["mu_star"], work["mu"]) == pytest.approx((1 / HOURS, 1 / HOURS))
    assert work["sigma"] == pytest.approx(0.0, abs=1e-12)
    assert work["effects"] == 4
    assert table.loc[IDLE["path"], "mu_star"] == pytest.approx(0.0, abs=1e-12)
    # Four trajectories of three points each, with repeats run once.
    assert len(result.runs.points) <= 12


def test_the_uncertain_list_is_checked() -> None:
    """A path that leads nowhere, a range for something that is not a number, and both
    or neither of a range and alternatives are refused, each naming the entry. The
    scenario's own value may lie outside the range (a sweep tries such values)."""
    bad = [
        ({**WORK, "path": "case_types.x.nothing.value"}, "not a value of this scenario"),
        ({**WORK, "path": "organisation.model"}, "not a number"),
        ({**WORK, "values": [1.0, 2.0]}, "not both"),
        ({**WORK, "low": None, "high": None}, "or values"),
        ({**WORK, "low": None, "high": None, "values": [1.0, 1.0]}, "listed once"),
        ({**WORK, "path": "run.seed"}, "how to run"),
        ({**WORK, "low": 2.0, "high": 1.0}, "low < high"),
    ]
    for entry, message in bad:
        with pytest.raises(ScenarioError, match=message):
            parse_scenario(_desk([{k: v for k, v in entry.items() if v is not None}]))
    assert parse_scenario(_desk([{**WORK, "low": 1.6, "high": 3.0}])).uncertain[0].low == 1.6


def test_without_uncertain_values_there_is_nothing_to_vary() -> None:
    with pytest.raises(ScenarioError, match="lists no uncertain values"):
        capacity.sensitivity(parse_scenario(_desk([])))
    scenario = parse_scenario(_desk([WORK]))
    with pytest.raises(ScenarioError, match="method"):
        capacity.sensitivity(scenario, method="guess")  # type: ignore[arg-type]
    with pytest.raises(ScenarioError, match="unknown key figure"):
        capacity.sensitivity(scenario, figures=["nonsense"])


def test_the_command_writes_its_table_charts_and_manifest(tmp_path: Path) -> None:
    """capacity sensitivity saves sensitivity.csv, a tornado chart per figure and a
    manifest naming the method and the values varied; a scenario without an
    [[uncertain]] list exits 2 and writes nothing."""
    path = tmp_path / "desk.toml"
    scenario = parse_scenario(_desk([WORK]))
    path.write_text(capacity.scenario.scenario_to_toml(scenario), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli.app,
        ["sensitivity", str(path), "--figure", "wait_reception_days_mean", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    (folder,) = (out / "desk").iterdir()
    assert folder.name.startswith("sensitivity-")
    assert sorted(p.name for p in folder.iterdir()) == [
        "figures",
        "manifest.json",
        "sensitivity.csv",
    ]
    assert (folder / "figures" / "wait_reception_days_mean.png").read_bytes()[:4] == b"\x89PNG"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["method"] == "one-at-a-time"
    assert [u["path"] for u in manifest["uncertain"]] == [WORK["path"]]

    bare = tmp_path / "bare.toml"
    bare.write_text(
        capacity.scenario.scenario_to_toml(with_changes(scenario, {"uncertain": []})),
        encoding="utf-8",
    )
    refused = CliRunner().invoke(cli.app, ["sensitivity", str(bare), "--out", str(tmp_path / "o2")])
    assert refused.exit_code == 2
    assert "lists no uncertain values" in refused.output
    assert not (tmp_path / "o2").exists()


def test_ends_the_scenario_refuses_are_named_before_anything_runs() -> None:
    """A range whose high end the scenario refuses (a case-work share of 1.5), and a
    whole-number value given ends that are not whole, are refused naming the entry."""
    share = {**WORK, "path": "staff.desk.case_work_share", "low": 0.5, "high": 1.5}
    with pytest.raises(
        ScenarioError, match=r"uncertain\.0 \(staff\.desk\.case_work_share = 1\.5\)"
    ):
        capacity.sensitivity(parse_scenario(_desk([share])))
    half = {**WORK, "path": "staff.desk.headcount", "low": 0.5, "high": 2.0}
    with pytest.raises(ScenarioError, match="whole-number ends"):
        parse_scenario(_desk([half]))


def test_defaults_leave_out_aap_figures_where_there_is_no_aap() -> None:
    """The desk has no AAP case type: the default figures are those that apply to it; a
    figure asked for twice is examined once."""
    scenario = parse_scenario(_desk([WORK]))
    result = capacity.sensitivity(scenario)
    assert result.figures == (
        "caseload_follow_up_mean",
        "follow_up_contacts_overdue_share",
        "backlog_age_days_mean",
    )
    twice = capacity.sensitivity(
        scenario, figures=["wait_reception_days_mean", "wait_reception_days_mean"]
    )
    assert twice.figures == ("wait_reception_days_mean",)
    assert len(twice.summary) == 2
