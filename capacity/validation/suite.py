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
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from capacity.experiment.executor import map_replications
from capacity.experiment.results import Result
from capacity.experiment.runner import combine
from capacity.experiment.settings import Settings
from capacity.scenario import Scenario, ScenarioError
from capacity.validation.checks import Outcome, outcomes_table
from capacity.validation.measure import replicate_for_checks
from capacity.validation.report import write_validation
from capacity.validation.runs import FULL, QUICK, RunRecord, Sizes, plan_runs
from capacity.validation.sections import ORDERED, SECTIONS
from capacity.validation.sections.evidence import Evidence

__all__ = ["SECTIONS", "ValidationReport", "run_validation"]


@dataclass(frozen=True, repr=False)
class ValidationReport(Result):
    """The outcome of the suite.

    Attributes:
        scenario: the bundled office whose published figures are checked
            (``office_2011`` as run).
        settings: how the runs were run (where, and who heard of progress).
        outcomes: one per check, in section order.
        runs: the runs simulated (each with its scenario).
        sizes: how much was simulated (:data:`FULL` or :data:`QUICK`).
        started_at, finished_at: UTC start and end.
        wall_seconds: elapsed wall-clock time, seconds.
        summary: the rows of ``validation.csv``
            (:data:`capacity.validation.VALIDATION_COLUMNS`), one per check.
        warnings: none (the suite's runs are its own).
    """

    kind: ClassVar[str] = "validation"

    scenario: Scenario
    settings: Settings
    outcomes: tuple[Outcome, ...]
    runs: tuple[RunRecord, ...]
    sizes: Sizes
    started_at: dt.datetime
    finished_at: dt.datetime
    wall_seconds: float
    summary: pd.DataFrame
    warnings: tuple[str, ...] = ()

    def title(self) -> str:
        return f"Validation ({self.sizes.name} suite): {len(self.outcomes)} checks"

    def lines(self) -> list[str]:
        if self.passed:
            return [f"All {len(self.outcomes)} checks passed."]
        return [f"{len(self.failed)} of {len(self.outcomes)} checks FAILED."]

    def save(
        self, folder: str | Path = "results", *, run_id: str | None = None, command: str = ""
    ) -> Path:
        """Write ``folder/validation/<run id>/`` (``validation.md``, ``validation.csv``,
        ``manifest.json``) as ``capacity validate`` does and return it (see
        :func:`capacity.validation.report.write_validation`)."""
        return write_validation(self, Path(folder), run_id=run_id, command=command)

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(o.passed for o in self.outcomes)

    @property
    def failed(self) -> tuple[Outcome, ...]:
        """The checks that failed."""
        return tuple(o for o in self.outcomes if not o.passed)


def run_validation(
    settings: Settings | None = None,
    *,
    quick: bool = False,
    sizes: Sizes | None = None,
    on_plan: Callable[[int], None] | None = None,
    **options: Any,
) -> ValidationReport:
    """Simulate the suite's runs and judge every check.

    Args:
        settings: where the replications run (``workers``, ``scheduler``; the report
            does not depend on them) and ``progress``, called as ``progress(done,
            total)`` after each replication. The suite sets its own scenarios,
            replications and seeds: those settings may not be given.
        quick: use :data:`QUICK` instead of :data:`FULL`.
        sizes: use these sizes instead (overrides ``quick``).
        on_plan: called once with the total number of replications before any runs.
        **options: settings by keyword, applied over ``settings``.

    Returns:
        A :class:`ValidationReport`; ``report.passed`` is False when any check failed.

    Raises:
        ValueError: inconsistent ``sizes``.
        ScenarioError: a setting the suite fixes itself, or a bundled scenario that no
            longer loads (an installation problem).
        TypeError: an option that is not a setting.
        OSError: the scheduler cannot be reached.
    """
    settings = Settings.of(settings, **options)
    fixed = [name for name, value in settings.run_overrides().items() if value is not None]
    if fixed or settings.record_events:
        raise ScenarioError(
            "settings",
            [
                "the validation suite sets its own runs; give only workers, scheduler and "
                f"progress (given {', '.join(fixed) or 'record_events'})"
            ],
        )
    chosen = sizes or (QUICK if quick else FULL)
    started_at = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    runs = plan_runs(chosen)
    jobs = [(run.scenario, r) for run in runs for r in range(run.replications)]
    if on_plan is not None:
        on_plan(len(jobs))
    finished = map_replications(jobs, settings, replicate=replicate_for_checks)
    figures: dict[str, pd.DataFrame] = {}
    start = 0
    for run in runs:
        combined = combine(run.scenario, settings, finished[start : start + run.replications])
        figures[run.label] = combined.figures
        start += run.replications
    evidence = Evidence(runs, figures, chosen)
    outcomes = [o for _, checks in ORDERED for o in checks(evidence)]
    order = {section: k for k, section in enumerate(SECTIONS)}
    outcomes.sort(key=lambda o: order[o.check.section])
    office = next(run.scenario for run in runs if run.label == "office_2011")
    return ValidationReport(
        scenario=office,
        settings=settings,
        outcomes=tuple(outcomes),
        runs=tuple(runs),
        sizes=chosen,
        started_at=started_at,
        finished_at=dt.datetime.now(dt.UTC),
        wall_seconds=time.perf_counter() - clock,
        summary=outcomes_table(outcomes),
    )
