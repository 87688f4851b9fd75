"""The whole scenario: every section together, checked across sections and compiled
once into the plan the model runs (see :mod:`capacity.scenario.compiled`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field, PrivateAttr, field_validator, model_validator

from capacity.scenario.compiled import CompiledScenario, compile_scenario
from capacity.scenario.schema.arrivals import InitialGroup, Stream
from capacity.scenario.schema.case_types import CaseType
from capacity.scenario.schema.run import Calendar, Run
from capacity.scenario.schema.staff import Organisation, Team
from capacity.scenario.schema.timeline import (
    AbsenceWave,
    ItDowntime,
    ItOutage,
    NewStaff,
    Reorganisation,
    StaffingChange,
)
from capacity.scenario.schema.uncertain import UncertainValue
from capacity.scenario.strict import STRICT

__all__ = ["Scenario"]


class Scenario(BaseModel):
    """A whole office: run settings, calendar, case types, arrivals, staff, organisation."""

    model_config = STRICT
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
    uncertain: list[UncertainValue] = Field(
        default_factory=list,
        description="Values nobody observed exactly, each with its plausible range and "
        "why (read by capacity sensitivity; no effect on a run).",
    )

    @field_validator("case_types", "streams", "staff")
    @classmethod
    def _names(cls, named: dict[str, object]) -> dict[str, object]:
        bad = [k for k in named if not re.fullmatch(r"[a-z][a-z0-9_]{0,40}", k)]
        if bad:
            raise ValueError(f"names must be lower-case letters, digits and _ (given {bad})")
        return named

    _compiled: CompiledScenario | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _compile(self) -> Scenario:
        # Checking the rules that tie sections together derives what the model needs;
        # it is kept, so that nothing derives it again.
        self._compiled = compile_scenario(self)
        return self

    @property
    def compiled(self) -> CompiledScenario:
        """What this scenario means for the model, derived once when it was validated:
        people and teams over time, routing, calendar, arrival steps, disturbances and
        warnings (see :class:`capacity.scenario.compiled.CompiledScenario`).

        Raises:
            ScenarioRuleError: only for a scenario built without validation
                (``model_construct``) that breaks a rule.
        """
        if self._compiled is None:
            self._compiled = compile_scenario(self)
        return self._compiled

    def __eq__(self, other: object) -> bool:
        # Equal data is an equal scenario, compiled or not (the compiled form follows
        # from the data).
        if not isinstance(other, Scenario):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(self.model_dump_json())

    def model_copy(
        self, *, update: Mapping[str, Any] | None = None, deep: bool = False
    ) -> Scenario:
        """A copy (see pydantic); with ``update`` the copy is not validated, so it is
        compiled afresh when first run. Prefer :func:`capacity.scenario.with_changes`,
        which validates the change."""
        copy = super().model_copy(update=update, deep=deep)
        if update:
            copy._compiled = None
        return copy
