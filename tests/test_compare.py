"""Comparing scenarios: paired differences on common random numbers, the independent
alternative, the checks made before anything runs, and ``capacity compare``."""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import capacity
from capacity.experiment import ComparisonResult, compare
from capacity.experiment.compare import COMPARISON_COLUMNS, INDEPENDENT_SEED_STEP
from capacity.experiment.statistics import welch_interval
from capacity.interfaces import cli, compare_cmd
from capacity.model import ReplicationResult, figure_catalogue
from capacity.scenario import Scenario, ScenarioError, load_scenario, with_changes

# The package exports the function under the module's name, so the module (to replace
# its map_replications) is imported by name.
compare_module = importlib.import_module("capacity.experiment.compare")

runner = CliRunner()
ScenarioWriter = Callable[..., Path]

T_0975_1 = 12.706204736174698
"""Student t quantile t_{0.975, 1} (tables give 12.706)."""


def invoke(*args: str | Path):
    """Run the command line in-process with ``args``."""
    return runner.invoke(cli.app, [str(a) for a in args])


@pytest.fixture(scope="module")
def office() -> Scenario:
    """office_2011 cut to 60 days with 20 days of warm-up: about 0.4 s a replication,
    with a full office of 1,650 converted users and 7 follow-up caseworkers."""
    return with_changes(
        load_scenario("office_2011"), {"run.horizon_days": 60, "run.warm_up_days": 20}
    )


@pytest.fixture(scope="module")
def more_follow_up(office: Scenario) -> Scenario:
    """The same office with 9 follow-up caseworkers instead of 7."""
    return with_changes(office, {"staff.follow_up.headcount": 9})


@pytest.fixture(scope="module")
def both_ways(office: Scenario, more_follow_up: Scenario) -> tuple[ComparisonResult, ...]:
    """The pair compared over 3 replications, paired and with independent seeds."""
    return tuple(
        compare([office, more_follow_up], replications=3, workers=2, paired=paired)
        for paired in (True, False)
    )


def _row(result: ComparisonResult, figure: str) -> pd.Series:
    rows = result.summary[result.summary["figure"] == figure]
    assert len(rows) == 1
    return rows.iloc[0]


# ------------------------------------------------------------------ the API


def test_scenario_against_itself_differs_by_exactly_zero(office: Scenario) -> None:
    """A scenario compared with itself, paired, runs the same replications twice: every
    figure of the catalogue has difference 0.0 and interval 0.0 .. 0.0 exactly (the
    differences are all exactly 0, so their standard deviation is 0), nothing is
    significant, and the alternative is labelled apart from the base."""
    result = compare([office, office], replications=2)
    table = result.summary
    assert tuple(table.columns) == COMPARISON_COLUMNS
    assert list(table["figure"]) == [spec.name for spec in figure_catalogue(office)]
    assert result.labels == ("office_2011", "office_2011#1")
    assert (table["scenario"] == "office_2011#1").all()
    assert not table[["difference", "ci_low", "ci_high"]].isna().any().any()
    assert (table["difference"] == 0.0).all()
    assert (table["ci_low"] == 0.0).all()
    assert (table["ci_high"] == 0.0).all()
    assert (table["base_mean"] == table["alt_mean"]).all()
    assert (table["replications"] == 2).all()
    assert not table["significant"].any()


def test_paired_interval_is_narrower_than_independent(
    both_ways: tuple[ComparisonResult, ComparisonResult],
) -> None:
    """Acceptance: 7 -> 9 follow-up caseworkers, 3 replications. The variance of a
    difference is Var(alt) + Var(base) - 2 Cov(alt, base). Paired, both scenarios hold
    the same users (common random numbers), so their caseloads move together from
    replication to replication and the covariance cancels most of the noise;
    independent, the covariance is 0. So the paired 95 % interval of
    caseload_follow_up_mean is narrower than the independent one. Both find the known
    effect: the same users spread over 9 instead of 7 people is 7/9 of the caseload, a
    difference of -2/9 of the base's mean (within 2 %), significant both ways."""
    paired, independent = both_ways
    p = _row(paired, "caseload_follow_up_mean")
    i = _row(independent, "caseload_follow_up_mean")
    assert p["ci_high"] - p["ci_low"] < i["ci_high"] - i["ci_low"]
    assert p["difference"] == pytest.approx(-2 / 9 * p["base_mean"], rel=0.02)
    assert p["significant"]
    assert i["significant"]
    assert p["difference"] == pytest.approx(p["alt_mean"] - p["base_mean"], abs=1e-9)


def test_seeds_paired_and_independent(
    office: Scenario, both_ways: tuple[ComparisonResult, ComparisonResult]
) -> None:
    """Paired, both scenarios run with the base's seed (20110301); independent, the
    alternative has seed 20110301 + 1000003. Each scenario as run records the 3
    replications."""
    paired, independent = both_ways
    seed = office.run.seed
    assert [s.run.seed for s in paired.scenarios] == [seed, seed]
    assert [s.run.seed for s in independent.scenarios] == [seed, seed + INDEPENDENT_SEED_STEP]
    assert INDEPENDENT_SEED_STEP == 1_000_003
    assert [s.run.replications for s in paired.scenarios] == [3, 3]
    assert (paired.paired, independent.paired) == (True, False)


def test_same_users_when_only_staffing_differs(tiny: Scenario) -> None:
    """Paired, a tiny office with 1 instead of 2 assessment caseworkers sees exactly the
    same arrivals in every replication: users_arrived has difference 0 and interval
    0 .. 0, while the assessment wait, which staffing does change, differs."""
    fewer = with_changes(tiny, {"staff.assess.headcount": 1})
    result = compare([tiny, fewer], replications=3)
    base, alt = (r.figures["users_arrived"] for r in result.results)
    assert list(base) == list(alt)
    row = _row(result, "users_arrived")
    assert (row["difference"], row["ci_low"], row["ci_high"]) == (0.0, 0.0, 0.0)
    assert row["base_mean"] > 0
    assert _row(result, "wait_assessment_days_mean")["difference"] != 0.0


def _fake_runs(values: dict[int, list[float]]) -> Callable[..., list[ReplicationResult]]:
    """A stand-in for map_replications: every figure of scenario k's replication r is
    ``values[k][r]``, where k is the scenario's seed step (0 base, 1 the alternative)."""

    def fake(
        jobs: Sequence[tuple[Scenario, int]], *args: object, **kwargs: object
    ) -> list[ReplicationResult]:
        results = []
        seen: list[int] = []
        for scenario, r in jobs:
            if id(scenario) not in seen:
                seen.append(id(scenario))
            k = seen.index(id(scenario))
            names = [spec.name for spec in figure_catalogue(scenario)]
            figures = {name: values[k][r] for name in names}
            results.append(ReplicationResult(r, figures, pd.DataFrame({"day": [0]})))
        return results

    return fake


def test_paired_difference_uses_replications_where_both_have_a_value(
    tiny: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Base values 1, 2, NaN, 4 and alternative values 2, 4, 5, NaN: only replications
    0 and 1 have both, with differences 1 and 2. So base_mean 1.5, alt_mean 3,
    difference 1.5, 2 replications, and the interval 1.5 ± t_{0.975,1} * s / sqrt(2)
    with s = sqrt(0.5), i.e. 1.5 ± 6.353102, which includes 0: not significant."""
    monkeypatch.setattr(
        compare_module,
        "map_replications",
        _fake_runs({0: [1.0, 2.0, math.nan, 4.0], 1: [2.0, 4.0, 5.0, math.nan]}),
    )
    row = compare([tiny, tiny], replications=4).summary.iloc[0]
    half = T_0975_1 * math.sqrt(0.5) / math.sqrt(2)
    assert half == pytest.approx(6.353102368, rel=1e-9)
    assert (row["base_mean"], row["alt_mean"], row["difference"]) == (1.5, 3.0, 1.5)
    assert row["replications"] == 2
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((1.5 - half, 1.5 + half))
    assert not row["significant"]


def test_welch_interval_by_hand() -> None:
    """[1, 2, 3, 4, 5] against [2, 4, 6]: difference 4 - 3 = 1; variances of the means
    2.5/5 = 0.5 and 4/3, so the standard error is sqrt(11/6) = 1.3540064; Welch's
    degrees of freedom (11/6)^2 / (0.5^2/4 + (4/3)^2/2) = 3.5328467, t_{0.975} there
    2.9274393, half-width 3.9637255."""
    difference, low, high = welch_interval([1, 2, 3, 4, 5], [2, 4, 6])
    assert difference == pytest.approx(1.0)
    assert (low, high) == pytest.approx((1 - 3.963725522, 1 + 3.963725522), rel=1e-9)
    # One value in a sample: no spread to estimate; no spread in either: no uncertainty.
    _, low, high = welch_interval([1.0, math.nan], [2.0, 3.0])
    assert math.isnan(low)
    assert math.isnan(high)
    assert welch_interval([1.0, 1.0], [3.0, 3.0]) == (2.0, 2.0, 2.0)


def test_independent_uses_welch(tiny: Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unpaired, the same values as in test_welch_interval_by_hand give that interval,
    and replications is the smaller count of values (3)."""
    monkeypatch.setattr(
        compare_module,
        "map_replications",
        _fake_runs({0: [1.0, 2.0, 3.0, 4.0, 5.0], 1: [2.0, 4.0, 6.0, math.nan, math.nan]}),
    )
    row = compare([tiny, tiny], replications=5, paired=False).summary.iloc[0]
    assert (row["base_mean"], row["alt_mean"]) == (3.0, 4.0)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((1 - 3.963725522, 1 + 3.963725522))
    assert row["replications"] == 3


def test_mismatched_scenarios_are_refused_before_anything_runs(
    tiny: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An alternative with another horizon and warm-up, and one with another start
    date, are refused with one ScenarioError naming each field; a single scenario is
    refused too; no replication runs."""

    def no_runs(*args: object, **kwargs: object) -> list[ReplicationResult]:
        raise AssertionError("a replication ran")

    monkeypatch.setattr(compare_module, "map_replications", no_runs)
    shorter = with_changes(tiny, {"run.horizon_days": 20, "run.warm_up_days": 5})
    later = with_changes(tiny, {"run.start_date": "2010-04-01", "run.name": "later"})
    with pytest.raises(ScenarioError) as caught:
        compare([tiny, shorter, later])
    problems = caught.value.problems
    assert len(problems) == 3
    assert problems[0].startswith("run.horizon_days: tiny#1 has 20, the base tiny has 30")
    assert problems[1].startswith("run.warm_up_days: tiny#1 has 5, the base tiny has 0")
    assert problems[2].startswith("run.start_date: later has 2010-04-01")
    with pytest.raises(ScenarioError, match="at least one alternative"):
        compare([tiny])
    with pytest.raises(ValueError, match="replications"):
        compare([tiny, tiny], replications=0)


def test_public_names() -> None:
    """capacity.compare is the comparison function; ComparisonResult is exported."""
    assert capacity.compare is compare
    assert capacity.ComparisonResult is ComparisonResult


# ------------------------------------------------------------------ the command


def test_cli_missing_alternative_exits_2_and_writes_nothing(
    write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    """An alternative file that does not exist: exit 2, the message says so, and no
    results folder is created."""
    out = tmp_path / "results"
    result = invoke("compare", write_scenario(), tmp_path / "nowhere.toml", "--out", out)
    assert result.exit_code == 2, result.output
    assert "nowhere.toml" in result.output
    assert "no such file" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_cli_different_horizons_exit_2_and_write_nothing(
    write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    """Scenarios over 30 and 20 days cannot be compared: exit 2, the message names
    run.horizon_days and both values, no results folder."""
    base = write_scenario()
    other = write_scenario(replace={"horizon_days = 30": "horizon_days = 20"}, name="o.toml")
    out = tmp_path / "results"
    result = invoke("compare", base, other, "--out", out)
    assert result.exit_code == 2, result.output
    assert "run.horizon_days" in result.output
    assert "has 20" in result.output
    assert "has 30" in result.output
    assert not out.exists()


def test_cli_ctrl_c_exits_130_and_writes_nothing(
    write_scenario: ScenarioWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during the runs ends with exit code 130 and no folder."""

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(compare_cmd, "compare_scenarios", interrupted)
    out = tmp_path / "results"
    path = write_scenario()
    result = invoke("compare", path, path, "--out", out)
    assert result.exit_code == 130
    assert "no results were saved" in result.output
    assert not out.exists()


def _compare_files(write_scenario: ScenarioWriter, out: Path, *options: str) -> tuple[Path, str]:
    base = write_scenario()
    alt = write_scenario(
        replace={'name = "tiny"': 'name = "fewer"', "headcount = 2": "headcount = 1"},
        name="fewer.toml",
    )
    result = invoke("compare", base, alt, "--out", out, "--replications", "3", *options)
    assert result.exit_code == 0, result.output
    (folder,) = (out / "comparison").iterdir()
    return folder, result.output


def test_cli_writes_comparison_and_manifest(write_scenario: ScenarioWriter, tmp_path: Path) -> None:
    """The alternative 'fewer' has 1 assessment and 1 follow-up caseworker instead of 2.
    comparison.csv has exactly the documented columns, rows for 'fewer' only, and
    significant is True exactly where the interval excludes 0; the manifest records the
    pairing, the base's seed for both scenarios and the files. The table and the
    reading note are printed."""
    folder, output = _compare_files(write_scenario, tmp_path / "results")
    assert sorted(p.name for p in folder.iterdir()) == ["comparison.csv", "manifest.json"]
    table = pd.read_csv(folder / "comparison.csv")
    assert tuple(table.columns) == COMPARISON_COLUMNS
    assert set(table["scenario"]) == {"fewer"}
    assert (table["replications"] <= 3).all()
    excludes_zero = (table["ci_low"] > 0) | (table["ci_high"] < 0)
    assert (table["significant"] == excludes_zero).all()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["run_id"] == folder.name
    assert (manifest["kind"], manifest["paired"]) == ("comparison", True)
    assert (manifest["base"], manifest["alternatives"]) == ("tiny", ["fewer"])
    assert [s["seed"] for s in manifest["scenarios"]] == [20110301, 20110301]
    assert manifest["scenarios"][1]["scenario"]["staff"]["assess"]["headcount"] == 1
    assert manifest["files"] == ["comparison.csv"]
    assert "fewer against tiny: 3 paired replication(s)" in output
    assert "Difference = alternative - base" in output
    assert f"Results saved in: {folder}" in output


def test_cli_independent_records_its_seeds(write_scenario: ScenarioWriter, tmp_path: Path) -> None:
    """--independent gives the alternative seed 20110301 + 1000003 and says so."""
    folder, output = _compare_files(write_scenario, tmp_path / "results", "--independent")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["paired"] is False
    assert [s["seed"] for s in manifest["scenarios"]] == [20110301, 21110304]
    assert "independent" in output


def test_cli_worker_count_gives_identical_comparison(
    write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    """The same scenarios and seed give a byte-identical comparison.csv with one worker
    and with two: every replication depends only on its scenario, seed and number."""
    one, _ = _compare_files(write_scenario, tmp_path / "a", "--workers", "1")
    two, _ = _compare_files(write_scenario, tmp_path / "b", "--workers", "2")
    assert (one / "comparison.csv").read_bytes() == (two / "comparison.csv").read_bytes()
