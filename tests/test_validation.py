"""``capacity validate``: the exact results it compares with, the rule that judges a check,
the numbers it measures from a replication, and the command itself (which passes on the
model and fails, with exit code 3, on a broken expectation)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from helpers import QUEUES, TANDEM
from typer.testing import CliRunner

from capacity.interfaces import cli
from capacity.interfaces.common import EXIT_CHECKS_FAILED
from capacity.model import ReplicationResult
from capacity.scenario import Scenario, with_changes
from capacity.validation import VALIDATION_COLUMNS, Check, exact, judge, runs, suite
from capacity.validation.measure import reduce_events
from capacity.validation.sections import queueing
from capacity.validation.sections.evidence import Evidence

runner = CliRunner()

# ------------------------------------------------------------ exact results


def _erlang_c_by_the_sum(servers: int, load: float) -> float:
    """Erlang C from its textbook sum, apart from the package's implementation."""
    last = load**servers / math.factorial(servers) * servers / (servers - load)
    return last / (sum(load**k / math.factorial(k) for k in range(servers)) + last)


@pytest.mark.parametrize("case", sorted(QUEUES))
def test_mmc_follows_from_erlang_c(case: str) -> None:
    """Each figure of the queues the tests simulate, from P(wait) by its textbook
    formula: Wq = C / (c mu - lambda), Lq = lambda Wq, W = Wq + 1 / mu, L = lambda W
    (Little), utilisation lambda / (c mu); C by Erlang's sum, computed here."""
    lam, mu, c = QUEUES[case]
    q = exact.mmc(lam, mu, c)
    p_wait = _erlang_c_by_the_sum(c, lam / mu)
    wq = p_wait / (c * mu - lam)
    assert q.utilisation == pytest.approx(lam / (c * mu), rel=1e-12)
    assert q.p_wait == pytest.approx(p_wait, rel=1e-12)
    assert q.wq_hours == pytest.approx(wq, rel=1e-12)
    assert q.lq == pytest.approx(lam * wq, rel=1e-12)
    assert q.w_hours == pytest.approx(wq + 1 / mu, rel=1e-12)
    assert q.l == pytest.approx(lam * (wq + 1 / mu), rel=1e-12)


def test_mm1_and_mm2_are_the_closed_forms() -> None:
    """By hand (Gross, Shortle, Thompson and Harris, Fundamentals of Queueing Theory,
    4th ed., chapter 2). M/M/1 at lambda 0.8, mu 1 (rho 0.8): P(wait) = rho,
    Wq = rho / (mu - lambda) = 4 h, Lq = rho^2 / (1 - rho) = 3.2, W = 1 / (mu - lambda)
    = 5 h, L = rho / (1 - rho) = 4. M/M/2 at lambda 1.6, mu 1 (rho 0.8): P(wait) =
    2 rho^2 / (1 + rho) = 0.7111, Lq = 2 rho^3 / (1 - rho^2) = 2.8444, L = 2 rho /
    (1 - rho^2) = 4.4444."""
    q = exact.mmc(0.8, 1.0, 1)
    assert (q.p_wait, q.wq_hours, q.lq, q.w_hours, q.l) == pytest.approx(
        (0.8, 4.0, 3.2, 5.0, 4.0), rel=1e-12
    )
    q = exact.mmc(1.6, 1.0, 2)
    assert q.p_wait == pytest.approx(2 * 0.8**2 / 1.8, rel=1e-12)
    assert q.lq == pytest.approx(2 * 0.8**3 / (1 - 0.8**2), rel=1e-12)
    assert q.wq_hours == pytest.approx(q.lq / 1.6, rel=1e-12)
    assert q.l == pytest.approx(2 * 0.8 / (1 - 0.8**2), rel=1e-12)


def test_tandem_is_jackson_by_hand() -> None:
    """tandem_check, arrivals at 2 per hour: reception (M/M/1, mu 3) waits
    rho / (mu - lambda) = 2/3 h; assessment (M/M/3, mu 1, load 2) has C = 4/9 by
    Erlang's sum, so Wq = C / (3 - 2) = 4/9 h; plan (M/M/5, mu 0.5, load 4) has
    C = 128/231, so Wq = C / (2.5 - 2) = 256/231 h. By Jackson's theorem the time
    through is the sum of the stations' Wq + 1 / mu: 5.5527 h, as the scenario file
    states."""
    queues, total = exact.tandem(*TANDEM)
    assert [q.wq_hours for q in queues] == pytest.approx([2 / 3, 4 / 9, 256 / 231], rel=1e-12)
    assert total == pytest.approx((2 / 3 + 1 / 3) + (4 / 9 + 1) + (256 / 231 + 2), rel=1e-12)
    assert total == pytest.approx(5.5527, abs=1e-4)


def test_unstable_queue_is_refused() -> None:
    with pytest.raises(ValueError, match="unstable"):
        exact.mmc(5.0, 1.0, 5)


def test_return_loop_is_mmc_at_lambda_over_q_by_hand() -> None:
    """loop_check's follow-up station: lambda 2/h, q 0.4, c 4, mu 1/0.56 h. The flow in
    is 2 / 0.4 = 5/h, the load 2.8, utilisation 0.7; Erlang C by the sum; 2.5 visits,
    W / q at the station. The figures stated in loop_check.toml."""
    loop = exact.return_loop(2.0, 1 / 0.56, 4, 0.4)
    p_wait = _erlang_c_by_the_sum(4, 2.8)
    wq = p_wait / (4 / 0.56 - 5.0)
    assert loop.station.arrival_rate_per_hour == pytest.approx(5.0)
    assert loop.station.utilisation == pytest.approx(0.7)
    assert loop.station.p_wait == pytest.approx(p_wait, rel=1e-12)
    assert loop.station.wq_hours == pytest.approx(wq, rel=1e-12)
    assert loop.visits_mean == 2.5
    assert loop.time_hours == pytest.approx(2.5 * (wq + 0.56), rel=1e-12)
    assert p_wait == pytest.approx(0.4286543, abs=1e-7)
    assert wq == pytest.approx(0.2000387, abs=1e-7)
    # Reception, M/M/1 at 0.4 with mean work 0.2 h: W = 0.2 / (1 - 0.4).
    assert 0.2 / (1 - 0.4) + loop.time_hours == pytest.approx(2.2334300, abs=1e-7)


def test_return_loop_ending_after_every_visit_is_plain_mmc() -> None:
    """q = 1: one visit each, the station as without the loop."""
    loop = exact.return_loop(4.5, 1.0, 5, 1.0)
    assert loop.station == exact.mmc(4.5, 1.0, 5)
    assert loop.visits_mean == 1.0
    assert loop.time_hours == loop.station.w_hours


def test_return_loop_refuses_a_share_outside_0_1_and_an_unstable_station() -> None:
    for share in (0.0, -0.1, 1.5):
        with pytest.raises(ValueError, match="end_share"):
            exact.return_loop(2.0, 1.0, 4, share)
    with pytest.raises(ValueError, match="unstable"):
        exact.return_loop(2.0, 1.0, 4, 0.5)  # 4 per hour into a station that serves 4


def test_loop_checks_expect_the_exact_values_of_loop_check() -> None:
    """The suite's loop run is the bundled loop_check, shortened for --quick, and its
    checks expect the values stated in the scenario file's header."""
    (run,) = [r for r in runs.plan_runs(runs.QUICK) if r.label == "loop_check"]
    assert run.base == "loop_check"
    assert (run.scenario.run.horizon_days, run.scenario.run.warm_up_days) == (50, 2)
    columns = [
        "wait_reception_days_mean",
        "wait_follow_up_days_mean",
        "waited_follow_up_share",
        "utilisation_follow_up",
        "check_follow_up_contacts_per_user_mean",
        "check_time_in_office_hours_mean",
    ]
    figures = {"loop_check": pd.DataFrame(math.nan, index=range(3), columns=columns)}
    outcomes = queueing.loop_checks(Evidence([run], figures, runs.QUICK))
    expected = {o.check.id: o.check.expected_low for o in outcomes}
    assert expected == pytest.approx(
        {
            "queue.loop_check.reception.wq": 0.2 / 1.5,
            "queue.loop_check.follow_up.wq": 0.2000387,
            "queue.loop_check.follow_up.p_wait": 0.4286543,
            "queue.loop_check.follow_up.utilisation": 0.7,
            "queue.loop_check.contacts_per_user": 2.5,
            "queue.loop_check.w_total": 2.2334300,
        },
        abs=1e-7,
    )
    assert all(o.check.section == "Queueing theory" for o in outcomes)
    assert all(o.reason == "the model gave no value" for o in outcomes)


# ------------------------------------------------------------------ the rule


def _check(low: float | None, high: float | None, tolerance: float, strict: bool = False) -> Check:
    return Check("t.x", "Queueing theory", "x", "run", "hours", low, high, tolerance, "s", strict)


@pytest.mark.parametrize(
    ("check", "value", "low", "high", "passes"),
    [
        (_check(4.0, 4.0, 0.4), 4.1, 3.9, 4.3, True),  # inside 3.6 .. 4.4
        (_check(4.0, 4.0, 0.4), 4.2, 3.9, 4.5, False),  # reaches past 4.4
        (_check(4.0, 4.0, 0.4), 5.0, 4.8, 5.2, False),  # wholly outside
        (_check(4.0, 4.0, 0.1), 4.0, 3.5, 4.5, False),  # wider than the band
        (_check(4.0, 4.0, 0.0), 4.0, 4.0, 4.0, True),  # exact, no tolerance
        (_check(8.0, 10.0, 1.0), 7.8, 7.4, 8.2, True),  # range widened to 7 .. 11
        (_check(None, 0.0, 0.0, strict=True), -1.0, -1.5, -0.5, True),  # below 0
        (_check(None, 0.0, 0.0, strict=True), -1.0, -2.0, 0.0, False),  # touches 0
        (_check(None, 0.0, 0.0, strict=True), 0.0, 0.0, 0.0, False),  # no difference
        (_check(0.0, None, 0.0, strict=True), 0.3, 0.1, 0.5, True),  # above 0
        (_check(None, 1.0, 1e-9), 1.0, math.nan, math.nan, True),  # exact value judged
        (_check(0.0, 0.0, 0.0), 2.0, math.nan, math.nan, False),  # a broken law
        (_check(0.0, 0.0, 0.0), math.nan, math.nan, math.nan, False),  # no value
    ],
)
def test_a_check_passes_only_when_its_whole_interval_is_in_the_band(
    check: Check, value: float, low: float, high: float, passes: bool
) -> None:
    reason = judge(check, value, low, high)
    assert (reason == "") is passes, reason


def test_the_reason_says_why() -> None:
    check = _check(4.0, 4.0, 0.4)
    assert "outside" in judge(check, 5.0, 4.8, 5.2)
    assert "too imprecise" in judge(check, 4.0, 3.0, 5.0)
    assert "reaches past" in judge(check, 4.2, 3.9, 4.5)
    assert judge(check, math.nan) == "the model gave no value"


def test_a_check_refuses_a_negative_tolerance_or_an_empty_range() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        _check(1.0, 1.0, -0.1)
    with pytest.raises(ValueError, match="above"):
        _check(2.0, 1.0, 0.0)


def test_expectations_are_written_as_people_write_them() -> None:
    assert _check(8.0, 10.0, 0).expected_text() == "8 - 10"
    assert _check(None, 0.0, 0, strict=True).expected_text() == "< 0"
    assert _check(0.0, None, 0, strict=True).expected_text() == "> 0"
    assert _check(None, 1.0, 0).expected_text() == "<= 1"
    assert _check(1.525, 1.525, 0).expected_text() == "1.525"


# ------------------------------------------------- measuring a replication


def _hand_made(tiny: Scenario, wrong_count: bool = False) -> tuple[Scenario, ReplicationResult]:
    """Two users over 4 days (window: days 1-3, hours 24-96). User 1 arrives at 0 h,
    is in reception until 30 h, in assessment until 80 h and leaves; user 2 arrives at
    50 h and is in reception until leaving at 90 h."""
    scenario = with_changes(tiny, {"run.horizon_days": 4, "run.warm_up_days": 1})
    rows = [
        (1, 0.0, "reception", "arrive"),
        (1, 0.0, "reception", "enter"),
        (1, 30.0, "assessment", "enter"),
        (2, 50.0, "reception", "arrive"),
        (2, 50.0, "reception", "enter"),
        (1, 80.0, "assessment", "exit_completed"),
        (2, 90.0, "reception", "exit_completed"),
    ]
    events = pd.DataFrame(
        [(u, t / 24, "", "aap", s, e, "") for u, t, s, e in rows],
        columns=["user", "time_days", "date", "case_type", "stage", "event", "caseworker"],
    )
    # End of day 0 (24 h): user 1 in reception; day 1 (48 h): user 1 in assessment;
    # day 2 (72 h): user 1 in assessment, user 2 in reception; day 3 (96 h): nobody.
    series: dict[str, Any] = {
        "day": [0, 1, 2, 3],
        "arrived_total": [1, 1, 2, 2],
        "exited_total": [0, 0, 0, 2],
        "users_in_office": [1, 1, 2, 0],
        "in_reception": [1, 0, 1, 0],
        "in_assessment": [0, 1, 1, 0],
        "caseworkers_busy": [1, 0, 1, 0],
        "caseworkers_idle": [2, 3, 2, 3],
        "caseworkers_on_duty": [3, 3, 3, 3],
        "utilisation_front": [0.5, 1.0, 0.0, 0.25],
    }
    for stage in ("decision", "plan", "follow_up", "disability"):
        series[f"in_{stage}"] = [0, 0, 0, 0]
    if wrong_count:
        series["in_reception"] = [1, 0, 2, 0]
    result = ReplicationResult(0, {}, pd.DataFrame(series), events)
    return scenario, result


def test_littles_law_numbers_by_hand(tiny: Scenario) -> None:
    """Reception: stays inside the window 6 h (user 1, 24-30 h) and 40 h (user 2), so
    lambda = 2 users / 3 days, W = 23 h = 0.958 days, lambda W = 46/72; L from the
    end-of-day counts of days 1-3 = (0 + 1 + 0) / 3. Office: 56 h + 40 h over 72 h."""
    scenario, result = _hand_made(tiny)
    f = reduce_events(scenario, result)
    assert f["check_little_lambda_per_day_reception"] == pytest.approx(2 / 3)
    assert f["check_little_w_days_reception"] == pytest.approx(23 / 24)
    assert f["check_little_l_reception"] == pytest.approx(1 / 3)
    assert f["check_little_lambda_per_day_assessment"] == pytest.approx(1 / 3)
    assert f["check_little_w_days_assessment"] == pytest.approx(50 / 24)
    assert f["check_little_l_assessment"] == pytest.approx(2 / 3)
    lam, w = f["check_little_lambda_per_day_office"], f["check_little_w_days_office"]
    assert lam * w == pytest.approx((56 + 40) / 72)
    assert f["check_time_in_office_hours_mean"] == pytest.approx(40.0)  # user 2 only
    assert f["check_follow_up_contacts_per_user_mean"] == 0.0  # user 2 held no contact
    assert math.isnan(f["check_little_w_days_plan"])


def test_contacts_per_user_by_hand(tiny: Scenario) -> None:
    """Of the users who arrived in the window and left by its end (user 2 alone), the
    follow-up contacts held: two; user 1's contact does not count (arrived before)."""
    scenario, result = _hand_made(tiny)
    held = [(1, 40.0, "assessment"), (2, 60.0, "reception"), (2, 70.0, "reception")]
    extra = pd.DataFrame(
        [(u, t / 24, "", "aap", s, "done_follow_up", "cw") for u, t, s in held],
        columns=result.events.columns,
    )
    events = pd.concat([result.events, extra], ignore_index=True)
    f = reduce_events(scenario, replace(result, events=events))
    assert f["check_follow_up_contacts_per_user_mean"] == 2.0


def test_conservation_numbers_by_hand(tiny: Scenario) -> None:
    """Consistent counts give no breach; a count the event log contradicts is found."""
    scenario, result = _hand_made(tiny)
    f = reduce_events(scenario, result)
    for place in ("reception", "assessment", "office"):
        assert f[f"check_count_mismatch_{place}"] == 0
    assert f["check_users_unbalanced_days"] == 0
    assert f["check_arrivals_vs_log"] == 0
    assert f["check_exits_vs_log"] == 0
    assert f["check_staff_unbalanced_days"] == 0
    assert f["check_utilisation_day_max"] == 1.0

    scenario, broken = _hand_made(tiny, wrong_count=True)
    assert reduce_events(scenario, broken)["check_count_mismatch_reception"] == 1


# --------------------------------------------------------------- the command


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``capacity validate --quick`` once, keeping the replications for the tests below."""
    out = tmp_path_factory.mktemp("validate")
    kept: list[ReplicationResult] = []
    real = suite.map_replications

    def keep(*args: Any, **kwargs: Any) -> list[ReplicationResult]:
        kept.extend(real(*args, **kwargs))
        return kept

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(suite, "map_replications", keep)
        result = runner.invoke(
            cli.app, ["validate", "--quick", "--workers", "2", "--out", str(out)]
        )
    return {"result": result, "out": out, "replications": kept}


def _folder(out: Path) -> Path:
    folders = list((out / "validation").iterdir())
    assert len(folders) == 1
    return folders[0]


@pytest.mark.slow
def test_validate_passes_on_the_model(quick_run: dict[str, Any]) -> None:
    """The quick suite passes (exit 0) and writes validation.md, validation.csv (every
    row passed, every section present) and a manifest."""
    result = quick_run["result"]
    assert result.exit_code == 0, result.output
    assert "checks passed" in result.output
    folder = _folder(quick_run["out"])
    assert sorted(p.name for p in folder.iterdir()) == [
        "manifest.json",
        "validation.csv",
        "validation.md",
    ]
    table = pd.read_csv(folder / "validation.csv")
    assert list(table.columns) == list(VALIDATION_COLUMNS)
    assert table["passed"].all()
    assert set(table["section"]) == set(suite.SECTIONS)
    assert table["id"].is_unique
    text = (folder / "validation.md").read_text(encoding="utf-8")
    assert f"All {len(table)} checks passed" in text
    assert "FAIL" not in text
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "validation"
    assert manifest["suite"] == "quick"
    assert manifest["passed"] is True
    assert manifest["failed"] == []
    assert {run["label"] for run in manifest["runs"]} >= {"mmc_check", "tandem_check", "loop_check"}
    loop = {i for i in table["id"] if i.startswith("queue.loop_check.")}
    assert loop == {
        f"queue.loop_check.{what}"
        for what in (
            "reception.wq",
            "follow_up.wq",
            "follow_up.p_wait",
            "follow_up.utilisation",
            "contacts_per_user",
            "w_total",
        )
    }
    assert {"little.loop_check.follow_up", "little.loop_check.office"} <= set(table["id"])


@pytest.mark.slow
def test_docs_state_the_number_of_checks(quick_run: dict[str, Any]) -> None:
    """The validation page's count of checks, in all and per section, is the suite's."""
    table = pd.read_csv(_folder(quick_run["out"]) / "validation.csv")
    page = Path(__file__).parent.parent / "docs" / "validation.md"
    text = page.read_text(encoding="utf-8")
    found = re.search(
        r"That is (\d+) checks: (\d+) of queueing theory, (\d+) of Little's law, (\d+) "
        r"conservation laws, (\d+) published figures and (\d+) of face validity\.",
        " ".join(text.split()),
    )
    assert found, "docs/validation.md: the sentence with the number of checks"
    counts = table["section"].value_counts()
    assert [int(n) for n in found.groups()] == [
        len(table),
        *(int(counts[section]) for section in suite.SECTIONS),
    ]


def _rerun(
    quick_run: dict[str, Any], out: Path, patch: pytest.MonkeyPatch
) -> tuple[Any, pd.DataFrame, str]:
    """The quick suite again on the kept replications (no simulation), with whatever
    ``patch`` changed in the expectations."""
    kept = quick_run["replications"]
    patch.setattr(suite, "map_replications", lambda *args, **kwargs: list(kept))
    result = runner.invoke(cli.app, ["validate", "--quick", "--out", str(out)])
    folder = _folder(out)
    table = pd.read_csv(folder / "validation.csv", keep_default_na=False)
    return result, table, (folder / "validation.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_wrong_expectation_fails_and_exits_3(
    quick_run: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With Erlang C's mean wait made four times too long, exactly the mean-wait checks
    fail, as outside their band; the report is still written and the exit code is 3."""
    real = exact.mmc

    def wrong(*args: Any) -> exact.QueueResult:
        q = real(*args)
        return exact.QueueResult(**{**q.__dict__, "wq_hours": 4 * q.wq_hours})

    monkeypatch.setattr(exact, "mmc", wrong)
    result, table, text = _rerun(quick_run, tmp_path, monkeypatch)
    assert result.exit_code == EXIT_CHECKS_FAILED, result.output
    failed = table[~table["passed"]]
    assert set(failed["id"]) == {i for i in table["id"] if i.endswith(".wq")}
    assert len(failed) == 9
    assert all("outside the expected range" in r for r in failed["reason"])
    assert f"**9 of {len(table)} checks FAILED**" in text
    assert "checks FAILED" in result.output


@pytest.mark.slow
def test_a_loop_with_q_and_1_minus_q_swapped_fails(
    quick_run: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the return loop's exact values computed for 1 - q instead of q (users
    coming back with probability q), every check of the follow-up station and the
    network fails as outside its band; reception's wait still passes."""
    real = exact.return_loop

    def swapped(rate: float, mu: float, servers: int, end_share: float) -> exact.LoopResult:
        return real(rate, mu, servers, 1 - end_share)

    monkeypatch.setattr(exact, "return_loop", swapped)
    result, table, _ = _rerun(quick_run, tmp_path, monkeypatch)
    assert result.exit_code == EXIT_CHECKS_FAILED, result.output
    failed = table[~table["passed"]]
    assert set(failed["id"]) == {
        "queue.loop_check.follow_up.wq",
        "queue.loop_check.follow_up.p_wait",
        "queue.loop_check.follow_up.utilisation",
        "queue.loop_check.contacts_per_user",
        "queue.loop_check.w_total",
    }
    assert all("outside the expected range" in r for r in failed["reason"])


@pytest.mark.slow
def test_a_tolerance_that_cannot_be_met_fails(
    quick_run: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zero tolerance cannot hold a simulated interval: those checks fail as too
    imprecise to tell, and the command exits 3."""
    monkeypatch.setattr(queueing, "_P_WAIT_TOLERANCE", 0.0)
    result, table, _ = _rerun(quick_run, tmp_path, monkeypatch)
    assert result.exit_code == EXIT_CHECKS_FAILED
    failed = table[~table["passed"]]
    assert set(failed["id"]) == {i for i in table["id"] if i.endswith(".p_wait")}
    assert all("too imprecise" in r or "reaches past" in r for r in failed["reason"])


def test_validate_refuses_an_unwritable_out_before_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--out through a file: exit 2 before anything is simulated, nothing created."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    ran: list[int] = []
    monkeypatch.setattr(suite, "map_replications", lambda *a, **k: ran.append(1))
    result = runner.invoke(cli.app, ["validate", "--out", str(blocker / "sub")])
    assert result.exit_code == 2
    assert "give a folder you can write to" in result.output
    assert ran == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_validate_ctrl_c_exits_130_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(suite, "map_replications", interrupted)
    out = tmp_path / "results"
    result = runner.invoke(cli.app, ["validate", "--out", str(out)])
    assert result.exit_code == 130
    assert not out.exists()
