"""Who does what: the teams in force under the chosen organisation, and the rules that
tie streams, case types and teams together.

This is pure data about a scenario (no simulation state), shared by validation and by
the model so that both read the same routing.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import itertools
import math
from collections import Counter
from dataclasses import dataclass

from capacity.scenario.inflow import rate_steps
from capacity.scenario.schema import TASKS, CaseType, Scenario, Team

__all__ = [
    "DatedDisturbance",
    "EffectiveTeam",
    "cross_field_problems",
    "dated_disturbances",
    "effective_teams",
    "expected_users",
    "is_reception_only",
    "needed_task_kinds",
    "routing_warnings",
    "team_for_task",
]


@dataclass(frozen=True)
class EffectiveTeam:
    """A team as it works under the organisation model.

    ``members`` holds, per person, the name of the configured team they come from (which
    sets their FTE, case-work share and absence). ``task_kinds`` is the set of
    ``<case type>.<task>`` strings the team does.
    """

    name: str
    members: tuple[str, ...]
    task_kinds: frozenset[str]

    @property
    def case_types(self) -> frozenset[str]:
        """Case types the team's portfolio covers (for the task-switching penalty)."""
        return frozenset(kind.split(".", 1)[0] for kind in self.task_kinds)


def needed_task_kinds(name: str, case_type: CaseType) -> list[str]:
    """Task kinds the users of one case type can generate, in :data:`TASKS` order."""
    stages = set(case_type.stages)
    benefit_started = bool(stages & {"plan", "follow_up"})
    needed = set()
    if "reception" in stages:
        needed.add("reception")
    if "assessment" in stages:
        needed.add("assessment")
        if case_type.assessment.disability_share > 0:
            needed.add("disability")
    if "plan" in stages:
        needed.add("plan")
    if "follow_up" in stages:
        needed.update({"follow_up", "renewal"})
    follow = case_type.follow_up
    if benefit_started and (
        follow.exit_per_year.disability > 0 or follow.at_max_period.disability_share > 0
    ):
        needed.add("disability")
    return [f"{name}.{task}" for task in TASKS if task in needed]


def _matches(pattern: str, kind: str) -> bool:
    return fnmatch.fnmatchcase(kind, pattern)


def _configured_kinds(team: Team, all_kinds: list[str]) -> frozenset[str]:
    return frozenset(k for k in all_kinds if any(_matches(p, k) for p in team.tasks))


def is_reception_only(team: Team) -> bool:
    """True when every pattern of the team is a reception task (a front-desk team)."""
    return all(p.endswith(".reception") for p in team.tasks)


def effective_teams(scenario: Scenario) -> list[EffectiveTeam]:
    """The teams in force, in configuration order, with the task kinds each one does.

    Under ``generalist`` every team that does more than reception is merged into one team
    named ``generalist`` that does every task kind not done by a reception-only team.
    """
    all_kinds = [
        kind for name, ct in scenario.case_types.items() for kind in needed_task_kinds(name, ct)
    ]
    if scenario.organisation.model != "generalist":
        return [
            EffectiveTeam(name, (name,) * team.headcount, _configured_kinds(team, all_kinds))
            for name, team in scenario.staff.items()
        ]
    teams: list[EffectiveTeam] = []
    reception_kinds: set[str] = set()
    members: list[str] = []
    for name, team in scenario.staff.items():
        if is_reception_only(team):
            kinds = _configured_kinds(team, all_kinds)
            reception_kinds |= kinds
            teams.append(EffectiveTeam(name, (name,) * team.headcount, kinds))
        else:
            members.extend([name] * team.headcount)
    rest = frozenset(k for k in all_kinds if k not in reception_kinds)
    if rest or members:
        teams.append(EffectiveTeam("generalist", tuple(members), rest))
    return teams


def team_for_task(teams: list[EffectiveTeam], kind: str) -> EffectiveTeam | None:
    """The first team (in configuration order) that does ``kind``, or None."""
    for team in teams:
        if kind in team.task_kinds:
            return team
    return None


def cross_field_problems(scenario: Scenario) -> list[str]:
    """Every rule that ties parts of the scenario together, as 'dotted.path: message'.

    Checked: streams and initial groups name an existing case type and a stage of its
    pathway; dates lie inside the horizon; team task patterns name real case types and
    tasks; every task kind that users can generate is done by some team; the split_aap
    layout. Returns an empty list when all hold.
    """
    problems: list[str] = []
    run = scenario.run
    case_names = sorted(scenario.case_types)

    def in_horizon(path: str, date: object) -> None:
        if not run.start_date <= date < run.end_date:  # type: ignore[operator]
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

    for tname, team in scenario.staff.items():
        for j, pattern in enumerate(team.tasks):
            head, dot, task = pattern.partition(".")
            bad_task = task != "*" and task not in TASKS
            if not dot or bad_task or (head != "*" and head not in scenario.case_types):
                problems.append(
                    f"staff.{tname}.tasks.{j}: '{pattern}' is not '<case type>.<task>' "
                    f"(case types: *, {', '.join(case_names)}; tasks: *, {', '.join(TASKS)})"
                )
    if problems:
        return problems

    expected = expected_users(scenario)
    if expected > MAX_USERS:
        problems.append(
            f"(scenario): about {expected:,.0f} users would enter in one replication "
            f"(initial users, streams and batches over {run.horizon_days} days); the model "
            f"holds at most {MAX_USERS:,} (lower rates, batches or run.horizon_days)"
        )

    timeline = _timeline_problems(scenario)
    if timeline:
        return problems + timeline

    from capacity.scenario.workforce import workforce_plan

    plan = workforce_plan(scenario)
    problems += plan.problems
    for model, teams in plan.layouts.items():
        where = "" if model == scenario.organisation.model else f" (under model '{model}')"
        for name, ct in scenario.case_types.items():
            for kind in needed_task_kinds(name, ct):
                if team_for_task(teams, kind) is None:
                    problems.append(
                        f"staff: no team does '{kind}'{where}, which users of case type "
                        f"'{name}' need (add it to some team's tasks, e.g. '{kind}' or "
                        f"'*.{kind.split('.')[1]}')"
                    )
        if model == "split_aap":
            problems += _split_aap_problems(scenario, teams)
    return problems


@dataclass(frozen=True)
class DatedDisturbance:
    """A dated disturbance of a scenario: its figure name, what it is, where it is
    configured (a dotted path) and the days ``first_day <= d < end_day`` it covers
    (equal for an instant such as a reorganisation)."""

    name: str
    kind: str
    path: str
    first_day: int
    end_day: int

    @property
    def instant(self) -> bool:
        """True when it has no duration (a reorganisation)."""
        return self.end_day == self.first_day


def dated_disturbances(scenario: Scenario) -> list[DatedDisturbance]:
    """Every dated disturbance (absence waves, IT outages, arrival surges,
    reorganisations) with its configured or default name (``absence_wave_<n>``,
    ``it_outage_<n>``, ``<stream>_surge_<n>``, ``reorganisation_<n>``)."""
    start = scenario.run.start_date
    found = []
    for i, wave in enumerate(scenario.absence_waves):
        found.append(
            DatedDisturbance(
                wave.name or f"absence_wave_{i + 1}",
                "absence wave",
                f"absence_waves.{i}.name",
                (wave.start_date - start).days,
                (wave.end_date - start).days,
            )
        )
    for i, outage in enumerate(scenario.it_outages):
        first = (outage.date - start).days
        found.append(
            DatedDisturbance(
                outage.name or f"it_outage_{i + 1}",
                "IT outage",
                f"it_outages.{i}.name",
                first,
                first + max(1, math.ceil((outage.start_hour + outage.hours) / 24)),
            )
        )
    for stream_name, stream in scenario.streams.items():
        for i, surge in enumerate(stream.surges):
            found.append(
                DatedDisturbance(
                    surge.name or f"{stream_name}_surge_{i + 1}",
                    "arrival surge",
                    f"streams.{stream_name}.surges.{i}.name",
                    (surge.start_date - start).days,
                    (surge.end_date - start).days,
                )
            )
    for i, reorg in enumerate(scenario.reorganisations):
        day = (reorg.date - start).days
        found.append(
            DatedDisturbance(
                f"reorganisation_{i + 1}", "reorganisation", f"reorganisations.{i}", day, day
            )
        )
    return found


def _timeline_problems(scenario: Scenario) -> list[str]:
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


def _split_aap_problems(scenario: Scenario, teams: list[EffectiveTeam]) -> list[str]:
    problems: list[str] = []
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


MAX_USERS = 2_000_000
"""Most users that may enter one replication (memory grows with users in the office)."""


def expected_users(scenario: Scenario) -> float:
    """Expected number of users entering one replication: initial users, batches and the
    streams' rates integrated over the horizon."""
    run = scenario.run
    total = float(sum(g.users for g in scenario.initial_state))
    for stream in scenario.streams.values():
        total += sum(b.users for b in stream.batches)
        points = rate_steps(stream, run)
        for i, (begin, rate) in enumerate(points):
            end = points[i + 1][0] if i + 1 < len(points) else run.end_date
            total += rate * max(0, (end - begin).days) / 7
    return total


def routing_warnings(scenario: Scenario) -> list[str]:
    """Things that will run but are probably not meant: a team with no people that still
    receives work (the work will wait for ever), or nobody to simulate at all."""
    warnings = []
    if not scenario.initial_state and not any(
        s.rate_per_week > 0 or s.batches or any(c.rate_per_week > 0 for c in s.rate_changes)
        for s in scenario.streams.values()
    ):
        warnings.append("no initial users and no arrivals: there is nobody to simulate")
    from capacity.scenario.workforce import workforce_plan

    plan = workforce_plan(scenario)
    start = scenario.run.start_date
    bounds = [0, *plan.change_days, scenario.run.horizon_days]
    for first, end in itertools.pairwise(bounds):
        teams = plan.layouts[plan.model_on(first)]
        people = Counter(plan.effective_team(i, first) for i in range(len(plan.persons)))
        for team in teams:
            if people[team.name] or not team.task_kinds:
                continue
            routed = sorted(k for k in team.task_kinds if team_for_task(teams, k) is team)
            if not routed:
                continue
            if first == 0 and end == scenario.run.horizon_days:
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
                if end < scenario.run.horizon_days
                else f"{when} but is routed {', '.join(routed)}: that work will queue and "
                "never be done"
            )
    return warnings
