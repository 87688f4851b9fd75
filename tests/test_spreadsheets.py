"""Spreadsheets: the workbook of --format xlsx and the Norwegian CSV of --csv-locale nb
hold exactly the numbers of the default CSV files."""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import capacity
from capacity.experiment import RunResult
from capacity.interfaces import cli
from capacity.outputs import write_results
from capacity.outputs.spreadsheets import EXCEL_MAX_ROWS, parameter_table, workbook_bytes
from capacity.scenario import Scenario, ScenarioError, with_changes

runner = CliRunner()


@pytest.fixture(scope="module")
def run_result(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scenario, RunResult]:
    """Two replications of the tiny scenario (conftest's, rebuilt for module scope)."""
    from conftest import TINY_TOML

    path = tmp_path_factory.mktemp("scenario") / "tiny.toml"
    path.write_text(TINY_TOML, encoding="utf-8")
    scenario = capacity.load_scenario(path)
    return scenario, capacity.run(scenario, replications=2)


def _default_csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, keep_default_na=False, na_values=[""])


def _nb_csv(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(
        folder / name,
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
        keep_default_na=False,
        na_values=[""],
    )


def test_nb_csv_reads_back_to_the_default_values(
    tmp_path: Path, run_result: tuple[Scenario, RunResult]
) -> None:
    """Every table written with --csv-locale nb, read as Norwegian CSV, equals the same
    table written as plain CSV: the same columns, dates and numbers."""
    _scenario, result = run_result
    plain = write_results(result, tmp_path, run_id="plain")
    nb = write_results(result, tmp_path, run_id="nb", csv_locale="nb")
    for name in ("summary.csv", "timeseries.csv", "caseloads.csv"):
        pd.testing.assert_frame_equal(_nb_csv(nb, name), _default_csv(plain, name), obj=name)


def test_nb_csv_format(tmp_path: Path, run_result: tuple[Scenario, RunResult]) -> None:
    """Byte-order mark first, semicolons between fields, a decimal comma, ISO dates."""
    _scenario, result = run_result
    folder = write_results(result, tmp_path, run_id="nb", csv_locale="nb")
    raw = (folder / "timeseries.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfreplication;day;date;")
    first = raw.decode("utf-8-sig").splitlines()[1].split(";")
    assert first[:3] == ["0", "0", "2010-03-01"]
    summary = (folder / "summary.csv").read_text(encoding="utf-8-sig").splitlines()
    share = next(line for line in summary if line.startswith("aap_with_valid_plan_share;"))
    mean = result.summary.set_index("name").loc["aap_with_valid_plan_share", "mean"]
    assert share.split(";")[2] == f"{mean:.10g}".replace(".", ",")
    assert "," in share.split(";")[2]
    plain = write_results(result, tmp_path, run_id="plain")
    assert not (plain / "summary.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def _sheet(book: openpyxl.Workbook, name: str) -> dict[str, list]:
    """The sheet's columns by header, cell values as openpyxl reads them (None: empty)."""
    rows = list(book[name].iter_rows(values_only=True))
    return {str(header): [row[n] for row in rows[1:]] for n, header in enumerate(rows[0])}


def test_workbook_holds_the_csv_values(
    tmp_path: Path, run_result: tuple[Scenario, RunResult]
) -> None:
    """results.xlsx has the summary, time series, caseloads and parameters sheets; every
    number equals the CSV's (which keeps ten significant digits), empty cells where the
    CSV has empty fields, and dates are date cells on the CSV's ISO dates."""
    _scenario, result = run_result
    folder = write_results(result, tmp_path, xlsx=True)
    book = openpyxl.load_workbook(folder / "results.xlsx")
    assert book.sheetnames == ["summary", "time series", "caseloads", "parameters"]

    for sheet, name in (
        ("summary", "summary.csv"),
        ("time series", "timeseries.csv"),
        ("caseloads", "caseloads.csv"),
    ):
        frame = _sheet(book, sheet)
        csv = _default_csv(folder, name)
        assert list(frame)[: len(csv.columns)] == list(csv.columns), sheet
        for column in csv.columns:
            ours, theirs = frame[column], csv[column].tolist()
            if column == "date":
                assert all(isinstance(v, dt.datetime) for v in ours)
                assert [v.date().isoformat() for v in ours] == theirs
            elif pd.api.types.is_numeric_dtype(csv[column]):
                for a, b in zip(ours, theirs, strict=True):
                    if math.isnan(b):
                        assert a is None, (sheet, column)
                    else:
                        assert a == pytest.approx(b, rel=1e-9), (sheet, column)
            else:
                assert ours == theirs, (sheet, column)
    assert book["time series"]["C2"].number_format == "yyyy-mm-dd"
    summary = _sheet(book, "summary")
    described = dict(zip(summary["name"], summary["description"], strict=True))
    assert described["aap_with_valid_plan_share"].startswith("Share of AAP recipients")


def test_parameters_sheet(run_result: tuple[Scenario, RunResult]) -> None:
    """The parameters sheet names each value by the dotted path that with_changes takes:
    setting any plain value back gives the same scenario."""
    scenario, result = run_result
    table = parameter_table(scenario).set_index("parameter")
    assert table.loc["staff.follow.headcount", "value"] == 2
    assert table.loc["run.start_date", "value"] == dt.date(2010, 3, 1)
    assert "People in the team" in table.loc["staff.follow.headcount", "description"]
    assert pd.isna(table.loc["organisation.caseload_cap", "value"])
    for path, value in table["value"].items():
        if isinstance(value, str) and value.startswith("["):
            continue  # lists are text cells
        if value is None:
            continue
        assert with_changes(scenario, {path: value}) == scenario, path
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(result)), read_only=True)
    rows = {r[0]: r[1] for r in book["parameters"].iter_rows(min_row=2, values_only=True)}
    assert rows["staff.follow.headcount"] == 2
    assert rows["streams.aap_claimant.rate_per_week"] == 5.0


def test_cli_writes_workbook_and_nb_csv(
    tmp_path: Path, write_scenario: Callable[..., Path]
) -> None:
    """capacity run --format xlsx --csv-locale nb writes both, beside the manifest."""
    out = tmp_path / "out"
    done = runner.invoke(
        cli.app,
        [
            "run",
            str(write_scenario()),
            "--out",
            str(out),
            "--workers",
            "1",
            "--format",
            "xlsx",
            "--csv-locale",
            "nb",
        ],
    )
    assert done.exit_code == 0, done.output
    (folder,) = (out / "tiny").iterdir()
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "caseloads.csv",
        "figures.csv",
        "manifest.json",
        "results.xlsx",
        "summary.csv",
        "timeseries.csv",
    ]
    assert (folder / "summary.csv").read_bytes().startswith(b"\xef\xbb\xbfname;unit;")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--format", "xls"], "'xls' is not one of csv, xlsx"),
        (["--csv-locale", "de"], "'de' is not one of en, nb"),
        # 10,000 replications x 200 days: 2,000,001 rows, more than a worksheet holds.
        (
            ["--format", "xlsx", "--replications", "10000", "--horizon-days", "200"],
            f"one worksheet holds at most {EXCEL_MAX_ROWS:,}",
        ),
    ],
)
def test_bad_table_options_exit_2_before_running(
    tmp_path: Path, write_scenario: Callable[..., Path], options: list[str], message: str
) -> None:
    out = tmp_path / "out"
    done = runner.invoke(cli.app, ["run", str(write_scenario()), "--out", str(out), *options])
    assert done.exit_code == 2
    assert message in done.output
    assert not out.exists()


def test_workbook_row_limit_is_checked() -> None:
    from capacity.outputs.spreadsheets import check_workbook_rows

    check_workbook_rows(1, EXCEL_MAX_ROWS - 1)  # header + rows: exactly full
    with pytest.raises(ScenarioError, match="--format xlsx"):
        check_workbook_rows(1, EXCEL_MAX_ROWS)
