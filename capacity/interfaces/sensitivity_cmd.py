"""``capacity sensitivity``: how much the headline figures depend on the values nobody
observed (the scenario's ``[[uncertain]]`` list), one at a time or by Morris's method.

Like every command: inputs are checked before anything runs (exit 2), Ctrl-C exits 130
with nothing written, and the folder appears only once complete.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from capacity.experiment.sensitivity import (
    METHODS,
    SensitivityResult,
    sensitivity,
    swing_widths,
)
from capacity.interfaces.common import (
    DEFAULT_SCENARIO,
    DEFAULT_WORKERS,
    EXIT_INTERRUPTED,
    PointReplicationsOption,
    SchedulerOption,
    WorkersOption,
    check_out_folder,
    check_scheduler,
    fail,
    load_with_settings,
    make_settings,
    number,
    save_or_fail,
    with_progress,
)
from capacity.scenario import ScenarioError

__all__ = ["sensitivity_command"]


def _one_at_a_time_tables(result: SensitivityResult) -> list[Table]:
    tables = []
    for figure in result.figures:
        rows = result.summary[result.summary["figure"] == figure]
        if rows.empty:
            continue
        base = float(rows["base_mean"].iloc[0])
        table = Table(
            title=f"{figure} ({rows['unit'].iloc[0]}): {number(base)} as the scenario is",
            title_justify="left",
            box=None,
            pad_edge=False,
        )
        table.add_column("Uncertain value", overflow="fold")
        table.add_column("Basis")
        table.add_column("Set to", justify="right", overflow="fold")
        table.add_column("Figure", justify="right", no_wrap=True)
        table.add_column("Change ± CI", justify="right", no_wrap=True)
        for path in swing_widths(rows).index:
            for row in rows[rows["path"] == path].itertuples(index=False):
                half = (row.change_ci_high - row.change_ci_low) / 2
                change = "n/a" if math.isnan(row.change) else f"{row.change:+.4g}"
                if not math.isnan(half):
                    change += f" ± {number(half)}"
                table.add_row(row.path, row.basis, str(row.value), number(row.mean), change)
        tables.append(table)
    return tables


def _morris_tables(result: SensitivityResult) -> list[Table]:
    tables = []
    for figure in result.figures:
        rows = result.summary[result.summary["figure"] == figure]
        if rows.empty:
            continue
        table = Table(
            title=f"{figure}: elementary effects, {rows['unit'].iloc[0]} per whole range",
            title_justify="left",
            box=None,
            pad_edge=False,
        )
        for column in ("Uncertain value", "Basis", "mu*", "mu", "sigma"):
            table.add_column(column, justify="left" if column[0].isupper() else "right")
        for row in rows.sort_values("mu_star", ascending=False).itertuples(index=False):
            table.add_row(
                row.path, row.basis, number(row.mu_star), number(row.mu), number(row.sigma)
            )
        tables.append(table)
    return tables


def sensitivity_command(
    scenario: Annotated[
        str,
        typer.Argument(
            metavar="SCENARIO",
            help="A scenario file (.toml) or the name of a bundled scenario, whose "
            "'uncertain' list names the values to vary.",
        ),
    ] = DEFAULT_SCENARIO,
    figure: Annotated[
        list[str] | None,
        typer.Option(
            "--figure",
            help="A key figure to examine (repeat for several). Default: the share with a "
            "plan, the caseload, overdue contacts, the age of the backlog and the decision "
            "time (the AAP figures only where there is AAP).",
            show_default=False,
        ),
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="'one-at-a-time': each value at the ends of its range, the others as they "
            "are (a tornado chart per figure); 'morris': Morris's elementary effects, for "
            "many values that may act together.",
        ),
    ] = "one-at-a-time",
    trajectories: Annotated[
        int,
        typer.Option(
            "--trajectories",
            min=2,
            max=1000,
            help="With --method morris: random paths through the ranges, each one point "
            "more than there are values with a range.",
        ),
    ] = 10,
    levels: Annotated[
        int,
        typer.Option(
            "--levels",
            min=2,
            max=20,
            help="With --method morris: grid levels per range, an even number.",
        ),
    ] = 4,
    replications: PointReplicationsOption = None,
    workers: WorkersOption = DEFAULT_WORKERS,
    scheduler: SchedulerOption = None,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for the results: <scenario name>/sensitivity-<date-time> inside it.",
        ),
    ] = Path("results"),
) -> None:
    """Show how much the headline figures depend on the values nobody observed.

    Each value in the scenario's 'uncertain' list (calibrated or assumed, with the
    range it may lie in and why) is moved over its range with the same users and work
    (the scenario's seed), and the change of each figure is measured with its 95 %
    uncertainty range. Saves sensitivity.csv, a chart per figure and a manifest.
    """
    try:
        if method not in METHODS:
            raise ScenarioError("--method", [f"'{method}': use one of {', '.join(METHODS)}"])
        settings = make_settings(replications=replications, workers=workers)
        chosen = load_with_settings(scenario, settings)
    except ScenarioError as error:
        fail(str(error))
    check_out_folder(out, out / chosen.run.name)
    check_scheduler(scheduler)
    settings = settings.replace(scheduler=scheduler)
    try:
        result = with_progress(
            None,
            lambda report: sensitivity(
                chosen,
                settings.replace(progress=report),
                figures=figure or None,
                method=method,  # type: ignore[arg-type]
                trajectories=trajectories,
                levels=levels,
            ),
            verb="Varying",
        )
    except ScenarioError as error:
        fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted; no results were saved", EXIT_INTERRUPTED)
    except OSError as error:
        fail(f"cannot use the scheduler {scheduler}: {error}")
    folder = save_or_fail(lambda: result.save(out), out)

    console = Console()
    tables = _morris_tables(result) if method == "morris" else _one_at_a_time_tables(result)
    for table in tables:
        console.print(table)
    for line in result.lines():
        console.print(line, highlight=False)
    typer.echo(f"Results saved in: {folder}")
