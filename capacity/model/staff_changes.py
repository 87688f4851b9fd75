"""Staffing over time during a replication: hires, leavers, moves, reorganisations and
absence cover, applied at the start of each day they concern.

Changes take effect a microhour after midnight, after any window that ends at midnight
has closed, so a caseworker who leaves has already stopped working. On such a day:

1. the organisation model in force is set (a reorganisation re-routes task kinds);
2. each person joins, leaves or changes team as the workforce plan says; a leaver's
   task in hand goes back to a queue with the work that was left;
3. every user whose caseworker left, or whose caseworker's team no longer does the work
   of the user's current stage, is handed on (``organisation.leaver_caseload``);
4. queued tasks that now sit in the wrong queue are moved to where the routing rule
   sends them, in release order.

With ``organisation.absence_cover = "colleagues"``, each day the personal queues of
absent caseworkers are emptied into their teams' shared queues (step 4 alone).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

import simpy

from capacity.model.calendar import HOURS_PER_DAY
from capacity.model.entities import CANCELLED, QUEUED, STARTED, Task, User

if TYPE_CHECKING:
    from capacity.model.caseworker import Caseworker
    from capacity.model.office import Office, TeamState
    from capacity.scenario.compiled import CompiledScenario

__all__ = ["CHANGE_OFFSET_HOURS", "StaffChanges"]

CHANGE_OFFSET_HOURS = 1e-6
"""Changes of day d happen at 24 d + this many hours."""

_STAGE_TASK = {
    "reception": "reception",
    "assessment": "assessment",
    "plan": "plan",
    "follow_up": "follow_up",
    "disability": "disability",
}


def current_kind(user: User) -> str | None:
    """The task kind of the work the user's caseworker does next: that of the current
    stage (during the decision, that of the stage after it)."""
    stage = user.stage
    if stage == "decision":
        after = list(user.stages)
        i = after.index("decision") if "decision" in after else -1
        stage = after[i + 1] if 0 <= i < len(after) - 1 else None
    task = _STAGE_TASK.get(stage or "")
    return f"{user.case_type}.{task}" if task else None


class StaffChanges:
    """Applies the compiled workforce of a scenario to an office as time passes.

    ``caseworkers`` holds one caseworker per person of the workforce, in its order.
    """

    def __init__(self, office: Office, compiled: CompiledScenario, caseworkers: list[Caseworker]):
        self.office = office
        self.compiled = compiled
        self.workforce = compiled.workforce
        self.caseworkers = caseworkers
        self.model = self.workforce.model_on(0)

    @property
    def needed(self) -> bool:
        """Does the run need the daily process at all?"""
        return bool(self.workforce.change_days) or self.office.cover

    def process(self, days: int) -> Generator[simpy.Event, object, None]:
        """SimPy process: apply the changes of each day (only the days that need it)."""
        env = self.office.env
        change_days = set(self.workforce.change_days)
        for day in range(1, days):
            if day not in change_days and not self.office.cover:
                continue
            yield env.timeout(day * HOURS_PER_DAY + CHANGE_OFFSET_HOURS - env.now)
            if day in change_days:
                self.apply(day)
            elif self.office.cover:
                self._tidy_queues()

    def apply(self, day: int) -> None:
        """Bring teams, routing, caseloads and queues in line with ``day`` of the
        workforce."""
        office, plan = self.office, self.workforce
        model = plan.model_on(day)
        if model != self.model:
            self.model = model
            office.set_routing(self.compiled.layouts[model])
        loose: list[Task] = []
        for index, cw in enumerate(self.caseworkers):
            name = plan.effective_team(index, day)
            if name is None:
                if cw.employed:
                    loose += self._leave(cw)
                continue
            team = office.team_by_name[name]
            if not cw.employed:
                cw.employed = True
                cw.team = team
                team.members.append(cw)
            elif cw.team is not team:
                cw.team.members.remove(cw)
                cw.team = team
                team.members.append(cw)
        for user in list(office.users_by_uid.values()):
            owner = user.owner
            if owner is None or user.gone:
                continue
            kind = current_kind(user)
            if owner.employed and (kind is None or kind in owner.team.task_kinds):
                continue
            office.hand_on(user, kind)
        office.requeue(loose + self._misplaced())

    def _leave(self, cw: Caseworker) -> list[Task]:
        cw.employed = False
        cw.team.members.remove(cw)
        task = cw.in_hand
        loose: list[Task] = []
        if task is not None and task.state == STARTED:
            # Work in hand goes back to a queue with what was left; the wait counts again.
            cw.in_hand = None
            task.work = cw.remaining
            task.state = QUEUED
            self.office.queued[task.task] += 1
            self.office.queued_released_sum += task.released
            loose.append(task)
        return loose

    def _misplaced(self) -> list[Task]:
        """Take out of every queue the tasks the routing rule now sends elsewhere."""
        office = self.office
        moved: list[Task] = []
        holders: list[Caseworker | TeamState] = [*office.caseworkers, *office.teams]
        for holder in holders:
            for queue in holder.queues.values():
                if not queue:
                    continue
                live = [t for t in queue if t.state != CANCELLED]
                keep = [t for t in live if office.keeps(holder, t)]
                if len(keep) != len(queue):
                    moved += [t for t in live if not office.keeps(holder, t)]
                    queue.clear()
                    queue.extend(keep)
        return moved

    def _tidy_queues(self) -> None:
        self.office.requeue(self._misplaced())
