"""Run the replications of a scenario and combine them into tables."""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from capacity.experiment.executor import ProgressCallback, map_replications
from capacity.experiment.statistics import confidence_interval
from capacity.model import figure_catalogue
from capacity.model import run_replication as model_run_replication
from capacity.model.result import ReplicationResult
from capacity.scenario import Scenario

__all__ = ["SUMMARY_COLUMNS", "ExperimentResult", "combine", "run_experiment"]

run_replication = model_run_replication
"""What the runner runs for each replication (a module attribute, so tests can replace
it): :func:`capacity.model.run_replication`."""

SUMMARY_COLUMNS: tuple[str, ...] = ("name", "unit", "mean", "ci_low", "ci_high", "replications")
"""Columns of :attr:`ExperimentResult.summary`, in order."""


@dataclass(frozen=True)
class ExperimentResult:
    """All replications of one scenario, combined.

    Attributes:
        summary: one row per key figure in :func:`capacity.model.figure_catalogue` order;
            columns ``name``, ``unit``, ``mean``, ``ci_low``, ``ci_high`` (95 % Student-t
            interval, in the figure's unit; NaN with fewer than two values) and
            ``replications`` (how many replications gave the figure a value, i.e. were
            not NaN).
        timeseries: every replication's daily time series stacked in replication order;
            columns ``replication``, ``day``, ``date`` and the daily measures.
        events: every replication's events stacked in replication order with a leading
            ``replication`` column, or None when events were not recorded.
        figures: one row per replication; column ``replication`` and then one column per
            key figure (catalogue order).
        warnings: messages for people from all replications, each once, first seen first.
        replications: number of replications run.
        started_at: when the run started (UTC), or None if unknown.
        finished_at: when the last replication finished (UTC), or None if unknown.
        wall_seconds: elapsed wall-clock time of the run, seconds, or NaN if unknown.
    """

    summary: pd.DataFrame
    timeseries: pd.DataFrame
    events: pd.DataFrame | None
    figures: pd.DataFrame
    warnings: tuple[str, ...]
    replications: int
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    wall_seconds: float = math.nan
    method: dict[str, Any] = field(default_factory=dict)
    """How the number of replications and the warm-up were chosen, when they were
    chosen automatically (written to the manifest)."""
    caseloads: pd.DataFrame | None = None
    """Every caseworker's caseload at the end of the last day, stacked in replication
    order with a leading ``replication`` column (see
    :attr:`capacity.model.ReplicationResult.caseloads`); None when the
    replications did not report it."""


def _collect(
    scenario: Scenario,
    count: int,
    record_events: bool,
    workers: int,
    scheduler: str | None,
    progress: ProgressCallback | None,
) -> list[ReplicationResult]:
    jobs = [(scenario, replication) for replication in range(count)]
    return map_replications(
        jobs,
        workers=workers,
        scheduler=scheduler,
        record_events=record_events,
        progress=progress,
        replicate=run_replication,
    )


def _summary(scenario: Scenario, figures: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for spec in figure_catalogue(scenario):
        values = figures[spec.name] if spec.name in figures else pd.Series(dtype=float)
        mean, low, high = confidence_interval(values.to_numpy(dtype=float))
        # A figure cannot leave its range (a share above 1, a negative wait); with few
        # replications the t interval can, so it is cut at the bounds.
        low, high = max(low, spec.lowest), min(high, spec.highest)
        rows.append((spec.name, spec.unit, mean, low, high, int(values.notna().sum())))
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def _figures_table(scenario: Scenario, results: list[ReplicationResult]) -> pd.DataFrame:
    names = [spec.name for spec in figure_catalogue(scenario)]
    # A figure the model reports beyond the catalogue is kept, after the catalogued ones.
    for result in results:
        names += [name for name in result.figures if name not in names]
    rows = [
        [result.replication] + [result.figures.get(name, math.nan) for name in names]
        for result in results
    ]
    table = pd.DataFrame(rows, columns=["replication", *names])
    return table.astype({name: float for name in names})


def _stack(frames: list[tuple[int, pd.DataFrame]]) -> pd.DataFrame:
    tagged = [frame.assign(replication=replication) for replication, frame in frames]
    stacked = pd.concat(tagged, ignore_index=True)
    columns = ["replication", *[c for c in stacked.columns if c != "replication"]]
    return stacked[columns]


def run_experiment(
    scenario: Scenario,
    *,
    replications: int | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    record_events: bool = False,
    progress: ProgressCallback | None = None,
) -> ExperimentResult:
    """Run replications ``0 .. n-1`` of ``scenario`` and combine their results.

    Each replication is :func:`capacity.model.run_replication`, deterministic given the
    scenario (its seed) and the replication number, so the result does not depend on
    ``workers``: results are put in replication order before they are combined.

    Args:
        scenario: a validated scenario.
        replications: number of replications; default ``scenario.run.replications``.
        workers: processes to run replications in; 1 runs them one after the other in
            this process.
        scheduler: address of a dask.distributed scheduler (``tcp://host:port``); when
            given, the replications run on its workers instead of locally.
        record_events: also collect every user event (large for long horizons).
        progress: called as ``progress(done, total)`` after each replication finishes.

    Returns:
        An :class:`ExperimentResult`.

    Raises:
        ValueError: ``replications`` or ``workers`` is less than 1.
    """
    count = scenario.run.replications if replications is None else replications
    if count < 1:
        raise ValueError(f"replications must be at least 1 (given {count})")
    if workers < 1:
        raise ValueError(f"workers must be at least 1 (given {workers})")

    started_at = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    results = _collect(scenario, count, record_events, workers, scheduler, progress)
    return combine(
        scenario,
        results,
        record_events=record_events,
        started_at=started_at,
        wall_seconds=time.perf_counter() - clock,
    )


def combine(
    scenario: Scenario,
    results: list[ReplicationResult],
    *,
    record_events: bool = False,
    started_at: dt.datetime | None = None,
    wall_seconds: float = math.nan,
    method: dict[str, Any] | None = None,
) -> ExperimentResult:
    """Combine finished replications of ``scenario`` into an :class:`ExperimentResult`
    (sorted by replication number first, so the order they finished in does not matter).
    """
    results = sorted(results, key=lambda r: r.replication)
    finished_at = dt.datetime.now(dt.UTC)
    figures = _figures_table(scenario, results)
    recorded = [(r.replication, r.events) for r in results if r.events is not None]
    events = _stack(recorded) if record_events and recorded else None
    warnings = tuple(dict.fromkeys(w for r in results for w in r.warnings))
    reported = [(r.replication, r.caseloads) for r in results if r.caseloads is not None]
    caseloads = _stack(reported) if results and len(reported) == len(results) else None
    return ExperimentResult(
        summary=_summary(scenario, figures),
        timeseries=_stack([(r.replication, r.timeseries) for r in results]),
        events=events,
        figures=figures,
        warnings=warnings,
        replications=len(results),
        started_at=started_at,
        finished_at=finished_at,
        wall_seconds=wall_seconds,
        method=dict(method or {}),
        caseloads=caseloads,
    )
