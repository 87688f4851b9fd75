"""Office-year scenarios: every bundled office for one simulated year, and
``office_2011`` scaled to k times its users and staff."""

from __future__ import annotations

from typing import Any

from capacity.scenario import (
    Scenario,
    ScenarioError,
    bundled_scenarios,
    load_scenario,
    with_changes,
)

__all__ = ["OFFICE_YEAR_DAYS", "bundled_offices", "office_year", "one_year", "scaled_office"]

OFFICE_YEAR_DAYS = 365
"""Simulated days of an office-year."""


def bundled_offices() -> list[str]:
    """The bundled scenarios that describe an office (not the ``*_check`` scenarios,
    which reduce the model to textbook queues)."""
    return [name for name in bundled_scenarios() if not name.endswith("_check")]


def one_year(scenario: Scenario) -> Scenario:
    """``scenario`` for one simulated year from its start date, without warm-up (the
    warm-up only chooses what the key figures cover, not what is simulated)."""
    return with_changes(scenario, {"run.horizon_days": OFFICE_YEAR_DAYS, "run.warm_up_days": 0})


def office_year(name: str) -> Scenario:
    """The bundled office ``name`` for one simulated year (:func:`one_year`), or over its
    own horizon when a dated change in it lies beyond its first year (in
    ``office_2011_reorganised`` the reorganisation falls on the day after its first
    year), without warm-up."""
    scenario = load_scenario(name)
    try:
        return one_year(scenario)
    except ScenarioError:
        # Only the horizon changed, so only a date past the first year can fail.
        return with_changes(scenario, {"run.warm_up_days": 0})


def scaled_office(factor: int, base: str = "office_2011") -> Scenario:
    """``base`` with ``factor`` times its arrivals, batches, initial users and every
    team's headcount, for one simulated year: the same office ``factor`` times as large.

    Raises ValueError for a factor below 1.
    """
    if factor < 1:
        raise ValueError(f"factor must be at least 1 (given {factor})")
    scenario = one_year(load_scenario(base))
    changes: dict[str, Any] = {"run.name": f"{base}_x{factor}"}
    for name, stream in scenario.streams.items():
        changes[f"streams.{name}.rate_per_week"] = stream.rate_per_week * factor
        if stream.rate_changes:
            changes[f"streams.{name}.rate_changes"] = [
                {"from_date": c.from_date, "rate_per_week": c.rate_per_week * factor}
                for c in stream.rate_changes
            ]
        if stream.batches:
            changes[f"streams.{name}.batches"] = [
                {"date": b.date, "users": b.users * factor} for b in stream.batches
            ]
    for index, group in enumerate(scenario.initial_state):
        changes[f"initial_state.{index}.users"] = group.users * factor
    for name, team in scenario.staff.items():
        changes[f"staff.{name}.headcount"] = team.headcount * factor
    return with_changes(scenario, changes)
