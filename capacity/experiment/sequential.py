"""How many replications: add them until the confidence intervals are narrow enough.

The sequential method: after each replication n >= ``min_replications`` (in replication
order), compute for every chosen key figure the 95 % interval's half-width relative to
the mean; stop at the first n where all are within ``precision``, or at
``max_replications``. Replications are run in batches for parallelism, but the stopping
point is decided replication by replication, in order, so the answer (and every number
reported) does not depend on the batch size or the number of workers; replications run
beyond the stopping point are discarded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from capacity.experiment.executor import Replicate, map_replications
from capacity.experiment.settings import Settings
from capacity.experiment.statistics import confidence_interval
from capacity.model import ReplicationResult, figure_catalogue, run_replication
from capacity.scenario import Scenario, ScenarioError

__all__ = [
    "HEADLINE_FIGURES",
    "SequentialOutcome",
    "relative_half_width",
    "replicate_until_precise",
]

HEADLINE_FIGURES: tuple[str, ...] = (
    "aap_with_valid_plan_share",
    "caseload_follow_up_mean",
    "aap_decision_days_mean",
    "wait_reception_days_mean",
)
"""Figures whose precision is checked by default (those the scenario defines)."""


@dataclass(frozen=True)
class SequentialOutcome:
    """The replications kept, how many were needed, and whether the precision was met.

    ``precision_by_figure`` is the relative half-width of each chosen figure at the
    stopping point (NaN where the mean is 0 or undefined).
    """

    results: list[ReplicationResult]
    replications: int
    met: bool
    figures: tuple[str, ...]
    precision_by_figure: dict[str, float]


def relative_half_width(values: Sequence[float]) -> float:
    """Half-width of the 95 % Student-t interval divided by |mean|; inf for fewer than two
    values, NaN when the mean is 0 or undefined."""
    mean, low, high = confidence_interval(values)
    if math.isnan(mean) or mean == 0:
        return math.nan
    if math.isnan(low):
        return math.inf
    return (high - low) / 2 / abs(mean)


def _chosen(scenario: Scenario, figures: Sequence[str] | None) -> tuple[str, ...]:
    names = [spec.name for spec in figure_catalogue(scenario)]
    if figures:
        unknown = [f for f in figures if f not in names]
        if unknown:
            raise ScenarioError(
                "--precision-figure", [f"unknown key figure(s) {unknown} (see the documentation)"]
            )
        return tuple(figures)
    return tuple(f for f in HEADLINE_FIGURES if f in names)


def replicate_until_precise(
    scenario: Scenario,
    settings: Settings,
    *,
    precision: float = 0.05,
    figures: Sequence[str] | None = None,
    min_replications: int = 5,
    max_replications: int = 200,
    replicate: Replicate = run_replication,
) -> SequentialOutcome:
    """Run replications 0, 1, 2, ... until every chosen figure's 95 % interval has a
    half-width within ``precision`` (relative, 0 < precision < 1) of its mean.

    Args:
        scenario: a validated scenario.
        precision: largest accepted half-width / |mean|, e.g. 0.05 for 5 %.
        figures: key figures to check; default :data:`HEADLINE_FIGURES` that exist.
            A figure whose mean is 0 or undefined is not checked (relative precision
            means nothing there); when no chosen figure can be checked, the precision is
            not met and the replications run to the maximum.
        settings: where replications run (see ``map_replications``); its ``progress``
            is called as ``progress(done, max_replications)``.
        min_replications, max_replications: bounds on n, 2 <= min <= max.
        replicate: the function run per replication.

    Raises:
        ValueError: a bound or the precision is out of range.
        ScenarioError: an unknown figure name.
    """
    if not 0 < precision < 1:
        raise ValueError(f"precision must be between 0 and 1 (given {precision})")
    if not 2 <= min_replications <= max_replications:
        raise ValueError(
            f"needs 2 <= min_replications <= max_replications (given {min_replications}, "
            f"{max_replications})"
        )
    chosen = _chosen(scenario, figures)
    batch = max(1, settings.workers)
    progress = settings.progress
    results: list[ReplicationResult] = []

    def precise_at(n: int) -> dict[str, float]:
        return {
            name: relative_half_width([r.figures.get(name, math.nan) for r in results[:n]])
            for name in chosen
        }

    def done_at(n: int) -> bool:
        # NaN: a mean of 0 or no value, which relative precision cannot judge; with no
        # figure left to judge, nothing says the run is precise, so it goes on.
        judged = [w for w in precise_at(n).values() if not math.isnan(w)]
        return bool(judged) and all(w <= precision for w in judged)

    checked = min_replications - 1  # the largest n whose precision has been checked
    while len(results) < max_replications:
        offset = len(results)
        upto = min(max_replications, max(min_replications, offset + batch))

        def report(done: int, _total: int, offset: int = offset) -> None:
            if progress is not None:
                progress(offset + done, max_replications)

        jobs = [(scenario, r) for r in range(offset, upto)]
        results += map_replications(jobs, settings.replace(progress=report), replicate=replicate)
        for candidate in range(checked + 1, len(results) + 1):
            checked = candidate
            if done_at(candidate):
                return SequentialOutcome(
                    results[:candidate], candidate, True, chosen, precise_at(candidate)
                )
    n = len(results)
    return SequentialOutcome(results, n, done_at(n), chosen, precise_at(n))
