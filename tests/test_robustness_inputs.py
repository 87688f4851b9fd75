"""Bad and hostile input: invalid scenarios and malformed files always end in the
documented clear error (exit code 2, a message naming the field or the file's problem),
never in a traceback, and never leave a results folder."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from conftest import TINY_TOML
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from capacity.interfaces import cli
from capacity.scenario.loading import BUNDLED_DIR

runner = CliRunner()
ScenarioWriter = Callable[..., Path]

FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _refused(args: list[str], out: Path | None = None) -> str:
    """Run the command in-process; assert exit 2 with an error message, no exception
    other than the exit, and no results folder. Returns the output."""
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Error:" in result.output
    assert "Traceback" not in result.output
    if out is not None:
        assert not out.exists()
    return result.output


# ------------------------------------------------------------- malformed files

MALFORMED: dict[str, tuple[str | bytes, str]] = {
    "truncated TOML": (TINY_TOML[: TINY_TOML.index("rate_per_week") + 8], "not valid TOML"),
    "wrong type: text for a whole number": (
        TINY_TOML.replace("headcount = 1", 'headcount = "1"'),
        "staff.front.headcount",
    ),
    "wrong type: number for a list": (
        TINY_TOML.replace('tasks = ["*.reception"]', "tasks = 5"),
        "staff.front.tasks",
    ),
    "wrong type: a list of tables for a table": (
        TINY_TOML.replace("[run]", "[[run]]"),
        "run:",
    ),
    "wrong type: bool for a number": (
        TINY_TOML.replace("rate_per_week = 5", "rate_per_week = true"),
        "streams.aap_claimant.rate_per_week",
    ),
    "huge whole number": (
        TINY_TOML.replace("horizon_days = 30", "horizon_days = 1" + "0" * 40),
        "run.horizon_days",
    ),
    "huge seed": (
        TINY_TOML.replace("replications = 2", "replications = 2\nseed = 18446744073709551616"),
        "run.seed",
    ),
    "number too large for a float": (
        TINY_TOML.replace("rate_per_week = 5", "rate_per_week = 1e400"),
        "streams.aap_claimant.rate_per_week: Input should be a finite number",
    ),
    "not a number": (
        TINY_TOML.replace("rate_per_week = 5", "rate_per_week = nan"),
        "streams.aap_claimant.rate_per_week",
    ),
    "a path instead of a number": (
        TINY_TOML.replace("rate_per_week = 5", 'rate_per_week = "/etc/passwd"'),
        "streams.aap_claimant.rate_per_week",
    ),
    "a path instead of a date": (
        TINY_TOML.replace('name = "tiny"', 'name = "tiny"\nstart_date = "../results"'),
        "run.start_date",
    ),
    "a path instead of a distribution": (
        TINY_TOML.replace(
            "[case_types.aap]\naap = true",
            '[case_types.aap]\naap = true\nreception.work_hours = "/dev/zero"',
        ),
        "case_types.aap.reception.work_hours",
    ),
    "a device as base file": ('base = "/dev/zero"\n' + TINY_TOML, "base: '/dev/zero'"),
    "a folder as base file": ('base = "."\n' + TINY_TOML, "base: '.'"),
    "non-UTF-8 bytes": (TINY_TOML.encode() + b"# caf\xe9\n", "not UTF-8 text"),
    "UTF-16 file": (TINY_TOML.encode("utf-16"), "not UTF-8 text"),
    "NUL bytes": (b"\x00" * 64, "not valid TOML"),
    "empty file": ("", "case_types: required field is missing"),
    "nested too deeply": (
        TINY_TOML + "x = " + "[" * 30_000 + "]" * 30_000 + "\n",
        "nested too deeply",
    ),
    "dates past the calendar": (
        TINY_TOML.replace('name = "tiny"', 'name = "tiny"\nstart_date = 9999-12-20'),
        "runs past the last date a calendar has",
    ),
    "file over the size limit": (TINY_TOML + "#" * 1_100_000 + "\n", "the limit is"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_file_exits_2_naming_the_problem(case: str, tmp_path: Path) -> None:
    """``capacity run`` on each malformed file: exit 2, the field or the file's problem
    named, no traceback, no results folder."""
    content, expected = MALFORMED[case]
    path = tmp_path / "bad.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    out = tmp_path / "results"
    output = _refused(["run", str(path), "--out", str(out)], out)
    assert expected in output


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--seed", "9" * 30], "--seed"),
        (["--replications", "9" * 30], "--replications"),
        (["--horizon-days", "9" * 30], "--horizon-days"),
        (["--horizon-days", "-5"], "--horizon-days"),
        (["--warm-up-days", "/etc/passwd"], "--warm-up-days"),
        (["--replications", "1e3"], "--replications"),
        (["--precision", "nan"], "--precision"),
    ],
)
def test_hostile_options_exit_2(
    options: list[str], expected: str, write_scenario: ScenarioWriter, tmp_path: Path
) -> None:
    """Options with huge numbers, paths or NaN are refused like bad fields."""
    out = tmp_path / "results"
    output = _refused(["run", str(write_scenario()), "--out", str(out), *options], out)
    assert expected in output


@pytest.mark.parametrize(
    "content",
    [
        b'[run]\nname = "x\xff"\n',
        TINY_TOML.encode() + b"x = " + b"{a = " * 5000 + b"1" + b"}" * 5000 + b"\n",
    ],
    ids=["non-UTF-8", "deeply nested"],
)
def test_hostile_file_in_a_real_process_has_no_traceback(content: bytes, tmp_path: Path) -> None:
    """Run as a program: exit 2, one message on stderr, no traceback, nothing written."""
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    out = tmp_path / "results"
    program = Path(sys.executable).with_name("capacity")  # the installed console script
    completed = subprocess.run(
        [str(program), "run", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr.startswith("Error: invalid scenario")
    assert "Traceback" not in completed.stderr
    assert not out.exists()


# ---------------------------------------------------- generated invalid input

OFFICE_TEXT = (BUNDLED_DIR / "office_2011.toml").read_text(encoding="utf-8")


@FAST
@given(cut=st.integers(min_value=0, max_value=len(OFFICE_TEXT) - 1))
def test_any_truncation_of_a_scenario_file_is_refused_or_valid(cut: int, tmp_path: Path) -> None:
    """office_2011.toml cut at any character: ``capacity check`` either accepts what is
    left (a cut in the closing comments) or exits 2 with a message; never a traceback."""
    path = tmp_path / "cut.toml"
    path.write_text(OFFICE_TEXT[:cut], encoding="utf-8")
    result = runner.invoke(cli.app, ["check", str(path)])
    assert result.exit_code in (0, 2), result.output
    assert isinstance(result.exception, SystemExit | None), repr(result.exception)
    if result.exit_code == 2:
        assert "Error: invalid scenario" in result.output


@FAST
@given(
    position=st.integers(min_value=0, max_value=len(TINY_TOML)),
    garbage=st.binary(min_size=1, max_size=8).filter(lambda b: not _decodes(b)),
)
def test_bytes_that_are_not_utf8_anywhere_are_refused(
    position: int, garbage: bytes, tmp_path: Path
) -> None:
    """Bytes that are not UTF-8, inserted anywhere in a valid file: exit 2 naming the
    encoding, no results folder."""
    raw = TINY_TOML.encode()
    path = tmp_path / "bytes.toml"
    path.write_bytes(raw[:position] + garbage + raw[position:])
    out = tmp_path / "results"
    output = _refused(["run", str(path), "--out", str(out)], out)
    assert "not UTF-8 text" in output


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Fields of the tiny scenario and values of the wrong kind or out of their documented
# range for each (schema.py): (dotted path, strategy of bad values).
_TEXT = st.text(min_size=0, max_size=12)
_PATHLIKE = st.sampled_from(["/etc/passwd", "../results", "C:\\temp", "~/x.toml", "."])
_NOT_A_NUMBER = st.one_of(_TEXT, _PATHLIKE, st.lists(st.integers(), max_size=2), st.booleans())
_HUGE = st.one_of(st.integers(min_value=10**7, max_value=10**40), st.just(float("inf")))
_NEGATIVE = st.one_of(
    st.integers(max_value=-1, min_value=-(10**30)),
    st.floats(max_value=-1e-9, min_value=-1e300),
)
BAD_FIELDS: list[tuple[str, st.SearchStrategy[Any]]] = [
    ("run.horizon_days", st.one_of(_NOT_A_NUMBER, _HUGE, _NEGATIVE, st.just(0), st.just(1.5))),
    ("run.replications", st.one_of(_NOT_A_NUMBER, _HUGE, _NEGATIVE, st.just(0))),
    ("run.seed", st.one_of(_NOT_A_NUMBER, _NEGATIVE, st.integers(2**63, 2**80))),
    ("run.start_date", st.one_of(_PATHLIKE, st.integers(), st.just("2010-02-30"))),
    ("run.name", st.one_of(_PATHLIKE, st.just(""), st.just("a" * 65), st.integers())),
    ("streams.aap_claimant.rate_per_week", st.one_of(_NOT_A_NUMBER, _NEGATIVE, _HUGE)),
    ("staff.front.headcount", st.one_of(_NOT_A_NUMBER, _NEGATIVE, _HUGE, st.just(1.5))),
    ("staff.assess.fte", st.one_of(_NOT_A_NUMBER, _NEGATIVE, st.just(0), st.floats(1.01, 1e9))),
    ("staff.front.tasks", st.one_of(_TEXT, _PATHLIKE, st.just([]), st.just(["nothing"]))),
    ("staff.follow.absence_share", st.one_of(_NOT_A_NUMBER, _NEGATIVE, st.floats(1.0, 1e9))),
    ("case_types.aap.aap", st.one_of(_TEXT, st.integers())),
    ("case_types.aap.stages", st.one_of(_TEXT, st.just(["plan", "reception"]), st.just([]))),
    ("calendar.opening_hour", st.one_of(_NOT_A_NUMBER, _NEGATIVE, st.floats(24, 1e9))),
    ("calendar.summer_weeks", st.one_of(_TEXT, st.lists(st.integers(54, 10**9), min_size=1))),
    ("organisation.model", st.one_of(_PATHLIKE, st.integers(), st.just("matrix"))),
    ("organisation.caseload_cap", st.one_of(_NOT_A_NUMBER, _NEGATIVE, st.just(0))),
]


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *head, last = path.split(".")
    node = data
    for part in head:
        node = node.setdefault(part, {})
    node[last] = value


@FAST
@given(field=st.sampled_from(range(len(BAD_FIELDS))), data=st.data())
def test_a_bad_value_in_any_field_is_named(field: int, data: st.DataObject, tmp_path: Path) -> None:
    """A value of the wrong type or outside the documented range, in any field, written
    to a scenario file: exit 2, the field's dotted path in the message, no folder."""
    import tomllib

    path_name, values = BAD_FIELDS[field]
    value = data.draw(values, label=path_name)
    scenario = tomllib.loads(TINY_TOML)
    _set(scenario, path_name, value)
    path = tmp_path / "bad.toml"
    path.write_text(tomli_w.dumps(scenario), encoding="utf-8")
    out = tmp_path / "results"
    output = _refused(["run", str(path), "--out", str(out)], out)
    assert path_name in output.replace("\n", "")
