"""The ``--format`` and ``--csv-locale`` options of ``capacity run``: which files the
tables are written as, checked before anything is simulated."""

from __future__ import annotations

from typing import Annotated

import typer

from capacity.outputs.spreadsheets import check_workbook_rows
from capacity.outputs.writer import CSV_LOCALES
from capacity.scenario import ScenarioError

__all__ = ["FORMATS", "CsvLocaleOption", "FormatOption", "check_table_options"]

FORMATS: tuple[str, ...] = ("csv", "xlsx")
"""Values of ``--format``: ``csv`` writes the CSV tables only; ``xlsx`` writes the
workbook ``results.xlsx`` beside them (the CSV files stay: ``capacity plot`` and other
programs read them)."""

FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        help="csv: the tables as CSV files. xlsx: also one Excel workbook, results.xlsx, "
        "with sheets for the summary, the time series, the caseloads and the scenario's "
        "parameters.",
    ),
]
"""The ``--format`` option."""

CsvLocaleOption = Annotated[
    str,
    typer.Option(
        "--csv-locale",
        help="en: plain comma-separated CSV with a decimal point. nb: for a spreadsheet "
        "in Norwegian (bokmål): semicolon-separated, decimal comma, UTF-8 with a "
        "byte-order mark. Dates are yyyy-mm-dd in both.",
    ),
]
"""The ``--csv-locale`` option."""


def check_table_options(
    output_format: str, csv_locale: str, replications: int, horizon_days: int
) -> None:
    """Raise :class:`ScenarioError` naming the option for an unknown ``--format`` or
    ``--csv-locale`` value, or for a workbook whose time series of ``replications`` x
    ``horizon_days`` rows would not fit on one worksheet."""
    if output_format not in FORMATS:
        raise ScenarioError("--format", [f"{output_format!r} is not one of {', '.join(FORMATS)}"])
    if csv_locale not in CSV_LOCALES:
        raise ScenarioError(
            "--csv-locale", [f"{csv_locale!r} is not one of {', '.join(CSV_LOCALES)}"]
        )
    if output_format == "xlsx":
        check_workbook_rows(replications, horizon_days)
