"""The outcome figures a reviewer reads without events, each on a case worked out by
hand: spells that last exactly 400 days, a decision exactly 10 days after a one-hour
assessment, three hours of reception work in a week."""

from __future__ import annotations

import math
from typing import Any

import pytest

from capacity.model import run_replication
from capacity.model.survival import kaplan_meier
from capacity.scenario import parse_scenario

DAYS_PER_YEAR = 365.25


def _spells_office(horizon_days: int) -> dict[str, Any]:
    """Ten AAP users granted on 1 March 2010 (day 0) and ten on day 450, each spell
    ending at the maximum period of exactly 400 days (no exit hazards)."""
    return {
        "run": {"name": "spells", "start_date": "2010-03-01", "horizon_days": horizon_days},
        "calendar": {"always_open": True},
        "case_types": {
            "aap": {
                "aap": True,
                "stages": ["plan", "follow_up"],
                "plan": {"work_hours": {"dist": "fixed", "value": 1.0}},
                "follow_up": {"max_period_days": 400.0},
            }
        },
        "streams": {
            "granted": {
                "case_type": "aap",
                "batches": [
                    {"date": "2010-03-01", "users": 10},
                    {"date": "2011-05-26", "users": 10},  # day 450
                ],
            }
        },
        "staff": {"team": {"headcount": 2, "tasks": ["aap.*"], "case_work_share": 1.0}},
        "organisation": {"model": "specialised", "task_switching_penalty": 0.0},
    }


def test_spells_of_exactly_400_days_with_the_later_ones_censored() -> None:
    """Horizon 700 days: the first ten spells end at day 400 (400 days each), the later
    ten are still running at the horizon (250 days each, censored). Every spell lasts
    past one year, and the mean is 400 days; a window under two years has no share
    after two years. Ten
    exits at the maximum in 700 days are 10 / (700 / 365.25) a year. The 22 month ends of
    the window hold 10 recipients but for 30 April 2011 (day 425, between the spells),
    so 20 spells over a mean month-end stock of 210 / 22."""
    f = run_replication(parse_scenario(_spells_office(700)), 0).figures
    assert f["aap_on_aap_after_1_year_share"] == 1.0
    assert "aap_on_aap_after_2_years_share" not in f
    assert f["aap_spell_days_mean_granted"] == pytest.approx(400.0)
    assert f["aap_exits_per_year_max_period"] == pytest.approx(10 / (700 / DAYS_PER_YEAR))
    assert f["aap_exits_per_year_work"] == 0.0
    assert f["aap_spells_per_month_end_stock"] == pytest.approx(20 / (210 / 22))


def test_the_mean_spell_is_unknown_while_the_longest_is_running() -> None:
    """Horizon 400 days: the ten spells granted on day 0 would end at day 400, the
    horizon, so they are all still running there. All ran past one year (400 days of
    follow-up), but their mean length is unknown. A window under a year has neither
    figure."""
    data = _spells_office(400)
    data["streams"]["granted"]["batches"] = [{"date": "2010-03-01", "users": 10}]
    f = run_replication(parse_scenario(data), 0).figures
    assert f["aap_on_aap_after_1_year_share"] == 1.0
    assert math.isnan(f["aap_spell_days_mean_granted"])
    data["run"]["horizon_days"] = 300
    f = run_replication(parse_scenario(data), 0).figures
    assert "aap_on_aap_after_1_year_share" not in f
    assert "aap_spell_days_mean_granted" not in f


def test_kaplan_meier_by_hand() -> None:
    """Spells ending at 1, 2, 2, 4 and censored at 3 (Kaplan and Meier's product-limit
    estimate): S = 4/5 after 1, 4/5 * 2/4 = 2/5 after 2, 2/5 * (1 - 1/1) = 0 after 4 (the
    spell censored at 3 has left the risk set). Mean: 1 * 1 + 4/5 * 1 + 2/5 * 2 = 2.6."""
    curve = kaplan_meier([1, 2, 2, 4], [3])
    assert [curve.share_at(t) for t in (0.5, 1, 2, 3.5, 4)] == pytest.approx(
        [1.0, 0.8, 0.4, 0.4, 0.0]
    )
    assert curve.mean() == pytest.approx(2.6)
    assert math.isnan(curve.share_at(4.5))  # past the longest follow-up
    assert math.isnan(kaplan_meier([1], [5]).mean())  # the longest is still running
    assert math.isnan(kaplan_meier([], []).share_at(0.0))


def test_processing_time_runs_from_the_complete_claim() -> None:
    """One AAP claimant: a one-hour assessment meeting at once (open around the clock),
    then a back-office delay of exactly 10 days. Processing (complete claim to decision)
    takes 10 days; claim to decision takes 10 days and one hour."""
    data = {
        "run": {"name": "claim", "start_date": "2010-03-01", "horizon_days": 30},
        "calendar": {"always_open": True},
        "case_types": {
            "aap": {
                "aap": True,
                "stages": ["assessment", "decision"],
                "assessment": {
                    "meetings": 1,
                    "work_hours_per_meeting": {"dist": "fixed", "value": 1.0},
                    "doctor_statement_days": {"dist": "fixed", "value": 0.0},
                },
                "decision": {"delay_days": {"dist": "fixed", "value": 10.0}},
            }
        },
        "streams": {
            "claims": {"case_type": "aap", "batches": [{"date": "2010-03-01", "users": 1}]}
        },
        "staff": {"team": {"headcount": 1, "tasks": ["aap.*"], "case_work_share": 1.0}},
        "organisation": {"model": "specialised", "task_switching_penalty": 0.0},
    }
    f = run_replication(parse_scenario(data), 0).figures
    assert f["aap_processing_days_mean"] == pytest.approx(10.0)
    assert f["aap_processed_within_35_days_share"] == 1.0
    assert f["aap_decision_days_mean"] == pytest.approx(10.0 + 1 / 24)


def test_hours_per_week_of_each_kind_of_work() -> None:
    """Three users of one hour of reception each in a week: the desk spent 3 hours a week
    on reception."""
    data = {
        "run": {"name": "hand", "start_date": "2010-03-01", "horizon_days": 7},
        "calendar": {"always_open": True},
        "case_types": {
            "x": {
                "stages": ["reception"],
                "reception": {"work_hours": {"dist": "fixed", "value": 1.0}},
            }
        },
        "streams": {"batch": {"case_type": "x", "batches": [{"date": "2010-03-01", "users": 3}]}},
        "staff": {"desk": {"headcount": 1, "tasks": ["x.reception"], "case_work_share": 1.0}},
        "organisation": {"model": "specialised", "task_switching_penalty": 0.0},
    }
    f = run_replication(parse_scenario(data), 0).figures
    assert f["work_hours_per_week_desk_reception"] == pytest.approx(3.0)
