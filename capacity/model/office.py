"""The office: teams, routing of tasks to caseworkers, caseloads, and the counters that
the measures read.

Routing rule (:meth:`Office.destination`, the one place it is decided). A task for a
user goes to the user's own caseworker when that person is employed and their team does
the task kind: to their personal queue, or to their team's shared queue under
``organisation.caseload_work = "team"`` or, with ``absence_cover = "colleagues"``, on a
day they are absent. Otherwise it goes to the shared queue of the team in force for the
kind (the first team, in scenario order, that does it under the organisation model in
force). Releasing a task, rebooking a missed meeting and moving queued tasks after a
staffing change or a reorganisation all follow this rule. A caseworker who takes a shared
task (other than reception) becomes the user's caseworker: the user joins their
caseload. When a user's next task goes to another team, the old caseworker lets go of
the user (a hand-off, which adds ``organisation.handoff_hours`` to a released task). A
caseworker at the caseload cap takes no shared task except reception.

Picking rule. A free caseworker looks at task names in ``organisation.priority`` order
(with ``overdue_first``, overdue follow-up contacts and plan renewals come before
everything else, in the order ``priority`` gives those two); for the first
name with work waiting, it takes the earliest released task among the heads of its own
queue and its team's shared queue (its own first on a tie). Each queue is first in,
first out, so ties are broken by release order, which is deterministic.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import simpy

from capacity.model.calendar import HOURS_PER_DAY
from capacity.model.caseworker import BUSY, IDLE, Caseworker
from capacity.model.entities import CANCELLED, DONE, QUEUED, REBOOKING, STARTED, Task, User
from capacity.model.tally import Tally
from capacity.scenario.vocabulary import TASKS

if TYPE_CHECKING:
    from capacity.model.attendance import Attendance
    from capacity.model.declared_work import DeclaredWork
    from capacity.scenario.routing import Layout
    from capacity.scenario.schema import Scenario

__all__ = ["DECISION_TARGET_DAYS", "WAITED_DAYS", "Office", "Records", "TeamState"]

WAITED_DAYS = 1e-6
"""A wait at most this long (days) is a start in the same instant, not a wait."""

DECISION_TARGET_DAYS = 35.0
"""NAV's result target: AAP claims decided within five weeks."""


@dataclass
class TeamState:
    """A team during a replication: its shared queue and the service-time multiplier."""

    name: str
    task_kinds: frozenset[str]
    multiplier: float
    queues: dict[str, deque[Task]]
    members: list[Caseworker] = field(default_factory=list)
    idle: list[Caseworker] = field(default_factory=list)
    """Members waiting for work, in member order: new shared work wakes the first who
    can take it. Kept by the caseworkers themselves so that releasing a task does not
    look at every member (which made large offices cost more than linearly)."""
    busy_hours: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Hours worked per day, shape (days,)."""
    duty_hours: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Case-work hours on duty per day, shape (days,)."""


class Records:
    """What the key figures need of the events inside the observation window (from
    ``t0`` hours on), in fixed memory (see :mod:`capacity.model.tally`); events before
    ``t0`` are not kept. Durations are in days. Only ``events``, kept on request, grows
    with the events."""

    def __init__(self, t0: float, record_events: bool, task_names: tuple[str, ...] = TASKS):
        self.t0 = t0
        """Start of the observation window, hours."""
        self.waits = {t: Tally(positive_above=WAITED_DAYS) for t in task_names}
        """task name -> waits (days) of the tasks started in the window."""
        self.released: dict[str, int] = {}
        """Declared kind of work (task name) -> pieces that arose in the window."""
        self.deadline_due: dict[str, int] = {}
        """Declared kind of work -> pieces whose deadline fell in the window ..."""
        self.deadline_late: dict[str, int] = {}
        """... and of them those not started by it."""
        self.decision_days = Tally(thresholds=(DECISION_TARGET_DAYS,))
        """AAP claim to decision, days, per decision in the window."""
        self.processing_days = Tally(thresholds=(DECISION_TARGET_DAYS,))
        """AAP complete claim (the work ability assessment done) to decision, days, per
        decision in the window."""
        self.aap_exits: dict[str, int] = {}
        """Exit reason -> exits of AAP recipients in the window."""
        self.granted_spells: list[float] = []
        """Days on AAP of the spells that started in the window and ended before the
        horizon (those still running at the horizon are read from the users)."""
        self.recipients_at_start: int | None = None
        """AAP recipients at the start of the window."""
        self.work_hours: dict[tuple[str, str], float] = {}
        """(team, task name) -> hours worked in the window (by the day work started)."""
        self.rejected = 0
        """Of those decisions, the rejections."""
        self.exits: dict[str, int] = {}
        """Exit reason -> exits in the window."""
        self.spell_days = Tally()
        """Days on AAP of the spells that ended in the window."""
        self.disability_days = Tally()
        """Days from the decision to apply to the case leaving, per case in the window."""
        self.contacts_due = 0
        """Follow-up contacts whose due time was reached in the window ..."""
        self.contacts_late = 0
        """... and of them those not held by then."""
        self.handoffs = 0
        """Hand-offs between teams in the window."""
        self.arrivals = 0
        """Users who arrived in the window (not the initial users; returning users
        included)."""
        self.no_shows = 0
        """Missed meetings in the window (at the time they were to start)."""
        self.reentries = 0
        """Returning users who arrived in the window (see the case type's ``reentry``)."""
        self.events: list[tuple[int, float, str, str, str, str]] | None = (
            [] if record_events else None
        )
        """(user, time hours, case type, stage, event, caseworker) when recording events."""


class Office:
    """All runtime state of one replication except the user processes themselves."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, record_events: bool):
        self.env = env
        self.scenario = scenario
        compiled = scenario.compiled
        org = scenario.organisation
        self.priority: tuple[str, ...] = compiled.priority
        urgent = {
            kind.name
            for ct in scenario.case_types.values()
            for kind in ct.work
            if kind.overdue_first
        }
        if org.overdue_first:
            urgent |= {"renewal", "follow_up"}
        self.overdue_order: tuple[str, ...] = tuple(t for t in self.priority if t in urgent)
        """Task names picked before everything else when past their deadline: declared
        kinds with ``overdue_first``, and contacts and renewals with
        ``organisation.overdue_first``."""
        self.loose = compiled.loose_tasks
        """Task names whose work neither hands a user off nor puts them on a caseload."""
        declared = [(name, kind) for name, ct in scenario.case_types.items() for kind in ct.work]
        self.team_kinds = frozenset(f"{n}.{k.name}" for n, k in declared if k.done_by == "own_team")
        """Declared kinds done in the shared queue of the user's caseworker's team."""
        self.route_kinds = frozenset(f"{n}.{k.name}" for n, k in declared if k.done_by == "anyone")
        """Declared kinds always done by the team in force for them."""
        self.cap = org.caseload_cap if org.caseload_cap is not None else math.inf
        self.handoff_hours = org.handoff_hours
        self.handover_hours = org.handover_hours_per_user
        self.cover = org.absence_cover == "colleagues"
        self.team_work = org.caseload_work == "team"
        """Tasks of users on a caseload go to the team's shared queue, not the owner's."""
        self.leaver_rule = org.leaver_caseload
        self.teams: list[TeamState] = []
        """Every team that exists at some time in the run (utilisation is kept per team)."""
        self.team_by_name: dict[str, TeamState] = {}
        for layout in compiled.layouts.values():
            for team in layout.teams:
                if team.name in self.team_by_name:
                    continue
                multiplier = team.switching_multiplier(org.task_switching_penalty)
                queues: dict[str, deque[Task]] = {t: deque() for t in compiled.task_names}
                state = TeamState(team.name, team.task_kinds, multiplier, queues)
                self.teams.append(state)
                self.team_by_name[team.name] = state
        self.route: dict[str, TeamState] = {}
        """Task kind -> the team in force for it."""
        self.active_teams: list[TeamState] = []
        self.set_routing(compiled.layout_on(0))
        self.caseworkers: list[Caseworker] = []
        self.records = Records(
            scenario.run.warm_up_days * HOURS_PER_DAY, record_events, compiled.task_names
        )
        self.horizon_days = scenario.run.horizon_days
        self.recording = record_events
        """Whether user events are recorded (hot paths skip building their names if not)."""
        self.seq = 0
        self.queued = dict.fromkeys(compiled.task_names, 0)
        self.queued_released_sum = 0.0
        """Sum of the release times of queued tasks (hours): their mean age is now minus
        this over their number."""
        self.done_total = 0
        self.in_stage: dict[str, int] = {}
        self.arrived_total = 0
        self.exited_total = 0
        self.aap_recipients = 0
        self.aap_with_plan = 0
        self.overdue_open = 0
        self.users_by_uid: dict[int, User] = {}
        self.next_uid = 0
        self.reentered_total = 0
        self.attendance: Attendance | None = None
        """Decides missed meetings; set only when some case type has no-shows."""
        self.declared: DeclaredWork | None = None
        """Releases declared kinds of work; set only when some case type declares any."""

    def set_routing(self, layout: Layout) -> None:
        """Make the teams of ``layout`` (one organisation model's) the teams in force,
        with its routing table."""
        self.active_teams = [self.team_by_name[t.name] for t in layout.teams]
        self.route = {kind: self.team_by_name[name] for kind, name in layout.route.items()}

    # ---------------------------------------------------------------- events out

    def log(self, user: User, event: str, caseworker: str = "") -> None:
        """Record a user event when events are being recorded."""
        if self.records.events is not None:
            self.records.events.append(
                (user.uid, self.env.now, user.case_type, user.stage or "", event, caseworker)
            )

    # -------------------------------------------------------------------- stages

    def enter_stage(self, user: User, stage: str) -> None:
        """Move ``user`` to ``stage`` (stock counts follow)."""
        if user.stage is not None:
            self.in_stage[user.stage] -= 1
        user.stage = stage
        self.in_stage[stage] = self.in_stage.get(stage, 0) + 1
        if self.recording:
            self.log(user, "enter")
        if self.declared is not None:
            self.declared.entered(user, stage)

    # --------------------------------------------------------------------- tasks

    def destination(self, user: User, kind: str) -> Caseworker | TeamState:
        """The routing rule (see the module doc): where a task of ``kind`` for ``user``
        goes now, a caseworker (their personal queue) or a team (its shared queue)."""
        if kind in self.route_kinds:
            return self.route[kind]
        owner = user.owner
        if owner is not None and owner.employed and kind in owner.team.task_kinds:
            if (
                self.team_work
                or kind in self.team_kinds
                or (self.cover and self.absent_today(owner))
            ):
                return owner.team
            return owner
        return self.route[kind]

    def keeps(self, holder: Caseworker | TeamState, task: Task) -> bool:
        """May queued ``task`` stay in the queue of ``holder`` after a change? Where the
        routing rule sends it now; and, under personal caseloads, in the shared queue of
        the team in force for its kind (a task once shared stays shared even if its user
        has since got a caseworker)."""
        if self.destination(task.user, task.kind) is holder:
            return True
        return not self.team_work and self.route.get(task.kind) is holder

    def _enqueue(self, task: Task, holder: Caseworker | TeamState) -> None:
        """Append ``task`` to ``holder``'s queue and wake who can take it."""
        holder.queues[task.task].append(task)
        if isinstance(holder, TeamState):
            self._wake_member(holder, task.task in self.loose)
        elif holder.state == IDLE and not holder.wake.triggered:
            holder.wake.succeed()

    def release(self, user: User, task_name: str, work: float, deadline: float = math.inf) -> Task:
        """Create a task for ``user`` and put it where the routing rule sends it; a task
        that leaves the user's caseworker's team is a hand-off (see the module doc)."""
        self.seq += 1
        task = Task(self.env, user, task_name, work, self.seq, deadline)
        target = self.destination(user, task.kind)
        task.work *= target.multiplier if isinstance(target, TeamState) else target.team.multiplier
        owner = user.owner
        if (
            owner is not None
            and task_name not in self.loose
            and target is not owner
            and target is not owner.team
        ):
            self._let_go(user)
            task.work += self.handoff_hours
            if self.env.now >= self.records.t0:
                self.records.handoffs += 1
            if self.recording:
                self.log(user, "handoff", owner.name)
        self._enqueue(task, target)
        if user.extra_work and task_name not in self.loose:
            task.work += user.extra_work
            user.extra_work = 0.0
        user.pending.add(task)
        self.queued[task_name] += 1
        self.queued_released_sum += task.released
        return task

    def _wake_member(self, team: TeamState, open_to_all: bool) -> None:
        now = self.env.now
        # Only the idle members: scanning every member cost time in proportion to the
        # team's size at every release.
        for cw in team.idle:
            if (
                not cw.wake.triggered
                and cw.calendar.on_duty(now)
                and (open_to_all or len(cw.users) < self.cap)
            ):
                cw.wake.succeed()
                break

    def absent_today(self, cw: Caseworker) -> bool:
        """Is ``cw`` absent (absence spell or wave) on the current day?"""
        absent = cw.calendar.absent
        day = int(self.env.now // HOURS_PER_DAY)
        return day < len(absent) and bool(absent[day])

    def requeue(self, tasks: list[Task]) -> None:
        """Put queued tasks (taken out of other queues) where the routing rule sends them
        now (see :meth:`destination`). Each queue stays in release order."""
        touched: dict[int, tuple[deque[Task], Caseworker | TeamState]] = {}
        for task in tasks:
            if task.state != QUEUED:
                continue
            holder = self.destination(task.user, task.kind)
            queue = holder.queues[task.task]
            queue.append(task)
            touched[id(queue)] = (queue, holder)
        for queue, holder in touched.values():
            ordered = sorted(queue, key=lambda t: (t.released, t.seq))
            queue.clear()
            queue.extend(ordered)
            if isinstance(holder, TeamState):
                for _ in range(len(queue)):
                    self._wake_member(holder, True)
            elif holder.state == IDLE and not holder.wake.triggered:
                holder.wake.succeed()

    def rebook(self, task: Task) -> None:
        """Put ``task`` (a missed meeting, rebooked) back with its work as it was
        released, where the routing rule sends it now (the user's caseworker lets go of
        them if it goes to another team; no hand-off time is added). Its release time
        becomes now."""
        task.state = QUEUED
        task.released = self.env.now
        user = task.user
        target = self.destination(user, task.kind)
        owner = user.owner
        if owner is not None and target is not owner and target is not owner.team:
            self._let_go(user)
        self._enqueue(task, target)
        self.queued[task.task] += 1
        self.queued_released_sum += task.released

    @staticmethod
    def _head(queue: deque[Task]) -> Task | None:
        while queue and queue[0].state == CANCELLED:
            queue.popleft()
        return queue[0] if queue else None

    def _best(self, cw: Caseworker, name: str, capped: bool) -> deque[Task] | None:
        """The queue (own or shared) whose head ``cw`` would take for ``name``, or None."""
        # _head inlined: this runs for every task picked.
        own_q = cw.queues[name]
        while own_q and own_q[0].state == CANCELLED:
            own_q.popleft()
        own = own_q[0] if own_q else None
        shared_q = cw.team.queues[name]
        shared = None
        if not capped or name in self.loose:
            while shared_q and shared_q[0].state == CANCELLED:
                shared_q.popleft()
            shared = shared_q[0] if shared_q else None
        if own is not None and (shared is None or own.released <= shared.released):
            return own_q
        if shared is not None:
            return shared_q
        return None

    def pick(self, cw: Caseworker) -> Task | None:
        """Remove and return the next task for ``cw`` by the picking rule, or None."""
        capped = len(cw.users) >= self.cap
        # Most of the six task names have nothing queued for this caseworker; skipping
        # them before the head lookups makes picking several times cheaper.
        own, shared = cw.queues, cw.team.queues
        if self.overdue_order:
            now = self.env.now
            for name in self.overdue_order:
                if not (own[name] or shared[name]):
                    continue
                queue = self._best(cw, name, capped)
                if queue is not None and queue[0].deadline < now:
                    return queue.popleft()
        for name in self.priority:
            if not (own[name] or shared[name]):
                continue
            queue = self._best(cw, name, capped)
            if queue is not None:
                return queue.popleft()
        return None

    def start(self, task: Task, cw: Caseworker) -> None:
        """``cw`` starts ``task``: record the wait and take the user on if needed."""
        now = self.env.now
        task.state = STARTED
        self.queued[task.task] -= 1
        self.queued_released_sum -= task.released
        if now >= self.records.t0:
            self.records.waits[task.task].add((now - task.released) / HOURS_PER_DAY)
        user = task.user
        if user.owner is None and task.task not in self.loose and not user.gone:
            user.owner = cw
            cw.users.add(user)
        if self.recording:
            self.log(user, f"start_{task.task}", cw.name)
        if self.attendance is not None:
            self.attendance.started(task, cw.name)

    def finish(self, task: Task, cw: Caseworker) -> None:
        """``cw`` finished ``task``: wake whoever waits for it (unless the user has left).
        A missed meeting is not finished but rebooked (see :mod:`capacity.model.attendance`)."""
        if self.attendance is not None and self.attendance.finished(task):
            return
        task.state = DONE
        self.done_total += 1
        user = task.user
        user.pending.discard(task)
        if user.gone or (user.exiting and task.task != "disability"):
            return
        if self.recording:
            self.log(user, f"done_{task.task}", cw.name)
        # No value: the task holds its event, and the task as the event's value made a
        # reference cycle per task that only the garbage collector could free.
        task.event.succeed()

    def add_busy(self, cw: Caseworker, start: float, hours: float, task: str) -> None:
        """Credit ``hours`` of work on a ``task`` task starting at ``start`` to the
        team's day, and to the team's hours on that task when the day is in the window."""
        team = cw.team
        busy = team.busy_hours
        day = int(start // HOURS_PER_DAY)
        if day < len(busy):
            busy[day] += hours
            if start >= self.records.t0 and day < self.horizon_days:
                key = (team.name, task)
                worked = self.records.work_hours
                worked[key] = worked.get(key, 0.0) + hours

    # --------------------------------------------------------------- caseloads

    def _let_go(self, user: User) -> None:
        owner = user.owner
        if owner is not None:
            owner.users.discard(user)
            user.owner = None

    def hand_on(self, user: User, kind: str | None) -> None:
        """``user``'s caseworker left or no longer does their work: by
        ``organisation.leaver_caseload``, the user goes to the least-loaded member of the
        team in force for ``kind`` (costing ``handover_hours_per_user`` on their next
        task), or is left without a caseworker."""
        team = self.route.get(kind) if kind is not None else None
        if (
            self.leaver_rule == "least_loaded"
            and team is not None
            and self.assign(user, team) is not None
        ):
            user.extra_work += self.handover_hours
            self.log(user, "handover", user.owner.name if user.owner else "")
            return
        self._let_go(user)

    def assign(self, user: User, team: TeamState) -> Caseworker | None:
        """Put ``user`` straight on the caseload of the member of ``team`` with the fewest
        users (lowest index on a tie) who is under the cap; None if everyone is at it."""
        # Every initial user of a team is placed this way, so the team is scanned once per
        # user; min() and index() do it in C (the Python loop grew with users x staff).
        loads = [len(cw.users) for cw in team.members]
        fewest = min(loads) if loads else None
        best = None
        if fewest is not None and fewest < self.cap:
            best = team.members[loads.index(fewest)]
        if best is not None:
            self._let_go(user)
            user.owner = best
            best.users.add(user)
        return best

    # ------------------------------------------------------------------ benefit

    def set_plan_valid(self, user: User, valid: bool) -> None:
        """Mark the user's activity plan valid or not (AAP counts follow)."""
        if user.plan_valid == valid:
            return
        user.plan_valid = valid
        if user.aap and user.benefit_start is not None and not user.gone:
            self.aap_with_plan += 1 if valid else -1
        if self.recording:
            self.log(user, "plan_valid" if valid else "plan_expired")

    def mark_overdue(self, task: Task) -> None:
        """A follow-up contact or renewal passed its deadline unfinished."""
        task.overdue = True
        self.overdue_open += 1
        task.user.overdue_open += 1

    def clear_overdue(self, task: Task) -> None:
        """An overdue task was finished or cancelled."""
        if task.overdue:
            task.overdue = False
            self.overdue_open -= 1
            task.user.overdue_open -= 1

    def cancel_open_tasks(self, user: User) -> None:
        """Withdraw the user's queued tasks (started ones are finished and ignored)."""
        # In release order: a set of tasks iterates in an order that follows memory
        # addresses, and the order of the subtractions from queued_released_sum decides
        # its last bits (the backlog's age then differed between runs of one seed).
        for task in sorted(user.pending, key=lambda t: t.seq):
            if task.task == "follow_up":
                self.clear_overdue(task)
            if task.state == QUEUED:
                task.state = CANCELLED
                self.queued[task.task] -= 1
                self.queued_released_sum -= task.released
                user.pending.discard(task)
            elif task.state == REBOOKING:
                task.state = CANCELLED
                user.pending.discard(task)

    def exit(self, user: User, reason: str) -> None:
        """The user leaves the office for ``reason`` (one of EXIT_REASONS)."""
        now = self.env.now
        self.cancel_open_tasks(user)
        if user.stage is not None:
            self.in_stage[user.stage] -= 1
        if self.recording:
            self.log(user, f"exit_{reason}")
        self._let_go(user)
        if user.aap and user.benefit_start is not None:
            self.aap_recipients -= 1
            if user.plan_valid:
                self.aap_with_plan -= 1
            records = self.records
            if now >= records.t0:
                records.spell_days.add((now - user.benefit_start) / HOURS_PER_DAY)
                records.aap_exits[reason] = records.aap_exits.get(reason, 0) + 1
                if user.benefit_start >= records.t0:
                    records.granted_spells.append((now - user.benefit_start) / HOURS_PER_DAY)
        user.gone = True
        user.stage = None
        self.exited_total += 1
        if now >= self.records.t0:
            exits = self.records.exits
            exits[reason] = exits.get(reason, 0) + 1
        del self.users_by_uid[user.uid]
        if self.declared is not None:
            self.declared.left(user)

    def new_uid(self) -> int:
        """A fresh user id (creation order)."""
        self.next_uid += 1
        return self.next_uid

    def busy_idle_on_duty(self) -> tuple[int, int, int]:
        """(busy, idle, on duty) caseworkers at this instant: busy and idle by the
        caseworkers' own states, on duty by their calendars. The model keeps
        busy + idle == on duty; the tests check it."""
        now = self.env.now
        busy = sum(cw.state == BUSY for cw in self.caseworkers)
        idle = sum(cw.state == IDLE for cw in self.caseworkers)
        on = sum(cw.calendar.on_duty(now) for cw in self.caseworkers)
        return busy, idle, on
