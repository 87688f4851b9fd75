"""Figures of a results folder, as PNG files: what ``capacity plot`` draws.

For a run (``capacity run``): key daily series over time with 95 % confidence bands
across replications, the caseload of each caseworker at the end, and the wait for a
caseworker at each stage. For a sweep (``capacity sweep``) or a least-staffing search
(``capacity staff``): each key figure against the varied field with its interval and
any target as a line, drawn by :func:`capacity.outputs.sweep.plot_figure`.

Each figure is prepared in two steps: a function that turns the folder's tables into
exactly the numbers drawn (``series_band``, ``caseload_distribution``, ``stage_waits``;
the tests compare these with the CSV files) and a function that draws them on a
matplotlib figure with the Agg canvas (no display, no global pyplot state).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from capacity.experiment.checkpoint import write_atomic
from capacity.experiment.sweep import SWEEP_FIGURE_COLUMNS
from capacity.model.disturbances import disturbances
from capacity.outputs.sweep import plot_figure
from capacity.scenario import ScenarioError, parse_scenario
from capacity.scenario.schema import TASKS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "PLOTS_FOLDER",
    "SERIES",
    "PlotError",
    "SeriesSpec",
    "caseload_distribution",
    "caseload_figure",
    "folder_kind",
    "plot_folder",
    "png_bytes",
    "rolling_totals",
    "series_band",
    "series_columns",
    "series_figure",
    "stage_waits",
    "varied_table",
    "waits_figure",
]

PLOTS_FOLDER = "plots"
"""Subfolder of a results folder that ``capacity plot`` writes its PNG files to."""

_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


class PlotError(ValueError):
    """A folder that cannot be plotted (not a results folder, or a table missing or
    unreadable); the message says which and why."""


@dataclass(frozen=True)
class SeriesSpec:
    """A chart of daily series from ``timeseries.csv``.

    Attributes:
        name: file stem of the chart (``series_<name>.png``).
        title: what the chart shows, in words.
        unit: the y axis unit.
        columns: the time-series columns drawn, one line each; a column ending in ``*``
            stands for every column with that prefix (``queue_*``), in table order.
        highest: the largest value possible (1 for shares); bands are cut there, and at 0.
        rolling_days: if > 0, each replication's daily values are first summed over the
            trailing window of this many days (a weekly total smooths out weekends).
    """

    name: str
    title: str
    unit: str
    columns: tuple[str, ...]
    highest: float = math.inf
    rolling_days: int = 0


SERIES: tuple[SeriesSpec, ...] = (
    SeriesSpec(
        "aap_with_valid_plan_share",
        "share of AAP recipients with a valid activity plan",
        "share",
        ("aap_with_valid_plan_share",),
        highest=1.0,
    ),
    SeriesSpec(
        "caseload_follow_up",
        "caseload per follow-up caseworker, mean and largest",
        "users per caseworker",
        ("caseload_follow_up_mean", "caseload_follow_up_max"),
    ),
    SeriesSpec("queues", "tasks waiting for a caseworker, per stage", "tasks", ("queue_*",)),
    SeriesSpec(
        "overdue_contacts",
        "follow-up contacts past their due date and not held",
        "contacts",
        ("overdue_contacts",),
    ),
    SeriesSpec(
        "users",
        "users in the office and AAP recipients",
        "users",
        ("users_in_office", "aap_recipients"),
    ),
    SeriesSpec(
        "backlog",
        "tasks waiting in any queue (the backlog)",
        "tasks",
        ("backlog_tasks",),
    ),
    SeriesSpec(
        "production",
        "caseworker tasks finished in the last 7 days",
        "tasks per week",
        ("tasks_done",),
        rolling_days=7,
    ),
    SeriesSpec(
        "utilisation",
        "share of case-work hours spent on tasks, per team",
        "share",
        ("utilisation_*",),
        highest=1.0,
    ),
)
"""The daily series ``capacity plot`` draws for a run, in order."""


# ------------------------------------------------------------------ preparing


def series_columns(spec: SeriesSpec, timeseries: pd.DataFrame) -> list[str]:
    """The columns of ``timeseries`` that ``spec`` draws, leaving out columns with no
    value on any day (such as the share with a plan in a scenario without AAP)."""
    chosen: list[str] = []
    for pattern in spec.columns:
        if pattern.endswith("*"):
            chosen += [c for c in timeseries.columns if c.startswith(pattern[:-1])]
        elif pattern in timeseries.columns:
            chosen.append(pattern)
    return [c for c in chosen if timeseries[c].notna().any()]


def rolling_totals(timeseries: pd.DataFrame, columns: Sequence[str], days: int) -> pd.DataFrame:
    """``timeseries`` with each of ``columns`` replaced by its trailing sum over ``days``
    days within each replication (the first days sum what there is); unchanged when
    ``days`` is 0."""
    if days <= 0:
        return timeseries
    table = timeseries.copy()
    by_replication = table.groupby("replication", sort=False) if "replication" in table else None
    for column in columns:
        source = by_replication[column] if by_replication is not None else table[column]
        table[column] = source.transform(lambda v: v.rolling(days, min_periods=1).sum())
    return table


def series_band(
    timeseries: pd.DataFrame, column: str, *, highest: float = math.inf
) -> pd.DataFrame:
    """The daily mean of ``column`` over the replications with its 95 % confidence band.

    Args:
        timeseries: the stacked daily series of every replication (``timeseries.csv``:
            columns ``replication``, ``day``, ``date`` and the measures).
        column: the measure.
        highest: the largest possible value; the band is cut there and at 0, as the
            summary's intervals are.

    Returns:
        One row per day, in day order: ``day``, ``date`` (ISO text), ``mean``,
        ``ci_low``, ``ci_high`` (Student t over the replications with a value that day,
        as :func:`capacity.experiment.confidence_interval`; NaN with fewer than two)
        and ``replications`` (values that day).

    Raises:
        KeyError: ``column`` is not in ``timeseries``.
    """
    from scipy import stats

    values = timeseries[["day", "date", column]]
    grouped = values.groupby("day", sort=True)[column]
    count = grouped.count().to_numpy(dtype=float)
    mean = grouped.mean().to_numpy(dtype=float)
    sd = grouped.std(ddof=1).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.975, count - 1) * sd / np.sqrt(count)
    half = np.where(count >= 2, half, np.nan)
    dates = values.groupby("day", sort=True)["date"].first()
    return pd.DataFrame(
        {
            "day": dates.index.to_numpy(),
            "date": dates.to_numpy(),
            "mean": mean,
            "ci_low": np.maximum(mean - half, 0.0),
            "ci_high": np.minimum(mean + half, highest),
            "replications": count.astype(int),
        }
    )


def caseload_distribution(caseloads: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each team's caseloads at the end, over every caseworker and replication.

    Args:
        caseloads: ``caseloads.csv`` (columns ``replication``, ``team``,
            ``caseworker``, ``follow_up``, ``users``).

    Returns:
        Team -> users held by each of its caseworkers in each replication, in the
        table's order; teams in the order they first appear.
    """
    return {
        str(team): caseloads.loc[caseloads["team"] == team, "users"].to_numpy(dtype=float)
        for team in dict.fromkeys(caseloads["team"])
    }


def stage_waits(summary: pd.DataFrame) -> pd.DataFrame:
    """The wait for a caseworker at each stage, from the key figures.

    Args:
        summary: ``summary.csv`` (columns ``name``, ``unit``, ``mean``, ``ci_low``,
            ``ci_high``, ``replications``).

    Returns:
        One row per task kind that was waited for in the window (tasks in the model's
        order: reception, disability, assessment, plan, renewal, follow_up): ``task``,
        ``mean``, ``ci_low``, ``ci_high`` (``wait_<task>_days_mean`` and its interval,
        days) and ``p90`` (``wait_<task>_days_p90``, days).
    """
    table = summary.set_index("name")
    rows = []
    for task in TASKS:
        name = f"wait_{task}_days_mean"
        if name not in table.index or pd.isna(table.loc[name, "mean"]):
            continue
        p90 = f"wait_{task}_days_p90"
        rows.append(
            (
                task,
                float(table.loc[name, "mean"]),
                float(table.loc[name, "ci_low"]),
                float(table.loc[name, "ci_high"]),
                float(table.loc[p90, "mean"]) if p90 in table.index else math.nan,
            )
        )
    return pd.DataFrame(rows, columns=["task", "mean", "ci_low", "ci_high", "p90"])


# ------------------------------------------------------------------ drawing


def _figure(width: float = 8.0, height: float = 4.5) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    chart = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(chart)
    return chart


def png_bytes(chart: Figure) -> bytes:
    """``chart`` as PNG bytes."""
    buffer = io.BytesIO()
    chart.savefig(buffer, format="png")
    return buffer.getvalue()


def series_figure(
    bands: Mapping[str, pd.DataFrame],
    *,
    title: str,
    unit: str,
    warm_up_days: int = 0,
    styles: Mapping[str, Mapping[str, Any]] | None = None,
    x_label: str = "date",
    warm_up_label: str = "warm-up (not in the key figures)",
    disturbances: Sequence[tuple[str, str, str]] = (),
) -> Figure:
    """Daily means with their 95 % bands against the date.

    Args:
        bands: line label -> :func:`series_band` table; one line and band each.
        title: the chart title (say the scenario).
        unit: the y axis label.
        warm_up_days: days at the start left out of the key figures, shaded grey.
        styles: optional matplotlib line options per label (``color``, ``linestyle``).
        x_label, warm_up_label: the words for the date axis and the warm-up shading.
        disturbances: (label, first date, end date) of dated disturbances (ISO dates, end
            exclusive; equal for an instant such as a reorganisation), drawn as a hatched
            span or a dashed line and named in the legend.
    """
    chart = _figure()
    axes = chart.add_subplot()
    first: pd.DataFrame | None = None
    for label, band in bands.items():
        first = band if first is None else first
        dates = pd.to_datetime(band["date"])
        options = dict((styles or {}).get(label, {}))
        (line,) = axes.plot(dates, band["mean"], label=label, linewidth=1.4, **options)
        axes.fill_between(
            dates,
            band["ci_low"],
            band["ci_high"],
            color=line.get_color(),
            alpha=0.2,
            linewidth=0,
        )
    if first is not None and warm_up_days > 0 and len(first):
        start = pd.to_datetime(first["date"].iloc[0])
        axes.axvspan(
            start,
            start + pd.Timedelta(days=warm_up_days),
            color="0.9",
            zorder=0,
            label=warm_up_label,
        )
    for label, first_date, end_date in disturbances:
        begin, end = pd.Timestamp(first_date), pd.Timestamp(end_date)
        if end > begin:
            axes.axvspan(begin, end, fill=False, hatch="//", edgecolor="0.5", label=label)
        else:
            axes.axvline(begin, color="0.3", linestyle="--", linewidth=1, label=label)
    axes.set_xlabel(x_label)
    axes.set_ylabel(unit)
    axes.set_title(title)
    axes.grid(True, alpha=0.3)
    axes.set_ylim(bottom=0)
    axes.legend(fontsize="small")
    return chart


def caseload_figure(distribution: Mapping[str, np.ndarray], *, title: str) -> Figure:
    """One box per team of the caseloads at the end (:func:`caseload_distribution`),
    with every caseworker as a dot beside it and the mean as a diamond."""
    chart = _figure()
    axes = chart.add_subplot()
    teams = [team for team, values in distribution.items() if len(values)]
    data = [distribution[team] for team in teams]
    if teams:
        axes.boxplot(data, tick_labels=teams, widths=0.45, showfliers=False)
        # A fixed jitter so the same folder always gives the same picture.
        jitter = np.random.default_rng(0)
        for position, values in enumerate(data, start=1):
            x = position + 0.3 + jitter.uniform(-0.06, 0.06, len(values))
            axes.plot(x, values, "o", markersize=3, alpha=0.5, color="tab:blue")
            axes.plot(position, values.mean(), "D", color="tab:red", markersize=6)
    else:
        axes.text(0.5, 0.5, "no caseworker holds a caseload", transform=axes.transAxes, ha="center")
    axes.set_xlabel("team")
    axes.set_ylabel("users on the caseload (users)")
    axes.set_title(title)
    axes.set_ylim(bottom=0)
    axes.grid(True, axis="y", alpha=0.3)
    return chart


def waits_figure(waits: pd.DataFrame, *, title: str) -> Figure:
    """Mean wait per stage (:func:`stage_waits`) as bars with the 95 % interval, and the
    90th percentile as a cross."""
    chart = _figure()
    axes = chart.add_subplot()
    if len(waits):
        x = np.arange(len(waits))
        mean = waits["mean"].to_numpy(dtype=float)
        low = np.nan_to_num(mean - waits["ci_low"].to_numpy(dtype=float))
        high = np.nan_to_num(waits["ci_high"].to_numpy(dtype=float) - mean)
        axes.bar(x, mean, color="tab:blue", alpha=0.7, label="mean")
        axes.errorbar(
            x,
            mean,
            yerr=[low, high],
            fmt="none",
            color="black",
            capsize=4,
            label="95 % confidence interval",
        )
        axes.plot(x, waits["p90"], "x", color="tab:red", markersize=8, label="90th percentile")
        axes.set_xticks(x, list(waits["task"]))
        axes.legend(fontsize="small")
    else:
        axes.text(0.5, 0.5, "no task waited in the window", transform=axes.transAxes, ha="center")
    axes.set_xlabel("stage (task kind)")
    axes.set_ylabel("days")
    axes.set_title(title)
    axes.set_ylim(bottom=0)
    axes.grid(True, axis="y", alpha=0.3)
    return chart


# ------------------------------------------------------------------ folders


def folder_kind(folder: Path) -> str:
    """``run``, ``sweep`` or ``staffing``: which command wrote ``folder``, told by its
    tables. Raises :class:`PlotError` for anything else."""
    if (folder / "summary.csv").is_file() and (folder / "timeseries.csv").is_file():
        return "run"
    if (folder / "sweep.csv").is_file():
        return "sweep"
    if (folder / "staffing.csv").is_file():
        return "staffing"
    if not folder.is_dir():
        raise PlotError(f"{folder} is not a folder")
    raise PlotError(
        f"{folder} holds no results to plot: a folder of capacity run (summary.csv and "
        "timeseries.csv), capacity sweep (sweep.csv) or capacity staff (staffing.csv)"
    )


def _manifest(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _scenario_name(folder: Path, manifest: Mapping[str, Any]) -> str:
    name = manifest.get("scenario_name")
    if isinstance(name, str):
        return name
    scenario = manifest.get("scenario")
    if isinstance(scenario, dict) and isinstance(scenario.get("run"), dict):
        return str(scenario["run"].get("name", folder.name))
    return folder.parent.name or folder.name


def _read_csv(folder: Path, name: str) -> pd.DataFrame:
    # Either CSV dialect of capacity/outputs/writer.py: the Norwegian one (--csv-locale
    # nb) is told by its semicolons, since no column name holds a comma or a semicolon.
    try:
        with open(folder / name, encoding="utf-8-sig") as stream:
            header = stream.readline()
        nb = ";" in header and "," not in header
        return pd.read_csv(
            folder / name,
            sep=";" if nb else ",",
            decimal="," if nb else ".",
            encoding="utf-8-sig",
            keep_default_na=False,
            na_values=[""],
        )
    except (OSError, ValueError, pd.errors.ParserError) as error:
        raise PlotError(f"cannot read {folder / name}: {error}") from None


def _disturbance_marks(scenario: object) -> list[tuple[str, str, str]]:
    """(label, first date, end date) of the run's dated disturbances, from the scenario
    in its manifest; none when the manifest holds no valid scenario."""
    if not isinstance(scenario, dict) or not scenario:
        return []
    try:
        parsed = parse_scenario(scenario)
    except ScenarioError:
        return []
    start = parsed.run.start_date
    return [
        (
            f"{d.kind}: {d.name}",
            (start + dt.timedelta(days=d.first_day)).isoformat(),
            (start + dt.timedelta(days=d.end_day)).isoformat(),
        )
        for d in disturbances(parsed)
    ]


def _run_charts(folder: Path) -> dict[str, bytes]:
    manifest = _manifest(folder)
    name = _scenario_name(folder, manifest)
    scenario = manifest.get("scenario") if isinstance(manifest.get("scenario"), dict) else {}
    run = scenario.get("run", {}) if isinstance(scenario, dict) else {}
    warm_up = int(run.get("warm_up_days", 0) or 0)
    timeseries = _read_csv(folder, "timeseries.csv")
    summary = _read_csv(folder, "summary.csv")
    replications = int(timeseries["replication"].nunique()) if "replication" in timeseries else 0
    charts: dict[str, bytes] = {}
    marks = _disturbance_marks(scenario)
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
        caseloads = _read_csv(folder, "caseloads.csv")
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


def _units(manifest: Mapping[str, Any]) -> dict[str, str]:
    # staffing.csv has no unit column; the units come from the scenario it searched.
    from capacity.model import figure_catalogue
    from capacity.scenario import ScenarioError, parse_scenario

    try:
        scenario = parse_scenario(manifest.get("scenario") or {}, "manifest.json")
    except ScenarioError:
        return {}
    return {spec.name: spec.unit for spec in figure_catalogue(scenario)}


def _python_value(value: Any) -> Any:
    # pandas reads whole numbers as numpy integers; plot_figure tells numbers from names
    # by Python type (and keeps an integer axis for whole numbers).
    return value.item() if isinstance(value, np.generic) else value


def _parse_target(text: str) -> tuple[str, float]:
    match = re.fullmatch(r"\s*(>=|<=)\s*([-+0-9.eE]+)\s*", str(text))
    if match is None:
        raise PlotError(f"cannot read the target {text!r} (write >=VALUE or <=VALUE)")
    return f"{match.group(1)}{match.group(2)}", float(match.group(2))


def _figure_file(figure: str) -> str:
    return _SAFE_NAME.sub("_", figure) + ".png"


def varied_table(
    folder: Path, kind: str
) -> tuple[pd.DataFrame, list[str], dict[str, list[tuple[str, float]]]]:
    """The table of a sweep or least-staffing folder as the charts draw it.

    Args:
        folder: the results folder.
        kind: ``sweep`` (reads ``sweep.csv``) or ``staffing`` (reads ``staffing.csv``).

    Returns:
        ``(table, paths, targets)``: the table with the columns of ``sweep.csv`` (a
        staffing table's ``unit`` filled from the scenario in its manifest, and its
        ``target`` and ``meets`` columns dropped), whole numbers as Python ints so that
        the axis stays whole; the varied paths; and, for a staffing folder, its own
        targets as figure -> ``(label, value)`` pairs.

    Raises:
        PlotError: the table cannot be read, names no varied field, or has a target
            that cannot be read.
    """
    manifest = _manifest(folder)
    table = _read_csv(folder, "sweep.csv" if kind == "sweep" else "staffing.csv")
    targets: dict[str, list[tuple[str, float]]] = {}
    if kind == "staffing":
        for figure, target in zip(table["figure"], table["target"], strict=True):
            if (parsed := _parse_target(target)) not in targets.setdefault(figure, []):
                targets[figure].append(parsed)
        table = table.drop(columns=["target", "meets"])
        table["unit"] = table["figure"].map(_units(manifest)).fillna("")
    paths = [c for c in table.columns if c not in SWEEP_FIGURE_COLUMNS]
    if not paths or "figure" not in table:
        raise PlotError(f"{folder}: the table names no varied field or no key figure")
    for path in paths:
        table[path] = table[path].map(_python_value).astype(object)
    return table, paths, targets


def _varied_charts(
    folder: Path,
    kind: str,
    targets: Mapping[str, Sequence[tuple[str, float]]],
    figures: Sequence[str],
) -> dict[str, bytes]:
    name = _scenario_name(folder, _manifest(folder))
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
        charts[_figure_file(figure)] = plot_figure(table, figure, paths, name, lines)
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
