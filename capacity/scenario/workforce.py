"""Who works where, day by day: the people of a scenario and their dated changes.

Pure data derived from a scenario (no random numbers), compiled once with it (see
:mod:`capacity.scenario.compiled`). Each person is created from a configured team (at
time 0 or by a hire) and keeps that team's case-work share and absence settings; their
FTE, their configured team (after moves) and their employment (after leaving) change on
dates. Which effective team they belong to on a day follows from their configured team
and the organisation model in force that day (see
:func:`capacity.scenario.routing.effective_teams`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from capacity.scenario.routing import is_reception_only

if TYPE_CHECKING:
    from capacity.scenario.schema import Scenario

__all__ = ["Mentoring", "Person", "Workforce", "build_workforce"]

V = TypeVar("V")


def _step_value(steps: tuple[tuple[int, V], ...] | list[tuple[int, V]], day: int) -> V:
    """The value of (first day, value) steps in force on ``day`` (the first before them)."""
    days = [d for d, _ in steps]
    return steps[max(0, bisect.bisect_right(days, day) - 1)][1]


@dataclass(frozen=True)
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
    teams: tuple[tuple[int, str], ...] = ()
    fte: tuple[tuple[int, float], ...] = ()

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


@dataclass(frozen=True)
class Mentoring:
    """``mentor`` (a person index) gives ``hours_per_week`` of case-work time on days
    ``first_day <= d < end_day`` to train a new colleague."""

    mentor: int
    trainee: int
    first_day: int
    end_day: int
    hours_per_week: float


@dataclass(frozen=True)
class Workforce:
    """People, organisation models and mentoring over the horizon of one scenario.

    Attributes:
        persons: everyone who works in the office at some time, in a fixed order (time-0
            staff by configured team in scenario order, then hires in date order).
        models: (first day, organisation model) steps, starting at day 0.
        mentoring: who trains whom and when.
        change_days: days (> 0) on which any person's team or employment or the model
            changes, ascending.
        reception_only: configured teams that do reception only (they stay themselves
            under the generalist model).
        problems: rule violations as 'dotted.path: message' (empty when valid).
    """

    persons: tuple[Person, ...]
    models: tuple[tuple[int, str], ...]
    mentoring: tuple[Mentoring, ...]
    change_days: tuple[int, ...]
    reception_only: frozenset[str]
    problems: tuple[str, ...]

    def model_on(self, day: int) -> str:
        """The organisation model in force on ``day``."""
        return _step_value(self.models, day)

    def used_models(self) -> list[str]:
        """The organisation models in force at some time, in order of first use."""
        return list(dict.fromkeys(model for _, model in self.models))

    def effective_team(self, person: int, day: int) -> str | None:
        """Name of the effective team ``person`` works in on ``day`` (None: not employed)."""
        team = self.persons[person].team_on(day)
        return None if team is None else self.team_of(team, day)

    def team_of(self, configured: str, day: int) -> str:
        """The effective team that configured team ``configured`` works in on ``day``."""
        if self.model_on(day) == "generalist" and configured not in self.reception_only:
            return "generalist"
        return configured

    def team_steps(self, person: int, days: int) -> list[tuple[int, int, str | None]]:
        """(first day, end day, effective team or None) spans of ``person`` over days
        ``0 .. days - 1``, one per stretch between change days."""
        bounds = [0, *(d for d in self.change_days if d < days), days]
        return [
            (first, last, self.effective_team(person, first))
            for first, last in itertools.pairwise(bounds)
            if first < last
        ]

    def rotation(self) -> list[tuple[int, int]]:
        """(position, size) of each person for the summer rotation: their place among
        the people of their effective team at time 0 (hires: among their configured
        team)."""
        groups: dict[str, list[int]] = {}
        for index, person in enumerate(self.persons):
            key = self.effective_team(index, 0) if not person.hired else None
            groups.setdefault(key or f"hired:{person.origin}", []).append(index)
        result = [(0, 1)] * len(self.persons)
        for members in groups.values():
            for position, index in enumerate(members):
                result[index] = (position, len(members))
        return result


@dataclass
class _Draft:
    """A person while the staffing changes are applied in date order."""

    origin: str
    position: int
    hire_day: int
    leave_day: int | None = None
    teams: list[tuple[int, str]] = field(default_factory=list)
    fte: list[tuple[int, float]] = field(default_factory=list)

    @property
    def hired(self) -> bool:
        return self.hire_day > 0

    def final(self) -> Person:
        return Person(
            self.origin, self.position, self.hire_day, self.leave_day, tuple(self.teams),
            tuple(self.fte),
        )  # fmt: skip


def build_workforce(scenario: Scenario) -> Workforce:
    """The :class:`Workforce` of ``scenario`` (never raises; see ``problems``)."""
    start = scenario.run.start_date
    problems: list[str] = []
    persons: list[_Draft] = []
    members: dict[str, list[int]] = {name: [] for name in scenario.staff}
    positions: dict[str, int] = {}
    for name, team in scenario.staff.items():
        for i in range(team.headcount):
            members[name].append(len(persons))
            persons.append(_Draft(name, i, 0, teams=[(0, name)], fte=[(0, team.fte)]))
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
                    _Draft(
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

    used = {m for _, m in models}
    if len(used) > 1 and "generalist" in used and "generalist" in scenario.staff:
        problems.append(
            "staff.generalist: the team name 'generalist' is reserved when the organisation "
            "changes to or from the generalist model (rename the team)"
        )
    reception_only = frozenset(n for n, t in scenario.staff.items() if is_reception_only(t))
    return Workforce(
        tuple(p.final() for p in persons),
        tuple(models),
        tuple(mentoring),
        tuple(sorted(change_days)),
        reception_only,
        tuple(problems),
    )
