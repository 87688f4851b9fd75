"""The office model reduced by scenario settings to classical queues reproduces their
exact results (Erlang C for M/M/c, Jackson's theorem for the tandem network)."""

from __future__ import annotations

import pytest
from helpers import QUEUES, TANDEM, interval, replicate, variant

from capacity.scenario import load_scenario
from capacity.validation import exact

HOURS = 24.0


def _mmc(case: str, days: int):
    lam, mu, servers = QUEUES[case]
    return variant(
        "mmc_check",
        run__horizon_days=days,
        run__warm_up_days=20,
        streams__arrivals__rate_per_week=lam * 168,
        case_types__mm__reception__work_hours={"dist": "exponential", "mean": 1 / mu},
        staff__servers__headcount=servers,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "days", "replications"),
    [("mm1_rho08", 400, 8), ("mmc_c5_rho09", 300, 8), ("mmc_c10_rho085", 120, 12)],
)
def test_mean_wait_in_queue_matches_erlang_c(case: str, days: int, replications: int) -> None:
    """Mean wait in queue Wq: the exact Erlang-C value lies inside the model's 95 %
    interval, and the interval is tight (half-width under 15 % of Wq), so the check has
    power. Utilisation matches lambda / (c mu) within 2 %."""
    queue = exact.mmc(*QUEUES[case])
    results = replicate(_mmc(case, days), replications)
    mean, low, high = interval([r.figures["wait_reception_days_mean"] * HOURS for r in results])
    assert low <= queue.wq_hours <= high, (mean, low, high, queue.wq_hours)
    assert (high - low) / 2 < 0.15 * queue.wq_hours
    util = sum(r.figures["utilisation_servers"] for r in results) / len(results)
    assert util == pytest.approx(queue.utilisation, rel=0.02)
    mean, low, high = interval([r.figures["waited_reception_share"] for r in results])
    assert low <= queue.p_wait <= high, (mean, low, high, queue.p_wait)


@pytest.mark.slow
def test_tandem_network_waits_match_jackson() -> None:
    """Each station of the three-stage tandem network: the exact mean wait in queue
    (0.667, 0.444, 1.108 hours) lies inside the model's 95 % interval."""
    stations, _ = exact.tandem(*TANDEM)
    results = replicate(variant("tandem_check", run__horizon_days=300), 8)
    for stage, station in zip(("reception", "assessment", "plan"), stations, strict=True):
        mean, low, high = interval([r.figures[f"wait_{stage}_days_mean"] * HOURS for r in results])
        assert low <= station.wq_hours <= high, (stage, mean, low, high)
        assert (high - low) / 2 < 0.2 * station.wq_hours


def test_the_tandem_of_the_tests_is_the_bundled_tandem_check() -> None:
    """helpers.TANDEM restates tandem_check's arrival rate, work and headcounts."""
    scenario = load_scenario("tandem_check")
    case_type = scenario.case_types["tandem"]
    works = [
        case_type.reception.work_hours,
        case_type.assessment.work_hours_per_meeting,
        case_type.plan.work_hours,
    ]
    lam, stations = TANDEM
    assert scenario.streams["arrivals"].rate_per_week == pytest.approx(lam * 168)
    assert case_type.assessment.meetings == 1
    for stage, work, (mu, servers) in zip(case_type.stages, works, stations, strict=True):
        assert work.mean == pytest.approx(1 / mu)
        assert scenario.staff[stage].headcount == servers
