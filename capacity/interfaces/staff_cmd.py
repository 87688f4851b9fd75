"""``capacity staff``: the least staffing that meets the office's targets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from capacity.experiment.staffing import (
    StaffingAnswer,
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
    load_with_overrides,
    number,
    save_or_fail,
)
from capacity.outputs import RANDOM_STREAMS, package_versions, write_folder
from capacity.outputs.writer import command_line, default_run_id
from capacity.scenario import Scenario, ScenarioError

__all__ = ["staff"]


def _report(answer: StaffingAnswer, scenario: Scenario) -> None:
    console = Console()
    table = Table(title=f"{scenario.run.name}: levels simulated for {answer.path}")
    for column in ("level", "target", "mean", "95 % CI", "meets"):
        table.add_column(column, justify="right" if column != "target" else "left")
    for row in answer.table().itertuples(index=False):
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


def _manifest(answer: StaffingAnswer, scenario: Scenario, replications: int) -> dict:
    e = answer.erlang
    return {
        "kind": "least staffing",
        "command": command_line(),
        "path": answer.path,
        "targets": [str(t) for t in answer.targets],
        "answer": answer.value,
        "answer_found": answer.value is not None,
        "monotone_at_answer": answer.monotone,
        "message": answer.message,
        "levels_simulated": sorted(answer.evaluated),
        "replications_per_level": replications,
        "erlang_c": None
        if e is None
        else {
            "team": e.team,
            "measured_at": e.measured_at,
            "load_people": e.load,
            "stable_minimum": e.stable_minimum,
            "max_p_wait": e.max_p_wait,
            "servers": e.servers,
            "saturated": e.saturated,
        },
        "seed": scenario.run.seed,
        "random_streams": RANDOM_STREAMS,
        "versions": package_versions(),
        "scenario": scenario.model_dump(mode="json"),
    }


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
        typer.Option("--replications", help="Replications per level (default: the scenario's)."),
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
        chosen = load_with_overrides(scenario, {"replications": replications})
        targets = [parse_target(t) for t in target]
        path, levels = parse_levels(vary)
    except ScenarioError as error:
        fail(str(error))
    check_out_folder(out)
    check_scheduler(scheduler)

    started = dt.datetime.now(dt.UTC)
    console = Console(stderr=True)
    try:
        answer = least_staffing(
            chosen,
            targets,
            path,
            levels,
            workers=workers,
            scheduler=scheduler,
            erlang_max_p_wait=erlang_p_wait,
            progress=lambda level: console.print(f"Simulating {path} = {level} ..."),
        )
    except ScenarioError as error:
        fail(str(error))
    except KeyboardInterrupt:
        fail("interrupted; no results were saved", EXIT_INTERRUPTED)
    except OSError as error:
        fail(f"cannot use the scheduler {scheduler}: {error}")

    _report(answer, chosen)
    folder = save_or_fail(
        lambda: write_folder(
            {"staffing.csv": answer.table()},
            Path(out) / chosen.run.name,
            "staffing-" + default_run_id(started),
            manifest=lambda _id: _manifest(answer, chosen, chosen.run.replications),
        ),
        out,
    )
    typer.echo(f"Results saved in: {folder}")
