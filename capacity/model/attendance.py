"""Missed meetings (no-shows): the meeting is rebooked, and missing several in a row
can end in a sanction.

Meetings are the assessment, plan, renewal and follow-up tasks. When a caseworker
starts one, the user's own attendance generator decides whether the user turns up
(probability ``1 - no_show_share`` of the case type's ``attendance``). If not:

* the caseworker spends only the no-show time on it (the task's work is swapped for
  it while the caseworker works, and restored afterwards);
* the missed meetings in a row are counted; at ``sanction_after_no_shows`` a sanction
  decision stops the benefit with probability ``sanction_share`` (the user leaves with
  reason 'sanction') and the count restarts;
* otherwise the same task waits ``rebook_days`` (state REBOOKING, in no queue) and is
  then put back in a queue with its full work. Being the same task, whatever waits for
  it (the pathway, a renewal, a contact's due date and its overdue mark, the user's
  pending tasks) keeps working unchanged.

An attended meeting restarts the count. The generator is the user's own (keyed by the
user's stable key and the purpose ``attendance``), so a scenario without no-shows and
one with them give the users the same work, waits and exits otherwise (common random
numbers), and the scenarios without no-shows draw nothing here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capacity.model.calendar import HOURS_PER_DAY
from capacity.model.entities import CANCELLED, REBOOKING, Task

if TYPE_CHECKING:
    import numpy as np

    from capacity.model.entities import User
    from capacity.model.office import Office

__all__ = ["MEETING_TASKS", "Attendance"]

MEETING_TASKS = frozenset({"assessment", "plan", "renewal", "follow_up"})
"""Tasks that are meetings with the user, which the user can miss."""


class Attendance:
    """Decides no-shows as meetings start and rebooks or sanctions after them.

    The office calls :meth:`started` from ``Office.start`` and :meth:`finished` from
    ``Office.finish``; only scenarios with a case type whose ``no_show_share`` is above
    0 have one.
    """

    def __init__(self, office: Office):
        self.office = office
        self.env = office.env
        self.held: dict[Task, float] = {}
        """Missed meetings being worked on -> their full work, restored at the end."""

    @staticmethod
    def _rng(user: User) -> np.random.Generator:
        if user.attendance_rng is None:
            assert user.refill is not None, "users in a replication have their own streams"
            user.attendance_rng = user.refill("attendance")
        return user.attendance_rng

    def started(self, task: Task, caseworker: str) -> None:
        """A caseworker named ``caseworker`` starts ``task``: decide whether the user
        turns up; if not, the caseworker's work becomes the no-show time."""
        user = task.user
        att = user.ct.attendance
        if att.no_show_share <= 0 or task.task not in MEETING_TASKS:
            return
        if user.gone or user.exiting:
            return
        rng = self._rng(user)
        if rng.random() >= att.no_show_share:
            user.missed_in_row = 0
            return
        self.held[task] = task.work
        task.work = att.no_show_work_hours.sample(rng)
        if self.env.now >= self.office.records.t0:
            self.office.records.no_shows += 1
        self.office.log(user, f"no_show_{task.task}", caseworker)

    def finished(self, task: Task) -> bool:
        """The caseworker is done with ``task``. Returns False for a meeting held (the
        office finishes it as usual), True for a missed one, which is handled here:
        rebooked, or ended by a sanction."""
        work = self.held.pop(task, None)
        if work is None:
            return False
        task.work = work
        user = task.user
        if user.gone or user.exiting:
            # Leaving anyway: nothing to rebook (as for a finished task of a user leaving).
            task.state = CANCELLED
            user.pending.discard(task)
            return True
        att = user.ct.attendance
        rng = self._rng(user)
        task.state = REBOOKING
        user.missed_in_row += 1
        if att.sanction_share > 0 and user.missed_in_row >= att.sanction_after_no_shows:
            user.missed_in_row = 0
            if rng.random() < att.sanction_share:
                # The task stays pending: the exit withdraws it with the user's others.
                user.exiting = True
                user.proc.interrupt("sanction")
                return True
        delay = att.rebook_days.sample(rng) * HOURS_PER_DAY
        self.env.timeout(delay).callbacks.append(lambda _e: self._rebook(task))
        return True

    def _rebook(self, task: Task) -> None:
        user = task.user
        if task.state != REBOOKING or user.gone or user.exiting:
            return
        self.office.rebook(task)
