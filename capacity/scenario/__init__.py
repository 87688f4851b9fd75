"""Validated input: scenario files, their schema, distributions and routing rules."""

from capacity.scenario.changes import parse_value, with_changes
from capacity.scenario.loading import (
    ScenarioError,
    bundled_scenarios,
    load_scenario,
    parse_scenario,
    scenario_to_toml,
)
from capacity.scenario.schema import Scenario

__all__ = [
    "Scenario",
    "ScenarioError",
    "bundled_scenarios",
    "load_scenario",
    "parse_scenario",
    "parse_value",
    "scenario_to_toml",
    "with_changes",
]
