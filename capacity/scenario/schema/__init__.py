"""The scenario: one validated, immutable description of an office.

A scenario file (TOML) maps one to one onto :class:`Scenario`; each section has its
module here (``run``: the period and calendar; ``case_types``: case types and their
stages; ``arrivals``: streams and the initial state; ``staff``: teams and the
organisation; ``timeline``: dated changes; ``scenario``: the whole). Time units are
written in the field names (``_days``, ``_hours``, ``_per_week``, ``_per_year``).
Defaults that come from the source study (Uni Rokkansenteret, Notat 12-2011, "Mot en
spesialisert veilederrolle i Nav?", cited as "the study") or from published national
figures say so; the others are stated assumptions.

Vocabulary (see :mod:`capacity.scenario.vocabulary`):

* a **case type** (``aap``, ``job_seeker``, ...) is a kind of user with its own pathway
  and work content;
* a **stage** is one step of the pathway: ``reception``, ``assessment``, ``decision``,
  ``plan``, ``follow_up`` (plus ``disability``, entered by a branch);
* a **task kind** is ``<case type>.<task>`` where task is one of :data:`TASKS`; teams
  list the task kinds they do, with ``*`` as a wildcard for the case type.
"""

from capacity.scenario.schema.arrivals import Batch, InitialGroup, RatePeriod, Stream, Surge
from capacity.scenario.schema.base import SHARE_TOLERANCE
from capacity.scenario.schema.case_types import (
    Assessment,
    AtMaxPeriod,
    Attendance,
    CaseType,
    Decision,
    Disability,
    ExitHazards,
    FollowUp,
    MaxPeriodChange,
    Plan,
    Reception,
    Reentry,
    WaitingPeriodChange,
)
from capacity.scenario.schema.run import Calendar, Run
from capacity.scenario.schema.scenario import Scenario
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
from capacity.scenario.schema.work import StateFactors, WorkKind
from capacity.scenario.vocabulary import (
    EFFORT_GROUPS,
    STAGES,
    TASKS,
    EffortGroup,
    OrganisationModel,
    ReentryReason,
    StageName,
    TaskName,
    Weekday,
)

__all__ = [
    "EFFORT_GROUPS",
    "SHARE_TOLERANCE",
    "STAGES",
    "TASKS",
    "AbsenceWave",
    "Assessment",
    "AtMaxPeriod",
    "Attendance",
    "Batch",
    "Calendar",
    "CaseType",
    "Decision",
    "Disability",
    "EffortGroup",
    "ExitHazards",
    "FollowUp",
    "InitialGroup",
    "ItDowntime",
    "ItOutage",
    "MaxPeriodChange",
    "NewStaff",
    "Organisation",
    "OrganisationModel",
    "Plan",
    "RatePeriod",
    "Reception",
    "Reentry",
    "ReentryReason",
    "Reorganisation",
    "Run",
    "Scenario",
    "StaffingChange",
    "StageName",
    "StateFactors",
    "Stream",
    "Surge",
    "TaskName",
    "Team",
    "UncertainValue",
    "WaitingPeriodChange",
    "Weekday",
    "WorkKind",
]
