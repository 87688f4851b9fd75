"""The ``capacity`` command: run a scenario, check a scenario file, list bundled scenarios.

User errors (a bad scenario or option) end with a message and exit code 2, before any
folder is created; Ctrl-C ends with exit code 130 and leaves no results folder.
"""

from __future__ import annotations

import shlex
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from capacity.interfaces import (
    compare_cmd,
    plot_cmd,
    sensitivity_cmd,
    staff_cmd,
    sweep_cmd,
    validate_cmd,
)
from capacity.interfaces.common import (
    DEFAULT_SCENARIO,
    DEFAULT_WORKERS,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    EXIT_WRITE_FAILED,
    SchedulerOption,
    WorkersOption,
    check_out_folder,
    check_scheduler,
    fail,
    figures_table,
    load_with_settings,
    make_settings,
    run_with_progress,
    save_or_fail,
    warn,
)
from capacity.interfaces.table_options import CsvLocaleOption, FormatOption, check_table_options
from capacity.interfaces.web import command as app_cmd
from capacity.model import figure_catalogue
from capacity.scenario import (
    Scenario,
    ScenarioError,
    bundled_scenarios,
    load_scenario,
    scenario_to_toml,
)

__all__ = ["DEFAULT_SCENARIO", "EXIT_INTERRUPTED", "EXIT_USAGE", "app", "main"]

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
        str | None,
        typer.Option(
            "--replications",
            help="How many times to play out the period, each time with different chance "
            "events. More replications give narrower uncertainty ranges but take longer. "
            "'auto' adds replications until the key figures are as precise as --precision "
            "asks. Default: the number in the scenario.",
            show_default=False,
        ),
    ] = None,
    precision: Annotated[
        float,
        typer.Option(
            "--precision",
            help="With --replications auto: stop when each checked key figure's 95 % "
            "interval is within this share of its mean (0.05 = 5 %).",
        ),
    ] = 0.05,
    max_replications: Annotated[
        int,
        typer.Option("--max-replications", min=2, help="With --replications auto: at most."),
    ] = 200,
    precision_figure: Annotated[
        list[str] | None,
        typer.Option(
            "--precision-figure",
            help="With --replications auto: a key figure whose precision is checked "
            "(repeat for several). Default: plan share, caseload, decision time and "
            "reception wait, where defined.",
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
        str | None,
        typer.Option(
            "--warm-up-days",
            help="Days at the start to leave out of the key figures, for example while a "
            "new office fills up. 'auto' chooses them by MSER-5 on the daily number of "
            "users in the office (shown in the output). Default: the scenario's value.",
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
    workers: WorkersOption = DEFAULT_WORKERS,
    scheduler: SchedulerOption = None,
    output_format: FormatOption = "csv",
    csv_locale: CsvLocaleOption = "en",
) -> None:
    """Simulate a scenario and save the results.

    Prints the key figures with their 95 % uncertainty range and where the tables are saved.
    """
    auto_replications = replications == "auto"
    auto_warm_up = warm_up_days == "auto"
    try:
        settings = make_settings(
            replications="auto" if auto_replications else _whole(replications, "--replications"),
            seed=seed,
            horizon_days=horizon_days,
            warm_up_days="auto" if auto_warm_up else _whole(warm_up_days, "--warm-up-days"),
            precision=precision,
            precision_figures=tuple(precision_figure or ()),
            max_replications=max_replications,
            workers=workers,
            record_events=events,
        )
        chosen = load_with_settings(scenario, settings)
        _check_figures(chosen, precision_figure or [])
        most = max_replications if auto_replications else chosen.run.replications
        check_table_options(output_format, csv_locale, most, chosen.run.horizon_days)
    except ScenarioError as error:
        fail(str(error))
    check_out_folder(out, out / chosen.run.name)
    check_scheduler(scheduler)
    settings = settings.replace(scheduler=scheduler)
    if not auto_replications:
        ignored = [
            option
            for option, given in (
                ("--precision", precision != 0.05),
                ("--max-replications", max_replications != 200),
                ("--precision-figure", bool(precision_figure)),
            )
            if given
        ]
        if ignored:
            warn(f"{', '.join(ignored)} only apply with --replications auto; ignored")
    announced = chosen.compiled.warnings
    for message in announced:
        warn(message)

    try:
        result = run_with_progress(chosen, settings)
    except ScenarioError as error:
        fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted; no results were saved", EXIT_INTERRUPTED)
    except OSError as error:
        # Only the cluster connection does network I/O during the run.
        fail(f"cannot use the scheduler {scheduler}: {error}")
    command = shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]])
    folder = save_or_fail(
        lambda: result.save(
            out, command=command, csv_locale=csv_locale, xlsx=output_format == "xlsx"
        ),
        out,
    )

    try:
        Console().print(figures_table(result))
        _describe_method(result.method)
        for message in result.warnings:
            if message not in announced:
                warn(message)
    except KeyboardInterrupt:
        fail(f"interrupted; the results were saved in: {folder}", EXIT_INTERRUPTED)
    typer.echo(f"Results saved in: {folder}")


def _whole(text: str | None, option: str) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise ScenarioError(option, [f"give a whole number or 'auto' (given {text!r})"]) from None


def _check_figures(scenario: Scenario, names: list[str]) -> None:
    known = {spec.name for spec in figure_catalogue(scenario)}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ScenarioError("--precision-figure", [f"unknown key figure(s): {unknown}"])


def _describe_method(method: dict) -> None:
    if "warm_up" in method:
        typer.echo(
            f"Warm-up chosen by MSER-5 on the daily {method['warm_up_series']}: "
            f"{method['warm_up_days']} days."
        )
        if method.get("warm_up_at_limit"):
            warn(
                "the series had not settled within the first half of the run (the most "
                "MSER-5 may cut); the warm-up is uncertain: simulate a longer horizon"
            )
    if method.get("replications") == "sequential":
        # NaN: the figure had no value, or a mean of 0, in these replications.
        widths = ", ".join(
            f"{name} {width:.1%}" if width == width else f"{name} n/a (no value to judge)"
            for name, width in method["precision_by_figure"].items()
        )
        verdict = "met" if method["precision_met"] else "NOT met (stopped at the maximum)"
        typer.echo(
            f"Replications: {method['replications_needed']}; precision "
            f"{method['precision']:.0%} {verdict}; half-width / mean: {widths}."
        )


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
        fail(str(error))
    typer.echo(scenario_to_toml(chosen), nl=False)
    for message in chosen.compiled.warnings:
        warn(message)


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


app.command("compare")(compare_cmd.compare)
app.command("staff")(staff_cmd.staff)
app.command("sensitivity")(sensitivity_cmd.sensitivity_command)
app.command("sweep")(sweep_cmd.sweep)
app.command("plot")(plot_cmd.plot)
app.command("app")(app_cmd.app)
app.command("validate")(validate_cmd.validate)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """Entry point of the ``capacity`` console script. Running out of memory ends with a
    message and exit code 1 instead of a traceback (nothing half-written stays). A
    termination signal (``kill``) is handled as Ctrl-C: the worker processes stop too,
    instead of being left behind waiting for work that never comes."""
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        app()
    except MemoryError:
        fail(
            "out of memory: the office is too large for this computer's memory; use fewer "
            "users, a shorter --horizon-days or fewer --workers",
            EXIT_WRITE_FAILED,
        )


if __name__ == "__main__":
    main()
