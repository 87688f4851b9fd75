"""A validated scenario compiled once into what the model runs.

Everything that follows from a scenario without random numbers is derived here, once,
when the scenario is validated: the people and their teams over time, the teams and
routing table of each organisation model used, the office calendar, the arrival rate
steps, the dated disturbances, the warnings. The model, the experiments, the outputs
and the interfaces read it from :attr:`capacity.scenario.Scenario.compiled`; nothing
derives it again (it travels with the scenario to worker processes and clusters).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from capacity.scenario.disturbance_dates import DatedDisturbance, dated_disturbances
from capacity.scenario.inflow import rate_steps
from capacity.scenario.routing import Layout, layout, needed_task_kinds
from capacity.scenario.rules import (
    expected_users,
    reference_problems,
    routing_problems,
    routing_warnings,
    size_problems,
    task_names,
    timeline_problems,
    uncertain_problems,
)
from capacity.scenario.workforce import Workforce, build_workforce
from capacity.scenario.working_days import iso_weeks, office_open_days

if TYPE_CHECKING:
    from capacity.scenario.schema import Scenario

__all__ = ["CompiledScenario", "ScenarioRuleError", "compile_scenario"]


class ScenarioRuleError(ValueError):
    """A scenario that breaks rules tying its sections together. ``problems`` lists
    each as 'dotted.path: message'; the message is the problems, one per line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class CompiledScenario:
    """What a valid scenario means for the model, derived once (read-only).

    Attributes:
        workforce: every person, their teams, FTE and employment over time, the
            organisation model in force on each day, and mentoring.
        layouts: the teams in force and the routing table of each organisation model
            used, by model name, in order of first use.
        team_order: every effective team that exists at some time, in first-seen order
            (the order of the utilisation figures and columns).
        task_kinds: case type -> the task kinds its users can generate.
        task_names: every task name: the stages' (reception, disability, assessment,
            plan, renewal, follow_up), then the declared kinds of work.
        priority: the order in which a free caseworker picks task names: declared kinds
            that ``organisation.priority`` does not list (in the order declared), then
            ``organisation.priority``.
        loose_tasks: task names whose work neither hands a user off nor puts them on
            the caseload of whoever does it: reception, and declared kinds done by
            ``anyone``.
        follow_up_kinds: the task kinds whose teams' caseloads are 'caseload per
            follow-up caseworker': follow-up of the AAP case types, or of every case
            type if none is AAP.
        days: days the model keeps per replication (the horizon and one more).
        open_days: is the office open on day d (weekday worked, not a public holiday),
            bool array of shape (days,).
        iso_weeks: ISO week number of day d, int array of shape (days,).
        rate_steps: stream -> its arrival rate as (from date, arrivals per week) steps.
        disturbances: the dated disturbances with the names their figures carry.
        expected_users: users expected to enter one replication.
        warnings: things that will run but are probably not meant, for people.
    """

    workforce: Workforce
    layouts: Mapping[str, Layout]
    team_order: tuple[str, ...]
    task_kinds: Mapping[str, tuple[str, ...]]
    task_names: tuple[str, ...]
    priority: tuple[str, ...]
    loose_tasks: frozenset[str]
    follow_up_kinds: frozenset[str]
    days: int
    open_days: np.ndarray
    iso_weeks: np.ndarray
    rate_steps: Mapping[str, tuple[tuple[dt.date, float], ...]]
    disturbances: tuple[DatedDisturbance, ...]
    expected_users: float
    warnings: tuple[str, ...]

    def layout_on(self, day: int) -> Layout:
        """The layout of the organisation model in force on ``day``."""
        return self.layouts[self.workforce.model_on(day)]


# Mappings are plain dicts (a read-only mapping proxy cannot be pickled to workers);
# nothing writes to them after compiling.


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Check the rules that tie ``scenario``'s sections together and derive what the
    model needs (see :class:`CompiledScenario`).

    Raises:
        ScenarioRuleError: listing every broken rule. Rules are checked in stages (see
            :mod:`capacity.scenario.rules`); a stage runs only when the ones it builds
            on hold.
    """
    problems = reference_problems(scenario) + uncertain_problems(scenario)
    if problems:
        raise ScenarioRuleError(problems)
    steps = {
        name: tuple(rate_steps(stream, scenario.run)) for name, stream in scenario.streams.items()
    }
    expected = expected_users(scenario, steps)
    problems = size_problems(scenario, expected)
    timeline = timeline_problems(scenario)
    if timeline:
        raise ScenarioRuleError(problems + timeline)
    workforce = build_workforce(scenario)
    problems += workforce.problems
    layouts = {model: layout(scenario, model) for model in workforce.used_models()}
    problems += routing_problems(scenario, layouts)
    if problems:
        raise ScenarioRuleError(problems)

    team_order = tuple(dict.fromkeys(t.name for lay in layouts.values() for t in lay.teams))
    kinds = {name: tuple(needed_task_kinds(name, ct)) for name, ct in scenario.case_types.items()}
    names = task_names(scenario)
    listed = scenario.organisation.priority
    declared = [kind for ct in scenario.case_types.values() for kind in ct.work]
    loose = {"reception", *(k.name for k in declared if k.done_by == "anyone")}
    aap_kinds = {f"{n}.follow_up" for n, ct in scenario.case_types.items() if ct.aap}
    days = scenario.run.horizon_days + 1
    return CompiledScenario(
        workforce=workforce,
        layouts=layouts,
        team_order=team_order,
        task_kinds=kinds,
        task_names=names,
        priority=(*(n for n in names if n not in listed), *listed),
        loose_tasks=frozenset(loose),
        follow_up_kinds=frozenset(aap_kinds or {f"{n}.follow_up" for n in scenario.case_types}),
        days=days,
        open_days=_frozen(office_open_days(scenario.calendar, scenario.run, days)),
        iso_weeks=_frozen(iso_weeks(scenario.run, days)),
        rate_steps=steps,
        disturbances=tuple(dated_disturbances(scenario)),
        expected_users=expected,
        warnings=tuple(routing_warnings(scenario, workforce, layouts)),
    )
