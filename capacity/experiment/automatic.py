"""Automatic choices for a run: the warm-up by MSER-5 and the number of replications
by the sequential method, with what was chosen recorded for the manifest."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence

import numpy as np

from capacity.experiment.executor import ProgressCallback, map_replications
from capacity.experiment.runner import ExperimentResult, combine
from capacity.experiment.sequential import replicate_until_precise
from capacity.experiment.warmup import BATCH, mser5_truncation
from capacity.model import run_replication
from capacity.scenario import Scenario, ScenarioError, with_changes

__all__ = ["WARM_UP_MEASURE", "choose_warm_up", "run_automatic"]

WARM_UP_MEASURE = "users_in_office"
"""Daily series MSER-5 reads: the number of users in the office."""


def choose_warm_up(
    scenario: Scenario,
    *,
    pilot_replications: int = 5,
    workers: int = 1,
    scheduler: str | None = None,
) -> tuple[int, dict[str, object]]:
    """The warm-up in days chosen by MSER-5 on the daily number of users in the office,
    averaged over ``pilot_replications`` replications (0, 1, ...) run without warm-up.

    Returns the warm-up and a description for the manifest. The choice is capped below
    the horizon; a scenario that starts from a loaded initial state may well get 0.
    """
    if scenario.run.horizon_days < 2 * BATCH:
        raise ScenarioError(
            "--warm-up-days auto",
            [f"needs a horizon of at least {2 * BATCH} days (given {scenario.run.horizon_days})"],
        )
    pilot = with_changes(scenario, {"run.warm_up_days": 0})
    count = max(1, min(pilot_replications, scenario.run.replications))
    results = map_replications(
        [(pilot, r) for r in range(count)], workers=workers, scheduler=scheduler
    )
    series = np.mean([r.timeseries[WARM_UP_MEASURE].to_numpy(float) for r in results], axis=0)
    chosen = mser5_truncation(series)
    days = min(chosen, scenario.run.horizon_days - 1)
    # MSER-5 looks only at the first half; a choice at its edge means the series had not
    # settled by then, and the horizon is too short to say how long warm-up should be.
    at_limit = chosen >= (series.size // BATCH) // 2 * BATCH
    return days, {
        "warm_up": "MSER-5",
        "warm_up_days": days,
        "warm_up_at_limit": bool(at_limit),
        "warm_up_series": WARM_UP_MEASURE,
        "warm_up_pilot_replications": count,
    }


def run_automatic(
    scenario: Scenario,
    *,
    auto_warm_up: bool = False,
    auto_replications: bool = False,
    precision: float = 0.05,
    precision_figures: Sequence[str] | None = None,
    max_replications: int = 200,
    workers: int = 1,
    scheduler: str | None = None,
    record_events: bool = False,
    progress: ProgressCallback | None = None,
) -> tuple[Scenario, ExperimentResult]:
    """Run ``scenario`` with the warm-up and/or the number of replications chosen
    automatically; returns the scenario as run (with the chosen warm-up) and the result,
    whose ``method`` says what was chosen and how.

    Raises ValueError for a precision outside (0, 1); ScenarioError for an unknown
    precision figure.
    """
    method: dict[str, object] = {}
    if auto_warm_up:
        days, described = choose_warm_up(scenario, workers=workers, scheduler=scheduler)
        scenario = with_changes(scenario, {"run.warm_up_days": days})
        method.update(described)
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    if not auto_replications:
        results = map_replications(
            [(scenario, r) for r in range(scenario.run.replications)],
            workers=workers,
            scheduler=scheduler,
            record_events=record_events,
            progress=progress,
            replicate=run_replication,
        )
    else:
        outcome = replicate_until_precise(
            scenario,
            precision=precision,
            figures=precision_figures,
            min_replications=min(5, max_replications),
            max_replications=max_replications,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
            replicate=run_replication,
        )
        results = outcome.results
        if record_events:
            # Events are large; they are collected only for the replications kept.
            results = map_replications(
                [(scenario, r.replication) for r in results],
                workers=workers,
                scheduler=scheduler,
                record_events=True,
                replicate=run_replication,
            )
        method.update(
            {
                "replications": "sequential",
                "precision": precision,
                "precision_met": outcome.met,
                "replications_needed": outcome.replications,
                "max_replications": max_replications,
                "precision_by_figure": outcome.precision_by_figure,
            }
        )
    return scenario, combine(
        scenario,
        results,
        record_events=record_events,
        started_at=started,
        wall_seconds=time.perf_counter() - clock,
        method=method,
    )
