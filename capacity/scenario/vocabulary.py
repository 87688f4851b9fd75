"""The scenario's fixed vocabulary: stages, task names, effort groups and the literal
types the schema and the model share.

Kept apart from the schema, with no imports of its own, so that every module of the
scenario and the model can use these names without importing the schema.
"""

from __future__ import annotations

from typing import Literal

__all__ = [
    "EFFORT_GROUPS",
    "STAGES",
    "TASKS",
    "EffortGroup",
    "OrganisationModel",
    "ReentryReason",
    "StageName",
    "TaskName",
    "Weekday",
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
"""One of :data:`EFFORT_GROUPS`."""

StageName = Literal["reception", "assessment", "decision", "plan", "follow_up"]
"""One of :data:`STAGES`."""

TaskName = Literal["reception", "disability", "assessment", "plan", "renewal", "follow_up"]
"""One of :data:`TASKS`."""

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
"""A day of the week, as written in ``calendar.working_weekdays``."""

OrganisationModel = Literal["generalist", "specialised", "split_aap"]
"""How work is divided between caseworkers (see ``organisation.model``)."""

ReentryReason = Literal[
    "work", "disability", "sanction", "other", "job_seeker", "rejected", "completed"
]
"""Exit reasons after which a user may come back as a new claimant (every exit reason but
'max_period', whose re-entries have a share of their own and a waiting period)."""
