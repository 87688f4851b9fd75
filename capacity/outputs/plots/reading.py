"""Reading results folders for their charts: which command wrote a folder, its
manifest and CSV tables (either dialect), the dated disturbances of its scenario, and
the table of a sweep or least-staffing search as the charts draw it."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from capacity.model import figure_catalogue
from capacity.model.disturbances import disturbances
from capacity.outputs.sweep import SWEEP_FIGURE_COLUMNS
from capacity.scenario import ScenarioError, parse_scenario

__all__ = [
    "PlotError",
    "disturbance_marks",
    "folder_kind",
    "read_manifest",
    "read_table",
    "scenario_name",
    "varied_table",
]


class PlotError(ValueError):
    """A folder that cannot be plotted (not a results folder, or a table missing or
    unreadable); the message says which and why."""


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


def read_manifest(folder: Path) -> dict[str, Any]:
    """The folder's ``manifest.json`` as a dict; empty when it is missing, unreadable or
    not a JSON object (the charts then do without it)."""
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def scenario_name(folder: Path, manifest: Mapping[str, Any]) -> str:
    """The scenario's name for chart titles: from the manifest (``scenario_name``, else the
    scenario's ``run.name``), else the name of the folder above ``folder`` (results
    folders are filed as ``<scenario>/<run id>``), else the folder's own name."""
    name = manifest.get("scenario_name")
    if isinstance(name, str):
        return name
    scenario = manifest.get("scenario")
    if isinstance(scenario, dict) and isinstance(scenario.get("run"), dict):
        return str(scenario["run"].get("name", folder.name))
    return folder.parent.name or folder.name


def read_table(folder: Path, name: str) -> pd.DataFrame:
    """The CSV file ``name`` of ``folder``, in either dialect the program writes (empty
    fields as NaN). Raises :class:`PlotError` when it cannot be read."""
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


def disturbance_marks(scenario: object) -> list[tuple[str, str, str]]:
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


def _units(manifest: Mapping[str, Any]) -> dict[str, str]:
    # staffing.csv has no unit column; the units come from the scenario it searched.
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
    manifest = read_manifest(folder)
    table = read_table(folder, "sweep.csv" if kind == "sweep" else "staffing.csv")
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
