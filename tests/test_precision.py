"""Sequential replications, MSER-5 warm-up and Erlang C: checked against values known
by construction or by formula."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from capacity.experiment import Settings
from capacity.experiment.erlang import erlang_c, erlang_c_staffing
from capacity.experiment.sequential import relative_half_width, replicate_until_precise
from capacity.experiment.warmup import mser5_truncation
from capacity.model import ReplicationResult
from capacity.scenario import Scenario

FIGURE = "wait_reception_days_mean"


def normal_replication(scenario: Scenario, replication: int, record_events: bool = False):
    """A stand-in model whose figure is 10 + 2 Z, Z standard normal from the replication's
    own seed: mean 10, standard deviation 2, so the relative half-width after n
    replications is about 1.96 * 2 / (10 sqrt(n))."""
    z = np.random.default_rng(replication).standard_normal()
    return ReplicationResult(replication, {FIGURE: 10 + 2 * z}, pd.DataFrame({"day": [0]}))


def _first_precise_n(precision: float, minimum: int) -> int:
    values = [normal_replication(None, r).figures[FIGURE] for r in range(400)]
    for n in range(minimum, 401):
        v = np.array(values[:n])
        half = stats.t.ppf(0.975, n - 1) * v.std(ddof=1) / np.sqrt(n)
        if half / abs(v.mean()) <= precision:
            return n
    raise AssertionError("not reached")


@pytest.mark.parametrize("precision", [0.1, 0.05])
def test_sequential_replications_stop_at_the_first_precise_n(
    tiny: Scenario, precision: float
) -> None:
    """The method stops at exactly the first n (in order) whose interval is within the
    precision, computed here independently; that n is near (1.96 * 2 / (10 eps))^2
    (15 for 10 %, 61 for 5 %)."""
    outcome = replicate_until_precise(
        tiny,
        Settings(),
        precision=precision,
        figures=[FIGURE],
        replicate=normal_replication,
        max_replications=400,
    )
    expected = _first_precise_n(precision, 5)
    assert outcome.met
    assert outcome.replications == expected
    assert [r.replication for r in outcome.results] == list(range(expected))
    assert outcome.precision_by_figure[FIGURE] <= precision
    theory = (1.96 * 2 / (10 * precision)) ** 2
    assert 0.5 * theory <= expected <= 1.6 * theory


def test_stopping_point_does_not_depend_on_workers(tiny: Scenario) -> None:
    one = replicate_until_precise(
        tiny, Settings(), precision=0.08, figures=[FIGURE], replicate=normal_replication
    )
    two = replicate_until_precise(
        tiny, Settings(workers=2), precision=0.08, figures=[FIGURE], replicate=normal_replication
    )
    assert one.replications == two.replications
    assert [r.figures for r in one.results] == [r.figures for r in two.results]


def test_figures_that_cannot_be_judged_do_not_meet_the_precision(tiny: Scenario) -> None:
    """A chosen figure that is undefined (NaN) or 0 in every replication cannot be judged
    by a relative precision: with nothing else chosen, the replications run to the
    maximum and the precision is reported as not met."""

    def undefined(scenario: Scenario, replication: int, record_events: bool = False):
        figures = {FIGURE: math.nan, "aap_recipients_mean": 0.0}
        return ReplicationResult(replication, figures, pd.DataFrame({"day": [0]}))

    outcome = replicate_until_precise(
        tiny,
        Settings(),
        precision=0.5,
        figures=[FIGURE, "aap_recipients_mean"],
        replicate=undefined,
        max_replications=7,
    )
    assert (outcome.replications, outcome.met) == (7, False)
    assert all(math.isnan(w) for w in outcome.precision_by_figure.values())


def test_maximum_is_respected_and_reported(tiny: Scenario) -> None:
    outcome = replicate_until_precise(
        tiny,
        Settings(),
        precision=0.001,
        figures=[FIGURE],
        replicate=normal_replication,
        max_replications=12,
    )
    assert outcome.replications == 12
    assert not outcome.met


def test_relative_half_width_of_known_values() -> None:
    """1..5: half-width 1.963243 around mean 3 -> 0.654414."""
    assert relative_half_width([1, 2, 3, 4, 5]) == pytest.approx(1.9632431614775572 / 3)


def test_mser5_removes_a_known_transient() -> None:
    """Batches [10, 0, 0, ...]: keeping the first batch leaves squared error 0.9 (mean 1,
    deviations 9 and nine times -1, over 10^2); dropping it leaves 0. So MSER-5 cuts 5."""
    series = np.array([10.0] * 5 + [0.0] * 45)
    assert mser5_truncation(series) == 5


def test_mser5_finds_the_end_of_a_linear_decline_and_keeps_a_stationary_series() -> None:
    rng = np.random.default_rng(1)
    transient = np.concatenate([np.linspace(50, 0, 100), rng.normal(0, 1, 400)])
    assert 90 <= mser5_truncation(transient) <= 110
    assert mser5_truncation(np.full(60, 3.0)) == 0


@pytest.mark.parametrize(
    ("servers", "load", "p_wait"),
    [
        # M/M/1: an arrival waits when the server is busy, P(wait) = rho = load.
        (1, 0.5, 0.5),
        (1, 0.8, 0.8),
        # M/M/2: P(wait) = 2 rho^2 / (1 + rho) with rho = load / 2, i.e. a^2 / (2 + a).
        (2, 1.0, 1 / 3),
        (2, 1.6, 1.6**2 / 3.6),
        # Erlang's sum worked out in fractions: c = 3, a = 2: 4 / (5 + 4); c = 5, a = 4:
        # (128/3) / (103/3 + 128/3).
        (3, 2.0, 4 / 9),
        (5, 4.0, 128 / 231),
    ],
)
def test_erlang_c_matches_values_worked_out_by_hand(
    servers: int, load: float, p_wait: float
) -> None:
    """Erlang C against closed forms and hand-computed values (Gross, Shortle, Thompson
    and Harris, Fundamentals of Queueing Theory, 4th ed., chapter 2: M/M/1 and M/M/c)."""
    assert erlang_c(servers, load) == pytest.approx(p_wait, rel=1e-12)


def test_erlang_c_staffing_is_the_fewest_servers_meeting_the_target() -> None:
    """Load 4.5: P(wait) is 0.762, 0.422, 0.217, 0.104 with 5, 6, 7, 8 servers."""
    assert [erlang_c_staffing(4.5, t) for t in (0.8, 0.5, 0.25, 0.15, 0.1)] == [5, 6, 7, 8, 9]


def test_run_with_automatic_choices_records_them_and_matches_a_fixed_run(
    write_scenario, tmp_path
) -> None:
    """``capacity run --replications auto --warm-up-days auto``: the manifest records the
    chosen warm-up (a multiple of 5 below the horizon) and replication count, and the
    summary equals a plain run with those two numbers given explicitly."""
    import json

    from typer.testing import CliRunner

    from capacity.interfaces import cli

    path = write_scenario()
    runner = CliRunner()
    auto = runner.invoke(
        cli.app,
        [
            "run",
            str(path),
            "--replications",
            "auto",
            "--precision",
            "0.3",
            "--max-replications",
            "8",
            "--precision-figure",
            "aap_decision_days_mean",
            "--warm-up-days",
            "auto",
            "--out",
            str(tmp_path / "a"),
        ],
    )
    assert auto.exit_code == 0, auto.output
    (folder,) = (tmp_path / "a" / "tiny").iterdir()
    method = json.loads((folder / "manifest.json").read_text())["method"]
    assert method["warm_up"] == "MSER-5"
    assert method["warm_up_days"] % 5 == 0
    assert 0 <= method["warm_up_days"] < 30
    n = method["replications_needed"]
    assert 5 <= n <= 8
    fixed = runner.invoke(
        cli.app,
        [
            "run",
            str(path),
            "--replications",
            str(n),
            "--warm-up-days",
            str(method["warm_up_days"]),
            "--out",
            str(tmp_path / "f"),
        ],
    )
    assert fixed.exit_code == 0, fixed.output
    (other,) = (tmp_path / "f" / "tiny").iterdir()
    assert (folder / "summary.csv").read_bytes() == (other / "summary.csv").read_bytes()


def test_bad_automatic_options_exit_2(write_scenario, tmp_path) -> None:
    from typer.testing import CliRunner

    from capacity.interfaces import cli

    path = str(write_scenario())
    runner = CliRunner()
    for args in (
        ["--replications", "many"],
        ["--warm-up-days", "soon"],
        ["--replications", "auto", "--precision", "1.5"],
        ["--replications", "auto", "--precision-figure", "nonsense"],
    ):
        result = runner.invoke(cli.app, ["run", path, *args, "--out", str(tmp_path)])
        assert result.exit_code == 2, (args, result.output)
    assert list(tmp_path.iterdir()) == [tmp_path / "s.toml"]


def test_automatic_choices_at_their_limits(write_scenario, tmp_path) -> None:
    """--max-replications below the usual minimum of 5 runs that many; --warm-up-days auto
    on a horizon under 10 days is refused with exit 2 (MSER-5 needs two batches)."""
    import json

    from typer.testing import CliRunner

    from capacity.interfaces import cli

    path = str(write_scenario())
    runner = CliRunner()
    few = runner.invoke(
        cli.app,
        [
            "run",
            path,
            "--replications",
            "auto",
            "--precision",
            "0.001",
            "--max-replications",
            "3",
            "--out",
            str(tmp_path / "few"),
        ],
    )
    assert few.exit_code == 0, few.output
    (folder,) = (tmp_path / "few" / "tiny").iterdir()
    method = json.loads((folder / "manifest.json").read_text())["method"]
    assert method["replications_needed"] == 3
    assert not method["precision_met"]
    short = runner.invoke(
        cli.app,
        [
            "run",
            path,
            "--warm-up-days",
            "auto",
            "--horizon-days",
            "9",
            "--out",
            str(tmp_path / "short"),
        ],
    )
    assert short.exit_code == 2, short.output
    assert "at least 10 days" in short.output
