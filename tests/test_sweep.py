"""Sweeps: the grid of points, agreement with single runs, workers, checkpoints and
resume, the points file, and the ``capacity sweep`` command."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import TINY_TOML  # not tests.conftest: Ciw (bench extra) installs a 'tests' package
from typer.testing import CliRunner

from capacity.experiment import run_experiment, sweep
from capacity.experiment.checkpoint import PointStore
from capacity.experiment.sweep import SWEEP_FIGURE_COLUMNS, load_points, point_key, sweep_key
from capacity.experiment.vary import parse_variation
from capacity.interfaces import cli, sweep_cmd
from capacity.model import figure_catalogue
from capacity.outputs.atomic import write_atomic
from capacity.outputs.sweep import FIGURES_FOLDER, plot_figure, sweep_csv_text
from capacity.scenario import Scenario, ScenarioError, load_scenario, with_changes

# The package exports the function ``sweep`` under the module's name, so the module is
# taken from the import system.
sweep_module = importlib.import_module("capacity.experiment.sweep")

runner = CliRunner()
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
VARY = ["staff.follow.headcount=1:2", "organisation.model=generalist,specialised"]
"""Two variations of the tiny scenario: a 2 x 2 grid."""
GRID = [(1, "generalist"), (1, "specialised"), (2, "generalist"), (2, "specialised")]
"""The grid's points in order: the first variation varies slowest."""
PATHS = ["staff.follow.headcount", "organisation.model"]


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny scenario (30 days, 2 replications) as a file shared by this module."""
    path = tmp_path_factory.mktemp("scenario") / "tiny.toml"
    path.write_text(TINY_TOML, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def base(tiny_file: Path) -> Scenario:
    """The tiny scenario, validated."""
    return load_scenario(tiny_file)


@pytest.fixture(scope="module")
def grid_table(base: Scenario) -> pd.DataFrame:
    """The 2 x 2 sweep of the tiny scenario, one worker, no checkpoints."""
    return sweep(base, [parse_variation(spec) for spec in VARY]).summary


def _points_of(table: pd.DataFrame) -> list[tuple[Any, ...]]:
    """The distinct points of a sweep table, in table order."""
    return list(dict.fromkeys(zip(*(table[p] for p in PATHS), strict=True)))


def test_grid_has_every_combination_in_order(base: Scenario, grid_table: pd.DataFrame) -> None:
    """Two variations of 2 values each give 2 x 2 = 4 points, the first path varying
    slowest, one row per key figure of each point's scenario, and exactly the columns
    path..., figure, unit, mean, ci_low, ci_high, replications."""
    assert list(grid_table.columns) == [*PATHS, *SWEEP_FIGURE_COLUMNS]
    assert _points_of(grid_table) == GRID
    expected_rows = sum(
        len(figure_catalogue(with_changes(base, dict(zip(PATHS, point, strict=True)))))
        for point in GRID
    )
    assert len(grid_table) == expected_rows
    first = grid_table[grid_table["staff.follow.headcount"] == 1]
    assert first["figure"].iloc[0] == "users_arrived"
    assert set(grid_table["replications"]) <= {0, 1, 2}


def test_point_rows_equal_a_single_run(base: Scenario, grid_table: pd.DataFrame) -> None:
    """The rows of point (headcount 2, specialised) are the summary of run_experiment on
    the scenario changed to that point: same figures, units, means, intervals and
    counts, bit for bit."""
    point = {"staff.follow.headcount": 2, "organisation.model": "specialised"}
    summary = run_experiment(with_changes(base, point), replications=2).summary
    rows = grid_table[
        (grid_table["staff.follow.headcount"] == 2)
        & (grid_table["organisation.model"] == "specialised")
    ]
    mine = rows.drop(columns=PATHS).rename(columns={"figure": "name"}).reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, summary, check_exact=True, check_dtype=False)


def test_workers_do_not_change_the_table(base: Scenario, grid_table: pd.DataFrame) -> None:
    """The sweep on two worker processes gives exactly the one-worker table."""
    two = sweep(base, [parse_variation(spec) for spec in VARY], workers=2).summary
    pd.testing.assert_frame_equal(two, grid_table, check_exact=True)


def _recording_jobs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Scenario, int]]:
    """Record every job the sweep hands to the executor."""
    jobs: list[tuple[Scenario, int]] = []
    real = sweep_module.map_replications

    def recording(chunk: list[tuple[Scenario, int]], *args: Any, **options: Any) -> Any:
        jobs.extend(chunk)
        return real(chunk, *args, **options)

    monkeypatch.setattr(sweep_module, "map_replications", recording)
    return jobs


def test_resume_after_a_crash_gives_the_same_file_and_skips_saved_points(
    base: Scenario, grid_table: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sweep that crashes during its third point has saved the first two; resumed, it
    runs only points 3 and 4 (4 replications, not 8), ignores a half-written temporary
    file left beside them, and its sweep.csv text is byte-identical to that of the sweep
    never interrupted."""
    variations = [parse_variation(spec) for spec in VARY]
    checkpoints = tmp_path / ".points"

    def crash(done: int, total: int) -> None:
        if done > 4:  # the first replication of point 3 (2 replications a point)
            raise RuntimeError("simulated crash")

    with pytest.raises(RuntimeError, match="simulated crash"):
        sweep(base, variations, checkpoint_dir=checkpoints, progress=crash)
    assert len(list(checkpoints.glob("*.json"))) == 2

    third = {"staff.follow.headcount": 2, "organisation.model": "generalist"}
    half = checkpoints / f".{point_key(base, third, 2)}.json.x1y2.tmp"
    half.write_text('{"format": 1, "figures": {"users_arr', encoding="utf-8")

    jobs = _recording_jobs(monkeypatch)
    resumed = sweep(base, variations, checkpoint_dir=checkpoints, resume=True)
    assert resumed.resumed == 2
    assert [(s.staff["follow"].headcount, s.organisation.model, r) for s, r in jobs] == [
        (2, "generalist", 0),
        (2, "generalist", 1),
        (2, "specialised", 0),
        (2, "specialised", 1),
    ]
    assert sweep_csv_text(resumed.summary) == sweep_csv_text(grid_table)
    assert len(list(checkpoints.glob("*.json"))) == 4


def test_damaged_checkpoint_is_run_again(
    base: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkpoint cut short (not valid JSON) or saved for another number of
    replications is not used: with two points, one damaged file means two replications
    run again on resume, and the table equals a fresh sweep's."""
    points = [{"staff.follow.headcount": 1}, {"staff.follow.headcount": 2}]
    checkpoints = tmp_path / "cp"
    fresh = sweep(base, points, checkpoint_dir=checkpoints)
    damaged = PointStore(checkpoints).path(point_key(base, points[1], 2))
    damaged.write_text(damaged.read_text()[:50], encoding="utf-8")
    jobs = _recording_jobs(monkeypatch)
    again = sweep(base, points, checkpoint_dir=checkpoints, resume=True)
    assert [r for _, r in jobs] == [0, 1]
    assert jobs[0][0].staff["follow"].headcount == 2
    pd.testing.assert_frame_equal(again.summary, fresh.summary, check_exact=True)
    store = PointStore(checkpoints)
    assert store.load(point_key(base, points[0], 2), points[0], 3) is None


def test_write_atomic_replaces_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    """write_atomic puts exactly the bytes at the path, replacing an older file, and
    leaves no other file in the folder."""
    target = tmp_path / "a.json"
    target.write_text("old")
    write_atomic(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_points_file_gives_the_grid_points(tmp_path: Path) -> None:
    """A CSV with a header of paths and one row per point reads to the same points as
    the equivalent --vary grid, each cell parsed as in TOML (1 -> int, generalist ->
    text), blank lines skipped."""
    path = tmp_path / "points.csv"
    rows = "\n".join(f"{h},{m}" for h, m in GRID)
    path.write_text(f"{','.join(PATHS)}\n{rows}\n\n", encoding="utf-8")
    assert load_points(path) == [dict(zip(PATHS, point, strict=True)) for point in GRID]


def test_points_file_with_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    """The Norwegian spreadsheet dialect: semicolons between cells, decimal commas."""
    path = tmp_path / "points.csv"
    path.write_text(
        "\ufeffstaff.follow.headcount;organisation.task_switching_penalty;run.start_date\n"
        "9;0,25;2011-03-01\n12;-1,5;2011-04-01\n",
        encoding="utf-8",
    )
    assert load_points(path) == [
        {
            "staff.follow.headcount": 9,
            "organisation.task_switching_penalty": 0.25,
            "run.start_date": dt.date(2011, 3, 1),
        },
        {
            "staff.follow.headcount": 12,
            "organisation.task_switching_penalty": -1.5,
            "run.start_date": dt.date(2011, 4, 1),
        },
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the file is empty"),
        ("staff.follow.headcount\n", "no points"),
        ("a,a\n1,2\n", "column a is named twice"),
        ("a,b\n1\n", "row 2: 1 cells; the header has 2"),
        ("a,b\n1,\n", "row 2: no value for b"),
    ],
)
def test_malformed_points_file_is_refused(tmp_path: Path, text: str, expected: str) -> None:
    """Each malformed points file raises ScenarioError naming the problem and row."""
    path = tmp_path / "points.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=expected):
        load_points(path)


def test_sweep_key_is_stable_and_specific(base: Scenario, tiny_file: Path) -> None:
    """The folder key is the same for the same scenario (loaded again from its file),
    points and replications, is 12 hex digits, and differs when any of them changes."""
    points = [{"staff.follow.headcount": 1}, {"staff.follow.headcount": 2}]
    key = sweep_key(base, points)
    assert key == sweep_key(load_scenario(tiny_file), points)
    assert re.fullmatch(r"[0-9a-f]{12}", key)
    assert key != sweep_key(base, points[:1])
    assert key != sweep_key(base, points, replications=3)
    assert key != sweep_key(with_changes(base, {"run.seed": 1}), points)


# ----------------------------------------------------------------- command line


def invoke(*args: str | Path) -> Any:
    """Run ``capacity`` in-process with ``args``."""
    return runner.invoke(cli.app, [str(a) for a in args])


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--vary", "staff.nobody.headcount=1,2"], "'nobody' is not a field of staff"),
        (["--vary", "staff.follow.headcount=-1,2"], "staff.follow.headcount"),
        (["--vary", "staff.follow.headcount"], "write PATH=VALUES"),
        (["--vary", "staff.follow.headcount=3:1"], "start <= stop"),
        (["--vary", "run.seed=1", "--points", "p.csv"], "not both or neither"),
        ([], "not both or neither"),
        (["--points", "missing.csv"], "cannot read file"),
        (["--vary", "run.seed=1", "--replications", "0"], "--replications"),
        (["--vary", "run.seed=1", "--scheduler", "nowhere"], "not a scheduler address"),
    ],
)
def test_cli_user_errors_exit_2_and_write_nothing(
    tiny_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: list[str],
    expected: str,
) -> None:
    """Unknown path, refused value, malformed --vary, both or neither of --vary and
    --points, a missing points file and bad options: exit 2, a message naming the
    problem, no folder, and no replication run."""
    monkeypatch.chdir(tmp_path)
    jobs = _recording_jobs(monkeypatch)
    out = tmp_path / "results"
    result = invoke("sweep", tiny_file, "--out", out, *options)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
    assert jobs == []


def test_cli_points_file_writes_the_vary_table_and_one_chart_per_figure(
    tiny_file: Path, tmp_path: Path, grid_table: pd.DataFrame
) -> None:
    """capacity sweep --points with the grid's points writes sweep.csv byte-identical to
    the --vary grid's table, one valid PNG (8-byte signature) per key figure, and a
    manifest naming the points; it prints the headline table and the folder."""
    points = tmp_path / "points.csv"
    points.write_text(
        ",".join(PATHS) + "\n" + "".join(f"{h},{m}\n" for h, m in GRID), encoding="utf-8"
    )
    out = tmp_path / "results"
    result = invoke("sweep", tiny_file, "--points", points, "--out", out, "--workers", "2")
    assert result.exit_code == 0, result.output
    folders = list((out / "tiny").iterdir())
    assert len(folders) == 1
    folder = folders[0]
    assert folder.name == f"sweep-{sweep_key(load_scenario(tiny_file), load_points(points))}"
    assert f"Results saved in: {folder}" in result.output
    assert (folder / "sweep.csv").read_text(encoding="utf-8") == sweep_csv_text(grid_table)

    charts = sorted((folder / FIGURES_FOLDER).iterdir())
    assert [p.stem for p in charts] == sorted(set(grid_table["figure"]))
    for chart in charts:
        assert chart.read_bytes()[:8] == PNG_SIGNATURE, chart.name

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["varied"] == PATHS
    assert manifest["points"] == [dict(zip(PATHS, p, strict=True)) for p in GRID]
    assert manifest["points_resumed"] == 0
    assert "sweep.csv" in manifest["files"]
    assert len(list((folder / sweep_cmd.POINTS_FOLDER).glob("*.json"))) == 4


def test_cli_ctrl_c_exits_130_and_keeps_finished_points(
    tiny_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during the second of two points: exit 130, the first point is kept in
    .points, no sweep.csv; run again without --resume the command refuses (exit 2) and
    points to --resume."""
    real = sweep_module.map_replications
    calls: list[int] = []

    def interrupted(chunk: list[tuple[Scenario, int]], *args: Any, **options: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(chunk, *args, **options)

    monkeypatch.setattr(sweep_module, "map_replications", interrupted)
    out = tmp_path / "results"
    # One worker: each point is its own chunk, so the second chunk is the second point.
    args = (
        "sweep",
        tiny_file,
        "--vary",
        "staff.follow.headcount=1,2",
        "--out",
        out,
        "--workers",
        "1",
    )
    result = invoke(*args)
    assert result.exit_code == 130, result.output
    assert "1 of 2 points are saved" in result.output
    (folder,) = (out / "tiny").iterdir()
    assert len(list((folder / sweep_cmd.POINTS_FOLDER).glob("*.json"))) == 1
    assert not (folder / "sweep.csv").exists()

    again = invoke(*args)
    assert again.exit_code == 2
    assert "--resume" in again.output


def test_headline_figures_are_key_figures(base: Scenario) -> None:
    """Every figure shown in the terminal table is a key figure of the model."""
    names = {spec.name for spec in figure_catalogue(base)}
    assert set(sweep_cmd.HEADLINE_FIGURES) <= names


def test_progress_counts_replications_over_the_sweep(base: Scenario) -> None:
    """progress(done, total) runs from 1 to 4 for two points of two replications."""
    seen: list[tuple[int, int]] = []
    sweep(
        base,
        [{"staff.follow.headcount": 1}, {"staff.follow.headcount": 2}],
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_variations_may_be_written_as_on_the_command_line() -> None:
    """``"path=6:10:2"`` gives the same points as the parsed Variation."""
    from capacity.experiment.sweep import _as_points
    from capacity.experiment.vary import parse_variation

    text = "staff.follow_up.headcount=6:10:2"
    assert _as_points([text]) == _as_points([parse_variation(text)])
    assert _as_points([text]) == [{"staff.follow_up.headcount": v} for v in (6, 8, 10)]


def test_atomic_files_get_the_umask_permissions(tmp_path: Path) -> None:
    """Files written atomically are as readable as any new file (umask 022: 0644)."""
    import os

    from capacity.outputs.atomic import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.csv", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "a.csv").stat().st_mode & 0o777 == 0o644


def test_a_chart_of_named_points_draws_a_mean_a_hair_outside_its_interval() -> None:
    """A mean a rounding error above its interval's top (1 + 4e-15 against 1, as a
    saturated team's utilisation once was) gets no error bar on that side instead of
    stopping the chart with a negative one."""
    table = pd.DataFrame(
        {
            "organisation.model": ["split_aap", "generalist"],
            "figure": ["utilisation_x"] * 2,
            "unit": ["share"] * 2,
            "mean": [1.0 + 4e-15, 0.5],
            "ci_low": [1.0, 0.4],
            "ci_high": [1.0, 0.6],
            "replications": [2, 2],
        }
    )
    png = plot_figure(table, "utilisation_x", ["organisation.model"], "office")
    assert png.startswith(b"\x89PNG")
