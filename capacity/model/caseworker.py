"""A caseworker: an individual with a caseload, a personal work queue and a duty calendar.

The process loop: off duty, sleep until the next case-work window; on duty, ask the
office for the next task (see :meth:`capacity.model.office.Office.pick`); with nothing
to do, wait to be woken by new work or until the window ends. Work on a task runs only
inside windows: at the end of a window the task is suspended and resumes at the next
window (no overtime, nothing lost). There is no pre-emption: a started task is finished
before another is picked.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from collections.abc import Generator
from operator import attrgetter
from typing import TYPE_CHECKING

import simpy

from capacity.model.calendar import EPS, DutyCalendar

if TYPE_CHECKING:
    from capacity.model.entities import Task, User
    from capacity.model.office import Office, TeamState

__all__ = ["BUSY", "IDLE", "OFF", "SUSPENDED", "Caseworker"]

OFF, IDLE, BUSY, SUSPENDED = 0, 1, 2, 3
"""Caseworker states: off duty; on duty with nothing to do; working; mid-task but off
duty (counts as off)."""

_by_index = attrgetter("index")


class Caseworker:
    """One person in a team.

    Attributes:
        name: ``<team>-<index>``, unique in the office.
        team: the team state (shared queue, task kinds, penalty).
        users: the users on this caseworker's caseload.
        queues: personal work queue, one FIFO per task name.
        state: OFF, IDLE, BUSY or SUSPENDED.
    """

    __slots__ = (
        "_alarm_at",
        "calendar",
        "employed",
        "env",
        "hired_at",
        "in_hand",
        "index",
        "name",
        "office",
        "queues",
        "ramp_hours",
        "remaining",
        "start_speed",
        "state",
        "team",
        "users",
        "wake",
    )

    def __init__(
        self,
        env: simpy.Environment,
        office: Office,
        team: TeamState,
        index: int,
        calendar: DutyCalendar,
        task_names: tuple[str, ...],
    ):
        self.env = env
        self.office = office
        self.team = team
        self.index = index
        self.name = f"{team.name}-{index + 1}"
        self.calendar = calendar
        self.users: set[User] = set()
        self.queues: dict[str, deque[Task]] = {t: deque() for t in task_names}
        self.state = OFF
        self.wake: simpy.Event = env.event()
        self._alarm_at = -1.0
        self.employed = True
        """False before the person is hired and after they leave (set by the workforce)."""
        self.in_hand: Task | None = None
        """The task being worked on (also while suspended), else None."""
        self.remaining = 0.0
        """Hours of work content left on ``in_hand`` (at full speed)."""
        self.hired_at = 0.0
        self.ramp_hours = 0.0
        self.start_speed = 1.0

    def ramp_up(self, hired_at: float, ramp_hours: float, start_speed: float) -> None:
        """Make this a new caseworker hired at ``hired_at`` (hours) whose speed rises
        linearly from ``start_speed`` to 1 over ``ramp_hours``."""
        self.hired_at = hired_at
        self.ramp_hours = ramp_hours
        self.start_speed = start_speed

    def speed(self, t: float) -> float:
        """Share of full speed at time ``t`` (1 for experienced staff)."""
        into = t - self.hired_at
        if self.ramp_hours <= 0 or into >= self.ramp_hours:
            return 1.0
        return self.start_speed + (1.0 - self.start_speed) * max(0.0, into) / self.ramp_hours

    def _end_window(self, _event: simpy.Event) -> None:
        # Idle when the window ends: wake up to go off duty.
        if self.state == IDLE and not self.wake.triggered:
            self.wake.succeed()

    def run(self) -> Generator[simpy.Event, object, None]:
        """The caseworker's SimPy process."""
        env = self.env
        calendar = self.calendar
        office = self.office
        end = -math.inf  # end of the duty window last looked up
        while True:
            now = env.now
            # Most tasks start in the window the last one ended in: then the caseworker
            # is on duty without looking the calendar up (two searches per task saved).
            if now >= end - EPS:
                if not calendar.on_duty(now):
                    self.state = OFF
                    start = calendar.next_start(now)
                    if start is None:
                        return
                    yield env.timeout(start - now)
                    continue
                end = calendar.window_end(now)
            task = office.pick(self)
            if task is None:
                self.state = IDLE
                idle = self.team.idle
                bisect.insort(idle, self, key=_by_index)
                self.wake = env.event()
                if end != self._alarm_at:
                    # One alarm per window, however often the caseworker runs out of work
                    # in it: an alarm per idle spell left events that decided nothing.
                    self._alarm_at = end
                    env.timeout(end - now).callbacks.append(self._end_window)
                yield self.wake
                idle.remove(self)
                continue
            self.state = BUSY
            office.start(task, self)
            # A new caseworker needs longer for the same work content.
            factor = 1.0 if self.ramp_hours <= 0 else self.speed(now)
            remaining = task.work / factor
            self.in_hand = task
            self.remaining = task.work
            while True:
                chunk = min(remaining, end - now)
                yield env.timeout(chunk)
                office.add_busy(self, now, chunk, task.task)
                remaining -= chunk
                self.remaining = remaining * factor
                if remaining <= 1e-9:
                    break
                now = env.now
                start = calendar.next_start(now)
                if start is None:
                    self.state = SUSPENDED
                    return
                if start > now:
                    self.state = SUSPENDED
                    yield env.timeout(start - now)
                    self.state = BUSY
                    now = env.now
                end = calendar.window_end(now)
            self.in_hand = None
            office.finish(task, self)
