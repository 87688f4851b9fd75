"""The ``capacity`` command: run a scenario, check a scenario file, list bundled scenarios.

User errors (a bad scenario or option) end with a message and exit code 2, before any
folder is created; Ctrl-C ends with exit code 130 and leaves no results folder.
"""

from __future__ import annotations

import math
import os
import re
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from capacity.experiment import ExperimentResult, run_experiment
from capacity.outputs import write_results
from capacity.scenario import (
    Scenario,
    ScenarioError,
    bundled_scenarios,
    load_scenario,
    scenario_to_toml,
    with_changes,
)
from capacity.scenario.routing import routing_warnings

__all__ = ["DEFAULT_SCENARIO", "EXIT_INTERRUPTED", "EXIT_USAGE", "app", "main"]

DEFAULT_SCENARIO = "office_2011"
"""Bundled scenario run when ``capacity run`` is given none."""

EXIT_USAGE = 2
"""Exit code for an invalid scenario or option (the usual code for usage errors)."""

EXIT_WRITE_FAILED = 1
"""Exit code when the results cannot be written (folder not writable, disk full)."""

EXIT_INTERRUPTED = 130
"""Exit code after Ctrl-C (128 + SIGINT, as shells report it)."""

app = typer.Typer(
    name="capacity",
    help=(
        "Simulate the caseload and capacity of a local NAV office. Describe the office in "
        "a scenario file (users coming in, staff, how work is divided), let the model "
        "play out the period many times, and read the key figures with their uncertainty. "
        "Use it to try staffing and organisation on paper before changing the office."
    ),
    no_args_is_help=True,
    add_completion=False,
)

# Options that override a field of [run]: option name -> field name.
_RUN_OVERRIDES = {
    "--replications": "replications",
    "--seed": "seed",
    "--horizon-days": "horizon_days",
    "--warm-up-days": "warm_up_days",
}


def _fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    typer.secho(f"Error: {message}", fg="red", err=True)
    raise typer.Exit(code)


def _warn(message: str) -> None:
    typer.secho(f"Warning: {message}", fg="yellow", err=True)


def _name_option(problem: str) -> str:
    for option, field in _RUN_OVERRIDES.items():
        if problem.startswith(f"run.{field}:"):
            return f"{problem} [set by {option}]"
    return problem


def _load(name_or_path: str, overrides: dict[str, int | None]) -> Scenario:
    """The scenario with the command-line overrides applied, validated as a whole."""
    scenario = load_scenario(name_or_path)
    given = {field: value for field, value in overrides.items() if value is not None}
    if not given:
        return scenario
    try:
        # Checks every rule again on the new values (ranges, warm-up inside the horizon,
        # dates inside the horizon).
        return with_changes(scenario, {f"run.{field}": value for field, value in given.items()})
    except ScenarioError as error:
        raise ScenarioError(
            f"{name_or_path} (with command-line options)",
            [_name_option(p) for p in error.problems],
        ) from None


def _unwritable(out: Path) -> str | None:
    """Why results could not be saved under ``out``, or None. Checked before simulating
    so that a long run is not lost; creates nothing that stays."""
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


def _number(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _figures_table(result: ExperimentResult, scenario: Scenario) -> Table:
    run = scenario.run
    table = Table(
        title=(
            f"{run.name}: {result.replications} replication(s), key figures over days "
            f"{run.warm_up_days}-{run.horizon_days}"
        ),
        title_justify="left",
    )
    table.add_column("Key figure", no_wrap=True)
    table.add_column("Unit")
    table.add_column("Mean", justify="right", no_wrap=True)
    table.add_column("95 % CI", justify="right", no_wrap=True)
    for row in result.summary.itertuples(index=False):
        if math.isnan(row.ci_low):
            interval = "n/a"
        else:
            interval = f"{_number(row.ci_low)} – {_number(row.ci_high)}"
        table.add_row(row.name, row.unit, _number(row.mean), interval)
    return table


def _run_with_progress(
    scenario: Scenario, workers: int, events: bool, scheduler: str | None = None
) -> ExperimentResult:
    progress = Progress(
        TextColumn("Simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("replications"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with progress:
        task = progress.add_task("replications", total=scenario.run.replications)
        return run_experiment(
            scenario,
            workers=workers,
            scheduler=scheduler,
            record_events=events,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )


@app.command()
def run(
    scenario: Annotated[
        str,
        typer.Argument(
            metavar="SCENARIO",
            help="A scenario file (.toml), or the name of a scenario that comes with the "
            "program (see 'capacity scenarios').",
        ),
    ] = DEFAULT_SCENARIO,
    replications: Annotated[
        int | None,
        typer.Option(
            "--replications",
            help="How many times to play out the period, each time with different chance "
            "events. More replications give narrower uncertainty ranges but take longer. "
            "Default: the number in the scenario.",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            help="Starting number for the chance events. The same seed gives exactly the "
            "same results. Default: the seed in the scenario.",
            show_default=False,
        ),
    ] = None,
    horizon_days: Annotated[
        int | None,
        typer.Option(
            "--horizon-days",
            help="How many days to simulate from the scenario's start date. Default: the "
            "scenario's value.",
            show_default=False,
        ),
    ] = None,
    warm_up_days: Annotated[
        int | None,
        typer.Option(
            "--warm-up-days",
            help="Days at the start to leave out of the key figures, for example while a "
            "new office fills up. Default: the scenario's value.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for the results. Each run gets its own new folder inside it, "
            "named <scenario name>/<date-time>; nothing is ever overwritten.",
        ),
    ] = Path("results"),
    events: Annotated[
        bool,
        typer.Option(
            "--events",
            help="Also save a list of every event for every user (a large file, for "
            "detailed analysis).",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="How many replications to run at the same time on this computer's "
            "processor cores. The results are the same whatever the number.",
        ),
    ] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Run the replications on a dask.distributed cluster instead, given its "
            "scheduler's address (tcp://HOST:PORT). The results are the same as locally.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Simulate a scenario and save the results.

    Prints the key figures with their 95 % uncertainty range and where the tables are saved.
    """
    overrides = {
        "replications": replications,
        "seed": seed,
        "horizon_days": horizon_days,
        "warm_up_days": warm_up_days,
    }
    try:
        chosen = _load(scenario, overrides)
    except ScenarioError as error:
        _fail(str(error))
    if out.exists() and not out.is_dir():
        _fail(f"--out {out} is a file; give a folder for the results")
    problem = _unwritable(out)
    if problem:
        _fail(f"--out {out}: {problem}; give a folder you can write to")
    if scheduler is not None and not re.fullmatch(r"(tcp|tls|inproc|ucx)://\S+", scheduler):
        _fail(f"--scheduler {scheduler!r} is not a scheduler address like tcp://HOST:PORT")
    announced = routing_warnings(chosen)
    for message in announced:
        _warn(message)

    try:
        result = _run_with_progress(chosen, workers, events, scheduler)
    except KeyboardInterrupt:
        _fail("interrupted; no results were saved", EXIT_INTERRUPTED)
    except OSError as error:
        # Only the cluster connection does network I/O during the run.
        _fail(f"cannot use the scheduler {scheduler}: {error}")
    try:
        command = shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]])
        folder = write_results(result, chosen, out, command=command)
    except KeyboardInterrupt:
        _fail("interrupted; no results were saved", EXIT_INTERRUPTED)
    except OSError as error:
        _fail(f"could not save the results in {out}: {error}", EXIT_WRITE_FAILED)

    Console().print(_figures_table(result, chosen))
    for message in result.warnings:
        if message not in announced:
            _warn(message)
    typer.echo(f"Results saved in: {folder}")


@app.command()
def check(
    scenario: Annotated[
        str,
        typer.Argument(
            metavar="SCENARIO",
            help="A scenario file (.toml), or the name of a scenario that comes with the program.",
        ),
    ],
) -> None:
    """Check a scenario file without running it.

    Prints the scenario with every default filled in: exactly what would be simulated.

    Also warns about work that no one in the office would ever do.
    """
    try:
        chosen = load_scenario(scenario)
    except ScenarioError as error:
        _fail(str(error))
    typer.echo(scenario_to_toml(chosen), nl=False)
    for message in routing_warnings(chosen):
        _warn(message)


@app.command()
def scenarios() -> None:
    """List the scenarios that come with the program.

    Run one with 'capacity run NAME'. To describe your own office, start from one:

    capacity check NAME > my_office.toml
    """
    names = bundled_scenarios()
    if not names:
        typer.echo("No bundled scenarios are installed.")
        return
    width = max(len(name) for name in names)
    for name in names:
        try:
            lines = load_scenario(name).run.description.strip().splitlines()
            summary = lines[0] if lines else ""
        except ScenarioError as error:
            summary = f"(invalid: {'; '.join(error.problems)})"
        typer.echo(f"{name:<{width}}  {summary}".rstrip())


def main() -> None:
    """Entry point of the ``capacity`` console script."""
    app()


if __name__ == "__main__":
    main()
