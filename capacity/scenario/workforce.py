"""Who works where, day by day: the people of a scenario and their dated changes.

Pure data derived from a scenario (no random numbers), shared by validation and by the
model. Each person is created from a configured team (at time 0 or by a hire) and keeps
that team's case-work share and absence settings; their FTE, their configured team
(after moves) and their employment (after leaving) change on dates. Which effective team
they belong to on a day follows from their configured team and the organisation model in
force that day (see :func:`capacity.scenario.routing.effective_teams`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from dataclasses import dataclass, field

from capacity.scenario.routing import EffectiveTeam, effective_teams, is_reception_only
from capacity.scenario.schema import Scenario

__all__ = ["Mentoring", "Person", "WorkforcePlan", "workforce_plan"]


@dataclass
class Person:
    """One caseworker over the whole horizon.

    ``origin`` is the configured team they were first in and ``position`` their number
    in it (0-based; hires continue the count), which key their random streams.
    ``teams`` and ``fte`` are (first day, value) steps from ``hire_day`` on; the person
    is employed on days ``hire_day <= d < leave_day`` (``leave_day`` None: to the end).
    """

    origin: str
    position: int
    hire_day: int
    leave_day: int | None = None
    teams: list[tuple[int, str]] = field(default_factory=list)
    fte: list[tuple[int, float]] = field(default_factory=list)

    @property
    def hired(self) -> bool:
        """True for people who join by a hire (not there at time 0)."""
        return self.hire_day > 0

    def employed(self, day: int) -> bool:
        """Is the person employed on ``day``?"""
        return self.hire_day <= day and (self.leave_day is None or day < self.leave_day)

    def team_on(self, day: int) -> str | None:
        """Configured team on ``day``, or None when not employed."""
        if not self.employed(day):
            return None
        return _step_value(self.teams, day)

    def fte_on(self, day: int) -> float:
        """FTE on ``day`` (the first value before the hire day)."""
        return _step_value(self.fte, max(day, self.hire_day))


def _step_value(steps, day):
    days = [d for d, _ in steps]
    return steps[max(0, bisect.bisect_right(days, day) - 1)][1]


@dataclass(frozen=True)
class Mentoring:
    """``mentor`` (a person index) gives ``hours_per_week`` of case-work time on days
    ``first_day <= d < end_day`` to train a new colleague."""

    mentor: int
    trainee: int
    first_day: int
    end_day: int
    hours_per_week: float


@dataclass
class WorkforcePlan:
    """People, organisation models and mentoring over the horizon of one scenario.

    Attributes:
        persons: everyone who works in the office at some time, in a fixed order (time-0
            staff by configured team in scenario order, then hires in date order).
        models: (first day, organisation model) steps, starting at day 0.
        layouts: the effective teams (names and task kinds) of each model used.
        mentoring: who trains whom and when.
        change_days: days (> 0) on which any person's team or employment or the model
            changes, ascending.
        problems: rule violations as 'dotted.path: message' (empty when valid).
    """

    persons: list[Person]
    models: list[tuple[int, str]]
    layouts: dict[str, list[EffectiveTeam]]
    mentoring: list[Mentoring]
    change_days: list[int]
    reception_only: frozenset[str]
    problems: list[str]

    def model_on(self, day: int) -> str:
        """The organisation model in force on ``day``."""
        return _step_value(self.models, day)

    def effective_team(self, person: int, day: int) -> str | None:
        """Name of the effective team ``person`` works in on ``day`` (None: not employed)."""
        team = self.persons[person].team_on(day)
        return None if team is None else self.team_of(team, day)

    def team_of(self, configured: str, day: int) -> str:
        """The effective team that configured team ``configured`` works in on ``day``."""
        if self.model_on(day) == "generalist" and configured not in self.reception_only:
            return "generalist"
        return configured

    def team_order(self) -> list[str]:
        """Every effective team name that exists at some time, in first-seen order (the
        order of utilisation columns)."""
        names: dict[str, None] = {}
        for _, model in self.models:
            for team in self.layouts[model]:
                names.setdefault(team.name, None)
        return list(names)


def workforce_plan(scenario: Scenario) -> WorkforcePlan:
    """The :class:`WorkforcePlan` of ``scenario`` (never raises; see ``problems``)."""
    start = scenario.run.start_date
    problems: list[str] = []
    persons: list[Person] = []
    members: dict[str, list[int]] = {name: [] for name in scenario.staff}
    positions: dict[str, int] = {}
    for name, team in scenario.staff.items():
        for i in range(team.headcount):
            members[name].append(len(persons))
            persons.append(Person(name, i, 0, teams=[(0, name)], fte=[(0, team.fte)]))
        positions[name] = team.headcount

    ramp = scenario.new_staff
    mentor_turn: dict[str, int] = {}
    mentoring: list[Mentoring] = []
    change_days: set[int] = set()
    order = sorted(
        range(len(scenario.staffing_changes)), key=lambda i: scenario.staffing_changes[i].date
    )
    for i in order:
        change = scenario.staffing_changes[i]
        path = f"staffing_changes.{i}"
        day = (change.date - start).days
        if change.team not in scenario.staff:
            problems.append(
                f"{path}.team: unknown team '{change.team}' (allowed: {', '.join(scenario.staff)})"
            )
            continue
        if change.to_team is not None and change.to_team not in scenario.staff:
            problems.append(
                f"{path}.to_team: unknown team '{change.to_team}' "
                f"(allowed: {', '.join(scenario.staff)})"
            )
            continue
        if not 0 < day < scenario.run.horizon_days:
            problems.append(
                f"{path}.date: date {change.date} is outside the horizon after the start "
                f"date, {start + dt.timedelta(days=1)} .. {scenario.run.end_date} (exclusive)"
            )
            continue
        change_days.add(day)
        current = members[change.team]
        if change.change == "hire":
            experienced = [
                p
                for p in current
                if not persons[p].hired or day - persons[p].hire_day >= ramp.ramp_up_days
            ]
            fte = change.fte if change.fte is not None else scenario.staff[change.team].fte
            for _ in range(change.people):
                index = len(persons)
                persons.append(
                    Person(
                        change.team,
                        positions[change.team],
                        day,
                        teams=[(day, change.team)],
                        fte=[(day, fte)],
                    )
                )
                positions[change.team] += 1
                current.append(index)
                if experienced and ramp.ramp_up_days > 0 and ramp.mentoring_hours_per_week > 0:
                    turn = mentor_turn.get(change.team, 0)
                    mentor_turn[change.team] = turn + 1
                    mentoring.append(
                        Mentoring(
                            experienced[turn % len(experienced)],
                            index,
                            day,
                            day + math.ceil(ramp.ramp_up_days),
                            ramp.mentoring_hours_per_week,
                        )
                    )
            continue
        if change.people > len(current):
            problems.append(
                f"{path}.people: team '{change.team}' has {len(current)} people on "
                f"{change.date}; cannot {change.change} {change.people}"
            )
            continue
        chosen = current[len(current) - change.people :]
        for p in chosen:
            person = persons[p]
            if change.change == "leave":
                person.leave_day = day
            elif change.change == "fte":
                person.fte.append((day, float(change.fte or 1.0)))
            else:
                person.teams.append((day, str(change.to_team)))
                members[str(change.to_team)].append(p)
        if change.change != "fte":
            del current[len(current) - change.people :]

    models: list[tuple[int, str]] = [(0, scenario.organisation.model)]
    previous = None
    for i, reorg in enumerate(scenario.reorganisations):
        path = f"reorganisations.{i}.date"
        day = (reorg.date - start).days
        if not 0 < day < scenario.run.horizon_days:
            problems.append(
                f"{path}: date {reorg.date} is outside the horizon after the start date, "
                f"{start + dt.timedelta(days=1)} .. {scenario.run.end_date} (exclusive)"
            )
            continue
        if previous is not None and day <= previous:
            problems.append(f"{path}: reorganisations must be in date order with distinct dates")
            continue
        previous = day
        models.append((day, reorg.model))
        change_days.add(day)

    layouts = {
        model: effective_teams(_with_model(scenario, model)) for model in {m for _, m in models}
    }
    if len(layouts) > 1 and "generalist" in layouts and "generalist" in scenario.staff:
        problems.append(
            "staff.generalist: the team name 'generalist' is reserved when the organisation "
            "changes to or from the generalist model (rename the team)"
        )
    reception_only = frozenset(n for n, t in scenario.staff.items() if is_reception_only(t))
    return WorkforcePlan(
        persons, models, layouts, mentoring, sorted(change_days), reception_only, problems
    )


def _with_model(scenario: Scenario, model: str) -> Scenario:
    if scenario.organisation.model == model:
        return scenario
    organisation = scenario.organisation.model_copy(update={"model": model})
    return scenario.model_copy(update={"organisation": organisation})
