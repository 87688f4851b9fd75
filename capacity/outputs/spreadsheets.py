"""Results as a spreadsheet: one Excel workbook (``results.xlsx``) with the summary, the
daily time series, the caseloads at the end and the scenario's parameters.

The workbook holds the same numbers as the CSV files, unrounded; an undefined value
(NaN) is an empty cell, and dates are real date cells shown as ISO dates (yyyy-mm-dd),
so a spreadsheet in any language sorts and filters them as dates.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd
from pydantic import BaseModel

from capacity.model import figure_catalogue
from capacity.scenario import Scenario, ScenarioError

if TYPE_CHECKING:
    from capacity.experiment.runner import RunResult

__all__ = [
    "EXCEL_MAX_ROWS",
    "SHEETS",
    "check_workbook_rows",
    "parameter_table",
    "workbook_bytes",
]

EXCEL_MAX_ROWS = 1_048_576
"""Rows in one Excel worksheet, the header row included (Excel's own limit)."""

SHEETS: tuple[str, ...] = ("summary", "time series", "caseloads", "parameters")
"""Worksheets of the workbook, in order (``caseloads`` only when the result has them)."""

_WIDEST_COLUMN = 60


def _leaves(value: Any, path: str, description: str) -> Iterator[tuple[str, Any, str]]:
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            inner = f"{path}.{name}" if path else name
            yield from _leaves(getattr(value, name), inner, info.description or description)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}", description)
    elif isinstance(value, list) and any(isinstance(item, BaseModel) for item in value):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}.{index}", description)
    elif isinstance(value, list | tuple):
        # A list of plain values (weekdays, holidays, task kinds) stays one cell, written
        # as in the scenario file.
        yield path, json.dumps(list(value), default=str, ensure_ascii=False), description
    else:
        yield path, value, description


def parameter_table(scenario: Scenario) -> pd.DataFrame:
    """Every parameter of ``scenario`` (defaults filled in), one row per value.

    Columns: ``parameter`` (the dotted path, as ``capacity sweep --vary`` and
    :func:`capacity.scenario.with_changes` take it, e.g. ``staff.follow_up.headcount``),
    ``value`` (a number, true/false, a date or text; a list is one cell of text as in
    the scenario file; an unset optional value such as no caseload cap is empty) and
    ``description`` (the field's documentation, with its unit and range).
    """
    rows = list(_leaves(scenario, "", ""))
    return pd.DataFrame(rows, columns=["parameter", "value", "description"])


def check_workbook_rows(replications: int, horizon_days: int) -> None:
    """Raise :class:`ScenarioError` (source ``--format xlsx``) when the time series of
    ``replications`` x ``horizon_days`` rows would not fit on one worksheet; checked
    before a run so that no simulation is lost."""
    rows = replications * horizon_days + 1
    if rows > EXCEL_MAX_ROWS:
        raise ScenarioError(
            "--format xlsx",
            [
                f"the time series would have {rows:,} rows ({replications} replications x "
                f"{horizon_days} days); one worksheet holds at most {EXCEL_MAX_ROWS:,}: "
                "use fewer replications or days, or the CSV files"
            ],
        )


def _with_dates(frame: pd.DataFrame) -> pd.DataFrame:
    if "date" not in frame:
        return frame
    dated = frame.copy()
    dated["date"] = [dt.date.fromisoformat(str(d)) for d in dated["date"]]
    return dated


def _summary_sheet(result: RunResult) -> pd.DataFrame:
    meaning = {spec.name: spec.description for spec in figure_catalogue(result.scenario)}
    sheet = result.summary.copy()
    sheet["description"] = [meaning.get(name, "") for name in sheet["name"]]
    return sheet


def _cell(value: Any) -> Any:
    # openpyxl writes only plain cell types; a NaN or None becomes an empty cell.
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _add_sheet(book: Any, title: str, frame: pd.DataFrame) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    # A write-only sheet streams its rows (a time series has tens of thousands); widths
    # and the frozen header must be set before the first row.
    sheet = book.create_sheet(title)
    for number, column in enumerate(frame.columns, start=1):
        sample = [str(column), *(str(v) for v in frame[column].head(200))]
        width = min(_WIDEST_COLUMN, max(len(text) for text in sample) + 2)
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([str(c) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        cells = []
        for value in row:
            value = _cell(value)
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                value = cell
            cells.append(value)
        sheet.append(cells)


def workbook_bytes(
    result: RunResult,
    *,
    extra: Mapping[str, pd.DataFrame] | None = None,
) -> bytes:
    """The workbook of a run as ``.xlsx`` bytes.

    Sheets (see :data:`SHEETS`): ``summary`` (the columns of ``summary.csv`` and the key
    figure's ``description``), ``time series`` (``timeseries.csv``, ``date`` as date
    cells), ``caseloads`` (``caseloads.csv``, when the result has it) and
    ``parameters`` (:func:`parameter_table`). Numbers are written unrounded; NaN is an
    empty cell; the header row is frozen.

    Raises:
        ScenarioError: the time series has more rows than a worksheet holds (see
            :func:`check_workbook_rows`).
    """
    from openpyxl import Workbook

    replications = max(1, result.replications)
    check_workbook_rows(replications, len(result.timeseries) // replications)
    book = Workbook(write_only=True)
    for title, frame in (extra or {}).items():
        _add_sheet(book, title, frame)
    _add_sheet(book, "summary", _summary_sheet(result))
    _add_sheet(book, "time series", _with_dates(result.timeseries))
    if result.caseloads is not None:
        _add_sheet(book, "caseloads", result.caseloads)
    _add_sheet(book, "parameters", parameter_table(result.scenario))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
