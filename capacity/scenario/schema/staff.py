"""Scenario sections ``[staff.<team>]`` and ``[organisation]``: the teams and how work
is divided between caseworkers (the lever managers pull)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from capacity.scenario.distributions import Distribution
from capacity.scenario.strict import STRICT
from capacity.scenario.vocabulary import TASKS, OrganisationModel

__all__ = ["Organisation", "Team"]


def _all_tasks() -> list[str]:
    return ["reception", "disability", "assessment", "plan", "renewal", "follow_up"]


class Team(BaseModel):
    """A team of caseworkers (or reception hosts) doing the listed task kinds."""

    model_config = STRICT
    headcount: int = Field(ge=0, le=10_000, description="People in the team, >= 0.")
    fte: float = Field(
        default=1.0, gt=0, le=1, description="Full-time equivalent per person, (0, 1]."
    )
    tasks: list[str] = Field(
        min_length=1,
        description="Task kinds '<case type>.<task>' the team does; '*' matches any case "
        "type (e.g. '*.reception', 'aap.follow_up').",
    )
    case_work_share: float = Field(
        default=0.6,
        gt=0,
        le=1,
        description="Share of working time available for case work, (0, 1]. Default 0.6: "
        "about 60 % of working hours is case work (Office of the Auditor General, "
        "Dokument 3:10 (2011-2012)).",
    )
    absence_share: float = Field(
        default=0.0,
        ge=0,
        lt=1,
        description="Long-run share of working days a person is absent (illness etc.), [0, 1).",
    )
    absence_spell_days: float = Field(
        default=5.0,
        ge=1,
        le=365,
        description="Mean length of an absence spell, days, when spells have geometric "
        "lengths (a two-state Markov chain by day). Default 5 (assumption: mostly short "
        "spells).",
    )
    absence_spell_length_days: Distribution | None = Field(
        default=None,
        description="Distribution of absence spell lengths in days (each rounded up to whole "
        "days, at least 1) instead of geometric ones; spells then start on each day present "
        "with the probability that keeps the long-run absence_share. None: geometric with "
        "mean absence_spell_days.",
    )

    @model_validator(mode="after")
    def _one_spell_model(self) -> Team:
        if self.absence_spell_length_days is not None and "absence_spell_days" in (
            self.model_fields_set
        ):
            raise ValueError(
                "give either absence_spell_days (geometric spells with that mean) or "
                "absence_spell_length_days (a distribution), not both"
            )
        return self


class Organisation(BaseModel):
    """How work is divided between caseworkers (the lever managers pull).

    * ``generalist``: every caseworker outside reception-only teams does every task; a
      user keeps one caseworker from the first meeting to exit. Teams' ``tasks`` lists
      are ignored except for reception-only teams.
    * ``specialised``: each team does the tasks it lists; a user moving to another team
      is handed over.
    * ``split_aap``: as specialised, and for AAP case types assessment and plan must be in
      one team and follow-up in another (common in 2011, the study).

    Either way, service time is multiplied by ``1 + task_switching_penalty * (n - 1)``
    where n is the number of case types the caseworker's portfolio covers, and a hand-off
    between teams adds ``handoff_hours`` of work to the receiving team's first task.
    """

    model_config = STRICT
    model: OrganisationModel = Field(
        default="split_aap", description="generalist, specialised or split_aap."
    )
    task_switching_penalty: float = Field(
        default=0.05,
        ge=0,
        le=2,
        description="Extra share of service time per case type beyond the first in a "
        "portfolio. Stated assumption for the relearning cost the study describes.",
    )
    handoff_hours: float = Field(
        default=0.5,
        ge=0,
        le=40,
        description="Coordination hours added when a user is handed to another team (assumption).",
    )
    priority: list[str] = Field(
        default_factory=_all_tasks,
        description="Order in which a free caseworker picks task kinds; each stage task "
        "must be listed once, and declared kinds of work may be (those not listed are "
        "picked before everything else, in the order declared). Default: reception, "
        "disability, assessment, plan, renewal, follow_up (new claims first). Within a "
        "kind: first released, first served; then the caseworker's own users before the "
        "team's shared queue.",
    )
    overdue_first: bool = Field(
        default=False,
        description="Take overdue follow-up contacts and plan renewals before anything else "
        "(between the two, in priority order). A plan that is missing or expired counts as "
        "an overdue renewal.",
    )
    caseload_cap: int | None = Field(
        default=None,
        ge=1,
        le=100_000,
        description="Most users one caseworker may hold; a user who needs a new caseworker "
        "waits while everyone is at the cap. None: no cap.",
    )

    leaver_caseload: Literal["least_loaded", "queue"] = Field(
        default="least_loaded",
        description="What happens to the users of a caseworker who leaves or moves to a team "
        "that does not do their work: 'least_loaded' puts each on the caseload of the "
        "colleague in the team with the fewest users (under the cap); 'queue' leaves them "
        "without a caseworker until a colleague takes their next task.",
    )
    handover_hours_per_user: float = Field(
        default=0.25,
        ge=0,
        le=40,
        description="Caseworker hours to take over one user from a leaver or in a "
        "reorganisation (reading the case), added to the user's next task. Assumption.",
    )
    caseload_work: Literal["personal", "team"] = Field(
        default="personal",
        description="Who does the tasks of a user on a caseload: 'personal' puts them in "
        "the queue of the user's own caseworker (the usual arrangement, and the one the "
        "study describes); 'team' puts them in the shared queue of that caseworker's team, "
        "where the first free member takes them, first come first served (team-based "
        "follow-up). Under 'team' the user keeps a named caseworker, who is counted in "
        "the caseloads, and no hand-off time is charged within the team; caseload_cap "
        "and absence_cover = 'colleagues' do not apply and may not be set with it.",
    )
    absence_cover: Literal["wait", "colleagues"] = Field(
        default="wait",
        description="Work for an absent caseworker's users: 'wait' keeps it in their "
        "personal queue until they are back; 'colleagues' puts it in the team's shared "
        "queue each day they are absent (the users stay on their caseload).",
    )

    @field_validator("priority")
    @classmethod
    def _complete(cls, order: list[str]) -> list[str]:
        stages = [name for name in order if name in TASKS]
        twice = sorted({name for name in order if order.count(name) > 1})
        if sorted(stages) != sorted(TASKS) or twice:
            raise ValueError(
                f"priority must list each of {list(TASKS)} once, and may list declared kinds "
                f"of work once each (given {order})"
            )
        return order

    @model_validator(mode="after")
    def _team_caseloads_alone(self) -> Organisation:
        if self.caseload_work != "team":
            return self
        problems = []
        if self.caseload_cap is not None:
            problems.append(
                "caseload_cap cannot be set with caseload_work = 'team' (a cap limits the "
                "users whose tasks come to one caseworker; under 'team' they all go to the "
                "team's shared queue): remove caseload_cap or use 'personal'"
            )
        if self.absence_cover == "colleagues":
            problems.append(
                "absence_cover = 'colleagues' has no effect with caseload_work = 'team' "
                "(every task is already in the team's shared queue): use 'wait' or "
                "'personal'"
            )
        if problems:
            raise ValueError("; and ".join(problems))
        return self
