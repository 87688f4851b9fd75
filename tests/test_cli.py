"""The ``capacity`` command: user errors, listing and checking scenarios, reproducibility."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from capacity.interfaces import cli, common
from capacity.scenario import load_scenario, parse_scenario
from capacity.scenario import loading as loading_module

runner = CliRunner()
ScenarioWriter = Callable[..., Path]


def invoke(*args: str | Path):
    """Run the command line in-process with ``args``."""
    return runner.invoke(cli.app, [str(a) for a in args])


def _only_run(out: Path) -> Path:
    runs = [p for p in (out / "tiny").iterdir()]
    assert len(runs) == 1
    return runs[0]


# ---------------------------------------------------------------- user errors

BAD_SCENARIOS = {
    "unknown key": (
        {"replications = 2\n": "replications = 2\nreplicatons = 3\n"},
        "run.replicatons: unknown key",
    ),
    "negative rate": (
        {"rate_per_week = 5": "rate_per_week = -5"},
        "streams.aap_claimant.rate_per_week",
    ),
    "batch outside horizon": (
        {"rate_per_week = 5": "rate_per_week = 5\nbatches = [{date = 2011-01-01, users = 3}]"},
        "streams.aap_claimant.batches.0.date: date 2011-01-01 is outside the horizon",
    ),
    "malformed TOML": ({"[run]": "[run"}, "not valid TOML"),
}


@pytest.mark.parametrize("case", list(BAD_SCENARIOS))
def test_bad_scenario_exits_2_and_writes_nothing(
    case: str, write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    """Each broken file gives exit code 2 and a message naming the field (or the TOML
    syntax), and no results folder is created."""
    replace, expected = BAD_SCENARIOS[case]
    path = write_scenario(replace=replace)
    out = tmp_path / "results"
    result = invoke("run", path, "--out", out)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--warm-up-days", "30"], "warm_up_days (30) must be less than horizon_days (30)"),
        (["--replications", "0"], "--replications"),
        (["--horizon-days", "0"], "--horizon-days"),
        (["--seed", "-1"], "--seed"),
        (["--workers", "0"], "--workers"),
        (["--replications", "many"], "--replications"),
    ],
)
def test_bad_option_exits_2_and_writes_nothing(
    options: list[str], expected: str, write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    """Options are checked with the scenario's own rules before anything runs: exit 2,
    the message names the field or option, no folder."""
    out = tmp_path / "results"
    result = invoke("run", write_scenario(), "--out", out, *options)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert not out.exists()


def test_option_errors_name_the_option_not_a_scenario(
    write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    result = invoke("run", write_scenario(), "--out", tmp_path, "--replications", "many")
    assert result.exit_code == 2
    assert "invalid option --replications" in result.output


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS refuses non-UTF-8 file names")
def test_non_utf8_names_are_refused_before_simulating(
    write_scenario: ScenarioWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scenario file or --out folder whose name is not UTF-8 (the results record both
    as text): exit 2 before any replication runs, nothing written."""
    ran: list[int] = []
    monkeypatch.setattr(common, "run_experiment", lambda *a, **k: ran.append(1))
    # How Python names a file whose bytes are not UTF-8.
    odd = tmp_path / b"odd\xff.toml".decode("utf-8", "surrogateescape")
    odd.write_bytes(write_scenario().read_bytes())
    result = invoke("run", odd, "--out", tmp_path / "results")
    assert result.exit_code == 2, result.output
    assert "not valid UTF-8 text" in result.output
    odd_out = tmp_path / b"r\xfe".decode("utf-8", "surrogateescape")
    result = invoke("run", write_scenario(), "--out", odd_out)
    assert result.exit_code == 2, result.output
    assert "not valid UTF-8 text" in result.output
    assert ran == []
    assert not odd_out.exists()
    assert not (tmp_path / "results").exists()


def test_auto_only_options_without_auto_are_reported(
    write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    result = invoke(
        "run",
        write_scenario(),
        "--out",
        tmp_path,
        "--max-replications",
        "5",
        "--precision-figure",
        "aap_with_valid_plan_share",
    )
    assert result.exit_code == 0, result.output
    assert "--max-replications, --precision-figure only apply with --replications auto" in (
        result.output
    )


def test_unknown_precision_figure_is_refused_even_without_auto(
    write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    result = invoke("run", write_scenario(), "--out", tmp_path / "r", "--precision-figure", "bogus")
    assert result.exit_code == 2
    assert "unknown key figure(s): ['bogus']" in result.output
    assert not (tmp_path / "r").exists()


def test_missing_scenario_exits_2(tmp_path: Path) -> None:
    """A scenario that is neither a file nor a bundled name: exit 2, says so."""
    result = invoke("run", tmp_path / "nowhere.toml", "--out", tmp_path / "results")
    assert result.exit_code == 2
    assert "no such file" in result.output
    assert not (tmp_path / "results").exists()


def test_out_that_is_a_file_exits_2(write_scenario: ScenarioWriter, tmp_path: Path) -> None:
    """--out naming an existing file is refused before the run: exit 2, file unchanged."""
    out = tmp_path / "results"
    out.write_text("keep me")
    result = invoke("run", write_scenario(), "--out", out)
    assert result.exit_code == 2
    assert "is a file" in result.output
    assert out.read_text() == "keep me"


def test_out_below_a_file_is_refused_before_simulating(
    write_scenario: ScenarioWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--out inside a path that runs through a file cannot be written: exit 2 before any
    replication runs, and nothing is created."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    ran: list[int] = []
    monkeypatch.setattr(common, "run_experiment", lambda *a, **k: ran.append(1))
    result = invoke("run", write_scenario(), "--out", blocker / "sub")
    assert result.exit_code == 2
    assert "give a folder you can write to" in result.output
    assert ran == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "s.toml"]


@pytest.mark.parametrize("command", ["run", "staff", "sweep"])
def test_a_file_where_the_scenario_folder_goes_is_refused_before_simulating(
    command: str, write_scenario: ScenarioWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The results go to OUT/<scenario name>/...: a file of that name in --out is found
    before anything runs (exit 2, the file untouched), for every command that writes
    there."""
    out = tmp_path / "results"
    out.mkdir()
    (out / "tiny").write_text("keep me")
    ran: list[int] = []
    monkeypatch.setattr(common, "run_experiment", lambda *a, **k: ran.append(1))
    options = {
        "run": [],
        "staff": ["--target", "users_arrived>=1", "--vary", "staff.follow.headcount=1:2"],
        "sweep": ["--vary", "staff.follow.headcount=1:2"],
    }[command]
    result = invoke(command, write_scenario(), "--out", out, *options)
    assert result.exit_code == 2, result.output
    assert "is not a folder" in result.output
    assert ran == []
    assert (out / "tiny").read_text() == "keep me"
    assert sorted(p.name for p in out.iterdir()) == ["tiny"]


def test_ctrl_c_exits_130_and_writes_nothing(
    write_scenario: ScenarioWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C during the run ends with exit code 130 (128 + SIGINT) and no folder."""

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(common, "run_experiment", interrupted)
    out = tmp_path / "results"
    result = invoke("run", write_scenario(), "--out", out)
    assert result.exit_code == 130
    assert "no results were saved" in result.output
    assert not out.exists()


def test_user_error_in_a_real_process_has_no_traceback(
    write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    """Run as a program, a bad scenario still gives exit 2, the message on stderr and
    no Python traceback."""
    path = write_scenario(replace={"rate_per_week = 5": "rate_per_week = -5"})
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "capacity.interfaces.cli",
            "run",
            str(path),
            "--out",
            str(tmp_path / "results"),
        ],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2
    assert "streams.aap_claimant.rate_per_week" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert completed.stdout == ""
    assert not (tmp_path / "results").exists()


def _children(pid: int) -> set[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    """Is process ``pid`` alive (a zombie, ended but not yet reaped, is not)?"""
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_kill_stops_the_workers_too(tmp_path: Path) -> None:
    """A termination signal to the command alone (not its process group) ends it as
    Ctrl-C does, exit 130 and nothing saved, and its worker processes end as well
    instead of waiting for work for ever."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "capacity.interfaces.cli",
            "run",
            "office_2011",
            "--replications",
            "8",
            "--workers",
            "2",
            "--out",
            str(tmp_path / "results"),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline:
        workers = _children(process.pid)
        time.sleep(0.1)
    assert len(workers) >= 2, "the workers did not start"
    time.sleep(1.0)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "interrupted" in err
    assert "Traceback" not in err
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(_running(p) for p in workers):
        time.sleep(0.2)
    assert not [p for p in workers if _running(p)]
    assert not (tmp_path / "results").exists()


# ------------------------------------------------------- scenarios and check


def test_scenarios_lists_bundled_with_first_description_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_scenario: ScenarioWriter
) -> None:
    """With a bundled folder holding tiny.toml (description 'A tiny office.' then a
    second line), the listing is the name and the first line only."""
    bundled = tmp_path / "bundled"
    bundled.mkdir()
    path = write_scenario(
        replace={'name = "tiny"': 'name = "tiny"\ndescription = """A tiny office.\nMore."""'}
    )
    (bundled / "tiny.toml").write_text(path.read_text())
    monkeypatch.setattr(loading_module, "BUNDLED_DIR", bundled)
    result = invoke("scenarios")
    assert result.exit_code == 0
    assert result.output == "tiny  A tiny office.\n"


def test_scenarios_with_none_bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty bundled folder is reported, exit 0."""
    monkeypatch.setattr(loading_module, "BUNDLED_DIR", tmp_path)
    result = invoke("scenarios")
    assert result.exit_code == 0
    assert "No bundled scenarios" in result.output


def test_check_prints_the_resolved_scenario(write_scenario: ScenarioWriter) -> None:
    """check prints TOML with every default filled in (e.g. seed = 20110301), which
    loads back to the same scenario; exit 0."""
    path = write_scenario()
    result = invoke("check", path)
    assert result.exit_code == 0
    assert "seed = 20110301" in result.output
    assert parse_scenario(tomllib.loads(result.output)) == load_scenario(path)


def test_check_warns_about_unstaffed_work(write_scenario: ScenarioWriter) -> None:
    """A follow-up team with headcount 0 is valid, but its follow-up and renewal work
    would never be done: check names the team after the TOML and still exits 0."""
    path = write_scenario(
        replace={
            'headcount = 2\ntasks = ["aap.follow_up"': 'headcount = 0\ntasks = ["aap.follow_up"'
        }
    )
    result = invoke("check", path)
    assert result.exit_code == 0
    assert "team 'follow' has no headcount" in result.output
    assert result.output.rstrip().splitlines()[-1].startswith("Warning: team 'follow'")


def test_check_bad_scenario_exits_2(write_scenario: ScenarioWriter) -> None:
    """check reports an invalid field with exit 2."""
    result = invoke("check", write_scenario(replace={"headcount = 1": "headcount = -1"}))
    assert result.exit_code == 2
    assert "staff.front.headcount" in result.output


# ------------------------------------------------------------- running


def test_run_writes_results_and_applies_overrides(
    write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    """A run with --replications 3 --seed 7 --horizon-days 20 --events prints the
    folder, and the manifest records seed 7 and 3 replications; the time series has
    3 * 20 rows and the events file exists."""
    out = tmp_path / "results"
    result = invoke(
        "run",
        write_scenario(),
        "--out",
        out,
        "--replications",
        "3",
        "--seed",
        "7",
        "--horizon-days",
        "20",
        "--events",
    )
    assert result.exit_code == 0, result.output
    folder = _only_run(out)
    assert f"Results saved in: {folder}" in result.output
    manifest = json.loads((folder / "manifest.json").read_text())
    assert (manifest["seed"], manifest["replications"]) == (7, 3)
    assert manifest["scenario"]["run"]["horizon_days"] == 20
    lines = (folder / "timeseries.csv").read_text().splitlines()
    assert lines[0].startswith("replication,day,date,")
    assert len(lines) == 1 + 3 * 20
    assert (folder / "events.csv").read_text().startswith("replication,")
    assert "users_arrived" in result.output


def _run_files(write_scenario: ScenarioWriter, out: Path, *options: str) -> tuple[bytes, bytes]:
    result = invoke("run", write_scenario(), "--out", out, *options)
    assert result.exit_code == 0, result.output
    folder = _only_run(out)
    return (folder / "summary.csv").read_bytes(), (folder / "timeseries.csv").read_bytes()


def test_same_seed_gives_identical_files(write_scenario: ScenarioWriter, tmp_path: Path) -> None:
    """Two runs of the same scenario and seed give byte-identical summary.csv and
    timeseries.csv: every random number comes from the seed."""
    first = _run_files(write_scenario, tmp_path / "a", "--seed", "11")
    second = _run_files(write_scenario, tmp_path / "b", "--seed", "11")
    assert first == second


def test_worker_count_gives_identical_files(write_scenario: ScenarioWriter, tmp_path: Path) -> None:
    """One worker and two workers give byte-identical summary.csv and timeseries.csv."""
    one = _run_files(write_scenario, tmp_path / "a", "--workers", "1")
    two = _run_files(write_scenario, tmp_path / "b", "--workers", "2")
    assert one == two
