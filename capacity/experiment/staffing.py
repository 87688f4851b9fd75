"""The least staffing that meets the targets, found without simulating every value.

A target is ``figure>=value`` or ``figure<=value`` (for example
``aap_with_valid_plan_share>=0.9``). A staffing level meets it only when the whole 95 %
confidence interval does (``ci_low >= value`` for ``>=``, ``ci_high <= value`` for
``<=``), so the answer holds with that confidence, not just on average.

The targets are assumed monotone in the varied number (more people never make a figure
worse), which is what makes bisection valid: O(log n) levels are simulated instead of
n. The assumption is checked where it matters, at the answer and the level above it,
and the outcome says whether it held.

Beside the answer, Erlang C gives the staffing of an ideal M/M/c queue with the same
offered load (measured as utilisation x people at the largest level simulated): a lower
bound, since an office also has closed hours, absence, personal caseloads instead of one
shared queue, priorities and uneven inflow.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from capacity.experiment.erlang import erlang_c_staffing
from capacity.experiment.executor import ProgressCallback
from capacity.experiment.runner import run_experiment
from capacity.model import figure_catalogue
from capacity.scenario import Scenario, ScenarioError, with_changes

__all__ = [
    "ErlangCheck",
    "StaffingAnswer",
    "Target",
    "least_staffing",
    "least_staffing_table",
    "parse_levels",
    "parse_target",
]


@dataclass(frozen=True)
class Target:
    """A key figure bound: ``figure op value`` with op ``>=`` or ``<=``."""

    figure: str
    op: Literal[">=", "<="]
    value: float

    def met_by(self, mean: float, low: float, high: float) -> bool:
        """Does the interval [low, high] (or the mean, when there is no interval) lie
        wholly on the right side of the bound?"""
        if math.isnan(mean):
            return False
        low = mean if math.isnan(low) else low
        high = mean if math.isnan(high) else high
        return low >= self.value if self.op == ">=" else high <= self.value

    def __str__(self) -> str:
        return f"{self.figure}{self.op}{self.value:g}"


def parse_target(text: str) -> Target:
    """Parse ``figure>=value`` or ``figure<=value``. Raises :class:`ScenarioError`."""
    match = re.fullmatch(r"\s*([a-z0-9_]+)\s*(>=|<=)\s*([-+0-9.eE]+)\s*", text)
    if match is None:
        raise ScenarioError("--target", [f"{text!r}: write FIGURE>=VALUE or FIGURE<=VALUE"])
    try:
        value = float(match.group(3))
    except ValueError:
        raise ScenarioError("--target", [f"{text!r}: {match.group(3)!r} is not a number"]) from None
    op: Literal[">=", "<="] = ">=" if match.group(2) == ">=" else "<="
    return Target(match.group(1), op, value)


@dataclass(frozen=True)
class ErlangCheck:
    """Erlang-C staffing for the varied team's offered load.

    ``load`` is in people's worth of work (utilisation x headcount at ``measured_at``);
    ``stable_minimum`` the fewest people with utilisation below 1; ``servers`` the
    fewest with P(wait) <= ``max_p_wait`` in an M/M/c queue. ``saturated`` is True when
    the team was busy nearly all its working time at ``measured_at`` (utilisation at
    least :data:`SATURATED_UTILISATION`): it then did less work than was offered, so
    the load, and both numbers, understate the need.
    """

    team: str
    measured_at: int
    load: float
    stable_minimum: int
    max_p_wait: float
    servers: int
    reason: str
    saturated: bool = False


SATURATED_UTILISATION = 0.97
"""Utilisation at or above which a team counts as saturated: its queue grew through the
run, so the work it did is less than the work offered."""


@dataclass
class StaffingAnswer:
    """The outcome of :func:`least_staffing`.

    ``value`` is the least level meeting every target, or None if none in the range
    does. ``evaluated`` maps each simulated level to its summary table (see
    :class:`capacity.experiment.ExperimentResult`). ``monotone`` is False when the level
    above the answer failed a target (the assumption behind bisection broke).
    """

    path: str
    targets: tuple[Target, ...]
    value: int | None
    evaluated: dict[int, pd.DataFrame] = field(default_factory=dict)
    monotone: bool = True
    erlang: ErlangCheck | None = None
    message: str = ""

    def table(self) -> pd.DataFrame:
        """One row per simulated level and target: the level (column named by the path),
        ``figure``, ``target``, ``mean``, ``ci_low``, ``ci_high``, ``meets``."""
        rows = []
        for level in sorted(self.evaluated):
            summary = self.evaluated[level].set_index("name")
            for target in self.targets:
                s = summary.loc[target.figure]
                rows.append(
                    {
                        self.path: level,
                        "figure": target.figure,
                        "target": f"{target.op}{target.value:g}",
                        "mean": s["mean"],
                        "ci_low": s["ci_low"],
                        "ci_high": s["ci_high"],
                        "meets": target.met_by(s["mean"], s["ci_low"], s["ci_high"]),
                    }
                )
        return pd.DataFrame(rows)


def _check_inputs(
    scenario: Scenario, targets: Sequence[Target], path: str, values: Sequence[int]
) -> None:
    units = {spec.name: spec.unit for spec in figure_catalogue(scenario)}
    problems = [
        f"{t}: unknown key figure '{t.figure}' (see the list of key figures in the documentation)"
        for t in targets
        if t.figure not in units
    ]
    for t in targets:
        unit = units.get(t.figure)
        if unit == "share" and ((t.op == ">=" and t.value > 1) or (t.op == "<=" and t.value < 0)):
            problems.append(f"{t}: a share lies between 0 and 1, so this can never be met")
        elif unit is not None and t.op == "<=" and t.value < 0:
            problems.append(f"{t}: the figure is never negative, so this can never be met")
    if not targets:
        problems.append("give at least one --target")
    if path.startswith("run."):
        # Seed, dates, horizon and replications define how each level is measured.
        problems.append(
            f"{path}: run settings cannot be searched; vary a staffing number such as "
            "staff.<team>.headcount"
        )
    if not values or any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        problems.append(f"{path}: the varied values must be whole numbers (a range like 1:60)")
    if problems:
        raise ScenarioError("staffing", problems)
    # Every level must be a valid scenario; checking the ends checks the field and range.
    with_changes(scenario, {path: min(values)})
    with_changes(scenario, {path: max(values)})


def _erlang(
    scenario: Scenario, path: str, level: int, summary: pd.DataFrame, max_p_wait: float
) -> ErlangCheck | None:
    match = re.fullmatch(r"staff\.([a-z0-9_]+)\.headcount", path)
    if match is None or level <= 0:
        return None
    team = match.group(1)
    rows = summary.set_index("name")
    name = f"utilisation_{team}"
    if name not in rows.index or math.isnan(rows.loc[name, "mean"]):
        return None
    utilisation = float(rows.loc[name, "mean"])
    load = utilisation * level
    saturated = utilisation >= SATURATED_UTILISATION
    reason = (
        "Erlang C assumes one shared queue served around the clock by interchangeable "
        "people with exponential work; the office has closed hours, absence, "
        + ("" if scenario.organisation.caseload_work == "team" else "personal caseloads, ")
        + "priorities and uneven inflow, and its targets are about plans and delays "
        "rather than P(wait), so it needs at least this many and usually more."
    )
    if saturated:
        reason = (
            f"The team was busy {utilisation:.0%} of its working time at {level}, so it did "
            "less work than was offered and this load is too low: the true need is higher "
            "than both numbers. Widen the range upwards to measure the load. " + reason
        )
    return ErlangCheck(
        team=team,
        measured_at=level,
        load=load,
        stable_minimum=math.floor(load) + 1,
        max_p_wait=max_p_wait,
        servers=erlang_c_staffing(load, max_p_wait),
        reason=reason,
        saturated=saturated,
    )


def least_staffing(
    scenario: Scenario,
    targets: Sequence[Target],
    path: str,
    values: Sequence[int],
    *,
    replications: int | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    erlang_max_p_wait: float | None = None,
    progress: Callable[[int], None] | None = None,
    replication_progress: ProgressCallback | None = None,
) -> StaffingAnswer:
    """The least value of ``path`` (e.g. ``staff.follow_up.headcount``) among ``values``
    whose 95 % intervals meet every target, by bisection.

    Args:
        scenario: the office; every other field stays as it is.
        targets: bounds on key figures, all of which must be met.
        path: dotted path of an integer field.
        values: candidate levels (whole numbers; sorted and de-duplicated here).
        replications: per level; default the scenario's.
        workers, scheduler: where replications run.
        erlang_max_p_wait: P(wait) target for the Erlang-C comparison; default the
            value of a ``waited_<task>_share<=`` target if there is one, else 0.2.
        progress: called with the level about to be simulated.
        replication_progress: passed on to each level's replications.

    Raises:
        ScenarioError: an unknown figure or path, or a value the scenario rejects.
    """
    levels = sorted(set(values))
    _check_inputs(scenario, targets, path, levels)
    count = scenario.run.replications if replications is None else replications
    if count < 2:
        raise ScenarioError(
            "replications",
            [f"needs at least 2 replications per level for a confidence interval (given {count})"],
        )
    if erlang_max_p_wait is None:
        waits = [t.value for t in targets if t.op == "<=" and t.figure.startswith("waited_")]
        erlang_max_p_wait = min(waits) if waits and 0 < min(waits) <= 1 else 0.2
    answer = StaffingAnswer(path, tuple(targets), None)

    def meets(level: int) -> bool:
        if level not in answer.evaluated:
            if progress is not None:
                progress(level)
            result = run_experiment(
                with_changes(scenario, {path: level}),
                replications=replications,
                workers=workers,
                scheduler=scheduler,
                progress=replication_progress,
            )
            answer.evaluated[level] = result.summary
        summary = answer.evaluated[level].set_index("name")
        return all(t.met_by(*summary.loc[t.figure, ["mean", "ci_low", "ci_high"]]) for t in targets)

    top = levels[-1]
    if not meets(top):
        answer.message = (
            f"No value of {path} in {levels[0]}..{top} meets every target: even {top} does not."
        )
    elif meets(levels[0]):
        answer.value = levels[0]
    else:
        low, high = 0, len(levels) - 1  # levels[low] fails, levels[high] meets
        while high - low > 1:
            mid = (low + high) // 2
            if meets(levels[mid]):
                high = mid
            else:
                low = mid
        answer.value = levels[high]
    if answer.value is not None:
        position = levels.index(answer.value)
        if position + 1 < len(levels):
            answer.monotone = meets(levels[position + 1])
        answer.message = (
            f"The least {path} that meets every target is {answer.value}."
            if answer.monotone
            else f"{path} = {answer.value} meets every target but {levels[position + 1]} "
            "does not: the targets are not monotone here, so bisection may have missed a "
            "smaller value; simulate the range with 'capacity sweep' to see."
        )
    answer.erlang = _erlang(scenario, path, top, answer.evaluated[top], erlang_max_p_wait)
    return answer


def parse_levels(vary: str) -> tuple[str, list[int]]:
    """``"PATH=LOW:HIGH"`` (or a list) as the path and its whole-number levels.

    Raises :class:`ScenarioError` for a malformed specification or a level that is not
    a whole number.
    """
    from capacity.experiment.vary import parse_variation

    variation = parse_variation(vary)
    levels = [v for v in variation.values if isinstance(v, int) and not isinstance(v, bool)]
    if len(levels) != len(variation.values):
        raise ScenarioError("--vary", [f"{vary}: the levels must be whole numbers"])
    return variation.path, levels


def least_staffing_table(
    scenario: Scenario,
    targets: Sequence[str | Target],
    vary: str,
    **options: object,
) -> pd.DataFrame:
    """:func:`least_staffing` for scripts: targets as text (``"figure>=value"``) and the
    search as ``"PATH=LOW:HIGH"``; returns the staffing.csv table, with the answer in
    ``table.attrs``: ``answer`` (the least level, or None), ``monotone``, ``message``
    and ``erlang`` (a dict, or None). ``options`` are passed on (replications, workers,
    scheduler, erlang_max_p_wait).

    Raises :class:`ScenarioError` for a malformed target or search, or an unknown path
    or figure.
    """
    parsed = [t if isinstance(t, Target) else parse_target(t) for t in targets]
    path, levels = parse_levels(vary)
    answer = least_staffing(scenario, parsed, path, levels, **options)  # type: ignore[arg-type]
    table = answer.table()
    table.attrs.update(
        answer=answer.value,
        monotone=answer.monotone,
        message=answer.message,
        erlang=None if answer.erlang is None else vars(answer.erlang).copy(),
    )
    return table
