"""Write a sensitivity analysis to a new folder: ``sensitivity.csv``, a chart per figure
and the manifest."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from capacity.outputs.manifest import RANDOM_STREAMS, iso_utc, package_versions
from capacity.outputs.plots.drawing import effects_figure, png_bytes, tornado_figure
from capacity.outputs.sweep import FIGURES_FOLDER, figure_file_name, toml_cell
from capacity.outputs.writer import (
    CSV_OPTIONS,
    FileContent,
    check_run_id,
    command_line,
    default_run_id,
    write_folder,
)

if TYPE_CHECKING:
    from capacity.experiment.sensitivity import SensitivityResult

__all__ = [
    "MORRIS_COLUMNS",
    "ONE_AT_A_TIME_COLUMNS",
    "sensitivity_chart",
    "sensitivity_csv_text",
    "write_sensitivity",
]

ONE_AT_A_TIME_COLUMNS: tuple[str, ...] = (
    "path",
    "basis",
    "value",
    "figure",
    "unit",
    "base_mean",
    "mean",
    "change",
    "change_ci_low",
    "change_ci_high",
    "replications",
)
"""Columns of ``sensitivity.csv`` one at a time: the uncertain value's path, its basis
(calibrated, assumption or published), the value tried (an end of its range or an
alternative, written as in TOML), the figure and its unit, the figure's mean at the
scenario as it is and at the value, and the change (value minus base, paired over the
replications) with its 95 % Student-t interval and the number of pairs."""

MORRIS_COLUMNS: tuple[str, ...] = (
    "path",
    "basis",
    "figure",
    "unit",
    "mu_star",
    "mu",
    "sigma",
    "effects",
)
"""Columns of ``sensitivity.csv`` by Morris's method: the uncertain value's path and
basis, the figure and its unit, mu* (mean absolute elementary effect), mu (mean effect)
and sigma (standard deviation of the effects), all in the figure's unit per whole range
of the value, and the number of effects."""


def sensitivity_csv_text(table: pd.DataFrame) -> str:
    """``table`` as the text of ``sensitivity.csv``: CSV as every other table (ten
    significant digits, an empty field for NaN), values tried written as in TOML."""
    written = table.copy()
    if "value" in written:
        written["value"] = written["value"].map(toml_cell).astype(object)
    options = {key: value for key, value in CSV_OPTIONS.items() if key != "encoding"}
    buffer = io.StringIO()
    written.to_csv(buffer, **options)
    return buffer.getvalue()


def sensitivity_chart(result: SensitivityResult, figure: str) -> bytes:
    """The chart of ``figure`` as PNG bytes: a tornado chart one at a time (each value's
    lowest and highest mean of the figure, widest swing on top), or mu* with sigma by
    Morris's method (largest on top)."""
    rows = result.summary[result.summary["figure"] == figure]
    unit = str(rows["unit"].iloc[0]) if not rows.empty else ""
    title = f"{result.scenario.run.name}: {figure}"
    if result.method == "morris":
        ordered = rows.sort_values("mu_star", ascending=False, na_position="last")
        effects = [(r.path, float(r.mu_star), float(r.sigma)) for r in ordered.itertuples()]
        return png_bytes(effects_figure(effects, title=title, unit=unit))
    base = float(rows["base_mean"].iloc[0]) if not rows.empty else float("nan")
    bars = []
    for path, tried in rows.groupby("path", sort=False):
        means = [base, *tried["mean"].tolist()]
        bars.append((str(path), float(min(means)), float(max(means))))
    bars.sort(key=lambda bar: -(bar[2] - bar[1]))
    return png_bytes(tornado_figure(bars, base=base, title=title, unit=unit))


def _manifest(
    result: SensitivityResult, run_id: str, command: str, files: list[str]
) -> dict[str, Any]:
    scenario = result.scenario
    return {
        "run_id": run_id,
        "kind": "sensitivity",
        "scenario_name": scenario.run.name,
        "command": command,
        "method": result.method,
        **result.options,
        "figures": list(result.figures),
        "uncertain": [item.model_dump(mode="json") for item in scenario.uncertain],
        "points": len(result.runs.points),
        "replications_per_point": result.runs.replications,
        "seed": scenario.run.seed,
        "started_at_utc": iso_utc(result.started_at),
        "random_streams": RANDOM_STREAMS,
        "versions": package_versions(),
        "files": files,
        "warnings": list(result.warnings),
        "settings": result.settings.describe(),
        "scenario": scenario.model_dump(mode="json"),
    }


def write_sensitivity(
    result: SensitivityResult, out_dir: Path, *, run_id: str | None = None, command: str = ""
) -> Path:
    """Write ``result`` to a new folder ``out_dir/<scenario name>/sensitivity-<run id>/``
    and return it.

    Files: ``sensitivity.csv`` (:func:`sensitivity_csv_text`), ``figures/<figure>.png``
    (:func:`sensitivity_chart`, one per figure) and ``manifest.json`` (what was varied,
    over which ranges and with which settings, and the complete scenario). The folder
    appears complete or not at all and is never overwritten (see
    :func:`capacity.outputs.writer.write_folder`).

    Raises:
        ValueError: ``run_id`` is not a safe folder name.
        OSError: a folder or file cannot be created or written.
    """
    base = run_id if run_id is not None else "sensitivity-" + default_run_id(result.started_at)
    check_run_id(base)
    command = command or command_line()
    files: dict[str, FileContent] = {"sensitivity.csv": sensitivity_csv_text(result.summary)}
    for figure in result.figures:
        files[f"{FIGURES_FOLDER}/{figure_file_name(figure)}"] = sensitivity_chart(result, figure)
    return write_folder(
        files,
        Path(out_dir) / result.scenario.run.name,
        base,
        manifest=lambda final_id: _manifest(result, final_id, command, list(files)),
    )
