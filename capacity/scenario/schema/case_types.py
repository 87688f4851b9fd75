"""Scenario section ``[case_types.<name>]``: a kind of user and the work content of
each stage of its pathway (reception, work ability assessment, decision, activity plan,
follow-up, disability cases), missed meetings and users who come back."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field, field_validator, model_validator

from capacity.scenario.distributions import Distribution, Exponential, Fixed, Lognormal
from capacity.scenario.schema.base import SHARE_TOLERANCE, dates_in_order, number_as_fixed
from capacity.scenario.schema.work import WorkKind
from capacity.scenario.strict import STRICT
from capacity.scenario.vocabulary import (
    EFFORT_GROUPS,
    STAGES,
    EffortGroup,
    ReentryReason,
    StageName,
)

__all__ = [
    "Assessment",
    "AtMaxPeriod",
    "Attendance",
    "CaseType",
    "Decision",
    "Disability",
    "ExitHazards",
    "FollowUp",
    "MaxPeriodChange",
    "Plan",
    "Reception",
    "Reentry",
    "WaitingPeriodChange",
]


def _all_stages() -> list[StageName]:
    return ["reception", "assessment", "decision", "plan", "follow_up"]


def _default_intervals() -> dict[EffortGroup, float]:
    return {
        "standard": 180.0,
        "situational": 120.0,
        "specially_adapted": 90.0,
        "permanently_adapted": 365.0,
    }


class Reception(BaseModel):
    """Reception (mottak): a short contact with a reception host at the front desk."""

    model_config = STRICT
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

    model_config = STRICT
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

    model_config = STRICT
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

    model_config = STRICT
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

    model_config = STRICT
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


class MaxPeriodChange(BaseModel):
    """From ``from_date`` on, benefit spells that start get ``max_period_days``."""

    model_config = STRICT
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

    model_config = STRICT
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

    model_config = STRICT
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

    model_config = STRICT
    regular_contacts: bool = Field(
        default=True,
        description="Hold the regular follow-up contacts (and the first contact on arrival "
        "in follow-up). False: this stage brings no contacts of its own, and its work is "
        "what the case type declares (see work), as for a service other than AAP "
        "follow-up. Default true.",
    )
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
        dates_in_order([c.from_date for c in changes], "the changes")  # type: ignore[attr-defined]
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

    model_config = STRICT
    work_hours: Distribution = Field(
        default=Lognormal(mean=4.0, cv=0.5),
        description="Caseworker hours to prepare one disability case (assumption).",
    )


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

    model_config = STRICT
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
        return number_as_fixed(value)

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

    model_config = STRICT
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

    model_config = STRICT
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
    work: list[WorkKind] = Field(
        default_factory=list,
        description="Kinds of work declared beside the stages' own (requests users make, "
        "meetings at an interval, work on an event); see capacity.scenario.schema.work. "
        "Default none.",
    )

    @field_validator("work")
    @classmethod
    def _distinct_work(cls, work: list[WorkKind]) -> list[WorkKind]:
        names = [kind.name for kind in work]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"each kind of work may be declared once (twice: {twice})")
        return work

    @field_validator("stages")
    @classmethod
    def _ordered_subset(cls, stages: list[str]) -> list[str]:
        if len(set(stages)) != len(stages) or stages != sorted(stages, key=STAGES.index):
            raise ValueError(
                f"stages must be distinct and in pathway order {list(STAGES)} (given {stages})"
            )
        return stages
