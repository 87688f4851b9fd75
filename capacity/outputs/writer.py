"""Write results to a new folder, all at once or not at all."""

from __future__ import annotations

import datetime as dt
import errno
import json
import math
import os
import re
import shlex
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import pandas as pd

from capacity.outputs.manifest import build_manifest
from capacity.outputs.spreadsheets import workbook_bytes

if TYPE_CHECKING:
    from capacity.experiment.runner import RunResult

__all__ = [
    "CSV_LOCALES",
    "CSV_OPTIONS",
    "FileContent",
    "check_run_id",
    "command_line",
    "default_run_id",
    "json_safe",
    "write_folder",
    "write_results",
]

CSV_OPTIONS: dict[str, Any] = {
    "index": False,
    "float_format": "%.10g",
    "lineterminator": "\n",
    "encoding": "utf-8",
}
"""How every CSV is written: ten significant digits keep files readable and identical
from run to run; an undefined value (NaN) is an empty field."""

CSV_LOCALES: dict[str, dict[str, Any]] = {
    "en": CSV_OPTIONS,
    "nb": {**CSV_OPTIONS, "sep": ";", "decimal": ",", "encoding": "utf-8-sig"},
}
"""CSV dialects by ``--csv-locale``: ``en`` (the default) is plain comma-separated CSV
with a decimal point; ``nb`` is what a spreadsheet set to Norwegian (bokmål) opens
into columns without an import dialog: semicolon separator, decimal comma, UTF-8 with
a byte-order mark. Dates are ISO dates (yyyy-mm-dd) in both."""

_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,99}")
_MAX_SUFFIX = 10_000


def default_run_id(started_at: dt.datetime | None) -> str:
    """The run id for a run started at ``started_at`` (default now): its UTC time as
    ``YYYYmmdd-HHMMSS``."""
    moment = started_at or dt.datetime.now(dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y%m%d-%H%M%S")


def _free_run_id(parent: Path, base: str) -> str:
    if not (parent / base).exists():
        return base
    for n in range(2, _MAX_SUFFIX):
        candidate = f"{base}-{n}"
        if not (parent / candidate).exists():
            return candidate
    raise FileExistsError(f"{parent}: no free run id left for {base!r}")


def command_line() -> str:
    """This process's command line as a shell would show it, with the program's bare
    name (``capacity run office_2011``), for manifests."""
    return shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]])


def json_safe(value: Any) -> Any:
    """``value`` with every NaN or infinity inside it (at any depth of dicts, lists and
    tuples) as a string: JSON has neither, and writing them as strings keeps the file
    valid JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


def _write_csv(frame: pd.DataFrame, path: Path, options: dict[str, Any] = CSV_OPTIONS) -> None:
    frame.to_csv(path, **options)


def _write_json(data: dict[str, Any], path: Path) -> None:
    text = json.dumps(json_safe(data), indent=2, ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def _rename_new(source: Path, target: Path) -> None:
    if target.exists():
        raise FileExistsError(errno.EEXIST, "results folder exists", str(target))
    try:
        os.rename(source, target)
    except OSError as error:
        # POSIX refuses to rename onto a non-empty folder with ENOTEMPTY (or EEXIST).
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
            raise FileExistsError(errno.EEXIST, "results folder exists", str(target)) from None
        raise


FileContent: TypeAlias = pd.DataFrame | dict[str, Any] | bytes | str
"""What :func:`write_folder` can write: a table (CSV with :data:`CSV_OPTIONS`), JSON
data, raw bytes or UTF-8 text."""


def _write_file(content: FileContent, path: Path, csv_options: dict[str, Any]) -> None:
    if isinstance(content, pd.DataFrame):
        _write_csv(content, path, csv_options)
    elif isinstance(content, dict):
        _write_json(content, path)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def check_run_id(run_id: str) -> None:
    """Raise ValueError unless ``run_id`` is a safe folder name: 1 to 100 letters,
    digits, ``_`` and ``-``, starting with a letter or digit (no paths, no hidden
    folders)."""
    if not _RUN_ID.fullmatch(run_id):
        raise ValueError(
            f"run id must be 1-100 letters, digits, _ or -, starting with a letter or "
            f"digit (given {run_id!r})"
        )


def write_folder(
    files: Mapping[str, FileContent],
    parent: Path,
    run_id: str,
    *,
    manifest: Callable[[str], dict[str, Any]] | None = None,
    csv_locale: str = "en",
) -> Path:
    """Write ``files`` into a new folder ``parent/<run id>/`` and return that folder.

    The folder appears complete or not at all: everything is written into a hidden
    ``.<run id>.partial-<pid>`` folder next to it, which is renamed at the end and
    removed if anything fails (folders created on the way are removed too if left
    empty). An existing folder is never overwritten: if ``run_id`` is taken, ``-2``,
    ``-3``, ... is appended.

    Args:
        files: file name -> content, written in this order; a DataFrame is written as
            CSV with :data:`CSV_OPTIONS`, a dict as JSON (NaN and infinity as strings),
            bytes as they are and a str as UTF-8 text.
        parent: the folder to create the new folder in; created if missing.
        run_id: the wished-for folder name (see :func:`check_run_id`).
        manifest: if given, called with the final folder name and written last as
            ``manifest.json``, so that a manifest can name its own folder.
        csv_locale: the CSV dialect of the tables, a key of :data:`CSV_LOCALES`.

    Returns:
        The path of the new folder.

    Raises:
        ValueError: ``run_id`` is not a safe folder name, or ``csv_locale`` is unknown
            (nothing is created).
        OSError: a folder or file cannot be created or written.
    """
    check_run_id(run_id)
    if csv_locale not in CSV_LOCALES:
        raise ValueError(f"csv_locale must be one of {sorted(CSV_LOCALES)} (given {csv_locale!r})")
    parent = Path(parent)
    created = [p for p in (parent, *parent.parents) if not p.exists()]
    partial = parent / f".{run_id}.partial-{os.getpid()}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        if partial.exists():
            shutil.rmtree(partial)
        partial.mkdir()
        for name, content in files.items():
            # A name may hold a subfolder ("figures/x.png").
            (partial / name).parent.mkdir(parents=True, exist_ok=True)
            _write_file(content, partial / name, CSV_LOCALES[csv_locale])
        for _ in range(_MAX_SUFFIX):
            final_id = _free_run_id(parent, run_id)
            if manifest is not None:
                _write_json(manifest(final_id), partial / "manifest.json")
            try:
                _rename_new(partial, parent / final_id)
            except FileExistsError:
                continue  # another writer took this id between the check and the rename
            return parent / final_id
        raise FileExistsError(f"{parent}: no free run id left for {run_id!r}")
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        for folder in created:
            try:
                folder.rmdir()
            except OSError:
                break
        raise


def write_results(
    result: RunResult,
    out_dir: Path,
    *,
    run_id: str | None = None,
    command: str = "",
    csv_locale: str = "en",
    xlsx: bool = False,
) -> Path:
    """Write ``result`` to ``out_dir/<scenario.run.name>/<run id>/`` and return that folder.

    Files: ``summary.csv`` (key figures with 95 % confidence intervals),
    ``figures.csv`` (every key figure of every replication, one row each, from which any
    interval can be computed again), ``timeseries.csv`` (daily measures of every
    replication), ``caseloads.csv`` (each
    caseworker's caseload at the end, when the result has it), ``events.csv`` (only
    when events were recorded), ``results.xlsx`` (only with ``xlsx``; see
    :func:`capacity.outputs.spreadsheets.workbook_bytes`) and ``manifest.json``
    (scenario, seed, versions, times; see :func:`capacity.outputs.manifest.build_manifest`).

    The folder appears complete or not at all and an existing folder is never
    overwritten (see :func:`write_folder`): if the run id is taken, ``-2``, ``-3``, ...
    is appended.

    Args:
        result: the run to write (its scenario is recorded in the manifest).
        out_dir: the results root folder; created if missing.
        run_id: folder name; default the run's UTC start time as ``YYYYmmdd-HHMMSS``.
        command: the command line that started the run, recorded in the manifest;
            default: this process's own command line.
        csv_locale: the CSV dialect, ``en`` or ``nb`` (see :data:`CSV_LOCALES`).
        xlsx: also write the workbook ``results.xlsx``.

    Returns:
        The path of the new results folder.

    Raises:
        ValueError: ``run_id`` is not letters, digits, ``_`` and ``-`` (1 to 100, starting
            with a letter or digit), or ``csv_locale`` is unknown.
        ScenarioError: with ``xlsx``, the time series does not fit on a worksheet.
        OSError: a folder or file cannot be created or written.
    """
    base = run_id if run_id is not None else default_run_id(result.started_at)
    check_run_id(base)
    command = command or command_line()
    files: dict[str, FileContent] = {
        "summary.csv": result.summary,
        "figures.csv": result.figures,
        "timeseries.csv": result.timeseries,
    }
    if result.caseloads is not None:
        files["caseloads.csv"] = result.caseloads
    if result.events is not None:
        files["events.csv"] = result.events
    if xlsx:
        files["results.xlsx"] = workbook_bytes(result)
    return write_folder(
        files,
        Path(out_dir) / result.scenario.run.name,
        base,
        manifest=lambda final_id: build_manifest(
            result, run_id=final_id, command=command, files=list(files)
        ),
        csv_locale=csv_locale,
    )
