"""Scenario sections for change over time: staffing changes, reorganisations, new staff,
absence waves and IT downtime.

An office in the study was never in a steady state: it reorganised, hired and lost
staff, trained newcomers "shoulder to shoulder", and was hit by sick colleagues and IT
systems that were down. These sections put such changes on dates. Everything here is
off by default, so a scenario without them runs exactly as before.

Dates are calendar dates inside the horizon; a change takes effect at midnight at the
start of its date.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from capacity.scenario.distributions import Distribution, Lognormal
from capacity.scenario.strict import STRICT
from capacity.scenario.vocabulary import OrganisationModel

__all__ = [
    "AbsenceWave",
    "ItDowntime",
    "ItOutage",
    "NewStaff",
    "Reorganisation",
    "StaffingChange",
]

DISTURBANCE_NAME = r"^[a-z][a-z0-9_]{0,40}$"


class StaffingChange(BaseModel):
    """A dated change to one team's staff.

    * ``hire``: ``people`` new caseworkers join ``team`` (with FTE ``fte``, default the
      team's); they work slower at first and are mentored (see :class:`NewStaff`).
    * ``leave``: ``people`` caseworkers leave ``team``, the most recently joined first
      (last in, first out). Their users are handed on by
      ``organisation.leaver_caseload``; a task they had started is put back in the team's
      queue with the work that was left.
    * ``fte``: the ``people`` most recently joined members of ``team`` change to FTE
      ``fte`` (for example 1.0 to 0.8 for part-time).
    * ``move``: ``people`` caseworkers (the most recently joined) move from ``team`` to
      ``to_team`` with their experience; users whose work the new team does not do are
      handed on as for a leaver.
    """

    model_config = STRICT
    date: dt.date = Field(strict=False, description="Date the change takes effect (midnight).")
    team: str = Field(description="Name of a team in [staff].")
    change: Literal["hire", "leave", "fte", "move"] = Field(description="hire, leave, fte or move.")
    people: int = Field(default=1, ge=1, le=10_000, description="People affected, 1..10000.")
    fte: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="For hire: FTE of the new people (default the team's fte); for fte: the "
        "new FTE, (0, 1]. Not allowed for leave and move.",
    )
    to_team: str | None = Field(
        default=None, description="For move: the team in [staff] the people move to."
    )

    @model_validator(mode="after")
    def _fields_fit_change(self) -> StaffingChange:
        if self.change == "fte" and self.fte is None:
            raise ValueError("change 'fte' needs fte, the new FTE in (0, 1]")
        if self.change in ("leave", "move") and self.fte is not None:
            raise ValueError(f"fte is not allowed for change '{self.change}' (hire or fte only)")
        if self.change == "move" and self.to_team is None:
            raise ValueError("change 'move' needs to_team, the team the people move to")
        if self.change != "move" and self.to_team is not None:
            raise ValueError(f"to_team is only allowed for change 'move' (given '{self.change}')")
        if self.change == "move" and self.to_team == self.team:
            raise ValueError(f"to_team must differ from team (both '{self.team}')")
        return self


class NewStaff(BaseModel):
    """How new caseworkers (hired by a staffing change) come up to speed.

    A new caseworker's speed rises linearly from ``ramp_up_start_speed`` on the hire date
    to full speed after ``ramp_up_days``: a task started at speed s takes work / s hours.
    During the same period one experienced colleague in the same team (taken in turn)
    gives ``mentoring_hours_per_week`` of their case-work time to training "shoulder to
    shoulder" (the study names this training as a disturbance of the trainers' own work).
    The numbers are stated assumptions.
    """

    model_config = STRICT
    ramp_up_days: float = Field(
        default=90.0,
        ge=0,
        le=730,
        description="Days from hire to full speed, 0..730. Default 90 (assumption: about "
        "three months to learn the case systems and rules). 0: full speed at once.",
    )
    ramp_up_start_speed: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Speed on the hire date as a share of full speed, (0, 1]. Default 0.5 "
        "(assumption).",
    )
    mentoring_hours_per_week: float = Field(
        default=3.0,
        ge=0,
        le=37.5,
        description="Case-work hours a week an experienced colleague spends training each "
        "new caseworker during ramp-up, 0..37.5. Default 3 (assumption).",
    )


class Reorganisation(BaseModel):
    """On ``date`` the office changes its organisation model (for example from generalist
    to specialised teams in spring 2011, as the study's offices did).

    Queued work is re-routed to the teams of the new model. Each user stays with their
    caseworker if the caseworker's new team does the work of the user's current stage;
    otherwise the user goes to the member of the team that does it with the fewest users
    (under the caseload cap), which costs ``organisation.handover_hours_per_user``.
    """

    model_config = STRICT
    date: dt.date = Field(strict=False, description="Date the new model takes effect.")
    model: OrganisationModel = Field(description="generalist, specialised or split_aap.")


class AbsenceWave(BaseModel):
    """A dated period of extra absence (a flu wave, a sick-leave wave among staff).

    Each caseworker of the listed teams is absent for the whole wave with probability
    ``share`` (drawn per person and wave; the same people in every scenario that shares
    the seed). Their work waits or is covered as ``organisation.absence_cover`` says.
    """

    model_config = STRICT
    name: str | None = Field(
        default=None,
        pattern=DISTURBANCE_NAME,
        description="Identifier used in the key figures (lower-case letters, digits, _); "
        "default 'absence_wave_<n>' with n counted from 1.",
    )
    start_date: dt.date = Field(strict=False, description="First day of the wave.")
    end_date: dt.date = Field(strict=False, description="First day after the wave (exclusive).")
    share: float = Field(ge=0, le=1, description="Share of each team absent, 0..1.")
    teams: list[str] = Field(
        default_factory=list, description="Teams in [staff] affected; empty: every team."
    )

    @model_validator(mode="after")
    def _ordered(self) -> AbsenceWave:
        if self.end_date <= self.start_date:
            raise ValueError(
                f"end_date ({self.end_date}) must be after start_date ({self.start_date})"
            )
        return self


class ItOutage(BaseModel):
    """A dated IT outage: no case work can be done while it lasts (work in hand is
    suspended and resumes afterwards)."""

    model_config = STRICT
    name: str | None = Field(
        default=None,
        pattern=DISTURBANCE_NAME,
        description="Identifier used in the key figures; default 'it_outage_<n>'.",
    )
    date: dt.date = Field(strict=False, description="Date the outage starts.")
    start_hour: float = Field(
        default=8.0, ge=0, lt=24, description="Hour of day the outage starts, 0 <= h < 24."
    )
    hours: float = Field(
        gt=0, le=24 * 60, description="Length of the outage in hours (calendar time), (0, 1440]."
    )


class ItDowntime(BaseModel):
    """Random IT outages: a Poisson process in calendar time, each outage stopping all
    case work for a random number of hours. Off by default."""

    model_config = STRICT
    outages_per_year: float = Field(
        default=0.0,
        ge=0,
        le=365,
        description="Outages per year (calendar time), 0..365. Default 0 (none).",
    )
    outage_hours: Distribution = Field(
        default=Lognormal(mean=3.0, cv=1.0),
        description="Length of one outage, hours. Default lognormal, mean 3, cv 1 "
        "(assumption: most outages are short, a few last a day).",
    )
