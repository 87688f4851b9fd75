"""Shared fixtures: a tiny scenario (one AAP stream, three teams, 30 days) written to disk."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from capacity.scenario import Scenario, load_scenario

TINY_TOML = """\
[run]
name = "tiny"
horizon_days = 30
replications = 2

[case_types.aap]
aap = true

[streams.aap_claimant]
case_type = "aap"
rate_per_week = 5

[staff.front]
headcount = 1
tasks = ["*.reception"]

[staff.assess]
headcount = 2
tasks = ["aap.assessment", "aap.plan", "aap.disability"]

[staff.follow]
headcount = 2
tasks = ["aap.follow_up", "aap.renewal"]
"""
"""A minimal valid scenario: small enough that a replication takes a fraction of a second."""


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[..., Path]:
    """Write scenario TOML into ``tmp_path`` and return its path.

    Call as ``write_scenario()`` for the tiny scenario, ``write_scenario(text)`` for any
    text, or ``write_scenario(replace={"old": "new"})`` for a variant of the tiny one.
    """

    def write(
        text: str = TINY_TOML, *, replace: dict[str, str] | None = None, name: str = "s.toml"
    ) -> Path:
        for old, new in (replace or {}).items():
            assert old in text, f"{old!r} is not in the scenario text"
            text = text.replace(old, new)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def tiny(write_scenario: Callable[..., Path]) -> Scenario:
    """The tiny scenario, validated."""
    return load_scenario(write_scenario())
