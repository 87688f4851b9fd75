"""Scenario sections ``[run]`` and ``[calendar]``: the simulated period and when
caseworkers work."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field, field_validator, model_validator

from capacity.scenario.strict import STRICT
from capacity.scenario.vocabulary import Weekday

__all__ = ["Calendar", "Run"]


def _weekdays() -> list[Weekday]:
    return ["mon", "tue", "wed", "thu", "fri"]


class Run(BaseModel):
    """How long to simulate, from when, and how many replications."""

    model_config = STRICT
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

    model_config = STRICT
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
