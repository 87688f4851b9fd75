"""The rules that tie the sections of a scenario together, and the warnings about things
that will run but are probably not meant.

Each rule gives its problem as 'dotted.path: message'. They are checked when a scenario
is compiled (:func:`capacity.scenario.compiled.compile_scenario`), in stages: names and
references first (later rules need them), then the size of the run and the dated
sections, then the workforce and the routing under every organisation model used.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from capacity.scenario.disturbance_dates import dated_disturbances
from capacity.scenario.routing import Layout, needed_task_kinds, team_for_task
from capacity.scenario.vocabulary import TASKS

if TYPE_CHECKING:
    from capacity.scenario.schema import Scenario
    from capacity.scenario.workforce import Workforce

__all__ = [
    "MAX_USERS",
    "expected_users",
    "reference_problems",
    "routing_problems",
    "routing_warnings",
    "task_names",
    "timeline_problems",
    "uncertain_problems",
]

MAX_USERS = 2_000_000
"""Most users that may enter one replication (memory grows with users in the office)."""


def reference_problems(scenario: Scenario) -> list[str]:
    """Streams and initial groups name an existing case type and a stage of its pathway;
    dates of streams lie inside the horizon; team task patterns name real case types and
    tasks."""
    problems: list[str] = []
    run = scenario.run
    case_names = sorted(scenario.case_types)

    def in_horizon(path: str, date: dt.date) -> None:
        if not run.start_date <= date < run.end_date:
            problems.append(
                f"{path}: date {date} is outside the horizon "
                f"{run.start_date} .. {run.end_date} (exclusive)"
            )

    for sname, stream in scenario.streams.items():
        base = f"streams.{sname}"
        ct = scenario.case_types.get(stream.case_type)
        if ct is None:
            problems.append(
                f"{base}.case_type: unknown case type '{stream.case_type}' "
                f"(allowed: {', '.join(case_names)})"
            )
        elif stream.entry_stage is not None and stream.entry_stage not in ct.stages:
            problems.append(
                f"{base}.entry_stage: '{stream.entry_stage}' is not a stage of case type "
                f"'{stream.case_type}' (allowed: {', '.join(ct.stages)})"
            )
        for i, change in enumerate(stream.rate_changes):
            in_horizon(f"{base}.rate_changes.{i}.from_date", change.from_date)
        for i, batch in enumerate(stream.batches):
            in_horizon(f"{base}.batches.{i}.date", batch.date)
        for i, surge in enumerate(stream.surges):
            in_horizon(f"{base}.surges.{i}.start_date", surge.start_date)
            if surge.end_date > run.end_date:
                problems.append(
                    f"{base}.surges.{i}.end_date: date {surge.end_date} is after the end of "
                    f"the horizon {run.end_date} (the first day after the surge may be at "
                    "most the first day after the horizon)"
                )

    for name, ct in scenario.case_types.items():
        stage = ct.reentry.entry_stage
        if stage is not None and stage not in ct.stages:
            problems.append(
                f"case_types.{name}.reentry.entry_stage: '{stage}' is not a stage of case "
                f"type '{name}' (allowed: {', '.join(ct.stages)})"
            )

    for i, group in enumerate(scenario.initial_state):
        base = f"initial_state.{i}"
        ct = scenario.case_types.get(group.case_type)
        if ct is None:
            problems.append(
                f"{base}.case_type: unknown case type '{group.case_type}' "
                f"(allowed: {', '.join(case_names)})"
            )
        elif group.stage not in ct.stages:
            problems.append(
                f"{base}.stage: '{group.stage}' is not a stage of case type "
                f"'{group.case_type}' (allowed: {', '.join(ct.stages)})"
            )
        if group.stage != "follow_up" and group.with_valid_plan_share != 1.0:
            problems.append(
                f"{base}.with_valid_plan_share: applies only to users in stage follow_up "
                f"(this group is in '{group.stage}'; users before follow-up have no plan yet)"
            )

    names = task_names(scenario)
    for tname, team in scenario.staff.items():
        for j, pattern in enumerate(team.tasks):
            head, dot, task = pattern.partition(".")
            bad_task = task != "*" and task not in names
            if not dot or bad_task or (head != "*" and head not in scenario.case_types):
                problems.append(
                    f"staff.{tname}.tasks.{j}: '{pattern}' is not '<case type>.<task>' "
                    f"(case types: *, {', '.join(case_names)}; tasks: *, {', '.join(names)})"
                )
    for j, name in enumerate(scenario.organisation.priority):
        if name not in names:
            problems.append(
                f"organisation.priority.{j}: '{name}' is neither a stage's task nor a kind of "
                f"work a case type declares (tasks: {', '.join(names)})"
            )
    first: dict[str, tuple[str, str, bool]] = {}
    for name, ct in scenario.case_types.items():
        for j, kind in enumerate(ct.work):
            path = f"case_types.{name}.work.{j}"
            seen = first.setdefault(kind.name, (path, kind.done_by, kind.overdue_first))
            if seen[1:] != (kind.done_by, kind.overdue_first):
                problems.append(
                    f"{path}: '{kind.name}' is declared at {seen[0]} too, with another "
                    "done_by or overdue_first; one name is one queue, so they must agree"
                )
            if kind.arises == "at_stage" and kind.stage not in ct.stages:
                problems.append(
                    f"{path}.stage: '{kind.stage}' is not a stage of case type '{name}' "
                    f"(allowed: {', '.join(ct.stages)})"
                )
            outside = [s for s in kind.during if s not in ct.stages]
            if kind.arises in ("every", "per_user") and outside:
                problems.append(
                    f"{path}.during: {outside} are not stages of case type '{name}' "
                    f"(allowed: {', '.join(ct.stages)})"
                )
    return problems


def task_names(scenario: Scenario) -> tuple[str, ...]:
    """Every task name of the scenario: the stages' (:data:`TASKS`), then each kind of
    work a case type declares, in the order first declared."""
    declared = [kind.name for ct in scenario.case_types.values() for kind in ct.work]
    return (*TASKS, *dict.fromkeys(declared))


_MISSING = object()


def value_at(data: Any, path: str) -> Any:
    """The value at dotted ``path`` in scenario data (a ``model_dump``), or a marker
    object that is no value when the path leads nowhere."""
    node = data
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def uncertain_problems(scenario: Scenario) -> list[str]:
    """Each uncertain value names a value of the scenario, once, and a range is given
    only for a number."""
    problems: list[str] = []
    data = scenario.model_dump(mode="python")
    seen: set[str] = set()
    for i, item in enumerate(scenario.uncertain):
        where = f"uncertain.{i}.path"
        current = value_at(data, item.path)
        if item.path.startswith("run."):
            problems.append(
                f"{where}: '{item.path}' says how to run, not what the office is; [run] "
                "values cannot be uncertain"
            )
            continue
        if item.path.startswith("uncertain.") or current is _MISSING:
            problems.append(
                f"{where}: '{item.path}' is not a value of this scenario (write the dotted "
                "path of a field outside [run], as for capacity sweep)"
            )
            continue
        if item.path in seen:
            problems.append(f"{where}: '{item.path}' is listed twice")
        seen.add(item.path)
        if item.low is None or item.high is None:
            continue
        # The scenario's own value may lie outside the range: a sweep or a staffing
        # search tries values beyond what is plausible for the office as it is.
        if isinstance(current, bool) or not isinstance(current, int | float):
            problems.append(
                f"{where}: '{item.path}' is {current!r}, not a number; give its "
                "alternatives as values instead of low and high"
            )
        elif isinstance(current, int) and not (
            float(item.low).is_integer() and float(item.high).is_integer()
        ):
            problems.append(
                f"uncertain.{i}: '{item.path}' is a whole number; give whole-number ends "
                f"(given {item.low:g} .. {item.high:g})"
            )
    return problems


def expected_users(
    scenario: Scenario, rate_steps: Mapping[str, Sequence[tuple[dt.date, float]]]
) -> float:
    """Expected number of users entering one replication: initial users, batches and the
    streams' rates (``rate_steps``, by stream) integrated over the horizon."""
    run = scenario.run
    total = float(sum(g.users for g in scenario.initial_state))
    for name, stream in scenario.streams.items():
        total += sum(b.users for b in stream.batches)
        points = rate_steps[name]
        for i, (begin, rate) in enumerate(points):
            end = points[i + 1][0] if i + 1 < len(points) else run.end_date
            total += rate * max(0, (end - begin).days) / 7
    return total


def size_problems(scenario: Scenario, expected: float) -> list[str]:
    """A run too large for the model (more than :data:`MAX_USERS` expected users)."""
    if expected <= MAX_USERS:
        return []
    return [
        f"(scenario): about {expected:,.0f} users would enter in one replication "
        f"(initial users, streams and batches over {scenario.run.horizon_days} days); the "
        f"model holds at most {MAX_USERS:,} (lower rates, batches or run.horizon_days)"
    ]


def timeline_problems(scenario: Scenario) -> list[str]:
    """Dates, team names and disturbance names of the change-over-time sections."""
    problems: list[str] = []
    run = scenario.run
    teams = ", ".join(scenario.staff)
    for i, wave in enumerate(scenario.absence_waves):
        path = f"absence_waves.{i}"
        if not run.start_date <= wave.start_date < run.end_date:
            problems.append(
                f"{path}.start_date: {wave.start_date} is outside the horizon "
                f"{run.start_date} .. {run.end_date} (exclusive)"
            )
        for j, team in enumerate(wave.teams):
            if team not in scenario.staff:
                problems.append(f"{path}.teams.{j}: unknown team '{team}' (allowed: {teams})")
    for i, outage in enumerate(scenario.it_outages):
        if not run.start_date <= outage.date < run.end_date:
            problems.append(
                f"it_outages.{i}.date: {outage.date} is outside the horizon "
                f"{run.start_date} .. {run.end_date} (exclusive)"
            )
    # Reorganisations first, so a wave named like one is the one blamed.
    named = sorted(dated_disturbances(scenario), key=lambda d: d.kind != "reorganisation")
    seen: dict[str, str] = {}
    for d in named:
        if d.name in seen:
            problems.append(f"{d.path}: name '{d.name}' is already used by {seen[d.name]}")
        seen.setdefault(d.name, d.path)
    return problems


def routing_problems(scenario: Scenario, layouts: Mapping[str, Layout]) -> list[str]:
    """Under every organisation model used, every task kind that users can generate is
    done by some team; under ``split_aap``, the AAP layout holds (assessment and plan in
    one team, follow-up in another)."""
    problems: list[str] = []
    for model, layout in layouts.items():
        where = "" if model == scenario.organisation.model else f" (under model '{model}')"
        for name, ct in scenario.case_types.items():
            for kind in needed_task_kinds(name, ct):
                if kind not in layout.route:
                    problems.append(
                        f"staff: no team does '{kind}'{where}, which users of case type "
                        f"'{name}' need (add it to some team's tasks, e.g. '{kind}' or "
                        f"'*.{kind.split('.')[1]}')"
                    )
        if model == "split_aap":
            problems += _split_aap_problems(scenario, layout)
    return problems


def _split_aap_problems(scenario: Scenario, layout: Layout) -> list[str]:
    problems: list[str] = []
    teams = layout.teams
    for name, ct in scenario.case_types.items():
        if not ct.aap:
            continue
        kinds = dict.fromkeys(needed_task_kinds(name, ct))
        assess = (
            team_for_task(teams, f"{name}.assessment") if f"{name}.assessment" in kinds else None
        )
        plan = team_for_task(teams, f"{name}.plan") if f"{name}.plan" in kinds else None
        follow = team_for_task(teams, f"{name}.follow_up") if f"{name}.follow_up" in kinds else None
        if assess and plan and assess.name != plan.name:
            problems.append(
                f"organisation.model: split_aap needs '{name}.assessment' and "
                f"'{name}.plan' in one team (given teams '{assess.name}' and '{plan.name}')"
            )
        if plan and follow and plan.name == follow.name:
            problems.append(
                f"organisation.model: split_aap needs '{name}.follow_up' in another team "
                f"than '{name}.plan' (both are in team '{plan.name}')"
            )
    return problems


def routing_warnings(
    scenario: Scenario, workforce: Workforce, layouts: Mapping[str, Layout]
) -> list[str]:
    """Things that will run but are probably not meant: a team with no people that still
    receives work (the work will wait for ever), or nobody to simulate at all."""
    warnings = []
    if not scenario.initial_state and not any(
        s.rate_per_week > 0 or s.batches or any(c.rate_per_week > 0 for c in s.rate_changes)
        for s in scenario.streams.values()
    ):
        warnings.append("no initial users and no arrivals: there is nobody to simulate")
    start = scenario.run.start_date
    horizon = scenario.run.horizon_days
    bounds = [0, *workforce.change_days, horizon]
    for first, end in itertools.pairwise(bounds):
        layout = layouts[workforce.model_on(first)]
        people = Counter(workforce.effective_team(i, first) for i in range(len(workforce.persons)))
        for team in layout.teams:
            if people[team.name] or not team.task_kinds:
                continue
            routed = sorted(k for k in team.task_kinds if layout.route.get(k) == team.name)
            if not routed:
                continue
            if first == 0 and end == horizon:
                when = f"team '{team.name}' has no headcount"
            else:
                last = start + dt.timedelta(days=end - 1)
                when = (
                    f"team '{team.name}' has nobody from {start + dt.timedelta(days=first)} "
                    f"to {last}"
                )
            warnings.append(
                f"{when} but is routed {', '.join(routed)}: that work will queue and not be "
                "done meanwhile"
                if end < horizon
                else f"{when} but is routed {', '.join(routed)}: that work will queue and "
                "never be done"
            )
    return warnings
