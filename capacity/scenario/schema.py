"""The scenario: one validated, immutable description of an office.

A scenario file (TOML) maps one to one onto :class:`Scenario`. Time units are written
in the field names (``_days``, ``_hours``, ``_per_week``, ``_per_year``). Defaults that
come from the source study (Uni Rokkansenteret, Notat 12-2011, "Mot en spesialisert
veilederrolle i Nav?", cited as "the study") or from published national figures say so;
the others are stated assumptions.

Vocabulary:

* a **case type** (``aap``, ``job_seeker``, ...) is a kind of user with its own pathway
  and work content;
* a **stage** is one step of the pathway: ``reception``, ``assessment``, ``decision``,
  ``plan``, ``follow_up`` (plus ``disability``, entered by a branch);
* a **task kind** is ``<case type>.<task>`` where task is one of :data:`TASKS`; teams
  list the task kinds they do, with ``*`` as a wildcard for the case type.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from capacity.scenario.distributions import Distribution, Exponential, Fixed, Lognormal
from capacity.scenario.timeline import (
    AbsenceWave,
    ItDowntime,
    ItOutage,
    NewStaff,
    Reorganisation,
    StaffingChange,
)

__all__ = [
    "EFFORT_GROUPS",
    "STAGES",
    "TASKS",
    "Assessment",
    "AtMaxPeriod",
    "Attendance",
    "Batch",
    "Calendar",
    "CaseType",
    "Decision",
    "Disability",
    "ExitHazards",
    "FollowUp",
    "InitialGroup",
    "MaxPeriodChange",
    "Organisation",
    "Plan",
    "RatePeriod",
    "Reception",
    "Reentry",
    "Run",
    "Scenario",
    "Stream",
    "Surge",
    "Team",
    "WaitingPeriodChange",
]

STAGES: tuple[str, ...] = ("reception", "assessment", "decision", "plan", "follow_up")
"""The pathway's stages in their fixed order; a case type uses an ordered subset."""

TASKS: tuple[str, ...] = (
    "reception",
    "disability",
    "assessment",
    "plan",
    "renewal",
    "follow_up",
)
"""Kinds of caseworker work. ``renewal`` renews an expiring activity plan; ``disability``
prepares a permanent disability benefit case before it leaves for the back office."""

EFFORT_GROUPS: tuple[str, ...] = (
    "standard",
    "situational",
    "specially_adapted",
    "permanently_adapted",
)
"""NAV's effort groups (innsatsgrupper), assigned by the follow-up decision."""

EffortGroup = Literal["standard", "situational", "specially_adapted", "permanently_adapted"]
StageName = Literal["reception", "assessment", "decision", "plan", "follow_up"]
TaskName = Literal["reception", "disability", "assessment", "plan", "renewal", "follow_up"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ReentryReason = Literal[
    "work", "disability", "sanction", "other", "job_seeker", "rejected", "completed"
]
"""Exit reasons after which a user may come back as a new claimant (every exit reason but
'max_period', whose re-entries have a share of their own and a waiting period)."""

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
# Strict: a wrong type is refused, never converted ("3" is not 3, true is not 1.0). An
# integer is still accepted where a float is expected, and dates may also be written as
# ISO strings ("2010-03-01"), as TOML users often quote them.


def _weekdays() -> list[Weekday]:
    return ["mon", "tue", "wed", "thu", "fri"]


def _all_stages() -> list[StageName]:
    return ["reception", "assessment", "decision", "plan", "follow_up"]


def _all_tasks() -> list[TaskName]:
    return ["reception", "disability", "assessment", "plan", "renewal", "follow_up"]


def _default_intervals() -> dict[EffortGroup, float]:
    return {
        "standard": 180.0,
        "situational": 120.0,
        "specially_adapted": 90.0,
        "permanently_adapted": 365.0,
    }


def _specially_adapted() -> dict[EffortGroup, float]:
    return {"specially_adapted": 1.0}


SHARE_TOLERANCE = 1e-3
"""Shares must sum to 1 within this much (so 0.333 three times is accepted)."""


def _check_shares(shares: dict[str, float], what: str) -> dict[str, float]:
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(
            f"{what} must sum to 1 within {SHARE_TOLERANCE:g} (given {shares}, sum {total:g})"
        )
    return shares


# --------------------------------------------------------------------------- run


class Run(BaseModel):
    """How long to simulate, from when, and how many replications."""

    model_config = _STRICT
    name: str = Field(
        default="scenario",
        pattern=r"^[A-Za-z0-9_\-]{1,64}$",
        description="Scenario name, used as the results folder name (letters, digits, _ and -).",
    )
    description: str = Field(default="", max_length=2000, description="Free text for people.")
    start_date: dt.date = Field(
        default=dt.date(2010, 3, 1),
        strict=False,
        description="Date of simulated time 0 (midnight). Default: 1 March 2010, the day AAP "
        "started and the three old benefits were converted (state budget 2011).",
    )
    horizon_days: int = Field(
        default=487,
        ge=1,
        le=36_500,
        description="Simulated days from start_date, 1..36500. Default 487: 1 March 2010 to "
        "30 June 2011, the study's second interview round (spring 2011).",
    )
    warm_up_days: int = Field(
        default=0,
        ge=0,
        description="Days at the start excluded from key figures, 0 <= warm_up_days < "
        "horizon_days. In a scenario that starts from a real initial state the transient is "
        "the answer; then warm-up only selects the observation window.",
    )
    seed: int = Field(
        default=20110301, ge=0, le=2**63 - 1, description="Root seed of every random stream."
    )
    replications: int = Field(
        default=10, ge=1, le=10_000, description="Independent replications, 1..10000."
    )

    @model_validator(mode="after")
    def _warm_up_inside(self) -> Run:
        if self.warm_up_days >= self.horizon_days:
            raise ValueError(
                f"warm_up_days ({self.warm_up_days}) must be less than horizon_days "
                f"({self.horizon_days}): lower run.warm_up_days (--warm-up-days) or raise "
                "run.horizon_days"
            )
        # The model keeps one calendar day past the horizon; dates end at 9999-12-31.
        if self.start_date.toordinal() + self.horizon_days + 1 > dt.date.max.toordinal():
            raise ValueError(
                f"start_date {self.start_date} + horizon_days {self.horizon_days} runs past "
                f"the last date a calendar has ({dt.date.max}): choose an earlier start_date"
            )
        return self

    @property
    def end_date(self) -> dt.date:
        """The first date after the simulated horizon."""
        return self.start_date + dt.timedelta(days=self.horizon_days)


# ---------------------------------------------------------------------- calendar


class Calendar(BaseModel):
    """When caseworkers work.

    Each working day a caseworker does case work from ``opening_hour`` for
    ``hours_per_day * fte * case_work_share`` hours (see :class:`Team`); work that is not
    finished by then resumes at the next working window (nothing is lost and no overtime
    is recorded). ``always_open = true`` makes every hour of every day a working hour,
    which reduces the office to a classical queueing network.
    """

    model_config = _STRICT
    always_open: bool = Field(
        default=False,
        description="24/7 service: ignores the other calendar fields (for queueing checks).",
    )
    opening_hour: float = Field(
        default=8.0, ge=0, lt=24, description="Hour of day work starts, 0 <= h < 24."
    )
    hours_per_day: float = Field(
        default=7.5,
        gt=0,
        le=24,
        description="Working hours in a full-time day, (0, 24]. Default 7.5: the Norwegian "
        "state's 37.5-hour week.",
    )
    working_weekdays: list[Weekday] = Field(
        default_factory=_weekdays,
        min_length=1,
        description="Days of the week the office works.",
    )
    public_holidays: bool = Field(
        default=True,
        description="Close on Norwegian public holidays (the `holidays` package, Norway).",
    )
    summer_weeks: list[int] = Field(
        default_factory=lambda: [28, 29, 30, 31],
        description="ISO week numbers (1..53) with reduced staffing for summer holidays. "
        "Default weeks 28-31: the common July holiday (assumption).",
    )
    summer_staffing_share: float = Field(
        default=0.6,
        ge=0,
        le=1,
        description="Share of each team on duty in a summer week, 0..1; who is away rotates "
        "by caseworker so the share holds every week. Default 0.6 (assumption: three "
        "weeks' leave in a four-week period for most staff).",
    )

    @model_validator(mode="after")
    def _day_fits(self) -> Calendar:
        if not self.always_open and self.opening_hour + self.hours_per_day > 24:
            raise ValueError(
                f"opening_hour + hours_per_day must be <= 24 (given {self.opening_hour} + "
                f"{self.hours_per_day}): a working day may not run past midnight"
            )
        return self

    @field_validator("working_weekdays")
    @classmethod
    def _distinct_days(cls, days: list[str]) -> list[str]:
        if len(set(days)) != len(days):
            raise ValueError(f"each weekday may be listed once (given {days})")
        return days

    @field_validator("summer_weeks")
    @classmethod
    def _weeks(cls, weeks: list[int]) -> list[int]:
        bad = [w for w in weeks if not 1 <= w <= 53]
        if bad:
            raise ValueError(f"ISO weeks must be 1..53 (given {bad})")
        return weeks


# ----------------------------------------------------------------------- stages


class Reception(BaseModel):
    """Reception (mottak): a short contact with a reception host at the front desk."""

    model_config = _STRICT
    work_hours: Distribution = Field(
        default=Exponential(mean=0.25),
        description="Reception host time per user, hours. Default exponential, mean 0.25 "
        "(assumption: a short front-desk contact).",
    )


class Assessment(BaseModel):
    """Work ability assessment (arbeidsevnevurdering): meetings with waits outside the office.

    Order: the first meeting; then the doctor's statement and the self-assessment form,
    which are awaited in parallel; then the remaining meetings, each ``days_between_meetings``
    after the previous one ended.
    """

    model_config = _STRICT
    meetings: int = Field(
        default=3,
        ge=1,
        le=20,
        description="Caseworker meetings, 1..20. Default 3: 'a couple, three conversations "
        "to get them clarified' (the study).",
    )
    work_hours_per_meeting: Distribution = Field(
        default=Lognormal(mean=2.0, cv=0.5),
        description="Caseworker hours per meeting, including preparation and writing up. "
        "Default lognormal mean 2.0, cv 0.5 (assumption).",
    )
    days_between_meetings: Distribution = Field(
        default=Fixed(value=7.0),
        description="Days from one meeting's end until the next may be held (booking).",
    )
    doctor_statement_days: Distribution = Field(
        default=Fixed(value=0.0),
        description="Days waiting for the doctor's statement after the first meeting.",
    )
    self_assessment_days: Distribution = Field(
        default=Fixed(value=0.0),
        description="Days waiting for the self-assessment form ('Egenvurdering') after the "
        "first meeting.",
    )
    disability_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of assessed users sent straight to a disability benefit case.",
    )


class Decision(BaseModel):
    """Decision on the claim in the back office (NAV forvaltning): an external delay."""

    model_config = _STRICT
    delay_days: Distribution = Field(
        default=Fixed(value=0.0),
        description="Back-office processing delay in days.",
    )
    capacity_per_week: float | None = Field(
        default=None,
        gt=0,
        le=1e5,
        description="Decisions the back office can make per week (a single first-come "
        "first-served server); none means unlimited.",
    )
    rejection_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of decisions that reject the claim; the user then leaves.",
    )


class Plan(BaseModel):
    """Activity plan (aktivitetsplan): made after a positive decision; expires; renewed."""

    model_config = _STRICT
    work_hours: Distribution = Field(
        default=Lognormal(mean=3.0, cv=0.5),
        description="Caseworker hours to make a plan with the user (assumption).",
    )
    validity_days: float = Field(
        default=365.0,
        gt=0,
        le=3650,
        description="Days a plan stays valid. Default 365 (the study: plans ran 'to new year' "
        "and then needed renewal).",
    )
    renewal_work_hours: Distribution = Field(
        default=Lognormal(mean=1.5, cv=0.5),
        description="Caseworker hours to renew an expiring plan (assumption).",
    )
    renewal_lead_days: float = Field(
        default=30.0,
        ge=0,
        le=365,
        description="Days before expiry that renewal work becomes available.",
    )


class ExitHazards(BaseModel):
    """Rates (per year) at which users leave, as competing exponential risks."""

    model_config = _STRICT
    work: float = Field(default=0.0, ge=0, le=100, description="To work, per year.")
    disability: float = Field(
        default=0.0,
        ge=0,
        le=100,
        description="To permanent disability benefit, per year; the office then prepares a "
        "disability case.",
    )
    sanction: float = Field(
        default=0.0,
        ge=0,
        le=100,
        description="Benefit stopped for breaking the plan, per year; applies only while the "
        "user has a valid plan (there is nothing to break without one).",
    )
    other: float = Field(default=0.0, ge=0, le=100, description="Other exits, per year.")

    @property
    def total_per_year(self) -> float:
        """Sum of the four hazards, per year."""
        return self.work + self.disability + self.sanction + self.other


def _dates_in_order(dates: list[dt.date], what: str) -> None:
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        raise ValueError(
            f"{what} must have distinct from_date values in date order (given "
            + ", ".join(d.isoformat() for d in dates)
            + ")"
        )


class MaxPeriodChange(BaseModel):
    """From ``from_date`` on, benefit spells that start get ``max_period_days``."""

    model_config = _STRICT
    from_date: dt.date = Field(
        strict=False,
        description="First date of a spell's start to which the new maximum applies. May lie "
        "before the simulated horizon (users already on the benefit at time 0 started "
        "earlier).",
    )
    max_period_days: float = Field(
        gt=0,
        le=36_500,
        description="Longest benefit period in days for spells starting on or after "
        "from_date, (0, 36500]. AAP: 1095 days (3 years) for spells from 1 January 2018 "
        "(Prop. 74 L (2016-2017)).",
    )


class WaitingPeriodChange(BaseModel):
    """From ``from_date`` on, the waiting period before a new spell is
    ``waiting_period_days``."""

    model_config = _STRICT
    from_date: dt.date = Field(strict=False, description="First date the new rule applies.")
    waiting_period_days: float = Field(
        ge=0,
        le=3650,
        description="Days, 0..3650, that must pass after a spell ended at its maximum "
        "before a new spell can start. AAP: 364 (52 weeks) from 1 January 2018 (Prop. 74 L "
        "(2016-2017), folketrygdloven s. 11-31); 0 from 1 July 2022, when the waiting period "
        "was repealed (Prop. 114 LS (2021-2022), chapter 11).",
    )


class AtMaxPeriod(BaseModel):
    """What happens when a spell reaches its maximum period.

    A user reaching the maximum is, with these shares, transferred to a disability
    benefit assessment (the office prepares a disability case and the user leaves with
    reason 'disability', as after the disability hazard), moved to job-seeker status
    (exit 'job_seeker': the user leaves the benefit and the office's caseloads as an
    ordinary job seeker), or given one extension of ``extension_days``; the rest leave
    with reason 'max_period'. At the end of an extension the same outcomes apply again
    without a further extension (disability and job seeker with their shares divided by
    ``1 - extension_share``). The shares must sum to at most 1. All default to 0, so the
    default is that everyone leaves with 'max_period' (no effect on older scenarios).
    """

    model_config = _STRICT
    disability_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share transferred to a disability benefit assessment, 0..1 "
        "(assumption; none by default).",
    )
    job_seeker_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share that leave the benefit as job seekers (exit 'job_seeker'), 0..1 "
        "(assumption; none by default).",
    )
    extension_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share given one extension of extension_days, 0..1 (assumption; none by "
        "default).",
    )
    extension_days: float = Field(
        default=730.0,
        gt=0,
        le=3650,
        description="Length of an extension in days, (0, 3650]. Default 730: extensions of "
        "up to two years under the 2018 rules (Prop. 74 L (2016-2017)).",
    )

    @model_validator(mode="after")
    def _at_most_one(self) -> AtMaxPeriod:
        total = self.disability_share + self.job_seeker_share + self.extension_share
        if total > 1.0 + SHARE_TOLERANCE:
            raise ValueError(
                "disability_share + job_seeker_share + extension_share must be at most 1 "
                f"(given {self.disability_share:g} + {self.job_seeker_share:g} + "
                f"{self.extension_share:g} = {total:g}); the rest leave with 'max_period'"
            )
        return self


class FollowUp(BaseModel):
    """Follow-up (oppfølging): contacts, employment status cards, exits."""

    model_config = _STRICT
    contact_interval_days: dict[EffortGroup, float] = Field(
        default_factory=_default_intervals,
        description="Days from one follow-up contact to the next, per effort group, "
        "0..3650; 0: the next contact is released as soon as the last is held and has no "
        "due date, so it is never overdue (a queueing-network return loop, see "
        "end_after_contact_share). Assumption; the "
        "study: 'at minimum meet them once a year'.",
    )

    @field_validator("contact_interval_days")
    @classmethod
    def _all_groups(cls, intervals: dict[str, float]) -> dict[str, float]:
        missing = [g for g in EFFORT_GROUPS if g not in intervals]
        if missing:
            raise ValueError(f"needs an interval for every effort group (missing {missing})")
        bad = {g: v for g, v in intervals.items() if not 0 <= v <= 3650}
        if bad:
            raise ValueError(f"intervals must be in [0, 3650] days (given {bad})")
        return intervals

    contact_work_hours: Distribution = Field(
        default=Lognormal(mean=1.0, cv=0.6),
        description="Caseworker hours per follow-up contact (assumption).",
    )
    booking_lead_days: float = Field(
        default=14.0,
        ge=0,
        le=365,
        description="Days before its due date that a contact can be held (at most half "
        "the contact interval).",
    )
    meldekort_interval_days: float = Field(
        default=14.0,
        gt=0,
        le=365,
        description="Days between employment status cards. Default 14 (NAV's case-system "
        "code: periods of 14 days starting on a Monday).",
    )
    meldekort_extra_contact_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of cards that flag the user for an extra contact, 0..1 (the "
        "study: cards 'pick out users to contact outside the fixed times').",
    )
    extra_contact_deadline_days: float = Field(
        default=14.0, gt=0, le=365, description="Days to hold an extra contact before overdue."
    )
    exit_per_year: ExitHazards = Field(
        default_factory=ExitHazards, description="Exit hazards while in follow-up."
    )
    end_after_contact_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Probability, 0..1, that follow-up ends after a regular contact is "
        "held (the goal of the plan reached and the case closed): the user leaves with "
        "reason 'completed'. The number of regular contacts is then geometric with mean "
        "1 / share, beside the exit hazards. Default 0: follow-up ends only by the exit "
        "hazards and the maximum period (no figure in the study).",
    )
    close_follow_up_work_multiplier: float = Field(
        default=1.0,
        ge=0,
        le=10,
        description="Factor on the hazard to work while a user is followed closely (valid "
        "plan and no overdue contact). Stated assumption, in the direction of the studies "
        "in which more caseworker time per user gave more meetings and shorter spells "
        "(Germany 2016, Austria 2023, Denmark 2019).",
    )
    max_period_days: float | None = Field(
        default=None,
        gt=0,
        le=36_500,
        description="Longest benefit period in days from its start, then exit 'max_period'; "
        "none for no limit. AAP: 1461 days (4 years, 2010 rules; Prop. 74 L 2016-2017).",
    )
    max_period_changes: list[MaxPeriodChange] = Field(
        default_factory=list,
        description="Dated changes of the maximum period, in date order: a spell gets the "
        "maximum in force on the date it started (max_period_days before the first change). "
        "AAP: [{ from_date = 2018-01-01, max_period_days = 1095 }] (3 years for spells from "
        "1 January 2018; 4 years for spells started 2010-2017; Prop. 74 L (2016-2017)). "
        "Default none.",
    )
    at_max_period: AtMaxPeriod = Field(
        default_factory=AtMaxPeriod,
        description="Outcomes at the maximum period (disability assessment, job seeker, "
        "extension, or exit 'max_period'). Default: everyone exits 'max_period'.",
    )
    waiting_period_days: float = Field(
        default=0.0,
        ge=0,
        le=3650,
        description="Days, 0..3650, that must pass after a spell ended at its maximum (exit "
        "'max_period' or 'job_seeker') before a new spell can start, before any "
        "waiting_period_changes; applies to users who come back (see reentry). Default 0: "
        "no waiting period (AAP before 2018).",
    )
    waiting_period_changes: list[WaitingPeriodChange] = Field(
        default_factory=list,
        description="Dated changes of the waiting period, in date order. A user who left "
        "at the maximum can start a new spell at the first time t at which t - exit >= the "
        "waiting period in force at t (so a repeal frees those still waiting). AAP: "
        "[{ from_date = 2018-01-01, waiting_period_days = 364 }, { from_date = 2022-07-01, "
        "waiting_period_days = 0 }] (Prop. 74 L (2016-2017); Prop. 114 LS (2021-2022)). "
        "Default none.",
    )

    @field_validator("max_period_changes", "waiting_period_changes")
    @classmethod
    def _changes_in_order(cls, changes: list[BaseModel]) -> list[BaseModel]:
        _dates_in_order([c.from_date for c in changes], "the changes")  # type: ignore[attr-defined]
        return changes

    @model_validator(mode="after")
    def _loop_ends(self) -> FollowUp:
        zero = [g for g, days in self.contact_interval_days.items() if days == 0]
        if zero and self.end_after_contact_share <= 0:
            raise ValueError(
                f"contact_interval_days of 0 (for {zero}) needs end_after_contact_share "
                "above 0: otherwise contacts repeat back to back for ever"
            )
        return self


class Disability(BaseModel):
    """Preparing a permanent disability benefit case before it leaves the office."""

    model_config = _STRICT
    work_hours: Distribution = Field(
        default=Lognormal(mean=4.0, cv=0.5),
        description="Caseworker hours to prepare one disability case (assumption).",
    )


def _number_as_fixed(value: object) -> object:
    """A plain number where a distribution is expected means a fixed value."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value


class Attendance(BaseModel):
    """Users who miss meetings (no-shows).

    Meetings are the assessment, plan, renewal and follow-up tasks. When a caseworker
    starts a meeting, the user fails to turn up with probability ``no_show_share``; the
    caseworker then spends only ``no_show_work_hours`` on it, and the same meeting is
    booked again ``rebook_days`` later with its full work (its due date is unchanged, so
    a missed follow-up contact can become overdue). ``sanction_after_no_shows`` missed
    meetings in a row lead to a sanction decision, which stops the benefit (or, before
    the benefit has started, closes the claim) with probability ``sanction_share``: the
    user leaves with reason 'sanction'. The count of missed meetings in a row restarts at
    every attended meeting and after every sanction decision. Defaults: nobody misses a
    meeting.
    """

    model_config = _STRICT
    no_show_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Probability that the user misses a meeting, 0..1. Default 0 "
        "(assumption: no figures for missed meetings in the study).",
    )
    no_show_work_hours: Distribution = Field(
        default=Fixed(value=0.25),
        description="Caseworker hours lost on a missed meeting (waiting, a call, a note), "
        "a distribution or a plain number of hours. Default fixed 0.25 (assumption).",
    )
    rebook_days: Distribution = Field(
        default=Fixed(value=14.0),
        description="Days from the missed meeting until it can be held again. Default fixed "
        "14 (assumption: a new appointment about two weeks ahead).",
    )
    sanction_after_no_shows: int = Field(
        default=2,
        ge=1,
        le=100,
        description="Missed meetings in a row that lead to a sanction decision, 1..100. "
        "Default 2 (assumption).",
    )
    sanction_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Probability that a sanction decision stops the benefit or closes the "
        "claim (exit 'sanction'), 0..1. Default 0 (assumption: no sanctions for missed "
        "meetings).",
    )

    @field_validator("no_show_work_hours", "rebook_days", mode="before")
    @classmethod
    def _plain_number(cls, value: object) -> object:
        return _number_as_fixed(value)

    @model_validator(mode="after")
    def _time_passes(self) -> Attendance:
        if self.no_show_share >= 1 and self.rebook_days.mean <= 0:
            raise ValueError(
                "no_show_share = 1 with rebook_days of mean 0 would rebook every meeting at "
                "once for ever: give rebook_days a positive mean or lower no_show_share"
            )
        return self


def _default_reentry_reasons() -> list[ReentryReason]:
    return ["sanction", "other"]


class Reentry(BaseModel):
    """Users who come back as new claimants after leaving (drop-out and re-entry).

    Of the users of this case type who leave for one of ``after_reasons``, a share
    ``share`` come back ``delay_days`` later as new claimants of the same case type and
    effort group: a new user who enters at ``entry_stage`` and counts as an arrival and
    as a re-entry. Of those who leave at the end of the maximum period ('max_period'),
    a share ``after_max_period_share`` come back, not before the follow-up's waiting
    period allows a new spell (this also holds for re-entries after 'job_seeker'). A
    returning user may leave and come back again. Defaults: nobody comes back.
    """

    model_config = _STRICT
    share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of the users leaving for one of after_reasons who come back, "
        "0..1. Default 0 (assumption).",
    )
    after_reasons: list[ReentryReason] = Field(
        default_factory=_default_reentry_reasons,
        description="Exit reasons after which users may come back: work, disability, "
        "sanction, other, job_seeker, rejected, completed ('max_period' has "
        "after_max_period_share). Default sanction and other (benefit stopped, contact "
        "lost).",
    )
    after_max_period_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of the users leaving at the maximum period (exit 'max_period') "
        "who claim again, 0..1. Default 0 (assumption).",
    )
    delay_days: Distribution = Field(
        default=Exponential(mean=180.0),
        description="Days from the exit to the new claim. Default exponential, mean 180 "
        "(assumption: about half a year).",
    )
    entry_stage: StageName | None = Field(
        default=None,
        description="Stage where a returning user enters; default the case type's first "
        "stage (a new claim from the start).",
    )

    @field_validator("after_reasons")
    @classmethod
    def _distinct(cls, reasons: list[str]) -> list[str]:
        if len(set(reasons)) != len(reasons):
            raise ValueError(f"each reason may be listed once (given {reasons})")
        return reasons


class CaseType(BaseModel):
    """A kind of user (AAP, job seeker, ...): pathway and work content of each stage.

    ``stages`` is an ordered subset of :data:`STAGES`; users run through them and leave
    after the last one (or earlier by rejection or an exit hazard).
    """

    model_config = _STRICT
    label: str = Field(default="", max_length=200, description="Name for people.")
    aap: bool = Field(
        default=False,
        description="Users of this type receive work assessment allowance (AAP) from the "
        "positive decision on (or from entry past the decision): they count in the AAP "
        "figures.",
    )
    stages: list[StageName] = Field(
        default_factory=_all_stages,
        min_length=1,
        description="Stages in pathway order, a subset of reception, assessment, decision, "
        "plan, follow_up.",
    )
    reception: Reception = Field(default_factory=Reception, description="Reception stage.")
    assessment: Assessment = Field(
        default_factory=Assessment, description="Work ability assessment stage."
    )
    decision: Decision = Field(default_factory=Decision, description="Back-office decision.")
    plan: Plan = Field(default_factory=Plan, description="Activity plan stage.")
    follow_up: FollowUp = Field(default_factory=FollowUp, description="Follow-up stage.")
    disability: Disability = Field(
        default_factory=Disability, description="Preparing disability cases."
    )
    attendance: Attendance = Field(
        default_factory=Attendance, description="Missed meetings (no-shows) and sanctions."
    )
    reentry: Reentry = Field(
        default_factory=Reentry, description="Users who come back as new claimants."
    )

    @field_validator("stages")
    @classmethod
    def _ordered_subset(cls, stages: list[str]) -> list[str]:
        if len(set(stages)) != len(stages) or stages != sorted(stages, key=STAGES.index):
            raise ValueError(
                f"stages must be distinct and in pathway order {list(STAGES)} (given {stages})"
            )
        return stages


# ----------------------------------------------------------------------- arrivals


class RatePeriod(BaseModel):
    """From ``from_date`` on, arrivals come at ``rate_per_week``."""

    model_config = _STRICT
    from_date: dt.date = Field(strict=False, description="First date of the period.")
    rate_per_week: float = Field(ge=0, le=1e5, description="Arrivals per week, >= 0.")


class Batch(BaseModel):
    """A one-off group of users arriving together on ``date``."""

    model_config = _STRICT
    date: dt.date = Field(strict=False, description="Arrival date (users arrive at midnight).")
    users: int = Field(ge=0, le=1_000_000, description="Number of users.")


class Surge(BaseModel):
    """A dated surge of arrivals (for example a wave of sick leave): from ``start_date``
    up to ``end_date`` the stream's rate in force is multiplied by ``factor``."""

    model_config = _STRICT
    name: str | None = Field(
        default=None,
        pattern=r"^[a-z][a-z0-9_]{0,40}$",
        description="Identifier used in the key figures (lower-case letters, digits, _); "
        "default '<stream>_surge_<n>', n its place in the stream's list from 1.",
    )
    start_date: dt.date = Field(strict=False, description="First day of the surge.")
    end_date: dt.date = Field(
        strict=False, description="First day after the surge (exclusive), after start_date."
    )
    factor: float = Field(
        ge=0,
        le=100,
        description="Multiplier of the rate during the surge, 0..100 (2 doubles the "
        "arrivals, 0 stops them). Overlapping surges multiply.",
    )

    @model_validator(mode="after")
    def _ends_after_start(self) -> Surge:
        if not self.end_date > self.start_date:
            raise ValueError(
                f"end_date ({self.end_date}) must be after start_date ({self.start_date}); "
                "end_date is the first day after the surge"
            )
        return self


class Stream(BaseModel):
    """An arrival stream: a Poisson process with a piecewise-constant rate, plus batches."""

    model_config = _STRICT
    case_type: str = Field(description="Name of a case type in [case_types].")
    entry_stage: StageName | None = Field(
        default=None, description="Stage where users enter; default the case type's first."
    )
    rate_per_week: float = Field(
        default=0.0, ge=0, le=1e5, description="Arrivals per week before any rate_changes."
    )
    rate_changes: list[RatePeriod] = Field(
        default_factory=list,
        description="Dated changes of the rate, in date order (piecewise constant).",
    )
    batches: list[Batch] = Field(default_factory=list, description="One-off arrivals.")
    effort_group_shares: dict[EffortGroup, float] = Field(
        default_factory=_specially_adapted,
        description="Share of users in each effort group; must sum to 1.",
    )
    seasonal_factors: list[Annotated[float, Field(ge=0, le=10)]] = Field(
        default_factory=list,
        description="Multipliers of the rate by calendar month, January to December: "
        "exactly 12 values, each 0..10, or none (empty: no seasonality). They multiply "
        "the rate in force and need not average 1: to keep the yearly inflow, make their "
        "mean 1. Default none (assumption).",
    )
    surges: list[Surge] = Field(
        default_factory=list,
        description="Dated surges that multiply the rate in force (e.g. a sick-leave wave). "
        "Default none.",
    )

    @field_validator("seasonal_factors")
    @classmethod
    def _twelve_months(cls, factors: list[float]) -> list[float]:
        if factors and len(factors) != 12:
            raise ValueError(
                f"needs 12 factors, January to December, or none (given {len(factors)})"
            )
        return factors

    @field_validator("effort_group_shares")
    @classmethod
    def _sum_to_one(cls, shares: dict[str, float]) -> dict[str, float]:
        if any(v < 0 for v in shares.values()):
            raise ValueError(f"shares must be >= 0 (given {shares})")
        return _check_shares(shares, "effort_group_shares")

    @field_validator("rate_changes")
    @classmethod
    def _in_order(cls, changes: list[RatePeriod]) -> list[RatePeriod]:
        dates = [c.from_date for c in changes]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            raise ValueError(
                "rate_changes must have distinct from_date values in date order (given "
                + ", ".join(d.isoformat() for d in dates)
                + ")"
            )
        return changes


class InitialGroup(BaseModel):
    """Users already in the office at time 0 (for example the recipients converted to AAP
    on 1 March 2010, who enter needing an activity plan)."""

    model_config = _STRICT
    case_type: str = Field(description="Name of a case type in [case_types].")
    stage: StageName = Field(description="Stage the users are in at time 0.")
    users: int = Field(ge=0, le=1_000_000, description="Number of users.")
    age_in_stage_days: Distribution = Field(
        default=Fixed(value=0.0),
        description="How long each user has already been in the stage, days. In follow-up "
        "this is the age of their plan and of their last contact.",
    )
    benefit_elapsed_days: Distribution = Field(
        default=Fixed(value=0.0),
        description="Days of the maximum benefit period already used at time 0.",
    )
    with_valid_plan_share: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="For users in follow-up: share with a valid activity plan at time 0. "
        "The others need a plan at once; their follow-up caseworker makes it (a renewal "
        "task with the plan's work content). Set 0 for the recipients converted to AAP on "
        "1 March 2010, who had no plan (the study).",
    )
    effort_group_shares: dict[EffortGroup, float] = Field(
        default_factory=_specially_adapted,
        description="Share of users in each effort group; must sum to 1.",
    )

    @field_validator("effort_group_shares")
    @classmethod
    def _sum_to_one(cls, shares: dict[str, float]) -> dict[str, float]:
        if any(v < 0 for v in shares.values()):
            raise ValueError(f"shares must be >= 0 (given {shares})")
        return _check_shares(shares, "effort_group_shares")


# -------------------------------------------------------------------- staff, org


class Team(BaseModel):
    """A team of caseworkers (or reception hosts) doing the listed task kinds."""

    model_config = _STRICT
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

    model_config = _STRICT
    model: Literal["generalist", "specialised", "split_aap"] = Field(
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
    priority: list[TaskName] = Field(
        default_factory=_all_tasks,
        description="Order in which a free caseworker picks task kinds; every task must be "
        "listed once. Default: reception, disability, assessment, plan, renewal, "
        "follow_up (new claims first). Within a kind: first released, first served; "
        "then the caseworker's own users before the team's shared queue.",
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
        if sorted(order) != sorted(TASKS):
            raise ValueError(f"priority must list each of {list(TASKS)} once (given {order})")
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


# ---------------------------------------------------------------------- scenario


class Scenario(BaseModel):
    """A whole office: run settings, calendar, case types, arrivals, staff, organisation."""

    model_config = _STRICT
    run: Run = Field(default_factory=Run, description="Dates, seed and replications.")
    calendar: Calendar = Field(default_factory=Calendar, description="Working time.")
    case_types: dict[str, CaseType] = Field(
        min_length=1, description="Case types by name (letters, digits, _)."
    )
    streams: dict[str, Stream] = Field(default_factory=dict, description="Arrival streams by name.")
    initial_state: list[InitialGroup] = Field(
        default_factory=list, description="Users in the office at time 0."
    )
    staff: dict[str, Team] = Field(min_length=1, description="Teams by name.")
    organisation: Organisation = Field(
        default_factory=Organisation, description="Division of work and picking rules."
    )
    staffing_changes: list[StaffingChange] = Field(
        default_factory=list,
        description="Dated hires, leavers, FTE changes and moves between teams, applied in "
        "date order (changes on one date in the order given).",
    )
    new_staff: NewStaff = Field(
        default_factory=NewStaff, description="Ramp-up and mentoring of hired caseworkers."
    )
    reorganisations: list[Reorganisation] = Field(
        default_factory=list,
        description="Dated changes of organisation.model, in date order.",
    )
    absence_waves: list[AbsenceWave] = Field(
        default_factory=list, description="Dated periods of extra staff absence."
    )
    it_outages: list[ItOutage] = Field(
        default_factory=list, description="Dated IT outages (no case work)."
    )
    it_downtime: ItDowntime = Field(default_factory=ItDowntime, description="Random IT outages.")

    @field_validator("case_types", "streams", "staff")
    @classmethod
    def _names(cls, named: dict[str, object]) -> dict[str, object]:
        import re

        bad = [k for k in named if not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", k)]
        if bad:
            raise ValueError(f"names must be lower-case letters, digits and _ (given {bad})")
        return named

    @model_validator(mode="after")
    def _cross_field(self) -> Scenario:
        from capacity.scenario.routing import cross_field_problems

        problems = cross_field_problems(self)
        if problems:
            raise ValueError("\n".join(problems))
        return self
