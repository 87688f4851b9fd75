"""Run the replications of a scenario and combine them into tables."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from capacity.experiment.automatic import choose_warm_up, replicate_to_precision
from capacity.experiment.executor import map_replications
from capacity.experiment.results import Result
from capacity.experiment.settings import Settings
from capacity.experiment.statistics import confidence_interval
from capacity.model import figure_catalogue
from capacity.model import run_replication as model_run_replication
from capacity.model.result import ReplicationResult
from capacity.outputs.writer import write_results
from capacity.scenario import Scenario, load_scenario, with_changes

__all__ = [
    "SUMMARY_COLUMNS",
    "RunResult",
    "combine",
    "resolve_scenario",
    "run_experiment",
    "run_replication",
    "summary_rows",
]

run_replication = model_run_replication
"""What the runner runs for each replication (a module attribute, so tests can replace
it): :func:`capacity.model.run_replication`."""

SUMMARY_COLUMNS: tuple[str, ...] = ("name", "unit", "mean", "ci_low", "ci_high", "replications")
"""Columns of :attr:`RunResult.summary`, in order."""


@dataclass(frozen=True, repr=False)
class RunResult(Result):
    """All replications of one scenario, combined.

    Attributes:
        scenario: the scenario as run (with the settings' seed, replications, horizon
            and warm-up, an automatic warm-up included).
        settings: how it was run.
        summary: one row per key figure in :func:`capacity.model.figure_catalogue` order;
            columns ``name``, ``unit``, ``mean``, ``ci_low``, ``ci_high`` (95 % Student-t
            interval, in the figure's unit, cut at the figure's possible range; NaN
            with fewer than two values) and ``replications`` (how many replications
            gave the figure a value, i.e. were not NaN).
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
        method: how the number of replications and the warm-up were chosen, when they
            were chosen automatically (written to the manifest).
        caseloads: every caseworker's caseload at the end of the last day, stacked in
            replication order with a leading ``replication`` column (see
            :attr:`capacity.model.ReplicationResult.caseloads`); None when the
            replications did not report it.
    """

    kind: ClassVar[str] = "run"

    scenario: Scenario
    settings: Settings
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
    caseloads: pd.DataFrame | None = None

    def title(self) -> str:
        run = self.scenario.run
        return (
            f"{run.name}: {self.replications} replication(s), key figures over days "
            f"{run.warm_up_days}-{run.horizon_days}"
        )

    def save(
        self,
        folder: str | Path = "results",
        *,
        run_id: str | None = None,
        command: str = "",
        csv_locale: str = "en",
        xlsx: bool = False,
    ) -> Path:
        """Write ``folder/<scenario name>/<run id>/`` as ``capacity run`` does and return
        it (see :func:`capacity.outputs.writer.write_results` for the files and errors).

        Args:
            folder: the results root; created if missing.
            run_id: the new folder's name; default the run's UTC start time.
            command: the command line recorded in the manifest; default this process's.
            csv_locale: ``en`` or ``nb`` (semicolons and decimal commas).
            xlsx: also write ``results.xlsx``.
        """
        return write_results(
            self, Path(folder), run_id=run_id, command=command, csv_locale=csv_locale, xlsx=xlsx
        )


def summary_rows(
    scenario: Scenario, values: Mapping[str, Sequence[float]]
) -> list[tuple[str, str, float, float, float, int]]:
    """The summary of per-replication ``values`` (figure name -> one value per
    replication, NaN where undefined): one row per figure of ``scenario``'s catalogue,
    with the columns of :data:`SUMMARY_COLUMNS`. A figure missing from ``values`` has
    no value."""
    rows = []
    for spec in figure_catalogue(scenario):
        mine = values.get(spec.name, ())
        mean, low, high = confidence_interval(mine)
        # A figure cannot leave its range (a share above 1, a negative wait); with few
        # replications the t interval can, so it is cut at the bounds, and so is the
        # mean, which rounding alone can carry a hair past them (a saturated team's
        # utilisation of 1 + 4e-15), so that it always lies inside its interval.
        mean, low, high = (min(max(x, spec.lowest), spec.highest) for x in (mean, low, high))
        count = sum(not math.isnan(v) for v in mine)
        rows.append((spec.name, spec.unit, mean, low, high, count))
    return rows


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


def resolve_scenario(scenario: Scenario | str | Path) -> Scenario:
    """``scenario`` itself, or the scenario file or bundled scenario it names (see
    :func:`capacity.scenario.load_scenario`, whose errors it raises).

    Raises:
        TypeError: ``scenario`` is none of these.
    """
    if isinstance(scenario, Scenario):
        return scenario
    if not isinstance(scenario, str | Path):
        raise TypeError(
            "scenario must be a capacity.Scenario, a scenario file's path or the name of a "
            f"bundled scenario (given {type(scenario).__name__})"
        )
    return load_scenario(scenario)


def run_experiment(
    scenario: Scenario | str | Path,
    settings: Settings | None = None,
    **options: Any,
) -> RunResult:
    """Run replications ``0 .. n-1`` of ``scenario`` and combine their results.

    Each replication is :func:`capacity.model.run_replication`, deterministic given the
    scenario (its seed) and the replication number, so the result does not depend on
    where replications run: results are put in replication order before they are
    combined. With ``replications="auto"`` replications are added until the checked
    figures are precise enough (:mod:`capacity.experiment.sequential`); with
    ``warm_up_days="auto"`` the warm-up is chosen by MSER-5 first
    (:mod:`capacity.experiment.automatic`); ``method`` says what was chosen.

    Args:
        scenario: a validated scenario, or the path or bundled name of one.
        settings: how to run (:class:`~capacity.experiment.settings.Settings`).
        **options: settings given by keyword instead (``replications=20,
            workers=4``), applied over ``settings``.

    Returns:
        A :class:`RunResult`.

    Raises:
        ScenarioError: the scenario cannot be loaded, a setting is out of range, or the
            scenario with the settings breaks a rule (the message names the setting);
            an unknown precision figure.
        TypeError: an option that is not a setting.
        OSError: the scheduler cannot be reached.
    """
    settings = Settings.of(settings, **options)
    chosen = settings.apply(resolve_scenario(scenario))
    method: dict[str, Any] = {}
    if settings.auto_warm_up:
        days, described = choose_warm_up(chosen, settings)
        chosen = with_changes(chosen, {"run.warm_up_days": days})
        method.update(described)
    started_at = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    if settings.auto_replications:
        results, described = replicate_to_precision(chosen, settings, replicate=run_replication)
        method.update(described)
    else:
        jobs = [(chosen, replication) for replication in range(chosen.run.replications)]
        results = map_replications(jobs, settings, replicate=run_replication)
    return combine(
        chosen,
        settings,
        results,
        started_at=started_at,
        wall_seconds=time.perf_counter() - clock,
        method=method,
    )


def combine(
    scenario: Scenario,
    settings: Settings,
    results: list[ReplicationResult],
    *,
    started_at: dt.datetime | None = None,
    wall_seconds: float = math.nan,
    method: dict[str, Any] | None = None,
) -> RunResult:
    """Combine finished replications of ``scenario`` run with ``settings`` into a
    :class:`RunResult` (sorted by replication number first, so the order they
    finished in does not matter)."""
    results = sorted(results, key=lambda r: r.replication)
    finished_at = dt.datetime.now(dt.UTC)
    figures = _figures_table(scenario, results)
    recorded = [(r.replication, r.events) for r in results if r.events is not None]
    events = _stack(recorded) if settings.record_events and recorded else None
    warnings = tuple(dict.fromkeys(w for r in results for w in r.warnings))
    reported = [(r.replication, r.caseloads) for r in results if r.caseloads is not None]
    caseloads = _stack(reported) if results and len(reported) == len(results) else None
    values = {name: figures[name].to_numpy(dtype=float).tolist() for name in figures.columns[1:]}
    summary = pd.DataFrame(summary_rows(scenario, values), columns=list(SUMMARY_COLUMNS))
    return RunResult(
        scenario=scenario,
        settings=settings,
        summary=summary,
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
