"""Helpers shared by the model tests: scenario variants and parallel replications."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from capacity.model import ReplicationResult, run_replication
from capacity.scenario import Scenario, parse_scenario
from capacity.scenario.loading import read_scenario_data

ANALYTIC = json.loads((Path(__file__).parent / "data" / "analytic.json").read_text())["cases"]
"""Exact queueing results (see the file's 'about')."""


def variant(name: str, **changes: Any) -> Scenario:
    """A bundled scenario with dotted-path changes, e.g. ``staff.follow_up.headcount=9``.

    Keyword names use ``__`` for dots.
    """
    data = read_scenario_data(name)
    for key, value in changes.items():
        parts = key.split("__")
        node = data
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return parse_scenario(data)


def _one(args: tuple[Scenario, int]) -> ReplicationResult:
    return run_replication(*args)


def replicate(scenario: Scenario, replications: int) -> list[ReplicationResult]:
    """Replications 0..n-1 on two processes (results in replication order)."""
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_one, [(scenario, r) for r in range(replications)]))


def interval(values: list[float]) -> tuple[float, float, float]:
    """(mean, low, high) of the 95 % Student-t interval."""
    v = np.asarray(values, dtype=float)
    half = stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v))
    return float(v.mean()), float(v.mean() - half), float(v.mean() + half)
