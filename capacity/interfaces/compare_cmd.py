"""``capacity compare``: a base office against one or more alternatives, on the same
users and work, with the difference in every key figure and its uncertainty.

Like ``capacity run``: every input is checked before anything runs or is created (exit
2), Ctrl-C exits 130 with nothing written, and the folder appears only once complete.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from capacity.experiment import Settings
from capacity.experiment.compare import ComparisonResult, prepare_comparison
from capacity.experiment.compare import compare as compare_scenarios
from capacity.interfaces.common import (
    DEFAULT_WORKERS,
    EXIT_INTERRUPTED,
    SchedulerOption,
    WorkersOption,
    check_out_folder,
    check_scheduler,
    fail,
    load_with_settings,
    make_settings,
    number,
    save_or_fail,
    warn,
    with_progress,
)
from capacity.outputs.comparison import COMPARISON_FOLDER
from capacity.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["compare"]


def _load_all(base: str, alternatives: list[str], settings: Settings) -> list[Scenario]:
    # Every file is read before failing, so that one message lists every problem.
    scenarios: list[Scenario] = []
    problems: list[str] = []
    for position, name in enumerate([base, *alternatives]):
        try:
            if position == 0:
                scenarios.append(load_with_settings(name, settings))
            else:
                scenarios.append(load_scenario(name))
        except ScenarioError as error:
            problems.append(str(error))
    if problems:
        fail("\n".join(problems))
    return scenarios


def _labels(names: list[str], scenarios: list[Scenario]) -> list[str]:
    # A variant file made with `base = ...` keeps its base's run.name; such a clash is
    # told apart by what was typed on the command line (the file's name).
    run_names = [s.run.name for s in scenarios]
    labels = []
    for name, run_name in zip(names, run_names, strict=True):
        if run_names.count(run_name) > 1:
            path = Path(name)
            labels.append(path.stem if path.suffix == ".toml" else name)
        else:
            labels.append(run_name)
    return labels


def _difference(difference: float, low: float, high: float) -> str:
    # The interval is symmetric (a t interval, never cut at a bound), so "d ± h" says
    # all of it in a column narrow enough for 80 characters.
    if math.isnan(difference):
        return "n/a"
    text = f"+{number(difference)}" if difference > 0 else number(difference)
    if math.isnan(low):
        return text
    return f"{text} ± {number((high - low) / 2)}"


def _tables(result: ComparisonResult) -> list[Table]:
    run = result.scenarios[0].run
    how = "paired" if result.paired else "independent"
    tables = []
    for label in result.labels[1:]:
        table = Table(
            title=(
                f"{label} against {result.labels[0]}: {result.replications} {how} "
                f"replication(s), key figures over days {run.warm_up_days}-{run.horizon_days}"
            ),
            title_justify="left",
            # Short headers and no lines: the table fits 80 characters (a terminal's
            # least, and the width used when output is piped); the units are in
            # comparison.csv.
            box=None,
            pad_edge=False,
        )
        table.add_column("Key figure", overflow="fold")
        table.add_column("Base", justify="right", no_wrap=True)
        table.add_column("Alt.", justify="right", no_wrap=True)
        table.add_column("Difference ± CI", justify="right", no_wrap=True)
        table.add_column("Sig.", justify="center", no_wrap=True)
        rows = result.summary[result.summary["scenario"] == label]
        for row in rows.itertuples(index=False):
            if math.isnan(row.ci_low):
                verdict = "n/a"
            else:
                verdict = "[bold]yes[/bold]" if row.significant else "no"
            table.add_row(
                row.figure,
                number(row.base_mean),
                number(row.alt_mean),
                _difference(row.difference, row.ci_low, row.ci_high),
                verdict,
            )
        tables.append(table)
    return tables


def _how_to_read(result: ComparisonResult) -> str:
    if result.paired:
        basis = "the same users with the same work in both"
    else:
        basis = "independent chance events in each (--independent)"
    return (
        f"Difference = alternative - base, mean over {result.replications} replications "
        f"({basis}), ± the half-width of its 95 % interval. Sig. 'yes': the interval "
        "leaves out 0, so the change is very unlikely to be chance; 'no': it may be "
        "chance (more replications narrow the interval)."
    )


def _run_with_progress(
    scenarios: list[Scenario], labels: list[str], settings: Settings, paired: bool
) -> ComparisonResult:
    replications = scenarios[0].run.replications
    return with_progress(
        replications * len(scenarios),
        lambda report: compare_scenarios(
            scenarios, settings.replace(progress=report), paired=paired, labels=labels
        ),
    )


def compare(
    base: Annotated[
        str,
        typer.Argument(
            metavar="BASE",
            help="The office as it is: a scenario file (.toml) or the name of a scenario "
            "that comes with the program.",
        ),
    ],
    alternatives: Annotated[
        list[str],
        typer.Argument(
            metavar="ALT...",
            help="One or more alternatives to compare with BASE (files or names). They "
            "must cover the same days: same start date, horizon and warm-up.",
        ),
    ],
    replications: Annotated[
        int | None,
        typer.Option(
            "--replications",
            min=1,
            max=10_000,
            help="How many times to play out the period for each scenario. More "
            "replications give narrower uncertainty ranges. Default: the number in BASE.",
            show_default=False,
        ),
    ] = None,
    workers: WorkersOption = DEFAULT_WORKERS,
    scheduler: SchedulerOption = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for the results. Each comparison gets its own new folder inside "
            "it, named comparison/<date-time>; nothing is ever overwritten.",
        ),
    ] = Path("results"),
    independent: Annotated[
        bool,
        typer.Option(
            "--independent",
            help="Give each alternative its own chance events instead of the base's "
            "(different users). Only to see what pairing gains: the uncertainty ranges "
            "are wider.",
        ),
    ] = False,
) -> None:
    """Compare a base office with one or more alternatives.

    Every scenario is played out with the same users and the same work (the base's
    seed), so the differences come from staffing and organisation, not from chance.
    Prints, for each alternative, every key figure of the base and the alternative,
    their difference with its 95 % uncertainty range and whether it is significant, and
    saves comparison.csv with a manifest.
    """
    try:
        settings = make_settings(replications=replications, workers=workers)
    except ScenarioError as error:
        fail(str(error))
    scenarios = _load_all(base, alternatives, settings)
    labels = _labels([base, *alternatives], scenarios)
    try:
        prepared = prepare_comparison(
            scenarios, replications=replications, paired=not independent, labels=labels
        )
    except ScenarioError as error:
        fail(str(error))
    check_out_folder(out, out / COMPARISON_FOLDER)
    check_scheduler(scheduler)
    settings = settings.replace(scheduler=scheduler)
    announced = []
    for label, scenario in zip(labels, prepared, strict=True):
        for message in scenario.compiled.warnings:
            announced.append(f"{label}: {message}")
            warn(announced[-1])

    try:
        result = _run_with_progress(scenarios, labels, settings, paired=not independent)
    except KeyboardInterrupt:
        fail("interrupted; no results were saved", EXIT_INTERRUPTED)
    except OSError as error:
        # Only the cluster connection does network I/O during the run.
        fail(f"cannot use the scheduler {scheduler}: {error}")
    folder = save_or_fail(lambda: result.save(out), out)

    console = Console()
    for table in _tables(result):
        console.print(table)
    console.print(_how_to_read(result), highlight=False)
    for message in result.warnings:
        if message not in announced:
            warn(message)
    typer.echo(f"Results saved in: {folder}")
