"""Scenario section ``[[uncertain]]``: the values an answer may depend on that nobody
observed exactly, each with the range it may lie in and why.

Nothing here changes a simulation. The section says which values were calibrated (chosen
to reproduce a published figure) or assumed, and over what range each is plausible, so
that ``capacity sensitivity`` can show how each headline figure moves as each value
moves over its range, and a reader can see what every answer rests on.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from capacity.scenario.strict import STRICT

__all__ = ["UncertainValue"]


class UncertainValue(BaseModel):
    """One value of the scenario whose true size is not known, and its plausible range.

    Give a number's range as ``low`` and ``high``, or the alternatives of any value (a
    priority order, a yes or no) as ``values``.
    """

    model_config = STRICT
    path: str = Field(
        pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$",
        description="Dotted path of the value, as for capacity sweep "
        "(e.g. 'staff.follow_up.headcount' or 'case_types.aap.follow_up.exit_per_year.work').",
    )
    low: float | None = Field(
        default=None, description="Lowest plausible value of a number (with high)."
    )
    high: float | None = Field(
        default=None, description="Highest plausible value of a number (with low), > low."
    )
    values: list[Any] | None = Field(
        default=None,
        min_length=2,
        description="The plausible alternatives of a value that is not a range (two or "
        "more, written as in the scenario file), instead of low and high.",
    )
    basis: Literal["calibrated", "assumption", "published"] = Field(
        description="Why it is uncertain: 'calibrated' (chosen to reproduce a published "
        "figure, named in note), 'assumption' (a stated assumption) or 'published' (from "
        "a source, with a range of its own).",
    )
    note: str = Field(
        min_length=1,
        max_length=500,
        description="The source of the range, or the figure the value was calibrated to.",
    )

    @model_validator(mode="after")
    def _range_or_values(self) -> UncertainValue:
        ranged = self.low is not None or self.high is not None
        if ranged and self.values is not None:
            raise ValueError("give either low and high (a number's range) or values, not both")
        if not ranged and self.values is None:
            raise ValueError("give low and high (a number's range) or values (the alternatives)")
        if self.values is not None and len({repr(v) for v in self.values}) != len(self.values):
            raise ValueError("each alternative in values may be listed once")
        if ranged and (self.low is None or self.high is None or not self.low < self.high):
            raise ValueError(f"needs low < high (given low {self.low}, high {self.high})")
        return self
