"""Scenario section ``[[case_types.<name>.work]]``: kinds of caseworker work a case type
declares beside the work of its pathway's stages.

The stages bring their own work (a reception contact, assessment meetings, the plan,
renewals, follow-up contacts); a declared kind adds work that arises otherwise: once when
a user enters a stage, at a fixed interval while a user is in some stages, at a rate per
user (requests the users make themselves, more often in some states), or on an event of
the benefit period. Each kind has its hours, who does it, and optionally a deadline whose
breaches are counted and may move the work to the front of the queue.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from capacity.scenario.distributions import Distribution
from capacity.scenario.schema.base import number_as_fixed
from capacity.scenario.strict import STRICT
from capacity.scenario.vocabulary import TASKS, StageName

__all__ = ["StateFactors", "WorkKind"]

WorkEvent = Literal["benefit_started", "plan_expired", "meldekort_flag"]
"""Events of the benefit period on which work can arise: the benefit starts (a positive
decision, or entry on the benefit), a plan expires unrenewed, or an employment status
card flags the user."""


def _follow_up() -> list[StageName]:
    return ["follow_up"]


class StateFactors(BaseModel):
    """Factors on a per-user rate by the user's state (they multiply when several hold).
    Defaults 1: no effect."""

    model_config = STRICT
    without_plan: float = Field(
        default=1.0,
        ge=0,
        le=100,
        description="While the user receives AAP without a valid activity plan, 0..100.",
    )
    overdue_contact: float = Field(
        default=1.0,
        ge=0,
        le=100,
        description="While the user has a follow-up contact past its due date, 0..100.",
    )
    awaiting_decision: float = Field(
        default=1.0,
        ge=0,
        le=100,
        description="While the user's claim waits for its decision (stage decision), 0..100.",
    )

    @property
    def largest(self) -> float:
        """The largest product of factors any user can have (for thinning)."""
        return (
            max(1.0, self.without_plan)
            * max(1.0, self.overdue_contact)
            * max(1.0, self.awaiting_decision)
        )


class WorkKind(BaseModel):
    """A kind of work the users of a case type give caseworkers, beside the stages' own.

    Its ``name`` is a task name of its own: teams list ``<case type>.<name>`` (or
    ``*.<name>``) among their tasks, ``organisation.priority`` may place it (unlisted
    kinds are picked before everything else, in the order declared), and it gets the
    figures of every task (waits, queue, hours per week) and its own
    (``<name>_per_week`` and, with a deadline, ``<name>_within_deadline_share``).

    How it arises (``arises``):

    * ``at_stage``: once each time a user enters ``stage``;
    * ``every``: every ``interval_days`` while the user is in one of ``during`` (from
      entering them);
    * ``per_user``: at random, ``rate_per_week`` per user in one of ``during``, times
      the ``state_factors`` that hold for the user (a Poisson process; thinned, so
      exact while the state changes);
    * ``on_event``: each time ``event`` happens to the user.
    """

    model_config = STRICT
    name: str = Field(
        pattern=r"^[a-z][a-z0-9_]{0,40}$",
        description="Task name (lower-case letters, digits, _), other than the stages' task names.",
    )
    label: str = Field(default="", max_length=200, description="Name for people.")
    arises: Literal["at_stage", "every", "per_user", "on_event"] = Field(
        description="at_stage, every, per_user or on_event (see above)."
    )
    stage: StageName | None = Field(
        default=None, description="With at_stage: the stage whose entry releases the work."
    )
    during: list[StageName] = Field(
        default_factory=_follow_up,
        min_length=1,
        description="With every and per_user: the stages in which the work arises. "
        "Default follow-up.",
    )
    interval_days: float | None = Field(
        default=None, gt=0, le=3650, description="With every: days between two, (0, 3650]."
    )
    rate_per_week: float | None = Field(
        default=None, ge=0, le=1000, description="With per_user: per user and week, 0..1000."
    )
    state_factors: StateFactors = Field(
        default_factory=StateFactors, description="With per_user: factors by the user's state."
    )
    event: WorkEvent | None = Field(
        default=None,
        description="With on_event: benefit_started, plan_expired or meldekort_flag.",
    )
    hours: Distribution = Field(
        description="Caseworker hours per piece of this work, a distribution or a plain "
        "number of hours."
    )
    done_by: Literal["own_caseworker", "own_team", "anyone"] = Field(
        default="own_caseworker",
        description="'own_caseworker': as the stages' work (the user's caseworker if their "
        "team does it, else the team in force, and a hand-off); 'own_team': the shared "
        "queue of the caseworker's team (or the team in force); 'anyone': the team in "
        "force for it, whoever holds the user (no hand-off, and the user joins no "
        "caseload by it, like reception).",
    )
    deadline_days: float | None = Field(
        default=None,
        gt=0,
        le=365,
        description="Days from when the work arises by which it should be started (2 for "
        "a 48-hour rule); breaches are counted. None: no deadline.",
    )
    overdue_first: bool = Field(
        default=False,
        description="Past its deadline, the work is picked before everything else.",
    )

    @field_validator("hours", mode="before")
    @classmethod
    def _plain_number(cls, value: object) -> object:
        return number_as_fixed(value)

    @field_validator("name")
    @classmethod
    def _own_name(cls, name: str) -> str:
        if name in TASKS:
            raise ValueError(
                f"'{name}' is the task name of a stage's own work; choose another "
                f"(taken: {', '.join(TASKS)})"
            )
        return name

    @model_validator(mode="after")
    def _what_it_needs(self) -> WorkKind:
        needs = {
            "at_stage": ("stage", self.stage),
            "every": ("interval_days", self.interval_days),
            "per_user": ("rate_per_week", self.rate_per_week),
            "on_event": ("event", self.event),
        }
        field, value = needs[self.arises]
        if value is None:
            raise ValueError(f"arises = '{self.arises}' needs {field}")
        given = [
            name
            for name, (other, other_value) in needs.items()
            if name != self.arises and other_value is not None and other != field
        ]
        if given:
            raise ValueError(
                f"arises = '{self.arises}' takes {field}; remove "
                + ", ".join(needs[name][0] for name in given)
            )
        if self.overdue_first and self.deadline_days is None:
            raise ValueError("overdue_first needs deadline_days")
        return self
