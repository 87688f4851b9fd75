"""Changing a scenario by dotted paths (``staff.follow_up.headcount = 9``), validated.

The basis for command-line overrides, sweeps and scripted experiments: the scenario is
never changed in place; a new one is built from its data with the changes applied and
checked by every rule again.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

from capacity.scenario.loading import ScenarioError, parse_scenario
from capacity.scenario.schema import Scenario

__all__ = ["FREE_KEY_TABLES", "parse_value", "with_changes"]

FREE_KEY_TABLES = frozenset({"effort_group_shares", "contact_interval_days"})
"""Tables whose keys a change may add (an effort group not listed before)."""


def parse_value(text: str) -> Any:
    """A value written as in TOML (``9``, ``0.5``, ``true``, ``"generalist"``,
    ``2011-03-01``, ``{ dist = "fixed", value = 2 }``); anything else is a plain string."""
    try:
        return tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError:
        return text


def _set(data: Any, path: str, value: Any) -> None:
    parts = path.split(".")
    node = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[:depth]) or "(scenario)"
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ScenarioError(
                    "changes", [f"{path}: '{part}' is not an index of {where} (0..{len(node) - 1})"]
                )
            key: Any = int(part)
        elif isinstance(node, dict):
            free = parts[depth - 1] in FREE_KEY_TABLES if depth else False
            if part not in node and not (last and free):
                allowed = ", ".join(sorted(str(k) for k in node)) or "none"
                raise ScenarioError(
                    "changes", [f"{path}: '{part}' is not a field of {where} (allowed: {allowed})"]
                )
            key = part
        else:
            raise ScenarioError("changes", [f"{path}: {where} is a value, not a table"])
        if last:
            node[key] = value
        else:
            node = node[key]


def with_changes(scenario: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """A new scenario: ``scenario`` with each dotted path set to its value.

    Paths name fields as in the scenario file (``run.seed``, ``staff.follow_up.headcount``,
    ``initial_state.0.users``). Raises :class:`ScenarioError` for an unknown path and for
    every rule the changed scenario breaks (with the dotted path of the field).
    """
    data = scenario.model_dump(mode="python")
    for path, value in changes.items():
        _set(data, path, value)
    return parse_scenario(data, "with changes " + ", ".join(changes))
