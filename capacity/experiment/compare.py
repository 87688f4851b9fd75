"""Compare a base scenario with alternatives on the same users and work.

Every scenario is run for the same replication numbers ``0 .. n-1``. Paired (the
default), all of them use the base's seed, so replication ``r`` of every scenario sees
the same arrivals and the same users with the same work (common random numbers, see
:mod:`capacity.model.rng`): a difference between them comes from staffing or
organisation, not from chance. The difference alternative - base is then taken per
replication and its mean gets a Student-t interval over the replications, which is
much narrower than the interval of two independent runs when the two scenarios' chance
events move their figures together. Unpaired, each alternative gets its own seed and
the difference gets Welch's two-sample interval.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from capacity.experiment.executor import map_replications
from capacity.experiment.results import Result
from capacity.experiment.runner import RunResult, combine, resolve_scenario
from capacity.experiment.settings import Settings
from capacity.experiment.statistics import confidence_interval, welch_interval
from capacity.model import figure_catalogue
from capacity.outputs.comparison import write_comparison
from capacity.scenario import Scenario, ScenarioError, with_changes

__all__ = [
    "COMPARISON_COLUMNS",
    "INDEPENDENT_SEED_STEP",
    "ComparisonResult",
    "compare",
    "comparison_labels",
    "prepare_comparison",
]

COMPARISON_COLUMNS: tuple[str, ...] = (
    "scenario",
    "figure",
    "unit",
    "base_mean",
    "alt_mean",
    "difference",
    "ci_low",
    "ci_high",
    "replications",
    "significant",
)
"""Columns of :attr:`ComparisonResult.summary`, in order."""

INDEPENDENT_SEED_STEP = 1_000_003
"""Unpaired, alternative ``k`` (1, 2, ...) uses seed ``base seed + k * this``: a prime
far from the small seeds people choose, so the streams do not coincide with another
comparison's base."""

# The run fields that must agree: the figures are measured over the same days only if
# the period and the observation window are the same.
_SAME_PERIOD = ("start_date", "horizon_days", "warm_up_days")


@dataclass(frozen=True, repr=False)
class ComparisonResult(Result):
    """A base scenario and its alternatives, run on the same replication numbers.

    Attributes:
        scenario: the base scenario as run.
        settings: how the scenarios were run.
        summary: one row per alternative and key figure (alternatives in the order given,
            figures in :func:`capacity.model.figure_catalogue` order of the base, only
            figures that both scenarios have); columns :data:`COMPARISON_COLUMNS`:

            * ``scenario`` -- the alternative's label (see :attr:`labels`);
            * ``figure``, ``unit`` -- the key figure and its unit;
            * ``base_mean``, ``alt_mean`` -- the means of the base and the alternative,
              in the figure's unit; paired, over the replications where both have a
              value, so that ``difference = alt_mean - base_mean``;
            * ``difference`` -- mean difference alternative - base;
            * ``ci_low``, ``ci_high`` -- its 95 % confidence interval (paired: Student t
              over the per-replication differences; unpaired: Welch); NaN with fewer
              than two values;
            * ``replications`` -- paired: replications where both have a value;
              unpaired: the smaller of the two scenarios' counts of values;
            * ``significant`` -- True when the interval excludes 0.
        results: one :class:`~capacity.experiment.runner.RunResult` per scenario, base
            first, with
            ``summary``, ``figures`` (per replication) and ``timeseries``.
        scenarios: the scenarios as run (seed and replications set), base first.
        labels: a distinct name per scenario, base first: ``run.name`` unless given.
        paired: whether the alternatives shared the base's seed.
        replications: replications run of each scenario.
        warnings: messages for people from every scenario's replications, each once,
            prefixed with the scenario's label.
        started_at, finished_at: UTC start and end of the runs.
        wall_seconds: elapsed wall-clock time of all runs, seconds.
    """

    kind: ClassVar[str] = "comparison"

    scenario: Scenario
    settings: Settings
    summary: pd.DataFrame
    results: tuple[RunResult, ...]
    scenarios: tuple[Scenario, ...]
    labels: tuple[str, ...]
    paired: bool
    replications: int
    warnings: tuple[str, ...]
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    wall_seconds: float = math.nan

    def title(self) -> str:
        how = "paired" if self.paired else "independent"
        return (
            f"{', '.join(self.labels[1:])} against {self.labels[0]}: {self.replications} "
            f"{how} replication(s) each"
        )

    def save(
        self, folder: str | Path = "results", *, run_id: str | None = None, command: str = ""
    ) -> Path:
        """Write ``folder/comparison/<run id>/`` as ``capacity compare`` does and return
        it (see :func:`capacity.outputs.comparison.write_comparison`)."""
        return write_comparison(self, Path(folder), run_id=run_id, command=command)


def comparison_labels(
    scenarios: Sequence[Scenario], labels: Sequence[str] | None = None
) -> list[str]:
    """A distinct label per scenario: ``labels`` if given, else each ``run.name``; a
    label already used by an earlier scenario gets ``#k`` added, ``k`` the scenario's
    position (the base is 0), as when a scenario is compared with itself.

    Raises:
        ValueError: ``labels`` is given with a different length than ``scenarios``.
    """
    wanted = [s.run.name for s in scenarios] if labels is None else list(labels)
    if len(wanted) != len(scenarios):
        raise ValueError(f"{len(wanted)} labels for {len(scenarios)} scenarios")
    chosen: list[str] = []
    for k, label in enumerate(wanted):
        chosen.append(f"{label}#{k}" if label in chosen else label)
    return chosen


def prepare_comparison(
    scenarios: Sequence[Scenario],
    *,
    replications: int | None = None,
    paired: bool = True,
    labels: Sequence[str] | None = None,
) -> list[Scenario]:
    """The scenarios as :func:`compare` will run them, checked, without running them.

    Each gets ``run.replications`` = the number of replications and ``run.seed`` = the
    base's seed (paired) or ``base seed + k * INDEPENDENT_SEED_STEP`` for alternative
    ``k`` (unpaired), and is validated again with those values.

    Args:
        scenarios: the base first, then at least one alternative.
        replications: replications of each; default the base's ``run.replications``.
        paired: share the base's seed (common random numbers).
        labels: names for the messages; default as :func:`comparison_labels`.

    Returns:
        The scenarios to run, in the order given.

    Raises:
        ScenarioError: fewer than two scenarios; a scenario that breaks a rule (with
            the new seed); scenarios whose ``run.start_date``, ``horizon_days`` or
            ``warm_up_days`` differ from the base's (every difference is listed).
        ValueError: ``replications`` is less than 1.
    """
    if len(scenarios) < 2:
        raise ScenarioError(
            "comparison", ["give a base scenario and at least one alternative to compare"]
        )
    names = comparison_labels(scenarios, labels)
    base = scenarios[0]
    count = base.run.replications if replications is None else replications
    if count < 1:
        raise ValueError(f"replications must be at least 1 (given {count})")
    problems = []
    for name, scenario in zip(names[1:], scenarios[1:], strict=True):
        for field in _SAME_PERIOD:
            ours, theirs = getattr(base.run, field), getattr(scenario.run, field)
            if ours != theirs:
                problems.append(
                    f"run.{field}: {name} has {theirs}, the base {names[0]} has {ours}; "
                    "compared scenarios must cover the same days"
                )
    if problems:
        raise ScenarioError("comparison", problems)

    prepared = []
    for k, (name, scenario) in enumerate(zip(names, scenarios, strict=True)):
        seed = base.run.seed if paired else base.run.seed + k * INDEPENDENT_SEED_STEP
        try:
            # with_changes checks every rule again, so a scenario built around the
            # validation (model_construct) is caught here too.
            prepared.append(with_changes(scenario, {"run.seed": seed, "run.replications": count}))
        except ScenarioError as error:
            raise ScenarioError(f"{name} (in the comparison)", error.problems) from None
    return prepared


def _paired_row(base: np.ndarray, alt: np.ndarray) -> tuple[float, ...]:
    both = ~np.isnan(base) & ~np.isnan(alt)
    if not both.any():
        return (math.nan, math.nan, math.nan, math.nan, math.nan, 0)
    difference, low, high = confidence_interval(alt[both] - base[both])
    return (
        float(base[both].mean()),
        float(alt[both].mean()),
        difference,
        low,
        high,
        int(both.sum()),
    )


def _independent_row(base: np.ndarray, alt: np.ndarray) -> tuple[float, ...]:
    difference, low, high = welch_interval(base, alt)
    base_mean = float(np.nanmean(base)) if (~np.isnan(base)).any() else math.nan
    alt_mean = float(np.nanmean(alt)) if (~np.isnan(alt)).any() else math.nan
    count = int(min((~np.isnan(base)).sum(), (~np.isnan(alt)).sum()))
    return (base_mean, alt_mean, difference, low, high, count)


def _table(
    scenarios: Sequence[Scenario],
    labels: Sequence[str],
    results: Sequence[RunResult],
    paired: bool,
) -> pd.DataFrame:
    rows = []
    base_figures = results[0].figures
    for scenario, label, result in zip(scenarios[1:], labels[1:], results[1:], strict=True):
        theirs = {spec.name for spec in figure_catalogue(scenario)}
        for spec in figure_catalogue(scenarios[0]):
            if spec.name not in theirs:
                continue  # e.g. the utilisation of a team only one of them has
            base_values = base_figures[spec.name].to_numpy(dtype=float)
            alt_values = result.figures[spec.name].to_numpy(dtype=float)
            row = (_paired_row if paired else _independent_row)(base_values, alt_values)
            low, high = row[3], row[4]
            # Differences at rounding level (1e-9 of the figure's size) are no difference;
            # NaN compares False both ways, so an undefined interval is not significant.
            tolerance = 1e-9 * max(1.0, abs(row[0])) if row[0] == row[0] else 0.0
            significant = bool(low > tolerance or high < -tolerance)
            rows.append((label, spec.name, spec.unit, *row, significant))
    table = pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
    return table.astype({"replications": int, "significant": bool})


def compare(
    scenarios: Sequence[Scenario | str | Path],
    settings: Settings | None = None,
    *,
    paired: bool = True,
    labels: Sequence[str] | None = None,
    **options: Any,
) -> ComparisonResult:
    """Run a base scenario and its alternatives and measure each alternative's
    difference from the base in every key figure.

    Replications ``0 .. n-1`` of every scenario are run through
    :func:`capacity.experiment.executor.map_replications`; each is deterministic given
    its scenario, seed and number, so the result does not depend on where they run.
    See :func:`prepare_comparison` for the seeds and the checks made before anything
    runs.

    Args:
        scenarios: validated scenarios (or paths or bundled names), the base first, then
            one or more alternatives. They must cover the same days
            (``run.start_date``, ``horizon_days``, ``warm_up_days``).
        settings: how to run; ``replications`` (default the base's), ``seed`` (default
            the base's), ``horizon_days`` and ``warm_up_days`` apply to every scenario;
            ``progress`` counts the replications of all scenarios together. Automatic
            replications or warm-up are not available here.
        paired: True (default) runs every scenario with the base's seed (common random
            numbers; the interval is over per-replication differences); False gives
            alternative ``k`` seed ``base seed + k * 1000003`` and uses Welch's interval.
        labels: a name per scenario for the ``scenario`` column, base first; default
            each ``run.name`` (made distinct, see :func:`comparison_labels`).
        **options: settings by keyword, applied over ``settings``.

    Returns:
        A :class:`ComparisonResult`.

    Raises:
        ScenarioError: see :func:`prepare_comparison`; a setting out of range or
            ``"auto"``.
        ValueError: ``labels`` has the wrong length.
        TypeError: an option that is not a setting.
        OSError: the scheduler cannot be reached.
    """
    settings = Settings.of(settings, **options)
    settings.require_fixed("a comparison")
    loaded = [resolve_scenario(s) for s in scenarios]
    names = comparison_labels(loaded, labels)
    # Seed and replications are set for all by prepare_comparison (from the base); the
    # period is set for each, so that they still cover the same days.
    period = settings.replace(seed=None, replications=None)
    adjusted = [period.apply(s) for s in loaded]
    if settings.seed is not None and adjusted:
        adjusted[0] = with_changes(adjusted[0], {"run.seed": settings.seed})
    prepared = prepare_comparison(
        adjusted,
        replications=settings.replications if isinstance(settings.replications, int) else None,
        paired=paired,
        labels=names,
    )
    count = prepared[0].run.replications

    started_at = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    jobs = [(scenario, r) for scenario in prepared for r in range(count)]
    finished = map_replications(jobs, settings)
    wall_seconds = time.perf_counter() - clock
    results = tuple(
        combine(
            scenario,
            settings,
            finished[k * count : (k + 1) * count],
            started_at=started_at,
            wall_seconds=wall_seconds,
        )
        for k, scenario in enumerate(prepared)
    )
    return ComparisonResult(
        scenario=prepared[0],
        settings=settings,
        summary=_table(prepared, names, results, paired),
        results=results,
        scenarios=tuple(prepared),
        labels=tuple(names),
        paired=paired,
        replications=count,
        warnings=tuple(
            dict.fromkeys(
                f"{label}: {message}"
                for label, result in zip(names, results, strict=True)
                for message in result.warnings
            )
        ),
        started_at=started_at,
        finished_at=dt.datetime.now(dt.UTC),
        wall_seconds=wall_seconds,
    )
