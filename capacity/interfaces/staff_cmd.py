"""``capacity staff``: the least staffing that meets the office's targets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from capacity.experiment.staffing import (
    StaffingResult,
    least_staffing,
    parse_levels,
    parse_target,
)
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
)
from capacity.scenario import ScenarioError

__all__ = ["staff"]


def _report(answer: StaffingResult) -> None:
    console = Console()
    table = Table(title=f"{answer.scenario.run.name}: levels simulated for {answer.path}")
    for column in ("level", "target", "mean", "95 % CI", "meets"):
        table.add_column(column, justify="right" if column != "target" else "left")
    for row in answer.summary.itertuples(index=False):
        table.add_row(
            str(row[0]),
            f"{row.figure}{row.target}",
            number(row.mean),
            f"{number(row.ci_low)} – {number(row.ci_high)}",
            "yes" if row.meets else "no",
        )
    console.print(table)
    console.print(answer.message)
    if answer.erlang is not None:
        e = answer.erlang
        console.print(
            f"Erlang C for the same load ({e.load:.2f} people's worth of work in team "
            f"'{e.team}', measured at {e.measured_at}): at least {e.stable_minimum} to keep "
            f"up at all, {e.servers} for P(wait) <= {e.max_p_wait:g}. {e.reason}"
        )


def staff(
    scenario: Annotated[
        str, typer.Argument(metavar="SCENARIO", help="A scenario file or bundled name.")
    ],
    target: Annotated[
        list[str],
        typer.Option(
            "--target",
            help="A goal every level must meet with its whole 95 % interval, as "
            "FIGURE>=VALUE or FIGURE<=VALUE, e.g. 'aap_with_valid_plan_share>=0.9'. "
            "Repeat for several goals.",
        ),
    ],
    vary: Annotated[
        str,
        typer.Option(
            "--vary",
            help="The number of people to search, as PATH=LOW:HIGH, e.g. "
            "'staff.follow_up.headcount=1:60'.",
        ),
    ],
    replications: Annotated[
        int | None,
        typer.Option(
            "--replications",
            min=2,
            max=10_000,
            help="Replications per level, at least 2 for an interval (default: the scenario's).",
        ),
    ] = None,
    workers: WorkersOption = DEFAULT_WORKERS,
    scheduler: SchedulerOption = None,
    erlang_p_wait: Annotated[
        float | None,
        typer.Option(
            "--erlang-p-wait",
            min=0.0001,
            max=1.0,
            help="P(wait) goal for the Erlang C comparison shown beside the answer. "
            "Default: the value of a waited_<task>_share<= target, else 0.2.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the results.")] = Path("results"),
) -> None:
    """Find the least staffing that meets every target, without simulating every level.

    Levels are searched by bisection, which assumes more people never make a target
    harder to meet; the level above the answer is simulated too, to check that.
    Writes staffing.csv (one row per level simulated and target) and manifest.json.
    """
    try:
        settings = make_settings(replications=replications, workers=workers)
        chosen = load_with_settings(scenario, settings)
        targets = [parse_target(t) for t in target]
        path, _ = parse_levels(vary)
    except ScenarioError as error:
        fail(str(error))
    check_out_folder(out, out / chosen.run.name)
    check_scheduler(scheduler)
    settings = settings.replace(scheduler=scheduler)

    console = Console(stderr=True)
    try:
        answer = least_staffing(
            chosen,
            targets,
            vary,
            settings,
            erlang_max_p_wait=erlang_p_wait,
            on_level=lambda level: console.print(f"Simulating {path} = {level} ..."),
        )
    except ScenarioError as error:
        fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted; no results were saved", EXIT_INTERRUPTED)
    except OSError as error:
        fail(f"cannot use the scheduler {scheduler}: {error}")

    _report(answer)
    folder = save_or_fail(lambda: answer.save(out), out)
    typer.echo(f"Results saved in: {folder}")
