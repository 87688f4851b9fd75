"""Who does what: the teams in force under an organisation model and the task kinds
each one does.

Pure data about a scenario (no simulation state). The model routes tasks by the
:class:`Layout` of the model in force; see :class:`capacity.model.office.Office` for the
rule that sends one task to a queue.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from capacity.scenario.vocabulary import TASKS

if TYPE_CHECKING:
    from capacity.scenario.schema import CaseType, Scenario, Team

__all__ = [
    "EffectiveTeam",
    "Layout",
    "effective_teams",
    "is_reception_only",
    "layout",
    "needed_task_kinds",
    "team_for_task",
]


@dataclass(frozen=True)
class EffectiveTeam:
    """A team as it works under the organisation model.

    ``members`` holds, per person at time 0, the name of the configured team they come
    from (which sets their FTE, case-work share and absence). ``task_kinds`` is the set
    of ``<case type>.<task>`` strings the team does.
    """

    name: str
    members: tuple[str, ...]
    task_kinds: frozenset[str]

    @property
    def case_types(self) -> frozenset[str]:
        """Case types the team's portfolio covers (for the task-switching penalty)."""
        return frozenset(kind.split(".", 1)[0] for kind in self.task_kinds)

    def switching_multiplier(self, penalty: float) -> float:
        """Factor on service time for the portfolio: ``1 + penalty * (n - 1)``, n the
        number of case types the team works on beyond reception (at least 1)."""
        worked = {k.split(".")[0] for k in self.task_kinds if not k.endswith(".reception")}
        return 1.0 + penalty * max(0, len(worked) - 1)


@dataclass(frozen=True)
class Layout:
    """The teams in force under one organisation model, in scenario order, and the
    routing table: each task kind goes to the first of them that does it."""

    model: str
    teams: tuple[EffectiveTeam, ...]
    route: Mapping[str, str]
    """Task kind -> name of the team in force for it (kinds no team does are absent)."""


def needed_task_kinds(name: str, case_type: CaseType) -> list[str]:
    """Task kinds the users of one case type can generate: its stages' in :data:`TASKS`
    order, then its declared kinds of work in the order declared."""
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
    declared = [kind.name for kind in case_type.work]
    return [f"{name}.{task}" for task in (*TASKS, *declared) if task in needed or task in declared]


def _configured_kinds(team: Team, all_kinds: list[str]) -> frozenset[str]:
    return frozenset(
        k for k in all_kinds if any(fnmatch.fnmatchcase(k, pattern) for pattern in team.tasks)
    )


def is_reception_only(team: Team) -> bool:
    """True when every pattern of the team is a reception task (a front-desk team)."""
    return all(p.endswith(".reception") for p in team.tasks)


def effective_teams(scenario: Scenario, model: str) -> list[EffectiveTeam]:
    """The teams in force under organisation model ``model``, in configuration order,
    with the task kinds each one does.

    Under ``generalist`` every team that does more than reception is merged into one team
    named ``generalist`` that does every task kind not done by a reception-only team.
    """
    all_kinds = [
        kind for name, ct in scenario.case_types.items() for kind in needed_task_kinds(name, ct)
    ]
    if model != "generalist":
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


def team_for_task(
    teams: list[EffectiveTeam] | tuple[EffectiveTeam, ...], kind: str
) -> EffectiveTeam | None:
    """The first team (in configuration order) that does ``kind``, or None."""
    for team in teams:
        if kind in team.task_kinds:
            return team
    return None


def layout(scenario: Scenario, model: str) -> Layout:
    """The :class:`Layout` of ``scenario`` under organisation model ``model``."""
    teams = effective_teams(scenario, model)
    route: dict[str, str] = {}
    for team in teams:
        for kind in sorted(team.task_kinds):
            route.setdefault(kind, team.name)
    return Layout(model, tuple(teams), route)
