"""How much an answer depends on what nobody observed: each headline figure as each
uncertain value of a scenario (its ``[[uncertain]]`` section) moves over its range.

Two methods, both on common random numbers (every point runs replications ``0 .. n-1``
with the scenario's seed, so differences between points come from the values, not from
chance):

* **one at a time**: from the scenario as it is (the base), each uncertain value is set
  to its low and high end (or to each of its alternatives) with every other value
  unchanged. The change of a figure from the base is taken replication by replication
  and gets a paired Student-t interval. Drawn as a tornado chart, widest swing on top.
* **Morris elementary effects**, for many values that may interact: Morris, M. D.
  (1991), "Factorial sampling plans for preliminary computational experiments",
  Technometrics 33(2): 161-174. Each value's range is scaled to [0, 1] on a grid of
  ``levels`` points; ``trajectories`` random paths each start at a grid point and move
  one value at a time by Delta = levels / (2 (levels - 1)), up or down as the range
  allows. A step's elementary effect is the figure's change divided by the step (in
  units of the whole range). Per value and figure: mu* (the mean absolute effect, which
  ranks importance: Campolongo, F., Cariboni, J. and Saltelli, A. (2007), "An effective
  screening design for sensitivity analysis of large models", Environmental Modelling &
  Software 22: 1509-1518), mu (its mean) and sigma (its spread: non-linearity or
  interaction with other values). Values given as alternatives rather than ranges are
  held at the scenario's value.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from capacity.experiment.results import Result
from capacity.experiment.runner import resolve_scenario
from capacity.experiment.settings import Settings
from capacity.experiment.statistics import confidence_interval
from capacity.experiment.sweep import SweepResult, sweep
from capacity.model import figure_catalogue
from capacity.outputs.sensitivity import (
    MORRIS_COLUMNS,
    ONE_AT_A_TIME_COLUMNS,
    write_sensitivity,
)
from capacity.scenario import Scenario, ScenarioError, with_changes
from capacity.scenario.rules import value_at
from capacity.scenario.schema import UncertainValue

__all__ = [
    "METHODS",
    "SENSITIVITY_FIGURES",
    "SensitivityResult",
    "sensitivity",
]

METHODS: tuple[str, ...] = ("one-at-a-time", "morris")
"""The methods of :func:`sensitivity`."""

SENSITIVITY_FIGURES: tuple[str, ...] = (
    "aap_with_valid_plan_share",
    "caseload_follow_up_mean",
    "follow_up_contacts_overdue_share",
    "backlog_age_days_mean",
    "aap_decision_days_mean",
)
"""Figures whose sensitivity is shown by default: the AAP ones only where a case type is
AAP. (Waits count only the tasks that start, so a starved kind of work shows a short wait;
the backlog's age counts the work still waiting.)"""

_MORRIS_STREAM = 0x4D6F72726973  # "Morris": its own random stream, apart from the model's


@dataclass(frozen=True, repr=False)
class SensitivityResult(Result):
    """How the chosen figures move as each uncertain value moves over its range.

    Attributes:
        scenario: the scenario as run (the base), with its ``uncertain`` values.
        settings: how every point was run.
        method: ``one-at-a-time`` or ``morris``.
        options: the Morris ``trajectories`` and ``levels`` (empty one at a time).
        figures: the key figures examined.
        summary: one at a time: one row per uncertain value, value tried and figure
            (:data:`~capacity.outputs.sensitivity.ONE_AT_A_TIME_COLUMNS`): the value,
            the figure's mean at the base and at that value, and the change with its
            paired 95 % interval. Morris: one row per uncertain value and figure
            (:data:`~capacity.outputs.sensitivity.MORRIS_COLUMNS`): mu*, mu and sigma of
            the elementary effects, in the figure's unit per whole range.
        runs: the points simulated, as a sweep over every uncertain path.
        warnings: messages for people from the runs.
        started_at: when it started (UTC).
    """

    kind: ClassVar[str] = "sensitivity"

    scenario: Scenario
    settings: Settings
    method: str
    options: dict[str, int]
    figures: tuple[str, ...]
    summary: pd.DataFrame
    runs: SweepResult
    warnings: tuple[str, ...]
    started_at: dt.datetime

    def title(self) -> str:
        return (
            f"{self.scenario.run.name}: sensitivity ({self.method}) to "
            f"{len(self.scenario.uncertain)} uncertain value(s), {len(self.runs.points)} "
            "point(s)"
        )

    def lines(self) -> list[str]:
        """For each figure that moves at all, the value it depends on most: the widest
        swing one at a time (as the tornado chart's top bar), the largest mu* by Morris."""
        lines = []
        for figure in self.figures:
            rows = self.summary[self.summary["figure"] == figure]
            if rows.empty:
                continue
            if self.method == "morris":
                ranked = rows["mu_star"].dropna()
                if ranked.empty or ranked.max() <= 0:
                    continue
                top = rows.loc[ranked.idxmax()]
                lines.append(
                    f"{figure} depends most on {top['path']} (mu* {top['mu_star']:.3g} "
                    f"{top['unit']} per whole range)"
                )
            else:
                swings = swing_widths(rows)
                if swings.empty or not swings.max() > 0:
                    continue
                path = str(swings.idxmax())
                unit = rows["unit"].iloc[0]
                lines.append(
                    f"{figure} depends most on {path} (a swing of {swings.max():.3g} {unit})"
                )
        return lines

    def save(
        self, folder: str | Path = "results", *, run_id: str | None = None, command: str = ""
    ) -> Path:
        """Write ``folder/<scenario name>/sensitivity-<run id>/`` (``sensitivity.csv``, a
        chart per figure, ``manifest.json``) as ``capacity sensitivity`` does and return
        it (see :func:`capacity.outputs.sensitivity.write_sensitivity`)."""
        return write_sensitivity(self, Path(folder), run_id=run_id, command=command)


def swing_widths(rows: pd.DataFrame) -> pd.Series:
    """Per uncertain value (path), the width of the swing of one figure one at a time:
    the highest minus the lowest mean over the scenario as it is and the values tried;
    widest first."""
    base = float(rows["base_mean"].iloc[0])
    widths = rows.groupby("path", sort=False)["mean"].agg(
        lambda means: max(base, *means) - min(base, *means)
    )
    return widths.sort_values(ascending=False, na_position="last")


def _numeric(item: UncertainValue) -> bool:
    return item.low is not None and item.high is not None


def _range(item: UncertainValue) -> tuple[float, float]:
    if item.low is None or item.high is None:
        raise ValueError(f"{item.path} has no range")
    return item.low, item.high


def _setting(item: UncertainValue, current: Any, x: float) -> Any:
    """The value of ``item`` at position ``x`` (0..1) of its range, a whole number if
    the scenario's value is one."""
    low, high = _range(item)
    value = low + x * (high - low)
    if isinstance(current, int) and not isinstance(current, bool):
        return round(value)
    return value


def _one_at_a_time_points(
    scenario: Scenario, base: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[tuple[int, Any]]]:
    """The base point, then each value at each end or alternative; and for each point
    after the base, (the index of the uncertain value changed, its value)."""
    points = [dict(base)]
    changed: list[tuple[int, Any]] = []
    for index, item in enumerate(scenario.uncertain):
        tried = [item.low, item.high] if _numeric(item) else list(item.values or [])
        current = base[item.path]
        if _numeric(item) and isinstance(current, int) and not isinstance(current, bool):
            tried = [round(v) for v in tried if v is not None]
        for value in tried:
            if value == current:
                continue  # the base itself: its change is 0 by definition
            points.append({**base, item.path: value})
            changed.append((index, value))
    return points, changed


def _change(base: list[float], other: list[float]) -> tuple[float, float, float, int]:
    pairs = [
        (b, o) for b, o in zip(base, other, strict=True) if not (math.isnan(b) or math.isnan(o))
    ]
    if not pairs:
        return (math.nan, math.nan, math.nan, 0)
    mean, low, high = confidence_interval([o - b for b, o in pairs])
    return (mean, low, high, len(pairs))


def _mean(values: list[float]) -> float:
    kept = [v for v in values if not math.isnan(v)]
    return float(np.mean(kept)) if kept else math.nan


def _one_at_a_time_table(
    scenario: Scenario, runs: SweepResult, changed: list[tuple[int, Any]], figures: Sequence[str]
) -> pd.DataFrame:
    units = {spec.name: spec.unit for spec in figure_catalogue(scenario)}
    base = runs.replication_figures[0]
    rows = []
    for (index, value), values in zip(changed, runs.replication_figures[1:], strict=True):
        item = scenario.uncertain[index]
        for figure in figures:
            at_base, at_value = base.get(figure, []), values.get(figure, [])
            change, low, high, count = _change(at_base, at_value)
            rows.append(
                (
                    item.path,
                    item.basis,
                    value,
                    figure,
                    units[figure],
                    _mean(at_base),
                    _mean(at_value),
                    change,
                    low,
                    high,
                    count,
                )
            )
    return pd.DataFrame(rows, columns=list(ONE_AT_A_TIME_COLUMNS))


def _morris_points(
    scenario: Scenario,
    base: dict[str, Any],
    trajectories: int,
    levels: int,
) -> tuple[list[dict[str, Any]], list[list[tuple[int, int]]]]:
    """The points of ``trajectories`` Morris trajectories over the ranged values, and per
    trajectory its steps: (index of the point before the step, index of the uncertain
    value moved); the point after a step follows the one before it."""
    ranged = [i for i, item in enumerate(scenario.uncertain) if _numeric(item)]
    rng = np.random.default_rng(np.random.SeedSequence([scenario.run.seed, _MORRIS_STREAM]))
    delta = levels / (2 * (levels - 1))
    grid = np.arange(levels) / (levels - 1)
    points: list[dict[str, Any]] = []
    steps: list[list[tuple[int, int]]] = []
    for _ in range(trajectories):
        x = {i: float(rng.choice(grid)) for i in ranged}
        point = {**base}
        for i in ranged:
            item = scenario.uncertain[i]
            point[item.path] = _setting(item, base[item.path], x[i])
        points.append(point)
        path_steps = []
        for i in rng.permutation(ranged):
            item = scenario.uncertain[int(i)]
            move = delta if x[int(i)] + delta <= 1 + 1e-12 else -delta
            x[int(i)] += move
            before = len(points) - 1
            point = {**points[before], item.path: _setting(item, base[item.path], x[int(i)])}
            points.append(point)
            path_steps.append((before, int(i)))
        steps.append(path_steps)
    return points, steps


def _morris_table(
    scenario: Scenario,
    points: list[dict[str, Any]],
    steps: list[list[tuple[int, int]]],
    means: list[dict[str, float]],
    figures: Sequence[str],
) -> pd.DataFrame:
    units = {spec.name: spec.unit for spec in figure_catalogue(scenario)}
    effects: dict[tuple[int, str], list[float]] = {}
    for path_steps in steps:
        for before, index in path_steps:
            item = scenario.uncertain[index]
            low, high = _range(item)
            # With a whole-number value the step actually taken is the rounded one.
            span = high - low
            taken = (points[before + 1][item.path] - points[before][item.path]) / span
            if taken == 0:
                continue
            for figure in figures:
                change = means[before + 1][figure] - means[before][figure]
                effects.setdefault((index, figure), []).append(change / taken)
    rows = []
    for index, item in enumerate(scenario.uncertain):
        if not _numeric(item):
            continue
        for figure in figures:
            found = np.array([e for e in effects.get((index, figure), []) if not math.isnan(e)])
            rows.append(
                (
                    item.path,
                    item.basis,
                    figure,
                    units[figure],
                    float(np.abs(found).mean()) if found.size else math.nan,
                    float(found.mean()) if found.size else math.nan,
                    float(found.std(ddof=1)) if found.size > 1 else math.nan,
                    int(found.size),
                )
            )
    return pd.DataFrame(rows, columns=list(MORRIS_COLUMNS))


def _check_settings(scenario: Scenario) -> None:
    """Every end of every range and every alternative must make a valid scenario: a
    ScenarioError names each entry that does not."""
    data = scenario.model_dump(mode="python")
    problems = []
    for i, item in enumerate(scenario.uncertain):
        tried = [item.low, item.high] if _numeric(item) else list(item.values or [])
        current = value_at(data, item.path)
        for value in tried:
            if _numeric(item) and isinstance(current, int) and not isinstance(current, bool):
                value = round(value) if value is not None else value
            try:
                with_changes(scenario, {item.path: value})
            except ScenarioError as error:
                reasons = "; ".join(p.partition(": ")[2] or p for p in error.problems)
                problems.append(f"uncertain.{i} ({item.path} = {value!r}): {reasons}")
    if problems:
        raise ScenarioError("sensitivity", problems)


def sensitivity(
    scenario: Scenario | str | Path,
    settings: Settings | None = None,
    *,
    figures: Sequence[str] | str | None = None,
    method: Literal["one-at-a-time", "morris"] = "one-at-a-time",
    trajectories: int = 10,
    levels: int = 4,
    **options: Any,
) -> SensitivityResult:
    """How each chosen figure moves as each uncertain value of ``scenario`` moves over
    its range (see the module description for the two methods).

    Args:
        scenario: a scenario with an ``[[uncertain]]`` section (or its path or bundled
            name).
        settings: how every point runs (replications at each point, default the
            scenario's; workers; scheduler; ``progress`` over all points).
        figures: key figures to examine; default :data:`SENSITIVITY_FIGURES` that the
            scenario has.
        method: ``one-at-a-time`` (default) or ``morris``.
        trajectories: Morris trajectories, 2..1000 (each runs one point more than there
            are ranged values).
        levels: Morris grid levels per range, an even number 2..20.
        **options: settings by keyword, applied over ``settings``.

    Returns:
        A :class:`SensitivityResult`.

    Raises:
        ScenarioError: no uncertain values (or, for Morris, none with a range); an
            unknown figure or method; a value at an end of its range that the scenario's
            rules refuse; a setting out of range or ``"auto"``.
        TypeError: an option that is not a setting.
        OSError: the scheduler cannot be reached.
    """
    settings = Settings.of(settings, **options)
    settings.require_fixed("a sensitivity analysis")
    started_at = dt.datetime.now(dt.UTC)
    base_scenario = settings.apply(resolve_scenario(scenario))
    problems = []
    if method not in METHODS:
        problems.append(f"method: '{method}' is not one of {', '.join(METHODS)}")
    if not base_scenario.uncertain:
        problems.append(
            "uncertain: the scenario lists no uncertain values; add [[uncertain]] entries "
            "(path, low and high or values, basis, note)"
        )
    elif method == "morris" and not any(_numeric(item) for item in base_scenario.uncertain):
        problems.append("uncertain: Morris needs values with a range (low and high)")
    if method == "morris" and not (2 <= trajectories <= 1000):
        problems.append(f"trajectories: must be 2..1000 (given {trajectories})")
    if method == "morris" and not (2 <= levels <= 20 and levels % 2 == 0):
        problems.append(f"levels: must be an even number 2..20 (given {levels})")
    known = [spec.name for spec in figure_catalogue(base_scenario)]
    chosen = [figures] if isinstance(figures, str) else list(dict.fromkeys(figures or ()))
    unknown = [f for f in chosen if f not in known]
    if unknown:
        problems.append(f"figures: unknown key figure(s) {unknown}")
    if problems:
        raise ScenarioError("sensitivity", problems)
    has_aap = any(ct.aap for ct in base_scenario.case_types.values())
    defaults = [f for f in SENSITIVITY_FIGURES if f in known and (has_aap or "aap" not in f)]
    chosen = chosen or defaults
    _check_settings(base_scenario)

    data = base_scenario.model_dump(mode="python")
    base = {item.path: value_at(data, item.path) for item in base_scenario.uncertain}
    if method == "one-at-a-time":
        points, changed = _one_at_a_time_points(base_scenario, base)
        runs = sweep(base_scenario, points, settings)
        table = _one_at_a_time_table(base_scenario, runs, changed, chosen)
    else:
        points, steps = _morris_points(base_scenario, base, trajectories, levels)
        unique = list({repr(p): p for p in points}.values())
        runs = sweep(base_scenario, unique, settings)
        by_key = {
            repr(p): values for p, values in zip(unique, runs.replication_figures, strict=True)
        }
        means = [{f: _mean(by_key[repr(p)].get(f, [])) for f in chosen} for p in points]
        table = _morris_table(base_scenario, points, steps, means, chosen)
    return SensitivityResult(
        scenario=base_scenario,
        settings=settings,
        method=method,
        options={"trajectories": trajectories, "levels": levels} if method == "morris" else {},
        figures=tuple(chosen),
        summary=table,
        runs=runs,
        warnings=runs.warnings,
        started_at=started_at,
    )
