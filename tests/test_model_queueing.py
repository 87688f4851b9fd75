"""The office model reduced by scenario settings to classical queues reproduces their
exact results (Erlang C for M/M/c, Jackson's theorem for the tandem network)."""

from __future__ import annotations

import pytest
from helpers import ANALYTIC, interval, replicate, variant

HOURS = 24.0


def _mmc(case: str, days: int):
    c = ANALYTIC[case]
    return variant(
        "mmc_check",
        run__horizon_days=days,
        run__warm_up_days=20,
        streams__arrivals__rate_per_week=c["lambda_per_hour"] * 168,
        case_types__mm__reception__work_hours={"dist": "exponential", "mean": 1 / c["mu_per_hour"]},
        staff__servers__headcount=c["servers"],
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
    exact = ANALYTIC[case]
    results = replicate(_mmc(case, days), replications)
    mean, low, high = interval([r.figures["wait_reception_days_mean"] * HOURS for r in results])
    assert low <= exact["wq_hours"] <= high, (mean, low, high, exact["wq_hours"])
    assert (high - low) / 2 < 0.15 * exact["wq_hours"]
    util = sum(r.figures["utilisation_servers"] for r in results) / len(results)
    assert util == pytest.approx(exact["utilisation"], rel=0.02)
    mean, low, high = interval([r.figures["waited_reception_share"] for r in results])
    assert low <= exact["p_wait"] <= high, (mean, low, high, exact["p_wait"])


@pytest.mark.slow
def test_tandem_network_waits_match_jackson() -> None:
    """Each station of the three-stage tandem network: the exact mean wait in queue
    (0.667, 0.444, 1.108 hours) lies inside the model's 95 % interval."""
    exact = ANALYTIC["tandem_3stage"]["stages"]
    results = replicate(variant("tandem_check", run__horizon_days=300), 8)
    for stage, station in zip(("reception", "assessment", "plan"), exact, strict=True):
        mean, low, high = interval([r.figures[f"wait_{stage}_days_mean"] * HOURS for r in results])
        assert low <= station["wq_hours"] <= high, (stage, mean, low, high)
        assert (high - low) / 2 < 0.2 * station["wq_hours"]
