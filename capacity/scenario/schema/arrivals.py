"""Scenario sections ``[streams.<name>]`` and ``[[initial_state]]``: who comes into the
office and when, and who is there at time 0."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, Field, field_validator, model_validator

from capacity.scenario.distributions import Distribution, Fixed
from capacity.scenario.schema.base import check_shares, dates_in_order
from capacity.scenario.strict import STRICT
from capacity.scenario.vocabulary import EffortGroup, StageName

__all__ = ["Batch", "InitialGroup", "RatePeriod", "Stream", "Surge"]


def _specially_adapted() -> dict[EffortGroup, float]:
    return {"specially_adapted": 1.0}


class RatePeriod(BaseModel):
    """From ``from_date`` on, arrivals come at ``rate_per_week``."""

    model_config = STRICT
    from_date: dt.date = Field(strict=False, description="First date of the period.")
    rate_per_week: float = Field(ge=0, le=1e5, description="Arrivals per week, >= 0.")


class Batch(BaseModel):
    """A one-off group of users arriving together on ``date``."""

    model_config = STRICT
    date: dt.date = Field(strict=False, description="Arrival date (users arrive at midnight).")
    users: int = Field(ge=0, le=1_000_000, description="Number of users.")


class Surge(BaseModel):
    """A dated surge of arrivals (for example a wave of sick leave): from ``start_date``
    up to ``end_date`` the stream's rate in force is multiplied by ``factor``."""

    model_config = STRICT
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

    model_config = STRICT
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
        return check_shares(shares, "effort_group_shares")

    @field_validator("rate_changes")
    @classmethod
    def _in_order(cls, changes: list[RatePeriod]) -> list[RatePeriod]:
        dates_in_order([c.from_date for c in changes], "rate_changes")
        return changes


class InitialGroup(BaseModel):
    """Users already in the office at time 0 (for example the recipients converted to AAP
    on 1 March 2010, who enter needing an activity plan)."""

    model_config = STRICT
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
        return check_shares(shares, "effort_group_shares")
