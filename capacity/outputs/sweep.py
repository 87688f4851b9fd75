"""Write a sweep's results: ``sweep.csv``, one chart per key figure and ``manifest.json``.

Each file is written atomically (temporary file, fsync, rename), charts first and the
manifest last, so a folder with a manifest is complete.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import signal
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from capacity.model.rng import STREAM_SCHEME
from capacity.outputs.atomic import json_text, write_atomic
from capacity.outputs.manifest import package_versions
from capacity.outputs.writer import CSV_OPTIONS, command_line, json_safe

if TYPE_CHECKING:
    from capacity.experiment.sweep import SweepResult

__all__ = [
    "FIGURES_FOLDER",
    "POINTS_FOLDER",
    "SWEEP_FIGURE_COLUMNS",
    "figure_file_name",
    "plot_figure",
    "sweep_csv_text",
    "sweep_folder",
    "toml_cell",
    "write_sweep",
]

SWEEP_FIGURE_COLUMNS: tuple[str, ...] = (
    "figure",
    "unit",
    "mean",
    "ci_low",
    "ci_high",
    "replications",
)
"""Columns of a sweep table after the varied paths, in order."""

FIGURES_FOLDER = "figures"
"""Subfolder of a sweep folder holding one PNG chart per key figure."""

POINTS_FOLDER = ".points"
"""Hidden subfolder of a sweep folder holding one checkpoint file per finished point."""


def sweep_folder(root: Path, scenario_name: str, key: str) -> Path:
    """Where a sweep's results go under the results root ``root``:
    ``<root>/<scenario name>/sweep-<key>`` (the key names the scenario, the points and
    the replications, so the same sweep finds its folder again)."""
    return Path(root) / scenario_name / f"sweep-{key}"


_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


def toml_cell(value: Any) -> Any:
    """``value`` as a CSV cell written as in TOML (``true``, ``2011-03-01``,
    ``["a", "b"]``, ``{ dist = "fixed", value = 2 }``); a number or string as it is."""
    # Cells are written as in TOML so that sweep.csv can be given back as --points:
    # pandas would write True, a dict's repr or a list's repr, which do not read back.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        inner = ", ".join(f"{key} = {_toml_inner(item)}" for key, item in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_inner(item) for item in value) + "]"
    return value


def _toml_inner(value: Any) -> str:
    if isinstance(value, str):
        return json_text(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, float) and value.is_integer():
        return repr(value)  # keeps 2.0 a float when read back
    return str(toml_cell(value))


def sweep_csv_text(table: pd.DataFrame) -> str:
    """``table`` as the text of ``sweep.csv``: UTF-8 CSV with a header, floats with ten
    significant digits (``%.10g``), an empty field for NaN, varied values as in TOML."""
    paths = [c for c in table.columns if c not in SWEEP_FIGURE_COLUMNS]
    written = table.copy()
    for path in paths:
        if not pd.api.types.is_numeric_dtype(written[path]) or written[path].dtype == bool:
            written[path] = written[path].map(toml_cell).astype(object)
    options = {key: value for key, value in CSV_OPTIONS.items() if key != "encoding"}
    buffer = io.StringIO()
    written.to_csv(buffer, **options)
    return buffer.getvalue()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def plot_figure(
    table: pd.DataFrame,
    figure: str,
    paths: Sequence[str],
    scenario_name: str,
    targets: Sequence[tuple[str, float]] = (),
) -> bytes:
    """One key figure of a sweep as a PNG chart; returns the PNG bytes.

    The mean is drawn against the first varied path with its 95 % interval as a band
    (numbers on the x axis) or as error bars (names on the x axis, in the order first
    met); with more varied paths, one line per combination of their values, labelled.
    The x axis is labelled with the path, the y axis with the figure's unit, and the
    title names the scenario and the figure. Each of ``targets``, ``(label, value)`` in
    the figure's unit (e.g. ``(">=0.9", 0.9)``), is a dashed horizontal line. Drawn with
    matplotlib's Agg canvas (no display, no global pyplot state).

    Raises:
        KeyError: ``figure`` is not in the table.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    rows = table[table["figure"] == figure]
    if rows.empty:
        raise KeyError(figure)
    x_path, others = paths[0], list(paths[1:])
    unit = str(rows["unit"].iloc[0])
    numeric = all(_is_number(v) for v in rows[x_path])
    categories = list(dict.fromkeys(str(v) for v in rows[x_path]))
    # One series per combination of the other paths' values, in the order first met
    # (grouped by label: values such as tables cannot be grouped on directly).
    positions: dict[str, list[int]] = {}
    for position, values in enumerate(zip(*(rows[p] for p in others), strict=True)):
        label = ", ".join(f"{p}={v}" for p, v in zip(others, values, strict=True))
        positions.setdefault(label, []).append(position)
    series = {label: rows.iloc[at] for label, at in positions.items()} or {"": rows}

    # Fixed margins rather than a layout engine: that would draw every chart twice,
    # and a sweep draws dozens.
    chart = Figure(figsize=(7.0, 4.5), dpi=100)
    chart.subplots_adjust(left=0.12, right=0.97, bottom=0.12, top=0.86)
    FigureCanvasAgg(chart)
    axes = chart.add_subplot()
    for number, (label, group) in enumerate(series.items()):
        mean = group["mean"].to_numpy(dtype=float)
        low = group["ci_low"].to_numpy(dtype=float)
        high = group["ci_high"].to_numpy(dtype=float)
        if numeric:
            x = group[x_path].to_numpy(dtype=float)
            order = x.argsort(kind="stable")
            x, mean, low, high = x[order], mean[order], low[order], high[order]
            (line,) = axes.plot(x, mean, marker="o", label=label or None)
            axes.fill_between(x, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
        else:
            # Names have no order between them: no connecting line, and series side by
            # side at each name so their error bars do not hide each other.
            shift = (number - (len(series) - 1) / 2) * 0.1
            x = [categories.index(str(v)) + shift for v in group[x_path]]
            # Error bars cannot be negative; a mean a rounding error outside its interval
            # gets none on that side.
            below = [
                max(0.0, m - lo) if not math.isnan(lo) else 0.0
                for m, lo in zip(mean, low, strict=True)
            ]
            above = [
                max(0.0, hi - m) if not math.isnan(hi) else 0.0
                for m, hi in zip(mean, high, strict=True)
            ]
            axes.errorbar(x, mean, yerr=[below, above], fmt="o", capsize=4, label=label or None)
    if numeric and all(isinstance(v, int) for v in rows[x_path]):
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # no 1.25 people
    if not numeric:
        axes.set_xticks(range(len(categories)), categories)
        axes.set_xlim(-0.5, len(categories) - 0.5)
    if rows["mean"].isna().all():
        axes.text(0.5, 0.5, "no value at any point", transform=axes.transAxes, ha="center")
    else:
        _keep_flat_readable(axes, rows)
    for label, value in targets:
        axes.axhline(
            value, color="firebrick", linestyle="--", linewidth=1.2, label=f"target {label}"
        )
    axes.set_xlabel(x_path)
    axes.set_ylabel(unit)
    axes.set_title(f"{scenario_name}: {figure}\nmean and 95 % confidence interval")
    axes.grid(True, alpha=0.3)
    if others or targets:
        axes.legend(fontsize="small")
    buffer = io.BytesIO()
    chart.savefig(buffer, format="png")
    return buffer.getvalue()


def _keep_flat_readable(axes: Any, rows: pd.DataFrame) -> None:
    # A figure that hardly moves (a utilisation of 1 at every point) would get an axis
    # spanning 1e-12 labelled with an offset; show a readable span around it instead.
    values = rows[["mean", "ci_low", "ci_high"]].to_numpy(dtype=float).ravel()
    values = values[~pd.isna(values)]
    low, high = float(values.min()), float(values.max())
    centre = (low + high) / 2
    if high - low <= 1e-9 * max(1.0, abs(centre)):
        pad = abs(centre) * 0.05 or 1.0
        axes.set_ylim(centre - pad, centre + pad)
    axes.ticklabel_format(axis="y", useOffset=False)


def _ignore_sigint() -> None:
    # Ctrl-C is handled by the parent alone, as for replications.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _draw(args: tuple[pd.DataFrame, str, list[str], str]) -> bytes:
    return plot_figure(*args)


def _draw_all(
    table: pd.DataFrame, figures: list[str], paths: list[str], name: str, workers: int
) -> list[bytes]:
    # Each chart takes a noticeable fraction of a second to draw and there is one per key
    # figure, so the processes given for the replications draw them too.
    tasks = [(table[table["figure"] == figure], figure, paths, name) for figure in figures]
    if workers <= 1 or len(tasks) <= 1:
        return [_draw(task) for task in tasks]
    pool = ProcessPoolExecutor(max_workers=min(workers, len(tasks)), initializer=_ignore_sigint)
    try:
        charts = list(pool.map(_draw, tasks))
    except BaseException:
        # On Ctrl-C, drop the charts not yet started instead of drawing them all first.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return charts


def figure_file_name(figure: str) -> str:
    """The file name of the chart of key figure ``figure``: the name with any character
    other than letters, digits, ``_``, ``.`` and ``-`` as ``_``, and ``.png``."""
    return _SAFE_NAME.sub("_", figure) + ".png"


def _versions() -> dict[str, str]:
    versions = package_versions()
    try:
        versions["matplotlib"] = metadata.version("matplotlib")
    except metadata.PackageNotFoundError:
        versions["matplotlib"] = "unknown"
    return versions


def write_sweep(
    result: SweepResult,
    folder: Path,
    *,
    command: str = "",
    workers: int = 1,
) -> list[str]:
    """Write a finished sweep into ``folder`` (which must exist) and return the files
    written, relative to it.

    Files: ``figures/<figure>.png`` for each key figure (see :func:`plot_figure`), then
    ``sweep.csv`` (:func:`sweep_csv_text`), then ``manifest.json``: ``sweep_key``,
    ``scenario_name``, ``command``, ``seed``, ``replications`` (per point, unless
    ``run.replications`` is varied), ``varied`` (the paths), ``points``,
    ``points_resumed`` (read from checkpoints), ``started_at_utc``, ``finished_at_utc``,
    ``wall_seconds``, ``random_streams``, ``versions``, ``files``, ``warnings`` and
    ``scenario`` (the base scenario with every default filled in). Existing files of
    the same names are replaced, each atomically. ``workers`` processes draw the
    charts (1: in this process).

    Raises:
        OSError: a file cannot be written.
    """
    table = result.summary
    scenario = result.scenario
    command = command or command_line()
    paths = [c for c in table.columns if c not in SWEEP_FIGURE_COLUMNS]
    files: list[str] = []
    (folder / FIGURES_FOLDER).mkdir(exist_ok=True)
    figures = list(dict.fromkeys(table["figure"]))
    for figure, png in zip(
        figures, _draw_all(table, figures, paths, scenario.run.name, workers), strict=True
    ):
        name = f"{FIGURES_FOLDER}/{figure_file_name(figure)}"
        write_atomic(folder / name, png)
        files.append(name)
    write_atomic(folder / "sweep.csv", sweep_csv_text(table).encode("utf-8"))
    files.insert(0, "sweep.csv")
    manifest = {
        "sweep_key": result.key,
        "scenario_name": scenario.run.name,
        "command": command,
        "seed": scenario.run.seed,
        "replications": scenario.run.replications,
        "varied": paths,
        "points": result.points,
        "points_resumed": result.resumed,
        "started_at_utc": result.started_at.isoformat(),
        "finished_at_utc": dt.datetime.now(dt.UTC).isoformat(),
        "wall_seconds": round(result.wall_seconds, 3),
        "random_streams": STREAM_SCHEME,
        "versions": _versions(),
        "files": files,
        "warnings": list(result.warnings),
        "settings": result.settings.describe(),
        "scenario": scenario.model_dump(mode="json"),
    }
    text = json_text(json_safe(manifest), indent=2, sort_keys=False)
    write_atomic(folder / "manifest.json", (text + "\n").encode("utf-8"))
    return [*files, "manifest.json"]
