"""The benchmark suite compares like with like: at a small size the model, bare SimPy
and (when installed) Ciw simulate the same networks, agreeing with Erlang C / Jackson
and with each other. Nothing here is timed."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.agreement import METRICS, agreement_checks, pooled
from benchmarks.measure import batch_means
from benchmarks.model_engine import (
    model_scenario,
    run_model,
    timed_replication,
    timed_side_by_side,
)
from benchmarks.networks import NETWORKS, exact_waits, horizon_days
from benchmarks.offices import bundled_offices, office_year, one_year, scaled_office
from benchmarks.simpy_engine import run_simpy
from capacity.model import run_replication
from capacity.scenario import load_scenario, with_changes

USERS = {"mmc": 12_000, "four_stage": 6_000}


def _runs(name: str, engines: list[str]):
    network = NETWORKS[name]
    runs = {}
    for engine in engines:
        if engine == "model":
            _, run = run_model(model_scenario(network, USERS[name], seed=3), 0)
        elif engine == "simpy":
            _, run = run_simpy(network, USERS[name], seed=3)
        else:
            from benchmarks.ciw_engine import run_ciw

            _, run = run_ciw(network, USERS[name], seed=3)
        runs[engine] = run
    return network, runs


def _checks(name: str, engines: list[str]):
    network, runs = _runs(name, engines)
    days, warm = horizon_days(network, USERS[name])
    estimates = {
        engine: {
            station: {
                metric: pooled([batch_means(pairs, warm * 24.0, days * 24.0)[metric]])
                for metric in METRICS
            }
            for station, pairs in run.waits.items()
        }
        for engine, run in runs.items()
    }
    return runs, agreement_checks(name, exact_waits(network), estimates)


@pytest.mark.parametrize("name", ["mmc", "four_stage"])
def test_model_and_bare_simpy_agree_with_erlang_c_and_each_other(name: str) -> None:
    """Every station's mean wait and share waiting: the exact value lies inside each
    engine's interval and the two engines' difference inside its interval. Each engine
    does the same work: about three logical events per service and the network's
    number of services per user."""
    runs, checks = _checks(name, ["model", "simpy"])
    failed = [c for c in checks if not c.agrees]
    assert not failed, failed
    services = NETWORKS[name].services_per_user
    for engine, run in runs.items():
        assert run.starts / run.arrivals == pytest.approx(services, rel=0.03), engine
        assert run.completions <= run.starts <= run.completions + 40, engine
        assert run.completed_users <= run.arrivals, engine


def test_ciw_agrees_with_the_model_and_erlang_c() -> None:
    """The same checks with Ciw beside the model (Ciw is an optional dependency)."""
    pytest.importorskip("ciw")
    _, checks = _checks("four_stage", ["model", "ciw"])
    failed = [c for c in checks if not c.agrees]
    assert not failed, failed


def test_exact_values_are_erlang_c_at_each_stations_rate() -> None:
    """M/M/10 at utilisation 0.9: P(wait) 0.668732 (the explicit Erlang C sum, computed
    by hand) and Wq = P(wait) / (c mu - lambda) hours; in the four-station network every
    station, plan and disability with half the arrivals each, is at utilisation 0.8."""
    mmc = exact_waits(NETWORKS["mmc"])["reception"]
    assert mmc["p_wait"] == pytest.approx(0.668732, abs=1e-6)
    assert mmc["wq_hours"] == pytest.approx(mmc["p_wait"] / (10 - 9))
    four = exact_waits(NETWORKS["four_stage"])
    assert {s: round(v["utilisation"], 9) for s, v in four.items()} == dict.fromkeys(four, 0.8)


def test_the_model_network_is_built_by_settings_alone() -> None:
    """The model's four-station scenario has the network's servers and branch share."""
    scenario = model_scenario(NETWORKS["four_stage"], 1000, seed=1)
    assert {n: t.headcount for n, t in scenario.staff.items()} == {
        "reception": 3,
        "assessment": 8,
        "plan": 8,
        "disability": 20,
    }
    assert scenario.case_types["net"].assessment.disability_share == 0.5
    assert scenario.streams["arrivals"].rate_per_week == pytest.approx(4 * 168)


def test_scaled_office_multiplies_users_and_staff() -> None:
    """office_2011 x4: four times the arrival rates, initial users and every headcount,
    for one year; the check scenarios are not offices."""
    base = load_scenario("office_2011")
    big = scaled_office(4)
    assert big.run.horizon_days == 365
    for name, stream in base.streams.items():
        assert big.streams[name].rate_per_week == 4 * stream.rate_per_week
    assert big.initial_state[0].users == 4 * base.initial_state[0].users
    for name, team in base.staff.items():
        assert big.staff[name].headcount == 4 * team.headcount
    assert "office_2011" in bundled_offices()
    assert not [n for n in bundled_offices() if n.endswith("_check")]


def test_offices_side_by_side_do_not_meet() -> None:
    """The control for the growth with size: two replications of office_2011 side by side
    in one environment each give exactly what their replication gives alone (same key
    figures, daily series and caseloads), and the counts add up, SimPy's scheduled
    events included."""
    scenario = with_changes(one_year(load_scenario("office_2011")), {"run.horizon_days": 60})
    _, together, end = timed_side_by_side(scenario, 2)
    alone = [timed_replication(scenario, r) for r in (0, 1)]
    for r, (_, result, _) in enumerate(alone):
        assert together[r].replication == r
        assert together[r].timeseries.equals(result.timeseries)
        assert together[r].caseloads.equals(result.caseloads)
        # Series.equals counts NaN in the same place as equal.
        assert pd.Series(together[r].figures).equals(pd.Series(result.figures))
        assert result.timeseries.equals(run_replication(scenario, r).timeseries)
    ends = [e for _, _, e in alone]
    assert end.arrived == sum(e.arrived for e in ends) > 2 * 1650
    assert end.exited == sum(e.exited for e in ends)
    assert end.caseworkers == 2 * 28
    assert end.engine_events == sum(e.engine_events for e in ends)


def test_an_office_year_is_one_year_unless_a_dated_change_lies_past_it() -> None:
    """office_2011 is cut to 365 days without warm-up; office_2011_reorganised, whose
    reorganisation falls on 1 March 2011, the day after its first year, keeps its own 671
    days."""
    assert office_year("office_2011").run.horizon_days == 365
    reorganised = office_year("office_2011_reorganised")
    assert reorganised.run.horizon_days == 671
    assert reorganised.run.warm_up_days == 0
