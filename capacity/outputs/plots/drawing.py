"""Drawing the charts: matplotlib figures on the Agg canvas (no display, no global
pyplot state), and a figure as PNG bytes.

matplotlib is imported only when a figure is made, so that importing this module (and
every command that never draws) does not pay for it.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "caseload_figure",
    "effects_figure",
    "png_bytes",
    "series_figure",
    "tornado_figure",
    "waits_figure",
]


def _figure(width: float = 8.0, height: float = 4.5) -> Figure:
    # Imported here: matplotlib takes long to import and only drawing needs it.
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
        bands: line label -> table of
            :func:`capacity.outputs.plots.reduction.series_band`; one line and band each.
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
    """One box per team of the caseloads at the end
    (:func:`capacity.outputs.plots.reduction.caseload_distribution`), with every
    caseworker as a dot beside it and the mean as a diamond."""
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
    """Mean wait per stage (:func:`capacity.outputs.plots.reduction.stage_waits`) as
    bars with the 95 % interval, and the 90th percentile as a cross."""
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


def tornado_figure(
    bars: Sequence[tuple[str, float, float]], *, base: float, title: str, unit: str
) -> Figure:
    """A tornado chart: per uncertain value, a bar from the figure's lowest to its
    highest mean over the value's range, around the line of the base; widest on top.

    Args:
        bars: (label, lowest mean, highest mean) per value, in the order to draw from
            the top.
        base: the figure's mean at the scenario as it is.
        title: the chart title (say the scenario and the figure).
        unit: the figure's unit, on the x axis.
    """
    chart = _figure(8.0, 1.2 + 0.45 * max(1, len(bars)))
    axes = chart.add_subplot()
    positions = np.arange(len(bars))[::-1]
    for y, (_, low, high) in zip(positions, bars, strict=True):
        left, right = min(low, base), max(high, base)
        axes.barh(y, right - left, left=left, height=0.6, color="#4c72b0", alpha=0.8)
    axes.axvline(base, color="black", linewidth=1, label="the scenario as it is")
    axes.set_yticks(positions, [label for label, _, _ in bars])
    axes.set_xlabel(unit)
    axes.set_title(title, fontsize=10)
    axes.legend(loc="lower right", fontsize=8)
    return chart


def effects_figure(effects: Sequence[tuple[str, float, float]], *, title: str, unit: str) -> Figure:
    """Morris screening: per uncertain value, its mean absolute elementary effect (mu*)
    as a bar with its spread (sigma) as an error bar; largest on top.

    Args:
        effects: (label, mu*, sigma) per value, in the order to draw from the top.
        title: the chart title.
        unit: the unit of the effects (the figure's unit per whole range).
    """
    chart = _figure(8.0, 1.2 + 0.45 * max(1, len(effects)))
    axes = chart.add_subplot()
    positions = np.arange(len(effects))[::-1]
    means = [mu for _, mu, _ in effects]
    spreads = [0.0 if sigma != sigma else sigma for _, _, sigma in effects]
    # sigma drawn to the right only: an effect's size is never below 0.
    axes.barh(
        positions,
        means,
        xerr=[[0.0] * len(spreads), spreads],
        height=0.6,
        color="#4c72b0",
        alpha=0.8,
    )
    axes.set_yticks(positions, [label for label, _, _ in effects])
    axes.set_xlabel(f"mu* (sigma as the line), {unit} per whole range")
    axes.set_title(title, fontsize=10)
    return chart
