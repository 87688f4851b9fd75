"""The least staffing that meets targets: bisection against Erlang C, and user errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import QUEUES
from typer.testing import CliRunner

from capacity.experiment import staffing as staffing_module
from capacity.experiment.erlang import erlang_c_staffing
from capacity.experiment.staffing import Target, least_staffing, parse_target
from capacity.interfaces import cli
from capacity.scenario import ScenarioError, load_scenario, with_changes


@pytest.mark.slow
@pytest.mark.parametrize("max_p_wait", [0.5, 0.3, 0.15])
def test_least_servers_on_mmc_check_equal_erlang_c(max_p_wait: float) -> None:
    """On mmc_check (load 4.5) the least servers whose whole interval of P(wait) is at or
    below the target equal the Erlang-C answer: 6, 7 and 8 servers (exact P(wait) 0.422,
    0.217 and 0.104; the targets are chosen clear of the values at the integer levels so
    that a 95 % interval can decide). Bisection simulates far fewer than the 12 levels."""
    lam, mu, _ = QUEUES["mmc_c5_rho09"]
    load = lam / mu
    scenario = with_changes(
        load_scenario("mmc_check"), {"run.horizon_days": 60, "run.warm_up_days": 5}
    )
    answer = least_staffing(
        scenario,
        [Target("waited_reception_share", "<=", max_p_wait)],
        "staff.servers.headcount=1:12",
        replications=4,
        workers=2,
    )
    assert answer.answer == erlang_c_staffing(load, max_p_wait)
    assert answer.monotone
    assert len(answer.levels) <= 7
    assert answer.erlang is not None
    assert answer.erlang.load == pytest.approx(load, rel=0.05)


def test_no_level_in_range_is_stated() -> None:
    """Two servers can never keep P(wait) under 0.1 at load 4.5: no answer, and only the
    top of the range is simulated to find that out."""
    scenario = with_changes(
        load_scenario("mmc_check"), {"run.horizon_days": 5, "run.warm_up_days": 1}
    )
    answer = least_staffing(
        scenario,
        [parse_target("waited_reception_share<=0.1")],
        "staff.servers.headcount=1:2",
        replications=2,
    )
    assert answer.answer is None
    assert sorted(answer.levels) == [2]
    assert "No value" in answer.message


def test_targets_parse_and_bad_ones_are_refused() -> None:
    assert parse_target("aap_with_valid_plan_share>=0.9") == Target(
        "aap_with_valid_plan_share", ">=", 0.9
    )
    with pytest.raises(ScenarioError):
        parse_target("aap_with_valid_plan_share=0.9")
    with pytest.raises(ScenarioError, match="unknown key figure"):
        least_staffing(
            load_scenario("mmc_check"),
            [parse_target("nonsense>=1")],
            "staff.servers.headcount=1:2",
        )


def test_cli_user_errors_exit_2_and_write_nothing(tmp_path: Path) -> None:
    runner = CliRunner()
    for args in (
        ["--target", "waited_reception_share<0.5", "--vary", "staff.servers.headcount=1:9"],
        ["--target", "waited_reception_share<=0.5", "--vary", "staff.nobody.headcount=1:9"],
        ["--target", "waited_reception_share<=0.5", "--vary", "staff.servers.headcount=1.5:9"],
        ["--target", "waited_reception_share<=0.5", "--vary", "run.seed=1:3"],
        # A list or a step would let bisection skip the least level that meets the
        # target; a field that is not a whole number is not a number of people.
        ["--target", "waited_reception_share<=0.5", "--vary", "staff.servers.headcount=3,9"],
        ["--target", "waited_reception_share<=0.5", "--vary", "staff.servers.headcount=3:9:2"],
        ["--target", "waited_reception_share<=0.5", "--vary", "calendar.hours_per_day=5:7"],
    ):
        result = runner.invoke(cli.app, ["staff", "mmc_check", *args, "--out", str(tmp_path)])
        assert result.exit_code == 2, result.output
        assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("waited_reception_share>=1.5", "a share lies between 0 and 1"),
        ("waited_reception_share<=-0.1", "a share lies between 0 and 1"),
        ("wait_reception_days_mean<=-1", "never negative"),
    ],
)
def test_targets_that_can_never_be_met_are_refused(target: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        least_staffing(
            load_scenario("mmc_check"), [parse_target(target)], "staff.servers.headcount=4:9"
        )


def test_erlang_load_of_a_saturated_team_is_flagged() -> None:
    """At utilisation 0.99 the team did less than the work offered: the comparison says
    the need is understated; at 0.8 it does not."""
    scenario = load_scenario("mmc_check")
    for utilisation, saturated in ((0.99, True), (0.8, False)):
        summary = pd.DataFrame({"name": ["utilisation_servers"], "mean": [utilisation]})
        check = staffing_module._erlang(scenario, "staff.servers.headcount", 5, summary, 0.2)
        assert check is not None
        assert check.load == pytest.approx(5 * utilisation)
        assert check.saturated is saturated
        assert ("understate" in check.reason or "too low" in check.reason) is saturated


def test_erlang_comparison_uses_the_targets_own_p_wait_and_one_replication_is_refused() -> None:
    scenario = with_changes(
        load_scenario("mmc_check"), {"run.horizon_days": 5, "run.warm_up_days": 1}
    )
    answer = least_staffing(
        scenario,
        [parse_target("waited_reception_share<=0.3")],
        "staff.servers.headcount=8:9",
        replications=2,
    )
    assert answer.erlang is not None
    assert answer.erlang.max_p_wait == 0.3
    with pytest.raises(ScenarioError, match="at least 2 per level"):
        least_staffing(
            scenario,
            [parse_target("waited_reception_share<=0.3")],
            "staff.servers.headcount=8:9",
            replications=1,
        )
