"""``capacity validate``: run the verification and validation suite and save its report.

Exit codes: 0 every check passed; 3 (EXIT_CHECKS_FAILED) a check failed, with the report
saved; 2 a bad option or results folder (nothing runs); 1 the report could not be saved;
130 interrupted (nothing saved).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from capacity.interfaces.common import (
    DEFAULT_WORKERS,
    EXIT_CHECKS_FAILED,
    EXIT_INTERRUPTED,
    SchedulerOption,
    WorkersOption,
    check_out_folder,
    check_scheduler,
    fail,
    make_settings,
    save_or_fail,
    with_progress,
)
from capacity.scenario import ScenarioError
from capacity.validation import SECTIONS, ValidationReport, run_validation
from capacity.validation.report import VALIDATION_FOLDER, interval_text

__all__ = ["validate"]


def _sections(report: ValidationReport) -> Table:
    table = Table(
        title=f"Validation ({report.sizes.name} suite): {len(report.outcomes)} checks",
        title_justify="left",
    )
    table.add_column("Section")
    table.add_column("Checks", justify="right")
    table.add_column("Passed", justify="right")
    for number, section in enumerate(SECTIONS, start=1):
        outcomes = [o for o in report.outcomes if o.check.section == section]
        passed = sum(o.passed for o in outcomes)
        style = "" if passed == len(outcomes) else "bold red"
        table.add_row(f"{number}. {section}", str(len(outcomes)), str(passed), style=style)
    return table


def _failures(report: ValidationReport) -> Table:
    table = Table(title="Checks that failed", title_justify="left", title_style="bold red")
    table.add_column("Check")
    table.add_column("Expected", justify="right")
    table.add_column("Model (95 % CI)", justify="right")
    table.add_column("Why")
    for o in report.failed:
        c = o.check
        table.add_row(
            f"{c.id}\n{c.description}",
            f"{c.expected_text()} ± {c.tolerance:.3g} {c.unit}",
            interval_text(o),
            o.reason,
        )
    return table


def validate(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder for the report. Each run gets its own new folder inside it, "
            "named validation/<date-time>; nothing is ever overwritten.",
        ),
    ] = Path("results"),
    quick: Annotated[
        bool,
        typer.Option(
            "--quick",
            help="Shorter runs (about a quarter of the work) with the tolerances for "
            "simulation noise doubled: a smoke test for continuous integration. The "
            "default suite is the evidence.",
        ),
    ] = False,
    workers: WorkersOption = DEFAULT_WORKERS,
    scheduler: SchedulerOption = None,
) -> None:
    """Check the model against queueing theory, conservation laws, published figures
    and the directions a manager expects.

    Saves validation.md (for people) and validation.csv (one row per check) with each
    check's expected value and source, the model's value with its 95 % interval, the
    tolerance and pass or fail. Exits with code 3 when a check fails, so continuous
    integration can run it.
    """
    check_out_folder(out, out / VALIDATION_FOLDER, "the report")
    check_scheduler(scheduler)
    try:
        settings = make_settings(workers=workers, scheduler=scheduler)
    except ScenarioError as error:
        fail(str(error))
    try:
        report = with_progress(
            None,
            lambda report: run_validation(settings.replace(progress=report), quick=quick),
            verb="Validating",
        )
    except KeyboardInterrupt:
        fail("interrupted; no report was saved", EXIT_INTERRUPTED)
    except ScenarioError as error:
        fail(f"a bundled scenario cannot be used (is the installation complete?): {error}")
    except OSError as error:
        # Only the cluster connection does network I/O during the run.
        fail(f"cannot use the scheduler {scheduler}: {error}")
    folder = save_or_fail(lambda: report.save(out), out, "the report")

    console = Console()
    console.print(_sections(report))
    total = len(report.outcomes)
    if report.passed:
        typer.echo(f"All {total} checks passed ({report.wall_seconds:.0f} s).")
    else:
        console.print(_failures(report))
        typer.secho(f"{len(report.failed)} of {total} checks FAILED.", fg="red", err=True)
    typer.echo(f"Report saved in: {folder} (validation.md lists every check with its source)")
    if not report.passed:
        raise typer.Exit(EXIT_CHECKS_FAILED)
