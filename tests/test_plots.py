"""capacity plot: the figures of run, sweep and least-staffing folders, and the numbers
they draw, checked against the folders' CSV files."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import capacity
from capacity.experiment import confidence_interval
from capacity.experiment.vary import parse_variation
from capacity.interfaces import cli
from capacity.outputs.plots import (
    SERIES,
    caseload_distribution,
    series_band,
    series_columns,
    stage_waits,
    varied_table,
)
from capacity.outputs.sweep import sweep_csv_text

runner = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n"


def invoke(*args: str | Path):
    return runner.invoke(cli.app, [str(a) for a in args])


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import TINY_TOML

    path = tmp_path_factory.mktemp("scenario") / "tiny.toml"
    path.write_text(TINY_TOML, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run_folder(scenario_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny run with 3 replications and 10 days of warm-up."""
    out = tmp_path_factory.mktemp("out")
    done = invoke(
        "run",
        scenario_file,
        "--replications",
        "3",
        "--warm-up-days",
        "10",
        "--workers",
        "1",
        "--out",
        out,
    )
    assert done.exit_code == 0, done.output
    (folder,) = (out / "tiny").iterdir()
    return folder


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def test_run_folder_figures(run_folder: Path) -> None:
    """Every series the tiny office has, the caseloads and the waits, as PNG files in
    RESULTS_DIR/plots."""
    done = invoke("plot", run_folder)
    assert done.exit_code == 0, done.output
    files = sorted(p.name for p in (run_folder / "plots").iterdir())
    timeseries = _csv(run_folder / "timeseries.csv")
    expected = [f"series_{s.name}.png" for s in SERIES if series_columns(s, timeseries)]
    assert files == sorted([*expected, "caseloads_end.png", "waits_by_stage.png"])
    assert "series_aap_with_valid_plan_share.png" in files
    for name in files:
        assert (run_folder / "plots" / name).read_bytes().startswith(PNG)
    assert "8 figure(s) saved in" in done.output or f"{len(files)} figure(s)" in done.output


def test_series_band_is_the_interval_of_each_day(run_folder: Path) -> None:
    """The band drawn is, day by day, the mean and Student-t interval of the three
    replications' values in timeseries.csv, cut at 0 and at 1 for a share."""
    timeseries = _csv(run_folder / "timeseries.csv")
    column = "caseload_follow_up_mean"
    band = series_band(timeseries, column)
    assert band["day"].tolist() == sorted(timeseries["day"].unique())
    assert band["date"].tolist() == timeseries[timeseries["replication"] == 0]["date"].tolist()
    for row in band.itertuples():
        values = timeseries.loc[timeseries["day"] == row.day, column].to_numpy(dtype=float)
        mean, low, high = confidence_interval(values)
        assert row.mean == pytest.approx(mean)
        assert row.replications == 3
        if np.isnan(low):
            assert np.isnan(row.ci_low)
        else:
            assert row.ci_low == pytest.approx(max(low, 0.0))
            assert row.ci_high == pytest.approx(high)
    share = series_band(timeseries, "aap_with_valid_plan_share", highest=1.0)
    assert (share["ci_high"].dropna() <= 1.0).all()
    assert (share["ci_low"].dropna() >= 0.0).all()


def test_caseloads_and_waits_are_the_csv_values(run_folder: Path) -> None:
    """The caseload boxes hold exactly caseloads.csv's users per team; the wait bars are
    summary.csv's wait_<task>_days_mean with its interval and p90."""
    caseloads = _csv(run_folder / "caseloads.csv")
    drawn = caseload_distribution(caseloads)
    assert list(drawn) == ["assess", "follow"]  # front is reception-only
    for team, values in drawn.items():
        expected = caseloads.loc[caseloads["team"] == team, "users"].to_numpy(dtype=float)
        np.testing.assert_array_equal(values, expected)
        assert len(values) == 3 * 2  # two caseworkers in each of three replications

    summary = _csv(run_folder / "summary.csv").set_index("name")
    waits = stage_waits(summary.reset_index())
    assert waits["task"].tolist()[0] == "reception"
    for row in waits.itertuples():
        figure = summary.loc[f"wait_{row.task}_days_mean"]
        assert (row.mean, row.ci_low, row.ci_high) == pytest.approx(
            (figure["mean"], figure["ci_low"], figure["ci_high"]), nan_ok=True
        )
        assert row.p90 == pytest.approx(summary.loc[f"wait_{row.task}_days_p90", "mean"])
    undefined = [
        t
        for t in ("reception", "disability", "assessment", "plan", "renewal", "follow_up")
        if np.isnan(summary.loc[f"wait_{t}_days_mean", "mean"])
    ]
    assert not set(undefined) & set(waits["task"])


def test_nb_folder_plots_the_same_numbers(scenario_file: Path, tmp_path: Path) -> None:
    """A folder written with --csv-locale nb is read in its own dialect."""
    out = tmp_path / "out"
    for locale in ("en", "nb"):
        done = invoke(
            "run",
            scenario_file,
            "--replications",
            "2",
            "--workers",
            "1",
            "--csv-locale",
            locale,
            "--out",
            out / locale,
        )
        assert done.exit_code == 0, done.output
    (en,) = (out / "en" / "tiny").iterdir()
    (nb,) = (out / "nb" / "tiny").iterdir()
    assert invoke("plot", nb, "--out", tmp_path / "figures").exit_code == 0
    from capacity.outputs.plots.reading import read_table

    pd.testing.assert_frame_equal(
        series_band(read_table(nb, "timeseries.csv"), "users_in_office"),
        series_band(read_table(en, "timeseries.csv"), "users_in_office"),
    )
    assert (tmp_path / "figures" / "caseloads_end.png").read_bytes().startswith(PNG)


def test_sweep_folder_with_a_target(scenario_file: Path, tmp_path: Path) -> None:
    """For a sweep: one chart per chosen figure, drawn from sweep.csv's rows, with the
    target as a line; the headcounts stay whole numbers."""
    # The sweep's table as capacity sweep writes it (without drawing its own charts).
    scenario = capacity.load_scenario(scenario_file)
    variation = parse_variation("staff.follow.headcount=1:3")
    result = capacity.sweep(scenario, [variation], replications=2)
    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / "sweep.csv").write_text(sweep_csv_text(result.summary), encoding="utf-8")
    done = invoke(
        "plot",
        folder,
        "--figure",
        "caseload_follow_up_mean",
        "--target",
        "aap_with_valid_plan_share>=0.5",
    )
    assert done.exit_code == 0, done.output
    files = sorted(p.name for p in (folder / "plots").iterdir())
    assert files == ["aap_with_valid_plan_share.png", "caseload_follow_up_mean.png"]

    table, paths, targets = varied_table(folder, "sweep")
    assert paths == ["staff.follow.headcount"]
    assert targets == {}
    assert [type(v) for v in table["staff.follow.headcount"]] == [int] * len(table)
    written = _csv(folder / "sweep.csv")
    pd.testing.assert_frame_equal(
        table[["figure", "mean", "ci_low", "ci_high"]],
        written[["figure", "mean", "ci_low", "ci_high"]],
    )


def test_staffing_folder_draws_its_targets(scenario_file: Path, tmp_path: Path) -> None:
    """A capacity staff folder: its targets come from staffing.csv, units from its
    manifest's scenario."""
    out = tmp_path / "out"
    done = invoke(
        "staff",
        scenario_file,
        "--target",
        "caseload_follow_up_mean<=20",
        "--vary",
        "staff.follow.headcount=1:4",
        "--replications",
        "2",
        "--workers",
        "1",
        "--out",
        out,
    )
    assert done.exit_code == 0, done.output
    (folder,) = (out / "tiny").iterdir()
    table, paths, targets = varied_table(folder, "staffing")
    assert paths == ["staff.follow.headcount"]
    assert targets == {"caseload_follow_up_mean": [("<=20", 20.0)]}
    assert set(table["unit"]) == {"users per caseworker"}
    assert invoke("plot", folder).exit_code == 0
    assert (folder / "plots" / "caseload_follow_up_mean.png").read_bytes().startswith(PNG)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "aap_with_valid_plan_share>=0.5"], "apply to a sweep"),
        (["--target", "share=0.5"], "write FIGURE>=VALUE"),
    ],
)
def test_bad_plot_options(run_folder: Path, args: list[str], message: str) -> None:
    done = invoke("plot", run_folder, *args)
    assert done.exit_code == 2
    assert message in done.output


@pytest.mark.parametrize(
    "summary",
    ["a,b\n1,x\n", "name,mean\nwait_reception_days_mean,many\n"],
    ids=["other columns", "not numbers"],
)
def test_tables_not_written_by_capacity_exit_2(
    run_folder: Path, tmp_path: Path, summary: str
) -> None:
    """A results folder whose summary.csv was replaced: exit 2 with a message, no
    traceback and no figure written."""
    folder = tmp_path / "edited"
    shutil.copytree(run_folder, folder)
    shutil.rmtree(folder / "plots", ignore_errors=True)
    (folder / "summary.csv").write_text(summary)
    done = invoke("plot", folder)
    assert done.exit_code == 2, done.output
    assert "not as capacity writes them" in done.output
    assert not (folder / "plots").exists()


def test_out_below_a_file_exits_2(run_folder: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = invoke("plot", run_folder, "--out", blocker / "figures")
    assert done.exit_code == 2, done.output
    assert "give a folder you can write to" in done.output


def test_not_a_results_folder(tmp_path: Path, write_scenario: Callable[..., Path]) -> None:
    done = invoke("plot", tmp_path)
    assert done.exit_code == 2
    assert "holds no results to plot" in done.output
    assert not (tmp_path / "plots").exists()
    assert invoke("plot", tmp_path / "missing").exit_code == 2


def test_rolling_totals_sum_the_trailing_week_within_each_replication() -> None:
    """Two replications of 9 days with 1 task a day in the first and 2 in the second: the
    weekly totals rise 1..7 then stay at 7 (and 2..14, 14), never mixing replications."""
    from capacity.outputs.plots import rolling_totals

    frame = pd.DataFrame(
        {
            "replication": [0] * 9 + [1] * 9,
            "day": list(range(9)) * 2,
            "tasks_done": [1] * 9 + [2] * 9,
        }
    )
    totals = rolling_totals(frame, ["tasks_done"], 7)["tasks_done"].tolist()
    assert totals == [1, 2, 3, 4, 5, 6, 7, 7, 7, 2, 4, 6, 8, 10, 12, 14, 14, 14]
    assert rolling_totals(frame, ["tasks_done"], 0) is frame


def test_disturbances_are_marked_from_the_manifest_scenario() -> None:
    """The bundled replay has a sick-leave wave (a span) and a reorganisation (an instant)."""
    from capacity.outputs.plots.reading import disturbance_marks
    from capacity.scenario import load_scenario

    scenario = load_scenario("office_2011_reorganised").model_dump(mode="json")
    assert disturbance_marks(scenario) == [
        ("absence wave: sick_leave_wave", "2011-01-10", "2011-02-07"),
        ("reorganisation: reorganisation_1", "2011-03-01", "2011-03-01"),
    ]
    assert disturbance_marks({"run": "broken"}) == []


def test_reading_and_reducing_a_folder_need_no_matplotlib() -> None:
    """matplotlib is imported only to draw: importing the plots package (its reading and
    reducing modules included) leaves it out, so commands that never draw start fast."""
    code = "import sys, capacity.outputs.plots; assert 'matplotlib' not in sys.modules"
    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)
