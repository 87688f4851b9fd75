"""Results folders: complete or absent, never overwritten, with a full manifest."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

import capacity
from capacity.experiment import RunResult, Settings
from capacity.outputs import RANDOM_STREAMS, write_folder, write_results
from capacity.outputs import writer as writer_module
from capacity.scenario import Scenario

STARTED = dt.datetime(2024, 5, 17, 8, 30, 5, tzinfo=dt.UTC)


def _result(scenario: Scenario, events: bool = False) -> RunResult:
    """A hand-made result of ``scenario`` with values whose CSV text is known."""
    summary = pd.DataFrame(
        {
            "name": ["a", "b"],
            "unit": ["days", "share"],
            "mean": [1 / 3, 2.0],
            "ci_low": [0.25, math.nan],
            "ci_high": [0.5, math.nan],
            "replications": [3, 1],
        }
    )
    timeseries = pd.DataFrame(
        {
            "replication": [0, 0],
            "day": [0, 1],
            "date": ["2010-03-01", "2010-03-02"],
            "users_in_office": [2.0, 1e-12],
        }
    )
    return RunResult(
        scenario=scenario,
        settings=Settings(),
        summary=summary,
        timeseries=timeseries,
        events=pd.DataFrame({"replication": [0], "user": [7]}) if events else None,
        figures=pd.DataFrame({"replication": [0, 1, 2], "a": [0.25, 1 / 3, 0.5]}),
        warnings=("team 'x' has no headcount",),
        replications=3,
        started_at=STARTED,
        finished_at=STARTED + dt.timedelta(seconds=12),
        wall_seconds=12.0,
    )


def _entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_complete_folder(tmp_path: Path, tiny: Scenario) -> None:
    """The folder is <out>/tiny/<run id> with the three files (no events recorded) and
    nothing else beside it, not even a hidden partial folder."""
    folder = write_results(_result(tiny), tmp_path / "out", run_id="r1")
    assert folder == tmp_path / "out" / "tiny" / "r1"
    assert _entries(folder) == ["figures.csv", "manifest.json", "summary.csv", "timeseries.csv"]
    assert _entries(tmp_path / "out" / "tiny") == ["r1"]


def test_csv_text_is_exact(tmp_path: Path, tiny: Scenario) -> None:
    """Floats have ten significant digits (1/3 -> 0.3333333333, 1e-12 -> 1e-12), NaN is
    an empty field, lines end in a bare newline, no index column."""
    folder = write_results(_result(tiny, events=True), tmp_path, run_id="r1")
    assert (folder / "summary.csv").read_bytes() == (
        b"name,unit,mean,ci_low,ci_high,replications\n"
        b"a,days,0.3333333333,0.25,0.5,3\n"
        b"b,share,2,,,1\n"
    )
    assert (folder / "timeseries.csv").read_bytes() == (
        b"replication,day,date,users_in_office\n0,0,2010-03-01,2\n0,1,2010-03-02,1e-12\n"
    )
    assert (folder / "events.csv").read_bytes() == b"replication,user\n0,7\n"
    assert (folder / "figures.csv").read_bytes() == (
        b"replication,a\n0,0.25\n1,0.3333333333\n2,0.5\n"
    )


def test_default_run_id_is_the_start_time(tmp_path: Path, tiny: Scenario) -> None:
    """Without a run id the folder is named by the run's UTC start, 20240517-083005."""
    folder = write_results(_result(tiny), tmp_path)
    assert folder.name == "20240517-083005"


def test_default_run_id_without_start_time(tmp_path: Path, tiny: Scenario) -> None:
    """A result with no start time is named by the current UTC time, YYYYmmdd-HHMMSS."""
    result = _result(tiny)
    bare = RunResult(
        tiny, Settings(), result.summary, result.timeseries, None, result.figures, (), 3
    )
    assert re.fullmatch(r"\d{8}-\d{6}", write_results(bare, tmp_path).name)


def test_taken_run_id_gets_a_suffix(tmp_path: Path, tiny: Scenario) -> None:
    """Writing three times with run id r1 gives r1, r1-2, r1-3; the first is untouched
    and each manifest names its own folder."""
    first = write_results(_result(tiny), tmp_path, run_id="r1")
    before = (first / "manifest.json").read_bytes()
    second = write_results(_result(tiny, events=True), tmp_path, run_id="r1")
    third = write_results(_result(tiny), tmp_path, run_id="r1")
    assert [first.name, second.name, third.name] == ["r1", "r1-2", "r1-3"]
    assert (first / "manifest.json").read_bytes() == before
    assert not (first / "events.csv").exists()
    for folder in (first, second, third):
        assert json.loads((folder / "manifest.json").read_text())["run_id"] == folder.name


@pytest.mark.parametrize("error", [RuntimeError("disk on fire"), KeyboardInterrupt()])
def test_failure_mid_write_leaves_nothing(
    tmp_path: Path, tiny: Scenario, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    """The manifest is written last; if it fails (or Ctrl-C arrives) after the CSVs
    were written, the error propagates and neither the partial folder nor the folders
    created for it remain: <out> does not exist afterwards."""

    def broken(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(writer_module, "_write_json", broken)
    out = tmp_path / "out"
    with pytest.raises(type(error)):
        write_results(_result(tiny, events=True), out, run_id="r1")
    assert not out.exists()


def test_failure_keeps_earlier_runs(
    tmp_path: Path, tiny: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed write next to an earlier run removes only its own partial folder."""
    earlier = write_results(_result(tiny), tmp_path, run_id="r1")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("no space left")

    monkeypatch.setattr(writer_module, "_write_csv", broken)
    with pytest.raises(OSError, match="no space"):
        write_results(_result(tiny), tmp_path, run_id="r2")
    assert _entries(tmp_path / "tiny") == ["r1"]
    assert _entries(earlier) == ["figures.csv", "manifest.json", "summary.csv", "timeseries.csv"]


def test_manifest_fields(tmp_path: Path, tiny: Scenario) -> None:
    """The manifest records the validated scenario, its seed (20110301, the default),
    the 3 replications run, the times and wall seconds given, the command, the random
    stream scheme and package versions."""
    folder = write_results(
        _result(tiny, events=True), tmp_path, run_id="r1", command="capacity run s.toml"
    )
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["run_id"] == "r1"
    assert manifest["scenario_name"] == "tiny"
    assert manifest["scenario"] == tiny.model_dump(mode="json")
    assert manifest["seed"] == 20110301
    assert manifest["replications"] == 3
    assert manifest["command"] == "capacity run s.toml"
    assert manifest["started_at_utc"] == "2024-05-17T08:30:05+00:00"
    assert manifest["finished_at_utc"] == "2024-05-17T08:30:17+00:00"
    assert manifest["wall_seconds"] == 12.0
    assert manifest["random_streams"] == RANDOM_STREAMS
    assert "SeedSequence(entropy=run.seed" in manifest["random_streams"]
    assert list(manifest["versions"]) == [
        "capacity",
        "python",
        "simpy",
        "numpy",
        "scipy",
        "pandas",
        "pydantic",
    ]
    assert manifest["versions"]["capacity"] == capacity.__version__
    assert manifest["files"] == ["summary.csv", "figures.csv", "timeseries.csv", "events.csv"]
    assert manifest["warnings"] == ["team 'x' has no headcount"]


@pytest.mark.parametrize("run_id", ["", ".hidden", "a/b", "..", "x" * 101])
def test_unsafe_run_id_is_refused(tmp_path: Path, tiny: Scenario, run_id: str) -> None:
    """A run id that is empty, hidden, a path or too long is refused before any folder
    is made."""
    with pytest.raises(ValueError, match="run id"):
        write_results(_result(tiny), tmp_path / "out", run_id=run_id)
    assert not (tmp_path / "out").exists()


def test_write_folder_writes_each_kind_of_content(tmp_path: Path) -> None:
    """write_folder writes a DataFrame as CSV (NaN an empty field), a dict as JSON (NaN
    as the string "nan"), bytes and text as given, and the manifest last with the
    folder's final name: a second folder with the same id is named r1-2 and its manifest
    says so."""
    files = {
        "t.csv": pd.DataFrame({"x": [0.5, math.nan], "y": ["a", "b"]}),
        "d.json": {"v": math.nan},
        "b.bin": b"\x00\x01",
        "s.txt": "æ\n",
    }
    for expected in ("r1", "r1-2"):
        folder = write_folder(
            files, tmp_path / "p", "r1", manifest=lambda final_id: {"run_id": final_id}
        )
        assert folder == tmp_path / "p" / expected
        assert _entries(folder) == ["b.bin", "d.json", "manifest.json", "s.txt", "t.csv"]
        assert (folder / "t.csv").read_bytes() == b"x,y\n0.5,a\n,b\n"
        assert json.loads((folder / "d.json").read_text()) == {"v": "nan"}
        assert (folder / "b.bin").read_bytes() == b"\x00\x01"
        assert (folder / "s.txt").read_text(encoding="utf-8") == "æ\n"
        assert json.loads((folder / "manifest.json").read_text()) == {"run_id": expected}
