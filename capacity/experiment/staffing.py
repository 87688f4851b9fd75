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

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

import pandas as pd

from capacity.experiment.erlang import erlang_c_staffing
from capacity.experiment.results import Result
from capacity.experiment.runner import RunResult, resolve_scenario, run_experiment
from capacity.experiment.settings import Settings
from capacity.experiment.vary import parse_variation
from capacity.model import figure_catalogue
from capacity.outputs.staffing import STAFFING_COLUMNS, write_staffing
from capacity.scenario import Scenario, ScenarioError, with_changes

__all__ = [
    "ErlangCheck",
    "StaffingResult",
    "Target",
    "least_staffing",
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


@dataclass(frozen=True, repr=False)
class StaffingResult(Result):
    """The outcome of :func:`least_staffing`.

    Attributes:
        scenario: the office as searched (with the settings applied; every level is it
            with ``path`` set to the level).
        settings: how each level was run.
        path: the dotted path searched (e.g. ``staff.follow_up.headcount``).
        targets: the bounds every level had to meet with its whole 95 % interval.
        answer: the least level meeting every target, or None if none in the range does.
        levels: each level simulated -> its :class:`~capacity.experiment.runner.RunResult`.
        monotone: False when the level above the answer failed a target (the assumption
            behind bisection broke there).
        erlang: the Erlang C staffing for the varied team's measured load, or None
            when the path is not a team's headcount.
        message: the answer in words.
        summary: one row per level simulated and target (``staffing.csv``): the level
            (column named by the path), ``figure``, ``target``, ``mean``, ``ci_low``,
            ``ci_high``, ``meets``.
        warnings: messages for people from every level's replications, each once,
            prefixed with the level.
        started_at: when the search started (UTC).
    """

    kind: ClassVar[str] = "least staffing"

    scenario: Scenario
    settings: Settings
    path: str
    targets: tuple[Target, ...]
    answer: int | None
    levels: dict[int, RunResult]
    monotone: bool
    erlang: ErlangCheck | None
    message: str
    summary: pd.DataFrame
    warnings: tuple[str, ...]
    started_at: dt.datetime

    def title(self) -> str:
        targets = ", ".join(map(str, self.targets))
        return f"{self.scenario.run.name}: least {self.path} meeting {targets}"

    def lines(self) -> list[str]:
        return [self.message]

    def save(
        self, folder: str | Path = "results", *, run_id: str | None = None, command: str = ""
    ) -> Path:
        """Write ``folder/<scenario name>/staffing-<run id>/`` (``staffing.csv`` and
        ``manifest.json``) as ``capacity staff`` does and return it (see
        :func:`capacity.outputs.staffing.write_staffing`)."""
        return write_staffing(self, Path(folder), run_id=run_id, command=command)


def _summary(path: str, targets: Sequence[Target], levels: dict[int, RunResult]) -> pd.DataFrame:
    rows = []
    for level in sorted(levels):
        summary = levels[level].summary.set_index("name")
        for target in targets:
            s = summary.loc[target.figure]
            rows.append(
                (
                    level,
                    target.figure,
                    f"{target.op}{target.value:g}",
                    s["mean"],
                    s["ci_low"],
                    s["ci_high"],
                    target.met_by(s["mean"], s["ci_low"], s["ci_high"]),
                )
            )
    return pd.DataFrame(rows, columns=[path, *STAFFING_COLUMNS])


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
    lowest = with_changes(scenario, {path: min(values)})
    with_changes(scenario, {path: max(values)})
    kept: Any = lowest.model_dump()
    for part in path.split("."):
        kept = kept[int(part)] if isinstance(kept, list) else kept[part]
    if isinstance(kept, bool) or not isinstance(kept, int):
        raise ScenarioError(
            "staffing",
            [
                f"{path}: not a whole-number field (it holds {kept!r}); the search is for "
                "numbers of people, such as staff.<team>.headcount"
            ],
        )


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
    scenario: Scenario | str | Path,
    targets: Sequence[str | Target] | str | Target,
    vary: str,
    settings: Settings | None = None,
    *,
    erlang_max_p_wait: float | None = None,
    on_level: Callable[[int], None] | None = None,
    **options: Any,
) -> StaffingResult:
    """The least value of a whole-number field (e.g. ``staff.follow_up.headcount``) whose
    95 % intervals meet every target, by bisection.

    Args:
        scenario: the office (or the path or bundled name of one); every other field
            stays as it is.
        targets: bounds on key figures, all of which must be met: :class:`Target` or
            text ``"figure>=value"`` / ``"figure<=value"``; one may be given alone.
        vary: the field and its candidate levels, ``"PATH=LOW:HIGH"`` (or a list, see
            :func:`parse_levels`).
        settings: how each level is run (``replications``, at least 2, default the
            scenario's; ``progress`` is passed on to each level's replications).
        erlang_max_p_wait: P(wait) target for the Erlang-C comparison, 0..1; default
            the value of a ``waited_<task>_share<=`` target if there is one, else 0.2.
        on_level: called with each level just before it is simulated.
        **options: settings by keyword, applied over ``settings``.

    Returns:
        A :class:`StaffingResult` whose ``answer`` is the least level, or None.

    Raises:
        ScenarioError: a malformed target or search, an unknown figure or path, a
            level the scenario rejects, fewer than 2 replications, automatic
            replications or warm-up.
        TypeError: an option that is not a setting.
        OSError: the scheduler cannot be reached.
    """
    settings = Settings.of(settings, **options)
    settings.require_fixed("a staffing search")
    started_at = dt.datetime.now(dt.UTC)
    # One target may be given alone, as text or a Target.
    listed = [targets] if isinstance(targets, str | Target) else list(targets)
    parsed = tuple(t if isinstance(t, Target) else parse_target(t) for t in listed)
    path, values = parse_levels(vary)
    chosen = settings.apply(resolve_scenario(scenario))
    levels = sorted(set(values))
    _check_inputs(chosen, parsed, path, levels)
    count = chosen.run.replications
    if count < 2:
        raise ScenarioError(
            "settings",
            [f"replications: needs at least 2 per level for a confidence interval (given {count})"],
        )
    if erlang_max_p_wait is None:
        waits = [t.value for t in parsed if t.op == "<=" and t.figure.startswith("waited_")]
        erlang_max_p_wait = min(waits) if waits and 0 < min(waits) <= 1 else 0.2
    evaluated: dict[int, RunResult] = {}
    per_level = settings.replace(replications=None, seed=None, horizon_days=None, warm_up_days=None)

    def meets(level: int) -> bool:
        if level not in evaluated:
            if on_level is not None:
                on_level(level)
            evaluated[level] = run_experiment(with_changes(chosen, {path: level}), per_level)
        summary = evaluated[level].summary.set_index("name")
        return all(t.met_by(*summary.loc[t.figure, ["mean", "ci_low", "ci_high"]]) for t in parsed)

    answer: int | None = None
    monotone = True
    top = levels[-1]
    message = ""
    if not meets(top):
        message = (
            f"No value of {path} in {levels[0]}..{top} meets every target: even {top} does not."
        )
    elif meets(levels[0]):
        answer = levels[0]
    else:
        low, high = 0, len(levels) - 1  # levels[low] fails, levels[high] meets
        while high - low > 1:
            mid = (low + high) // 2
            if meets(levels[mid]):
                high = mid
            else:
                low = mid
        answer = levels[high]
    if answer is not None:
        position = levels.index(answer)
        if position + 1 < len(levels):
            monotone = meets(levels[position + 1])
        message = (
            f"The least {path} that meets every target is {answer}."
            if monotone
            else f"{path} = {answer} meets every target but {levels[position + 1]} "
            "does not: the targets are not monotone here, so bisection may have missed a "
            "smaller value; simulate the range with 'capacity sweep' to see."
        )
    return StaffingResult(
        scenario=chosen,
        settings=settings,
        path=path,
        targets=parsed,
        answer=answer,
        levels=dict(sorted(evaluated.items())),
        monotone=monotone,
        erlang=_erlang(chosen, path, top, evaluated[top].summary, erlang_max_p_wait),
        message=message,
        summary=_summary(path, parsed, evaluated),
        warnings=tuple(
            dict.fromkeys(
                f"{path} = {level}: {message}"
                for level, result in sorted(evaluated.items())
                for message in result.warnings
            )
        ),
        started_at=started_at,
    )


def parse_levels(vary: str) -> tuple[str, list[int]]:
    """``"PATH=LOW:HIGH"`` as the path and its levels, every whole number from LOW to
    HIGH (bisection may skip none of them, or the least that meets the targets could lie
    between two candidates).

    Raises :class:`ScenarioError` for a malformed specification, a list or a step
    instead of ``LOW:HIGH``, or a level that is not a whole number.
    """
    if not re.fullmatch(r"[^=]+=\s*[-+]?\d+\s*:\s*[-+]?\d+\s*", vary):
        raise ScenarioError(
            "--vary",
            [
                f"{vary}: give the levels to search as PATH=LOW:HIGH in whole numbers, such "
                "as staff.follow_up.headcount=5:20 (every level between is a candidate)"
            ],
        )
    variation = parse_variation(vary)
    levels = [v for v in variation.values if isinstance(v, int) and not isinstance(v, bool)]
    if len(levels) != len(variation.values):
        raise ScenarioError("--vary", [f"{vary}: the levels must be whole numbers"])
    return variation.path, levels
