"""Interrupted and repeated runs lose nothing: a run killed outright (SIGKILL, no chance
to clean up) leaves no results folder that looks complete and does not disturb the
next run; a second run into the same folder gets a new run id and both stay."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from capacity.interfaces import cli
from capacity.outputs import writer as writer_module

runner = CliRunner()
ScenarioWriter = Callable[..., Path]

# A scenario heavy enough that simulating takes a few seconds and writing its events
# (--events) takes a noticeable moment, so both phases can be interrupted.
BUSY = {
    "horizon_days = 30": "horizon_days = 300",
    "rate_per_week = 5": "rate_per_week = 120",
}


def _start(path: Path, out: Path) -> subprocess.Popen[bytes]:
    program = Path(sys.executable).with_name("capacity")  # the installed console script
    return subprocess.Popen(
        [str(program), "run", str(path), "--out", str(out), "--workers", "1", "--events"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )


def _complete_looking(out: Path) -> list[Path]:
    """Folders under out/<scenario>/ a person or a tool would take for results: any
    folder that is not hidden."""
    root = out / "tiny"
    if not root.exists():
        return []
    return [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]


def _wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> bool:
    """Poll until ``condition`` holds (True) or the process ends (False)."""
    while process.poll() is None:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


def _kill(process: subprocess.Popen[bytes]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL


def _next_run_is_complete(path: Path, out: Path) -> None:
    """A new run into the same folder ends normally with a complete folder of its own."""
    result = runner.invoke(
        cli.app, ["run", str(path), "--out", str(out), "--workers", "1", "--horizon-days", "40"]
    )
    assert result.exit_code == 0, result.output
    folders = _complete_looking(out)
    assert len(folders) == 1
    manifest = json.loads((folders[0] / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == [
        "caseloads.csv",
        "figures.csv",
        "summary.csv",
        "timeseries.csv",
    ]
    assert {p.name for p in folders[0].iterdir()} == {
        "caseloads.csv",
        "figures.csv",
        "summary.csv",
        "timeseries.csv",
        "manifest.json",
    }


def test_killed_while_simulating_leaves_nothing(
    write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    """SIGKILL while the replications run: no results folder at all (nothing is written
    before the end), and the next run into the same folder completes normally."""
    # Years of simulation: it cannot finish before the kill on any machine.
    path = write_scenario(replace={**BUSY, "horizon_days = 30": "horizon_days = 3000"})
    out = tmp_path / "results"
    process = _start(path, out)
    time.sleep(1.0)  # past start-up, into the replications
    assert process.poll() is None
    _kill(process)
    assert _complete_looking(out) == []
    _next_run_is_complete(path, out)


def test_killed_while_writing_leaves_only_a_hidden_partial_folder(
    write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    """SIGKILL while the results are being written: the files exist only in a hidden
    ``.<run id>.partial-<pid>`` folder, never in a folder named like a run, and the
    next run gets a complete folder of its own."""
    path = write_scenario(replace=BUSY)
    out = tmp_path / "results"
    process = _start(path, out)
    root = out / "tiny"

    def writing() -> bool:
        return root.exists() and any(".partial-" in p.name for p in root.iterdir())

    if not _wait_for(writing, process):
        pytest.fail("the run finished before its partial folder was seen")
    _kill(process)
    assert _complete_looking(out) == []
    leftovers = list(root.iterdir())
    assert leftovers
    assert all(p.name.startswith(".") and ".partial-" in p.name for p in leftovers)
    assert not any((p / "manifest.json").exists() for p in leftovers)
    _next_run_is_complete(path, out)


def test_a_second_run_never_overwrites_the_first(
    write_scenario: ScenarioWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs into the same --out that start in the same second (forced here) get
    distinct run ids; the first folder's files are unchanged byte for byte."""
    monkeypatch.setattr(writer_module, "default_run_id", lambda started_at: "20240101-000000")
    path = write_scenario()
    out = tmp_path / "results"
    first = runner.invoke(cli.app, ["run", str(path), "--out", str(out), "--workers", "1"])
    assert first.exit_code == 0, first.output
    folder = out / "tiny" / "20240101-000000"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    second = runner.invoke(
        cli.app, ["run", str(path), "--out", str(out), "--workers", "1", "--seed", "99"]
    )
    assert second.exit_code == 0, second.output
    assert {p.name for p in (out / "tiny").iterdir()} == {"20240101-000000", "20240101-000000-2"}
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    ids = [
        json.loads((out / "tiny" / name / "manifest.json").read_text(encoding="utf-8"))["run_id"]
        for name in ("20240101-000000", "20240101-000000-2")
    ]
    assert ids == ["20240101-000000", "20240101-000000-2"]
    assert "20240101-000000-2" in second.output


def test_repeated_runs_in_real_time_each_get_a_folder(
    write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    """Three runs back to back, with the real clock: three folders, three run ids."""
    path = write_scenario()
    out = tmp_path / "results"
    for _ in range(3):
        result = runner.invoke(cli.app, ["run", str(path), "--out", str(out), "--workers", "1"])
        assert result.exit_code == 0, result.output
    folders = _complete_looking(out)
    assert len(folders) == 3
    ids = {json.loads((f / "manifest.json").read_text(encoding="utf-8"))["run_id"] for f in folders}
    assert ids == {f.name for f in folders}
