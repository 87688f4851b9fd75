"""The validation suite: its runs simulated, its sections' checks judged, one report.

The runs are planned in :mod:`capacity.validation.runs`; all replications of all runs
go through one :func:`capacity.experiment.executor.map_replications` call, each
replication by :func:`capacity.validation.measure.replicate_for_checks`, and are
deterministic given their scenario and number: the report does not depend on
``workers``.

Sections (one module each in :mod:`capacity.validation.sections`; see docs/model.md):

1. Queueing theory: M/M/1 at load 0.8 and M/M/5 at 0.7, 0.9 and 0.95 against Erlang
   C, the three-station tandem network against Jackson's theorem, and reception then a
   follow-up station with a return loop (team caseloads) against Jackson's theorem with
   feedback (Erlang C at the rate lambda / q, 1 / q contacts per user).
2. Little's law per stage and for the whole office on the bundled scenarios.
3. Conservation of users and of caseworker time over every replication of every run.
4. Published figures: the study's figures for ``office_2011`` and the national caseload
   range for small offices for ``rural_4500``.
5. Face validity: paired comparisons (common random numbers, as ``capacity compare``)
   of more staff and of the generalist organisation against ``office_2011``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from capacity.experiment.executor import ProgressCallback, map_replications
from capacity.experiment.runner import combine
from capacity.validation.checks import Outcome, outcomes_table
from capacity.validation.measure import replicate_for_checks
from capacity.validation.runs import FULL, QUICK, RunRecord, Sizes, plan_runs
from capacity.validation.sections import (
    conservation,
    face_validity,
    little,
    published,
    queueing,
)
from capacity.validation.sections.evidence import Evidence

__all__ = ["SECTIONS", "ValidationReport", "run_validation"]

_SECTIONS: tuple[tuple[str, Callable[[Evidence], list[Outcome]]], ...] = (
    (queueing.SECTION, queueing.checks),
    (little.SECTION, little.checks),
    (conservation.SECTION, conservation.checks),
    (published.SECTION, published.checks),
    (face_validity.SECTION, face_validity.checks),
)

SECTIONS: tuple[str, ...] = tuple(name for name, _ in _SECTIONS)
"""The report's sections, in order."""


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of the suite.

    Attributes:
        outcomes: one per check, in section order.
        runs: the runs simulated.
        sizes: how much was simulated (:data:`FULL` or :data:`QUICK`).
        started_at, finished_at: UTC start and end.
        wall_seconds: elapsed wall-clock time, seconds.
    """

    outcomes: tuple[Outcome, ...]
    runs: tuple[RunRecord, ...]
    sizes: Sizes
    started_at: dt.datetime
    finished_at: dt.datetime
    wall_seconds: float

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(o.passed for o in self.outcomes)

    @property
    def failed(self) -> tuple[Outcome, ...]:
        """The checks that failed."""
        return tuple(o for o in self.outcomes if not o.passed)

    @property
    def table(self) -> pd.DataFrame:
        """The rows of ``validation.csv`` (:data:`capacity.validation.VALIDATION_COLUMNS`)."""
        return outcomes_table(self.outcomes)


def run_validation(
    *,
    quick: bool = False,
    sizes: Sizes | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> ValidationReport:
    """Simulate the suite's runs and judge every check.

    Args:
        quick: use :data:`QUICK` instead of :data:`FULL`.
        sizes: use these sizes instead (overrides ``quick``).
        workers: local processes; the report does not depend on it.
        scheduler: address of a dask.distributed scheduler to run on instead.
        progress: called as ``progress(done, total)`` after each replication.
        on_plan: called once with the total number of replications before any runs.

    Returns:
        A :class:`ValidationReport`; ``report.passed`` is False when any check failed.

    Raises:
        ValueError: ``workers`` < 1 or inconsistent ``sizes``.
        ScenarioError: a bundled scenario no longer loads (an installation problem).
        OSError: the scheduler cannot be reached.
    """
    chosen = sizes or (QUICK if quick else FULL)
    started_at = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    runs = plan_runs(chosen)
    jobs = [(run.scenario, r) for run in runs for r in range(run.replications)]
    if on_plan is not None:
        on_plan(len(jobs))
    finished = map_replications(
        jobs,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        replicate=replicate_for_checks,
    )
    figures: dict[str, pd.DataFrame] = {}
    start = 0
    for run in runs:
        combined = combine(run.scenario, finished[start : start + run.replications])
        figures[run.label] = combined.figures
        start += run.replications
    evidence = Evidence(runs, figures, chosen)
    outcomes = [o for _, checks in _SECTIONS for o in checks(evidence)]
    order = {section: k for k, section in enumerate(SECTIONS)}
    outcomes.sort(key=lambda o: order[o.check.section])
    return ValidationReport(
        outcomes=tuple(outcomes),
        runs=tuple(runs),
        sizes=chosen,
        started_at=started_at,
        finished_at=dt.datetime.now(dt.UTC),
        wall_seconds=time.perf_counter() - clock,
    )
