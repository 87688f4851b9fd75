"""Inflow over time: seasonal factors and dated surges multiply a stream's rate.

Arrivals stay a Poisson process with a piecewise-constant rate, so the number of
arrivals in a window is Poisson with mean the integral of the rate over the window;
the checks below compare simulated counts with those integrals, computed by hand.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from capacity.model import run_replication
from capacity.model.disturbances import disturbances
from capacity.scenario import ScenarioError, load_scenario, parse_scenario
from capacity.scenario.inflow import rate_steps


def _stream_only(stream: dict, start: str = "2010-03-01", horizon: int = 84) -> dict:
    """A stream whose users are decided at once (no caseworker work): only arrivals."""
    return {
        "run": {"name": "inflow", "start_date": start, "horizon_days": horizon},
        "case_types": {"x": {"stages": ["decision"]}},
        "streams": {"s": {"case_type": "x", **stream}},
        "staff": {"desk": {"headcount": 1, "tasks": ["x.reception"]}},
    }


def _arrivals(scenario, replications: int, first_day: int, last_day: int) -> np.ndarray:
    """Arrivals on days first_day .. last_day - 1 in each replication."""
    counts = []
    for r in range(replications):
        total = run_replication(scenario, r).timeseries["arrived_total"].to_numpy()
        before = total[first_day - 1] if first_day > 0 else 0
        counts.append(total[last_day - 1] - before)
    return np.asarray(counts, dtype=float)


def test_without_seasons_or_surges_the_steps_are_the_rates_as_written() -> None:
    """The steps of a stream without the new features are exactly its rate and rate
    changes (a change on the start date included), so its arrivals are drawn as before."""
    s = load_scenario("office_2011")
    data = _stream_only(
        {
            "rate_per_week": 3.0,
            "rate_changes": [
                {"from_date": "2010-03-01", "rate_per_week": 4.0},
                {"from_date": "2010-04-01", "rate_per_week": 5.0},
            ],
        }
    )
    scenario = parse_scenario(data)
    assert rate_steps(scenario.streams["s"], scenario.run) == [
        (dt.date(2010, 3, 1), 3.0),
        (dt.date(2010, 3, 1), 4.0),
        (dt.date(2010, 4, 1), 5.0),
    ]
    claimant = s.streams["aap_claimant"]
    assert rate_steps(claimant, s.run) == [(s.run.start_date, claimant.rate_per_week)]


def test_steps_multiply_rate_season_and_surges_by_hand() -> None:
    """Rate 10 a week, 20 from 15 April; March factor 2, April 0.5, May 1; a surge x3
    from 10 April to 20 April and one x0.5 from 15 April to 5 May (they overlap)."""
    factors = [1.0] * 12
    factors[2], factors[3] = 2.0, 0.5
    data = _stream_only(
        {
            "rate_per_week": 10.0,
            "rate_changes": [{"from_date": "2010-04-15", "rate_per_week": 20.0}],
            "seasonal_factors": factors,
            "surges": [
                {"start_date": "2010-04-10", "end_date": "2010-04-20", "factor": 3.0},
                {"start_date": "2010-04-15", "end_date": "2010-05-05", "factor": 0.5},
            ],
        },
        horizon=92,
    )
    scenario = parse_scenario(data)
    d = dt.date
    assert rate_steps(scenario.streams["s"], scenario.run) == [
        (d(2010, 3, 1), 10.0 * 2.0),
        (d(2010, 4, 1), 10.0 * 0.5),
        (d(2010, 4, 10), 10.0 * 0.5 * 3.0),
        (d(2010, 4, 15), 20.0 * 0.5 * 3.0 * 0.5),
        (d(2010, 4, 20), 20.0 * 0.5 * 0.5),
        (d(2010, 5, 1), 20.0 * 1.0 * 0.5),
        (d(2010, 5, 5), 20.0 * 1.0),
    ]
    names = [d.name for d in disturbances(scenario) if d.kind == "arrival surge"]
    assert names == ["s_surge_1", "s_surge_2"]


def test_a_surge_doubling_the_rate_for_four_weeks_doubles_the_expected_arrivals() -> None:
    """Rate 10 a week over 12 weeks, doubled in weeks 5-8: the expected arrivals are the
    integral of the rate, 40 in weeks 1-4 and 80 in weeks 5-8. Over 40 replications the
    mean counts lie within four standard errors of those values."""
    scenario = parse_scenario(
        _stream_only(
            {
                "rate_per_week": 10.0,
                "surges": [
                    {
                        "name": "sick_leave_wave",
                        "start_date": "2010-03-29",
                        "end_date": "2010-04-26",
                        "factor": 2.0,
                    }
                ],
            }
        )
    )
    before = _arrivals(scenario, 40, 0, 28)
    during = _arrivals(scenario, 40, 28, 56)
    after = _arrivals(scenario, 40, 56, 84)
    for counts, expected in ((before, 40.0), (during, 80.0), (after, 40.0)):
        half = 4 * counts.std(ddof=1) / math.sqrt(len(counts))
        assert abs(counts.mean() - expected) < half, (counts.mean(), expected)
    assert during.mean() > 1.5 * before.mean()


def test_seasonal_factors_set_the_ratio_between_two_months() -> None:
    """Rate 50 a week, March factor 2 and April factor 0.5: expected arrivals
    50/7 x 31 x 2 = 442.9 in March and 50/7 x 30 x 0.5 = 107.1 in April, a ratio of
    4.133. Summed over 20 replications (Poisson), each total lies within four standard
    deviations of its expectation and the ratio within four of its delta-method sd."""
    factors = [1.0] * 12
    factors[2], factors[3] = 2.0, 0.5
    scenario = parse_scenario(
        _stream_only({"rate_per_week": 50.0, "seasonal_factors": factors}, horizon=61)
    )
    reps = 20
    march = _arrivals(scenario, reps, 0, 31).sum()
    april = _arrivals(scenario, reps, 31, 61).sum()
    e_march, e_april = reps * 50 / 7 * 31 * 2, reps * 50 / 7 * 30 * 0.5
    assert abs(march - e_march) < 4 * math.sqrt(e_march)
    assert abs(april - e_april) < 4 * math.sqrt(e_april)
    ratio = e_march / e_april
    sd = ratio * math.sqrt(1 / e_march + 1 / e_april)
    assert march / april == pytest.approx(ratio, abs=4 * sd)


def test_expected_users_count_seasons_and_surges() -> None:
    """The limit on users per replication integrates the same rate: a surge that makes
    the stream offer more than the limit is refused."""
    data = _stream_only(
        {
            "rate_per_week": 10_000.0,
            "surges": [{"start_date": "2010-03-01", "end_date": "2010-05-24", "factor": 100.0}],
        }
    )
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    assert "users would enter" in info.value.problems[0]


def test_seasons_and_surges_are_checked_with_their_field() -> None:
    """Eleven factors, a factor above 10, a surge ending before it starts, a surge
    outside the horizon and two surges of one name are each refused with their path."""
    cases = [
        ({"seasonal_factors": [1.0] * 11}, "streams.s.seasonal_factors: needs 12 factors"),
        ({"seasonal_factors": [1.0] * 11 + [11.0]}, "streams.s.seasonal_factors.11:"),
        (
            {"surges": [{"start_date": "2010-04-01", "end_date": "2010-04-01", "factor": 2}]},
            "streams.s.surges.0: end_date (2010-04-01) must be after start_date",
        ),
        (
            {"surges": [{"start_date": "2010-02-01", "end_date": "2010-04-01", "factor": 2}]},
            "streams.s.surges.0.start_date: date 2010-02-01 is outside the horizon",
        ),
        (
            {"surges": [{"start_date": "2010-04-01", "end_date": "2010-06-01", "factor": 2}]},
            "streams.s.surges.0.end_date: date 2010-06-01 is after the end of the horizon",
        ),
        (
            {
                "surges": [
                    {
                        "name": "w",
                        "start_date": "2010-04-01",
                        "end_date": "2010-04-02",
                        "factor": 2,
                    },
                    {
                        "name": "w",
                        "start_date": "2010-04-03",
                        "end_date": "2010-04-04",
                        "factor": 2,
                    },
                ]
            },
            "streams.s.surges.1.name: name 'w' is already used",
        ),
    ]
    for stream, message in cases:
        with pytest.raises(ScenarioError) as info:
            parse_scenario(_stream_only({"rate_per_week": 1.0, **stream}))
        assert info.value.problems[0].startswith(message), info.value.problems
