"""``capacity plot RESULTS_DIR``: PNG figures of a results folder (see
:mod:`capacity.outputs.plots`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from capacity.experiment.staffing import parse_target
from capacity.interfaces.common import EXIT_WRITE_FAILED, check_out_folder, fail
from capacity.outputs.plots import PLOTS_FOLDER, PlotError, plot_folder
from capacity.scenario import ScenarioError

__all__ = ["plot"]


def plot(
    results_dir: Annotated[
        Path,
        typer.Argument(
            metavar="RESULTS_DIR",
            help="A results folder of capacity run, capacity sweep or capacity staff.",
        ),
    ],
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            help="For a sweep: draw a target as a dashed line on that figure's chart, "
            "as FIGURE>=VALUE or FIGURE<=VALUE, e.g. 'aap_with_valid_plan_share>=0.9'. "
            "Repeat for several. (A capacity staff folder draws its own targets.)",
            show_default=False,
        ),
    ] = None,
    figure: Annotated[
        list[str] | None,
        typer.Option(
            "--figure",
            help="For a sweep or staffing folder: draw only this key figure and those "
            "given a --target (repeat for "
            "several). Default: every key figure in the folder.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=f"Folder for the PNG files. Default: RESULTS_DIR/{PLOTS_FOLDER}.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Draw the figures of a results folder as PNG files.

    For a run: the key daily series over time with 95 % confidence bands, each
    caseworker's caseload at the end, and the wait for a caseworker at each stage.
    For a sweep or a least-staffing search: each key figure against the varied field,
    with its interval and the targets.
    """
    lines: dict[str, list[tuple[str, float]]] = {}
    try:
        for text in target or []:
            parsed = parse_target(text)
            lines.setdefault(parsed.figure, []).append(
                (f"{parsed.op}{parsed.value:g}", parsed.value)
            )
    except ScenarioError as error:
        fail(str(error))
    if results_dir.is_dir():
        check_out_folder(out if out is not None else results_dir / PLOTS_FOLDER, what="the figures")
    try:
        written = plot_folder(results_dir, out=out, targets=lines, figures=figure or [])
    except PlotError as error:
        fail(str(error))
    except OSError as error:
        fail(f"could not save the figures: {error}", EXIT_WRITE_FAILED)
    for path in written:
        typer.echo(str(path))
    typer.echo(f"{len(written)} figure(s) saved in: {written[0].parent if written else out}")
