"""The kinds of work case types declare beside their stages' own (see
:class:`capacity.scenario.schema.WorkKind`), released as they arise.

Each user's draws for a kind of work (its hours, the times of requests) come from a
generator of the user's own, keyed by the user's stable key and the kind's name, so a
scenario that declares a kind of work gives every user the same numbers as one that does
not, for everything else (common random numbers), and scenarios without declared work
draw nothing here.

Work that arises at a rate per user is a Poisson process whose rate changes with the
user's state; it is simulated by thinning: candidates come at the largest rate the state
factors allow and each is kept with the ratio of the rate in force to it, which is exact
for a rate that changes over time.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from capacity.model.calendar import HOURS_PER_DAY
from capacity.model.entities import QUEUED, REBOOKING, Task, User

if TYPE_CHECKING:
    import numpy as np
    import simpy

    from capacity.model.office import Office
    from capacity.scenario.schema import Scenario, WorkKind

__all__ = ["DeclaredWork"]

HOURS_PER_WEEK = 7 * HOURS_PER_DAY


class DeclaredWork:
    """Releases the declared work of one office's users as it arises.

    The office calls :meth:`entered` when a user enters a stage and :meth:`left` when a
    user leaves the office; the benefit clock calls :meth:`happened` on the events of a
    benefit period.
    """

    def __init__(self, office: Office, scenario: Scenario, horizon_hours: float):
        self.office = office
        self.env = office.env
        self.horizon = horizon_hours
        self.at_stage: dict[tuple[str, str], list[WorkKind]] = {}
        self.during: dict[str, list[WorkKind]] = {}
        self.on_event: dict[tuple[str, str], list[WorkKind]] = {}
        for name, ct in scenario.case_types.items():
            for kind in ct.work:
                if kind.arises == "at_stage" and kind.stage is not None:
                    self.at_stage.setdefault((name, kind.stage), []).append(kind)
                elif kind.arises in ("every", "per_user"):
                    self.during.setdefault(name, []).append(kind)
                elif kind.event is not None:
                    self.on_event.setdefault((name, kind.event), []).append(kind)
        self.running: set[tuple[int, str]] = set()
        """(user id, kind) of the recurring and per-user work now arising."""
        self.rngs: dict[tuple[int, str], np.random.Generator] = {}

    # ------------------------------------------------------------------ hooks

    def entered(self, user: User, stage: str) -> None:
        """``user`` entered ``stage``: release the work that arises there, and start the
        recurring and per-user work of the stages it arises in."""
        for kind in self.at_stage.get((user.case_type, stage), ()):
            self._release(user, kind)
        for kind in self.during.get(user.case_type, ()):
            key = (user.uid, kind.name)
            if stage in kind.during and key not in self.running:
                self.running.add(key)
                if kind.arises == "every":
                    self._schedule_every(user, kind)
                else:
                    self._next_request(user, kind)

    def happened(self, user: User, event: str) -> None:
        """``event`` (benefit_started, plan_expired, meldekort_flag) happened to
        ``user``: release the work that arises on it."""
        for kind in self.on_event.get((user.case_type, event), ()):
            self._release(user, kind)

    def left(self, user: User) -> None:
        """``user`` left the office: forget their generators and running work."""
        for kind in self.during.get(user.case_type, ()):
            self.running.discard((user.uid, kind.name))
        if self.rngs:
            for key in [k for k in self.rngs if k[0] == user.uid]:
                del self.rngs[key]

    # ----------------------------------------------------------------- arising

    def _rng(self, user: User, kind: WorkKind) -> np.random.Generator:
        key = (user.uid, kind.name)
        rng = self.rngs.get(key)
        if rng is None:
            assert user.refill is not None, "users in a replication have their own streams"
            rng = self.rngs[key] = user.refill(f"work:{kind.name}")
        return rng

    def _at(self, delay_hours: float, callback: Callable[[simpy.Event], None]) -> None:
        # Work past the horizon would never be released; its timers are skipped.
        if self.env.now + delay_hours <= self.horizon:
            self.env.timeout(max(0.0, delay_hours)).callbacks.append(callback)

    def _still_during(self, user: User, kind: WorkKind) -> bool:
        if user.gone or user.exiting or user.stage not in kind.during:
            self.running.discard((user.uid, kind.name))
            return False
        return True

    def _schedule_every(self, user: User, kind: WorkKind) -> None:
        interval = float(kind.interval_days or 0.0) * HOURS_PER_DAY
        self._at(interval, lambda _e: self._every(user, kind))

    def _every(self, user: User, kind: WorkKind) -> None:
        if not self._still_during(user, kind):
            return
        self._release(user, kind)
        self._schedule_every(user, kind)

    def _factor(self, user: User, kind: WorkKind) -> float:
        """The product of the state factors that hold for ``user`` now."""
        factors = kind.state_factors
        factor = 1.0
        if user.aap and user.benefit_start is not None and not user.plan_valid:
            factor *= factors.without_plan
        if user.overdue_open > 0:
            factor *= factors.overdue_contact
        if user.stage == "decision":
            factor *= factors.awaiting_decision
        return factor

    def _next_request(self, user: User, kind: WorkKind) -> None:
        highest = float(kind.rate_per_week or 0.0) * kind.state_factors.largest
        if highest <= 0:
            self.running.discard((user.uid, kind.name))
            return
        gap = self._rng(user, kind).exponential(HOURS_PER_WEEK / highest)
        self._at(gap, lambda _e: self._request(user, kind))

    def _request(self, user: User, kind: WorkKind) -> None:
        if not self._still_during(user, kind):
            return
        rng = self._rng(user, kind)
        if rng.random() * kind.state_factors.largest < self._factor(user, kind):
            self._release(user, kind)
        self._next_request(user, kind)

    # ----------------------------------------------------------------- release

    def _release(self, user: User, kind: WorkKind) -> None:
        if user.gone or user.exiting:
            return
        office, now = self.office, self.env.now
        hours = kind.hours.sample(self._rng(user, kind))
        deadline = math.inf
        if kind.deadline_days is not None:
            deadline = now + kind.deadline_days * HOURS_PER_DAY
        task = office.release(user, kind.name, hours, deadline=deadline)
        records = office.records
        if now >= records.t0:
            records.released[kind.name] = records.released.get(kind.name, 0) + 1
        if deadline < math.inf:
            self._at(deadline - now, lambda _e: self._deadline(task))

    def _deadline(self, task: Task) -> None:
        """The deadline of ``task`` came: count it, and as late if it is not started."""
        user = task.user
        if user.gone or user.exiting:
            return
        records = self.office.records
        if self.env.now < records.t0:
            return
        name = task.task
        records.deadline_due[name] = records.deadline_due.get(name, 0) + 1
        if task.state in (QUEUED, REBOOKING):
            records.deadline_late[name] = records.deadline_late.get(name, 0) + 1
