"""Do the engines simulate the same network? Their waits against each other and against
the exact values (Erlang C per station, Jackson's theorem).

Each measured run gives batch means of the wait in queue and of the share that waited
(see :func:`benchmarks.measure.batch_means`); the batch means of all repeats of an
engine are pooled into a mean and its standard error. A check passes when the exact
value lies inside the engine's interval, or when two engines' difference lies inside
its interval. The intervals are Bonferroni-corrected so that all checks of one network
together have a 1 % chance of a false alarm; a failed check therefore means the
engines differ, and the speed comparison on that network is void.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["FAMILY_ALPHA", "METRICS", "Check", "Estimate", "agreement_checks", "pooled"]

FAMILY_ALPHA = 0.01
"""Chance that at least one check of a network fails although every engine is right."""

METRICS: dict[str, str] = {
    "wq_hours": "mean wait in queue, hours",
    "p_wait": "share of users who waited",
}
"""The compared quantities, per station."""


@dataclass(frozen=True)
class Estimate:
    """Mean of pooled batch means, its standard error and the number of batches."""

    mean: float
    se: float
    n: int


@dataclass(frozen=True)
class Check:
    """One agreement check of one station and metric.

    ``first`` is an engine; ``second`` another engine or ``exact``. ``difference`` is
    first - second, with the interval ``low`` to ``high`` it must contain 0 in.
    """

    network: str
    station: str
    metric: str
    first: str
    second: str
    first_value: float
    second_value: float
    difference: float
    low: float
    high: float

    @property
    def agrees(self) -> bool:
        """True when the interval of the difference contains 0."""
        return self.low <= 0.0 <= self.high


def pooled(batches: list[list[float]]) -> Estimate:
    """Pool the batch means of several runs (one list per run)."""
    values = np.array([v for run in batches for v in run], dtype=float)
    if len(values) < 2:
        return Estimate(math.nan, math.nan, len(values))
    return Estimate(
        float(values.mean()), float(values.std(ddof=1) / math.sqrt(len(values))), len(values)
    )


def agreement_checks(
    network: str,
    exact: dict[str, dict[str, float]],
    estimates: dict[str, dict[str, dict[str, Estimate]]],
) -> list[Check]:
    """Every check for one network.

    Args:
        network: its name (for the rows).
        exact: station -> metric -> exact value.
        estimates: engine -> station -> metric -> pooled estimate.
    """
    engines = sorted(estimates)
    pairs: list[tuple[str, str]] = [(e, "exact") for e in engines]
    pairs += list(itertools.combinations(engines, 2))
    count = len(pairs) * len(exact) * len(METRICS)
    checks = []
    for station in exact:
        for metric in METRICS:
            for first, second in pairs:
                a = estimates[first][station][metric]
                if second == "exact":
                    b_value, b_se, df = exact[station][metric], 0.0, a.n - 1
                else:
                    b = estimates[second][station][metric]
                    b_value, b_se, df = b.mean, b.se, min(a.n, b.n) - 1
                half = math.nan
                if df >= 1:
                    q = stats.t.ppf(1 - FAMILY_ALPHA / (2 * count), df)
                    half = float(q * math.hypot(a.se, b_se))
                diff = a.mean - b_value
                checks.append(
                    Check(
                        network,
                        station,
                        metric,
                        first,
                        second,
                        a.mean,
                        b_value,
                        diff,
                        diff - half,
                        diff + half,
                    )
                )
    return checks
