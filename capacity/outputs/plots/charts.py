"""The charts of a results folder, drawn and written as PNG files: what ``capacity plot``
draws.

For a run (``capacity run``): key daily series over time with 95 % confidence bands
across replications, the caseload of each caseworker at the end, and the wait for a
caseworker at each stage. For a sweep (``capacity sweep``) or a least-staffing search
(``capacity staff``): each key figure against the varied field with its interval and
any target as a line, drawn by :func:`capacity.outputs.sweep.plot_figure`.

Each chart is made in three steps, one module each: the folder's tables are read
(:mod:`capacity.outputs.plots.reading`), reduced to exactly the numbers drawn
(:mod:`capacity.outputs.plots.reduction`; the tests compare these with the CSV files)
and drawn (:mod:`capacity.outputs.plots.drawing`); :func:`plot_folder` ties them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from capacity.outputs.atomic import write_atomic
from capacity.outputs.plots.drawing import caseload_figure, png_bytes, series_figure, waits_figure
from capacity.outputs.plots.reading import (
    PlotError,
    disturbance_marks,
    folder_kind,
    read_manifest,
    read_table,
    scenario_name,
    varied_table,
)
from capacity.outputs.plots.reduction import (
    SERIES,
    caseload_distribution,
    rolling_totals,
    series_band,
    series_columns,
    stage_waits,
)
from capacity.outputs.sweep import figure_file_name, plot_figure

__all__ = ["PLOTS_FOLDER", "plot_folder"]

PLOTS_FOLDER = "plots"
"""Subfolder of a results folder that ``capacity plot`` writes its PNG files to."""


def _run_charts(folder: Path) -> dict[str, bytes]:
    manifest = read_manifest(folder)
    name = scenario_name(folder, manifest)
    scenario = manifest.get("scenario") if isinstance(manifest.get("scenario"), dict) else {}
    run = scenario.get("run", {}) if isinstance(scenario, dict) else {}
    warm_up = int(run.get("warm_up_days", 0) or 0)
    timeseries = read_table(folder, "timeseries.csv")
    summary = read_table(folder, "summary.csv")
    replications = int(timeseries["replication"].nunique()) if "replication" in timeseries else 0
    charts: dict[str, bytes] = {}
    marks = disturbance_marks(scenario)
    for spec in SERIES:
        columns = series_columns(spec, timeseries)
        if not columns:
            continue
        table = rolling_totals(timeseries, columns, spec.rolling_days)
        bands = {c: series_band(table, c, highest=spec.highest) for c in columns}
        chart = series_figure(
            bands,
            title=f"{name}: {spec.title}\nmean over {replications} replication(s) and 95 % "
            "confidence band",
            unit=spec.unit,
            warm_up_days=warm_up,
            disturbances=marks,
        )
        charts[f"series_{spec.name}.png"] = png_bytes(chart)
    if (folder / "caseloads.csv").is_file():
        caseloads = read_table(folder, "caseloads.csv")
        last = str(timeseries["date"].iloc[-1]) if len(timeseries) else "the last day"
        chart = caseload_figure(
            caseload_distribution(caseloads),
            title=f"{name}: caseload of each caseworker at the end of {last}\n"
            f"{replications} replication(s); dots: one caseworker in one replication, "
            "diamond: mean",
        )
        charts["caseloads_end.png"] = png_bytes(chart)
    first, last_day = warm_up, int(timeseries["day"].max()) + 1 if len(timeseries) else warm_up
    chart = waits_figure(
        stage_waits(summary),
        title=f"{name}: wait for a caseworker per stage, days {first}-{last_day}\n"
        "mean with 95 % confidence interval; cross: 90th percentile",
    )
    charts["waits_by_stage.png"] = png_bytes(chart)
    return charts


def _varied_charts(
    folder: Path,
    kind: str,
    targets: Mapping[str, Sequence[tuple[str, float]]],
    figures: Sequence[str],
) -> dict[str, bytes]:
    name = scenario_name(folder, read_manifest(folder))
    table, paths, own_targets = varied_table(folder, kind)
    known = list(dict.fromkeys(table["figure"]))
    unknown = [f for f in dict.fromkeys([*figures, *targets]) if f not in known]
    if unknown:
        raise PlotError(
            f"{folder} has no key figure {', '.join(unknown)} (it has: {', '.join(known)})"
        )
    charts = {}
    # A figure given a target is drawn too, even when not among ``figures``.
    for figure in list(dict.fromkeys([*figures, *targets])) if figures else known:
        lines = [*own_targets.get(figure, []), *targets.get(figure, [])]
        charts[figure_file_name(figure)] = plot_figure(table, figure, paths, name, lines)
    return charts


def plot_folder(
    folder: Path,
    *,
    out: Path | None = None,
    targets: Mapping[str, Sequence[tuple[str, float]]] | None = None,
    figures: Sequence[str] = (),
) -> list[Path]:
    """Draw the figures of a results folder and write them as PNG files.

    A run folder gives ``series_<name>.png`` for each of :data:`SERIES` the run has,
    ``caseloads_end.png`` (when the folder has ``caseloads.csv``) and
    ``waits_by_stage.png``. A sweep or least-staffing folder gives ``<figure>.png`` per
    key figure (``figures``, default every figure in its table) against the varied
    field, with the targets of ``targets`` (figure -> ``(label, value)`` pairs) and, for
    a least-staffing folder, its own targets as lines.

    Each file is written atomically (complete or not at all) and replaces an earlier
    file of the same name; figures are derived from the tables and can always be drawn
    again.

    Args:
        folder: the results folder.
        out: where to write; default ``folder/plots``; created if missing.
        targets: target lines for a sweep or least-staffing folder.
        figures: key figures to draw for a sweep or least-staffing folder.

    Returns:
        The files written, in order.

    Raises:
        PlotError: not a results folder; a table that cannot be read; a figure or target
            the folder does not have; targets or figures for a run folder.
        OSError: a file cannot be written.
    """
    kind = folder_kind(folder)
    targets = dict(targets or {})
    if kind == "run" and (targets or figures):
        raise PlotError(
            "--target and --figure apply to a sweep or least-staffing folder; a run "
            "folder's figures are fixed"
        )
    try:
        if kind == "run":
            charts = _run_charts(folder)
        else:
            charts = _varied_charts(folder, kind, targets, figures)
    except (KeyError, TypeError, ValueError, IndexError) as error:
        if isinstance(error, PlotError):
            raise
        # Tables that parse as CSV yet lack the columns or numbers the program writes:
        # edited by hand, truncated, or not from this program.
        raise PlotError(
            f"{folder}: its tables are not as capacity writes them "
            f"({type(error).__name__}: {error}); run the command again to remake them"
        ) from None
    target_dir = folder / PLOTS_FOLDER if out is None else out
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, png in charts.items():
        write_atomic(target_dir / file_name, png)
        written.append(target_dir / file_name)
    return written
