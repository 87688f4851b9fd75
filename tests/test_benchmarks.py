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
from benchmarks.networks import NETWORKS, Network, Station, exact_waits, horizon_days
from benchmarks.offices import bundled_offices, office_year, one_year, scaled_office
from benchmarks.simpy_engine import run_simpy
from capacity.model import run_replication
from capacity.scenario import load_scenario, with_changes

USERS = {"mmc": 12_000, "four_stage": 6_000}

BATCHES = 10
"""Batches per run here: 130-150 hours each at these sizes, long beside the stations'
relaxation times (roughly 1 / (c mu (1 - sqrt(rho))^2): 9 hours at follow-up, 18 at the
other three stations, 38 for the M/M/10), so the batch means are nearly independent.
The benchmark's 20 batches would be half as long in runs this short, and then
understate the standard error of the waits: in 30 seeds of bare SimPy on the four
stations, 4 runs failed a check against the exact values with 20 batches and 1 with 10,
at a nominal family error of 1 %."""


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
                metric: pooled([batch_means(pairs, warm * 24.0, days * 24.0, BATCHES)[metric]])
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
    does the same work: the network's number of services per user (1 for M/M/c, 5 for
    the four stations), and the return loop gives follow-up two services for each one
    at reception."""
    runs, checks = _checks(name, ["model", "simpy"])
    failed = [c for c in checks if not c.agrees]
    assert not failed, failed
    network = NETWORKS[name]
    for engine, run in runs.items():
        assert run.starts / run.arrivals == pytest.approx(network.services_per_user, rel=0.03), (
            engine
        )
        assert run.completions <= run.starts <= run.completions + 40, engine
        assert run.completed_users <= run.arrivals, engine
        _assert_visits_follow_the_traffic_equations(network, run.waits, engine)


def _assert_visits_follow_the_traffic_equations(network, waits, engine: str) -> None:
    """Services started at each station per service at the first station: the visit
    ratios (within 6 %; about five standard errors at these sizes)."""
    first = network.stations[0].name
    for station, ratio in network.visit_ratios().items():
        assert len(waits[station]) / len(waits[first]) == pytest.approx(ratio, rel=0.06), (
            engine,
            station,
        )


def test_ciw_agrees_with_the_model_and_erlang_c() -> None:
    """The same checks with Ciw beside the model (Ciw is an optional dependency)."""
    pytest.importorskip("ciw")
    runs, checks = _checks("four_stage", ["model", "ciw"])
    failed = [c for c in checks if not c.agrees]
    assert not failed, failed
    network = NETWORKS["four_stage"]
    ciw_run = runs["ciw"]
    assert ciw_run.starts / ciw_run.arrivals == pytest.approx(5.0, rel=0.03)
    _assert_visits_follow_the_traffic_equations(network, ciw_run.waits, "ciw")


def test_exact_values_are_erlang_c_at_each_stations_rate() -> None:
    """M/M/10 at utilisation 0.9: P(wait) 0.668732 (the explicit Erlang C sum, computed
    by hand) and Wq = P(wait) / (c mu - lambda) hours.

    Four stations with the return loop, by hand: the traffic equations give visit ratios
    1, 1, 1 and 1 / (1 - 0.5) = 2 (5 services per user), so follow-up gets 8 contacts an
    hour and every station is at utilisation 0.8. Erlang C by its explicit sum,
    C = (a^c / c!) (c / (c - a)) / (sum_{k<c} a^k / k! + (a^c / c!) (c / (c - a))):
    reception a = 2.4, c = 3: 11.52 / (6.28 + 11.52) = 0.647191, c mu - lambda = 5 - 4;
    assessment and plan a = 6.4, c = 8: 0.457645, c mu - lambda = 5 - 4; follow-up
    a = 16, c = 20: 0.256078, c mu - lambda = 10 - 8, so Wq = 0.128039 hours."""
    mmc = exact_waits(NETWORKS["mmc"])["reception"]
    assert mmc["p_wait"] == pytest.approx(0.668732, abs=1e-6)
    assert mmc["wq_hours"] == pytest.approx(mmc["p_wait"] / (10 - 9))
    network = NETWORKS["four_stage"]
    assert network.visit_ratios() == pytest.approx(
        {"reception": 1.0, "assessment": 1.0, "plan": 1.0, "follow_up": 2.0}
    )
    assert network.services_per_user == pytest.approx(5.0)
    four = exact_waits(network)
    assert {s: round(v["utilisation"], 9) for s, v in four.items()} == dict.fromkeys(four, 0.8)
    by_hand = {
        "reception": (0.647191, 0.647191),
        "assessment": (0.457645, 0.457645),
        "plan": (0.457645, 0.457645),
        "follow_up": (0.256078, 0.128039),
    }
    for station, (p_wait, wq_hours) in by_hand.items():
        assert four[station]["p_wait"] == pytest.approx(p_wait, abs=1e-6), station
        assert four[station]["wq_hours"] == pytest.approx(wq_hours, abs=1e-6), station


def test_the_return_loop_is_a_diagonal_of_the_routing_matrix() -> None:
    """Serial stations with a return share of 0.5 at the last: that row keeps 0.5 on the
    diagonal and sends the other half out of the network; a share of 1 would never let a
    user leave and is refused."""
    assert NETWORKS["four_stage"].routing() == [
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
        [0.0, 0.0, 0.0, 0.5],
    ]
    tandem = Network("tandem", 1.0, (Station("a", 1, 0.5, return_share=0.75), Station("b", 1, 0.1)))
    assert tandem.visit_ratios() == pytest.approx({"a": 4.0, "b": 1.0})
    with pytest.raises(ValueError, match="return_share"):
        Station("follow_up", 20, 2.0, return_share=1.0)


def test_the_model_network_is_built_by_settings_alone() -> None:
    """The model's four-station scenario has the network's servers and service means,
    and its return loop: follow-up ends after a contact with probability 0.5, the next
    contact otherwise released at once to the follow-up team's shared queue."""
    scenario = model_scenario(NETWORKS["four_stage"], 1000, seed=1)
    assert {n: t.headcount for n, t in scenario.staff.items()} == {
        "reception": 3,
        "assessment": 8,
        "plan": 8,
        "follow_up": 20,
    }
    follow_up = scenario.case_types["net"].follow_up
    assert follow_up.end_after_contact_share == 0.5
    assert set(follow_up.contact_interval_days.values()) == {0.0}
    assert follow_up.booking_lead_days == 0.0
    assert follow_up.contact_work_hours.mean == 2.0
    assert scenario.case_types["net"].plan.work_hours.mean == 1.6
    assert scenario.organisation.caseload_work == "team"
    assert scenario.streams["arrivals"].rate_per_week == pytest.approx(4 * 168)


def test_the_model_refuses_a_loop_it_cannot_express() -> None:
    """A return loop anywhere but follow-up is not a scenario setting."""
    four = NETWORKS["four_stage"]
    stations = (four.stations[0], four.stations[1], Station("plan", 8, 1.6, 0.2), four.stations[3])
    with pytest.raises(ValueError, match="follow_up only"):
        model_scenario(Network("looped_plan", 4.0, stations), 1000, seed=1)


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
