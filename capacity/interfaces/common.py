"""What every ``capacity`` command shares: exit codes, messages, loading a scenario with
command-line overrides, the results-folder check, number formatting and the progress
bar."""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from capacity.experiment import RunResult, Settings, run_experiment
from capacity.experiment.settings import ProgressCallback
from capacity.scenario import Scenario, ScenarioError, load_scenario
from capacity.scenario.loading import is_text

T = TypeVar("T")

__all__ = [
    "DEFAULT_SCENARIO",
    "DEFAULT_WORKERS",
    "EXIT_CHECKS_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_USAGE",
    "EXIT_WRITE_FAILED",
    "PointReplicationsOption",
    "SchedulerOption",
    "WorkersOption",
    "check_out_folder",
    "check_scheduler",
    "fail",
    "figures_table",
    "load_with_settings",
    "make_settings",
    "number",
    "run_with_progress",
    "save_or_fail",
    "unwritable",
    "warn",
    "with_progress",
]

DEFAULT_SCENARIO = "office_2011"
"""Bundled scenario run when ``capacity run`` is given none."""

EXIT_USAGE = 2
"""Exit code for an invalid scenario or option (the usual code for usage errors)."""

EXIT_WRITE_FAILED = 1
"""Exit code when the results cannot be written (folder not writable, disk full)."""

EXIT_CHECKS_FAILED = 3
"""Exit code of ``capacity validate`` when a check failed (the report is still written),
so that continuous integration stops on it."""

EXIT_INTERRUPTED = 130
"""Exit code after Ctrl-C (128 + SIGINT, as shells report it)."""

OPTION_NAMES: dict[str, str] = {
    "replications": "--replications",
    "seed": "--seed",
    "horizon_days": "--horizon-days",
    "warm_up_days": "--warm-up-days",
    "precision": "--precision",
    "precision_figures": "--precision-figure",
    "max_replications": "--max-replications",
    "workers": "--workers",
    "scheduler": "--scheduler",
    "record_events": "--events",
}
"""The command-line option that gives each setting (see
:class:`capacity.experiment.Settings`)."""


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    typer.secho(f"Error: {message}", fg="red", err=True)
    raise typer.Exit(code)


DEFAULT_WORKERS = (
    len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
)
"""Worker processes when --workers is not given: every core this process may use
(results do not depend on it)."""


WorkersOption = Annotated[
    int,
    typer.Option(
        "--workers",
        min=1,
        help="How many replications to run at the same time on this computer's "
        "processor cores. The results are the same whatever the number.",
    ),
]
"""The --workers option every simulating command takes."""

PointReplicationsOption = Annotated[
    int | None,
    typer.Option(
        "--replications",
        min=1,
        max=10_000,
        help="Replications at each point. Default: the number in the scenario.",
        show_default=False,
    ),
]
"""The --replications option of the commands that run many points (sweep, sensitivity)."""

SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Run the replications on a dask.distributed cluster instead, given its "
        "scheduler's address (tcp://HOST:PORT). The results are the same as locally.",
        show_default=False,
    ),
]
"""The --scheduler option every simulating command takes."""


def check_scheduler(scheduler: str | None) -> None:
    """Exit 2 unless ``scheduler`` is None or looks like a dask scheduler address."""
    if scheduler is not None and not re.fullmatch(r"(tcp|tls|inproc|ucx)://\S+", scheduler):
        fail(f"--scheduler {scheduler!r} is not a scheduler address like tcp://HOST:PORT")


def warn(message: str) -> None:
    typer.secho(f"Warning: {message}", fg="yellow", err=True)


def make_settings(**values: object) -> Settings:
    """:class:`~capacity.experiment.Settings` from the options' values; a value out of
    range is a ScenarioError naming the option (``--precision``)."""
    try:
        return Settings(**values)  # type: ignore[arg-type]
    except ScenarioError as error:
        setting, _, message = error.problems[0].partition(": ")
        raise ScenarioError(OPTION_NAMES.get(setting, setting), [message]) from None


def load_with_settings(name_or_path: str, settings: Settings) -> Scenario:
    """The scenario with the ``[run]`` fields the settings override, validated as a
    whole; a problem a setting caused names its option (``[set by --seed]``)."""
    scenario = load_scenario(name_or_path)
    try:
        return settings.apply(scenario, names=OPTION_NAMES)
    except ScenarioError as error:
        raise ScenarioError(f"{name_or_path} (with command-line options)", error.problems) from None


def check_out_folder(out: Path, probe: Path | None = None, what: str = "the results") -> None:
    """Exit 2 unless results can be saved under ``out``: it must not be a file, and a
    folder must be creatable at ``probe`` (default ``out``; the subfolder a command
    writes into). Called before simulating so that a long run is not lost."""
    if out.exists() and not out.is_dir():
        fail(f"--out {out} is a file; give a folder for {what}")
    problem = unwritable(probe if probe is not None else out)
    if problem:
        fail(f"--out {out}: {problem}; give a folder you can write to")


def save_or_fail(write: Callable[[], T], out: Path, what: str = "the results") -> T:
    """Call ``write()`` (which saves atomically) and return its value; on Ctrl-C exit
    130, and on a write error exit 1, each saying that nothing was saved."""
    try:
        return write()
    except KeyboardInterrupt:
        fail(f"interrupted; {what} were not saved", EXIT_INTERRUPTED)
    except OSError as error:
        fail(f"could not save {what} in {out}: {error}", EXIT_WRITE_FAILED)


def unwritable(out: Path) -> str | None:
    """Why results could not be saved under ``out``, or None. Checked before simulating
    so that a long run is not lost; creates nothing that stays."""
    if not is_text(str(out.absolute())):
        return "the folder name is not valid UTF-8 text (the results record it)"
    ancestor = out.absolute()
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"{ancestor} is not a folder"
    try:
        probe = tempfile.mkdtemp(prefix=".capacity-probe-", dir=ancestor)
    except OSError as error:
        return f"cannot create folders in {ancestor} ({error.strerror})"
    os.rmdir(probe)
    return None


def number(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def figures_table(result: RunResult) -> Table:
    table = Table(title=result.title(), title_justify="left")
    table.add_column("Key figure", no_wrap=True)
    table.add_column("Unit")
    table.add_column("Mean", justify="right", no_wrap=True)
    table.add_column("95 % CI", justify="right", no_wrap=True)
    for row in result.summary.itertuples(index=False):
        if math.isnan(row.ci_low):
            interval = "n/a"
        else:
            interval = f"{number(row.ci_low)} – {number(row.ci_high)}"
        table.add_row(row.name, row.unit, number(row.mean), interval)
    return table


def run_with_progress(scenario: Scenario, settings: Settings) -> RunResult:
    """Run the scenario with the settings and a progress bar on stderr."""
    total = settings.max_replications if settings.auto_replications else scenario.run.replications
    return with_progress(
        total, lambda report: run_experiment(scenario, settings.replace(progress=report))
    )


def with_progress(
    total: int | None, work: Callable[[ProgressCallback], T], verb: str = "Simulating"
) -> T:
    """Call ``work(report)`` while a progress bar on stderr shows ``report(done, total)``
    (``total`` None until the work reports it)."""
    progress = Progress(
        TextColumn(verb),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("replications"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with progress:
        task = progress.add_task("replications", total=total)
        return work(lambda done, total: progress.update(task, completed=done, total=total))
