"""Automatic choices for a run: the warm-up by MSER-5 and the number of replications
by the sequential method, with what was chosen recorded for the manifest."""

from __future__ import annotations

from typing import Any

import numpy as np

from capacity.experiment.executor import Replicate, map_replications
from capacity.experiment.sequential import replicate_until_precise
from capacity.experiment.settings import Settings
from capacity.experiment.warmup import BATCH, mser5_truncation
from capacity.model import run_replication
from capacity.model.result import ReplicationResult
from capacity.scenario import Scenario, ScenarioError, with_changes

__all__ = ["PILOT_REPLICATIONS", "WARM_UP_MEASURE", "choose_warm_up", "replicate_to_precision"]

WARM_UP_MEASURE = "users_in_office"
"""Daily series MSER-5 reads: the number of users in the office."""

PILOT_REPLICATIONS = 5
"""Replications (at most the scenario's) whose mean series MSER-5 reads."""

MIN_REPLICATIONS = 5
"""Replications before the sequential method first checks the precision (at most the
maximum)."""


def choose_warm_up(scenario: Scenario, settings: Settings) -> tuple[int, dict[str, object]]:
    """The warm-up in days chosen by MSER-5 on the daily number of users in the office,
    averaged over :data:`PILOT_REPLICATIONS` replications (0, 1, ...) run without
    warm-up where ``settings`` say (workers, scheduler).

    Returns the warm-up and a description for the manifest. The choice is capped below
    the horizon; a scenario that starts from a loaded initial state may well get 0.

    Raises:
        ScenarioError: the horizon is too short for MSER-5 (fewer than two batches).
    """
    if scenario.run.horizon_days < 2 * BATCH:
        raise ScenarioError(
            "--warm-up-days auto",
            [f"needs a horizon of at least {2 * BATCH} days (given {scenario.run.horizon_days})"],
        )
    pilot = with_changes(scenario, {"run.warm_up_days": 0})
    count = max(1, min(PILOT_REPLICATIONS, scenario.run.replications))
    quiet = settings.replace(progress=None, record_events=False)
    results = map_replications([(pilot, r) for r in range(count)], quiet)
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


def replicate_to_precision(
    scenario: Scenario, settings: Settings, *, replicate: Replicate = run_replication
) -> tuple[list[ReplicationResult], dict[str, Any]]:
    """Replications 0, 1, ... of ``scenario`` until the figures ``settings`` name are as
    precise as they ask (see :func:`capacity.experiment.sequential.replicate_until_precise`),
    and a description of the choice for the manifest. With ``record_events`` the events
    are collected for the replications kept only (they are large). ``replicate`` runs
    one replication (:func:`capacity.model.run_replication`).

    Raises:
        ScenarioError: an unknown precision figure.
    """
    most = settings.max_replications
    outcome = replicate_until_precise(
        scenario,
        settings.replace(record_events=False),
        precision=settings.precision,
        figures=settings.precision_figures or None,
        min_replications=min(MIN_REPLICATIONS, most),
        max_replications=most,
        replicate=replicate,
    )
    results = outcome.results
    if settings.record_events:
        jobs = [(scenario, r.replication) for r in results]
        results = map_replications(jobs, settings.replace(progress=None), replicate=replicate)
    return results, {
        "replications": "sequential",
        "precision": settings.precision,
        "precision_met": outcome.met,
        "replications_needed": outcome.replications,
        "max_replications": most,
        "precision_by_figure": outcome.precision_by_figure,
    }
