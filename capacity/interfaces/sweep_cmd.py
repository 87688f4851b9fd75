"""``capacity sweep``: the key figures of a scenario over a grid or list of points.

Results go to ``OUT/<scenario name>/sweep-<key>/``, where the key is a hash of the
scenario, the points and the replications, so the same command finds its own folder
again: finished points are saved in its hidden ``.points/`` subfolder as they complete
and ``--resume`` skips them. A user error (bad path, value, option) exits with code 2
before anything is written; Ctrl-C exits with 130 and keeps the finished points.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from capacity.experiment import Settings
from capacity.experiment.checkpoint import CheckpointError
from capacity.experiment.sweep import SweepResult, load_points, sweep_key
from capacity.experiment.sweep import sweep as run_sweep
from capacity.experiment.vary import grid, parse_variation
from capacity.interfaces.common import (
    DEFAULT_SCENARIO,
    DEFAULT_WORKERS,
    EXIT_INTERRUPTED,
    EXIT_WRITE_FAILED,
    PointReplicationsOption,
    SchedulerOption,
    WorkersOption,
    check_out_folder,
    check_scheduler,
    fail,
    load_with_settings,
    make_settings,
    number,
    warn,
    with_progress,
)
from capacity.outputs.sweep import POINTS_FOLDER, sweep_folder
from capacity.outputs.writer import command_line
from capacity.scenario import Scenario, ScenarioError

__all__ = ["HEADLINE_FIGURES", "sweep"]

HEADLINE_FIGURES: dict[str, str] = {
    "aap_with_valid_plan_share": "valid plan share",
    "caseload_follow_up_mean": "caseload per caseworker",
    "aap_decision_days_mean": "decision days",
    "follow_up_contacts_overdue_share": "overdue contacts share",
}
"""Key figures shown per point in the terminal, with their column titles (every key
figure is in ``sweep.csv``)."""

_MAX_ROWS_SHOWN = 40


def _points(vary: list[str], points_file: Path | None) -> list[dict[str, Any]]:
    if points_file is not None:
        return load_points(points_file)
    return grid([parse_variation(spec) for spec in vary])


def _cell(row: Any) -> str:
    if math.isnan(row.ci_low):
        return number(row.mean)
    # Mean over its interval on two lines keeps the columns narrow enough for a terminal.
    return f"{number(row.mean)}\n{number(row.ci_low)} – {number(row.ci_high)}"


def _headline_table(result: SweepResult, scenario: Scenario) -> Table:
    shown = [name for name in HEADLINE_FIGURES if name in set(result.summary["figure"])]
    view = Table(
        title=f"{scenario.run.name}: {len(result.points)} point(s); mean and 95 % CI",
        title_justify="left",
        caption=f"columns: {', '.join(shown)}; every key figure is in sweep.csv",
        caption_justify="left",
    )
    for path in result.points[0]:
        # A narrow terminal may fold the path in the header, never a value.
        widest = max(len(str(point[path])) for point in result.points)
        view.add_column(path, overflow="fold", min_width=min(widest, 24))
    for name in shown:
        view.add_column(HEADLINE_FIGURES[name], justify="right", overflow="fold")
    for index, point in enumerate(result.points[:_MAX_ROWS_SHOWN]):
        rows = result.point_rows(index)
        cells = {row.figure: _cell(row) for row in rows.itertuples(index=False)}
        view.add_row(
            *(str(v) for v in point.values()), *(cells.get(n, "") for n in shown), end_section=True
        )
    if len(result.points) > _MAX_ROWS_SHOWN:
        view.caption = f"first {_MAX_ROWS_SHOWN} of {len(result.points)} points; " + str(
            view.caption
        )
    return view


def _remove_if_empty(folders: list[Path]) -> None:
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def sweep(
    scenario: Annotated[
        str,
        typer.Argument(
            metavar="SCENARIO",
            help="A scenario file (.toml), or the name of a scenario that comes with the "
            "program (see 'capacity scenarios').",
        ),
    ] = DEFAULT_SCENARIO,
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            metavar="PATH=VALUES",
            help="A field to vary and its values: a range start:stop[:step] "
            "(staff.follow_up.headcount=6:10:2) or a comma-separated list "
            "(organisation.model=generalist,specialised). Repeat for a grid of every "
            "combination.",
            show_default=False,
        ),
    ] = None,
    points: Annotated[
        Path | None,
        typer.Option(
            "--points",
            metavar="FILE",
            help="A CSV file of points instead of --vary: the header names the dotted "
            "paths, each further row is one point.",
            show_default=False,
        ),
    ] = None,
    replications: PointReplicationsOption = None,
    workers: WorkersOption = DEFAULT_WORKERS,
    scheduler: SchedulerOption = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for the results; the sweep goes to <scenario name>/sweep-<key> "
            "inside it, the key naming the scenario, points and replications.",
        ),
    ] = Path("results"),
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue the same sweep after an interruption: points already finished "
            "are not run again.",
        ),
    ] = False,
) -> None:
    """Run a scenario at many values of its fields and compare the key figures.

    Saves sweep.csv (one row per point and key figure, with the 95 % uncertainty
    range), one chart per key figure and a manifest, and prints a few headline figures
    per point.
    """
    vary = vary or []
    if bool(vary) == (points is not None):
        fail("give either --vary PATH=VALUES (one or more) or --points FILE, not both or neither")
    try:
        settings = make_settings(replications=replications, workers=workers)
        chosen = load_with_settings(scenario, settings)
        chosen_points = _points(vary, points)
    except ScenarioError as error:
        fail(str(error))
    check_scheduler(scheduler)
    settings = settings.replace(scheduler=scheduler)
    key = sweep_key(chosen, chosen_points)
    folder = sweep_folder(out, chosen.run.name, key)
    check_out_folder(out, folder)
    if resume and not folder.exists():
        warn(f"nothing to resume in {folder} (no earlier run of this exact sweep); starting it")
    if folder.exists() and not resume:
        if (folder / "manifest.json").exists():
            fail(
                f"this sweep was run before and its results are in {folder}; add --resume "
                "to write them again from its saved points, or remove that folder"
            )
        fail(
            f"an unfinished run of this sweep is in {folder}; add --resume to continue it "
            "(finished points are not run again), or remove that folder"
        )
    created = [p for p in (folder, *folder.parents) if not p.exists()]
    saved = 0

    def count_saved(done_points: int, _total: int) -> None:
        nonlocal saved
        saved = done_points

    try:
        result = _run_with_progress(
            chosen,
            chosen_points,
            settings,
            checkpoint_dir=folder / POINTS_FOLDER,
            resume=resume,
            on_point=count_saved,
        )
    except ScenarioError as error:
        fail(str(error))
    except KeyboardInterrupt:
        if saved == 0:
            _remove_if_empty(created)
            fail("interrupted; no point was finished", EXIT_INTERRUPTED)
        fail(
            f"interrupted; {saved} of {len(chosen_points)} points are saved in {folder}; "
            "run the same command with --resume to continue",
            EXIT_INTERRUPTED,
        )
    except CheckpointError as error:
        fail(f"could not save a finished point in {folder}: {error}", EXIT_WRITE_FAILED)
    except OSError as error:
        # Apart from the checkpoints, only the cluster connection does I/O during the run.
        fail(f"cannot use the scheduler {scheduler}: {error}")

    try:
        folder = result.save(out, command=command_line())
    except KeyboardInterrupt:
        fail(
            f"interrupted while saving; the finished points are kept in {folder}; "
            "run the same command with --resume to write the results",
            EXIT_INTERRUPTED,
        )
    except OSError as error:
        fail(f"could not save the results in {folder}: {error}", EXIT_WRITE_FAILED)

    Console().print(_headline_table(result, chosen))
    for message in result.warnings:
        warn(message)
    if result.resumed:
        typer.echo(f"{result.resumed} of {len(chosen_points)} points read from earlier work.")
    typer.echo(f"Results saved in: {folder}")


def _run_with_progress(
    scenario: Scenario, points: list[dict[str, Any]], settings: Settings, **options: Any
) -> SweepResult:
    return with_progress(
        None,
        lambda report: run_sweep(scenario, points, settings.replace(progress=report), **options),
        verb="Sweeping",
    )
