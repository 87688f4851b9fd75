"""The things the model moves around: users, their pre-drawn random numbers, and tasks.

Plain classes with ``__slots__``: thousands of users and tens of thousands of tasks
live in one replication, and attribute access is the model's hot path.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, cast

import numpy as np
import simpy

from capacity.scenario.schema import EFFORT_GROUPS, CaseType, EffortGroup

if TYPE_CHECKING:
    from capacity.model.caseworker import Caseworker

__all__ = [
    "CANCELLED",
    "DONE",
    "QUEUED",
    "STARTED",
    "DrawSource",
    "Draws",
    "Task",
    "User",
    "make_draws",
]

QUEUED, STARTED, DONE, CANCELLED = 0, 1, 2, 3
"""Task states."""
REBOOKING = 4
"""Task state of a missed meeting waiting for its new appointment (in no queue)."""

Sampler = Callable[[np.random.Generator, int], np.ndarray]


DRAW_BATCH_USERS = 64
"""Users of one source whose numbers are drawn together, one numpy call per purpose."""


class DrawSource:
    """Draws the numbers of the users of one source (a stream, a batch, an initial group)
    in batches of :data:`DRAW_BATCH_USERS` users, from the source's generator.

    Drawing a block of a few numbers for each purpose of each user took one numpy call
    per block, about a sixth of a replication's time; one call per purpose per batch
    costs almost nothing per user. The users of a source are seated in arrival order,
    which does not depend on staffing, so each user still gets the same numbers in every
    scenario that shares the source (common random numbers). All users of a source
    share one set of purposes (``samplers``, set by :func:`make_draws` for the first).
    """

    __slots__ = ("_batch", "_rng", "_seated", "samplers")

    def __init__(self, rng: np.random.Generator):
        self._rng = rng
        self._batch: dict[str, np.ndarray] = {}
        self._seated = DRAW_BATCH_USERS
        self.samplers: dict[str, tuple[Sampler, int]] | None = None

    def seat(self) -> tuple[dict[str, np.ndarray], int]:
        """A place for the next user: the current batch (purpose -> the values of all
        its users, user after user) and the user's row in it."""
        if self._seated == DRAW_BATCH_USERS:
            samplers = self.samplers or {}
            self._batch = {
                name: sampler(self._rng, n * DRAW_BATCH_USERS)
                for name, (sampler, n) in samplers.items()
            }
            self._seated = 0
        self._seated += 1
        return self._batch, self._seated - 1


class Draws:
    """A user's own random numbers, drawn in blocks when the user is created.

    Each purpose (``"contact_work"``, ``"exit_u"``, ...) has a block of values taken in
    order by :meth:`take`. The block is the user's row of the batch drawn for its source
    (see :class:`DrawSource`); only a count of the values taken is kept per user, so a
    value costs no memory until it is used. Past the block, values come ``n`` at a time
    from a generator that belongs to this user and purpose alone (``refill(purpose)``,
    made once), so no other user's numbers shift.
    """

    __slots__ = ("_batch", "_more", "_refill", "_refills", "_row", "_samplers", "_taken")

    def __init__(
        self,
        samplers: dict[str, tuple[Sampler, int]],
        source: DrawSource,
        refill: Callable[[str], np.random.Generator],
    ):
        self._samplers = samplers
        self._refill = refill
        self._refills: dict[str, np.random.Generator] | None = None
        self._more: dict[str, np.ndarray] | None = None
        self._batch, self._row = source.seat()
        self._taken: dict[str, int] = {}

    def take(self, purpose: str) -> float:
        """The next value for ``purpose``. Raises KeyError for an unknown purpose."""
        sampler, n = self._samplers[purpose]
        taken = self._taken.get(purpose, 0)
        self._taken[purpose] = taken + 1
        if taken < n:
            return float(self._batch[purpose].item(self._row * n + taken))
        return self._beyond_block(purpose, sampler, n, (taken - n) % n)

    def _beyond_block(self, purpose: str, sampler: Sampler, n: int, index: int) -> float:
        if self._refills is None or self._more is None:
            self._refills, self._more = {}, {}
        if index == 0:
            rng = self._refills.get(purpose)
            if rng is None:
                rng = self._refills[purpose] = self._refill(purpose)
            self._more[purpose] = sampler(rng, n)
        return float(self._more[purpose].item(index))


def _uniform(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.random(n)


def _unit_exponential(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.standard_exponential(n)


def make_draws(
    case_type: CaseType,
    stages: Sequence[str],
    source: DrawSource,
    refill: Callable[[str], np.random.Generator],
    extra: dict[str, tuple[Sampler, int]] | None = None,
) -> Draws:
    """Pre-draw everything one user of ``case_type`` can need on ``stages``, from
    ``source`` (which serves one case type and entry stage, so the purposes are worked
    out for its first user only).

    The set of purposes depends only on the scenario's case type and the user's entry
    stage, never on what happens to the user, so the same user gets the same numbers in
    every scenario that shares the stream (common random numbers).
    """
    if source.samplers is None:
        source.samplers = draw_purposes(case_type, stages, extra)
    return Draws(source.samplers, source, refill)


def draw_purposes(
    case_type: CaseType,
    stages: Sequence[str],
    extra: dict[str, tuple[Sampler, int]] | None = None,
) -> dict[str, tuple[Sampler, int]]:
    """Every purpose a user of ``case_type`` entering at ``stages`` can draw for, with
    its sampler and block size (values drawn at once)."""
    samplers: dict[str, tuple[Sampler, int]] = {"effort": (_uniform, 1)}
    if "reception" in stages:
        samplers["reception"] = (case_type.reception.work_hours.sample_many, 1)
    if "assessment" in stages:
        a = case_type.assessment
        samplers["assess_work"] = (a.work_hours_per_meeting.sample_many, a.meetings)
        samplers["assess_gap"] = (a.days_between_meetings.sample_many, max(1, a.meetings - 1))
        samplers["doctor"] = (a.doctor_statement_days.sample_many, 1)
        samplers["self_assessment"] = (a.self_assessment_days.sample_many, 1)
        samplers["assess_branch"] = (_uniform, 1)
    if "decision" in stages:
        samplers["decision_delay"] = (case_type.decision.delay_days.sample_many, 1)
        samplers["decision_branch"] = (_uniform, 1)
    if "plan" in stages or "follow_up" in stages:
        # Users entering at follow-up may still need a first plan made.
        samplers["plan_work"] = (case_type.plan.work_hours.sample_many, 1)
        samplers["exit_exp"] = (_unit_exponential, 8)
        samplers["exit_u"] = (_uniform, 8)
        samplers["disability_work"] = (case_type.disability.work_hours.sample_many, 1)
    elif "assessment" in stages:
        samplers["disability_work"] = (case_type.disability.work_hours.sample_many, 1)
    if "follow_up" in stages:
        f = case_type.follow_up
        samplers["contact_work"] = (f.contact_work_hours.sample_many, 16)
        samplers["renewal_work"] = (case_type.plan.renewal_work_hours.sample_many, 4)
        samplers["meldekort"] = (_uniform, 16)
        if f.end_after_contact_share > 0:
            # Only when used: a new purpose would change every later user's numbers.
            samplers["contact_end"] = (_uniform, 16)
    if extra:
        samplers.update(extra)
    return samplers


_GROUPS = cast(tuple[EffortGroup, ...], EFFORT_GROUPS)


def effort_group(shares: Mapping[EffortGroup, float], u: float) -> EffortGroup:
    """The effort group whose cumulative share first exceeds ``u`` in [0, 1)."""
    total = 0.0
    last = _GROUPS[0]
    for group in _GROUPS:
        share = shares.get(group, 0.0)
        if share > 0:
            last = group
            total += share
            if u < total:
                return group
    return last


GEOMETRIC_CAP = 10**12
"""Most trials :func:`geometric_from_uniform` returns: far beyond any horizon (a card every
day for 36,500 days is 36,500 trials), and a finite integer even when p is so small that
the exact value overflows."""


def geometric_from_uniform(u: float, p: float) -> int:
    """Number of Bernoulli(p) trials up to and including the first success, >= 1 (at most
    :data:`GEOMETRIC_CAP`)."""
    if p >= 1.0:
        return 1
    trials = math.log1p(-u) / math.log1p(-p)
    if not trials < GEOMETRIC_CAP:
        return GEOMETRIC_CAP
    return max(1, math.ceil(trials))


class User:
    """One user of the office, from arrival to exit.

    Times are hours since time 0. ``owner`` is the caseworker who holds the user on
    their caseload, or None; ``pending`` the tasks released and not finished.
    ``key`` is the user's stable random-stream key (source name, two indices) and
    ``refill(purpose)`` makes the user's own generator for a purpose from it (None for
    users made outside a replication); ``attendance_rng`` is the generator of the user's
    meeting attendance once needed, and ``missed_in_row`` the meetings missed in a row.
    """

    __slots__ = (
        "aap",
        "arrived",
        "attendance_rng",
        "benefit_start",
        "case_type",
        "ct",
        "draws",
        "effort",
        "exiting",
        "extra_work",
        "gone",
        "in_follow_up",
        "key",
        "missed_in_row",
        "overdue_open",
        "owner",
        "pending",
        "plan_expiry",
        "plan_gen",
        "plan_valid",
        "proc",
        "refill",
        "stage",
        "stages",
        "uid",
    )

    proc: simpy.Process
    """The user's SimPy process, set as soon as it is started."""

    def __init__(
        self,
        uid: int,
        case_type: str,
        ct: CaseType,
        stages: Sequence[str],
        arrived: float,
        draws: Draws,
        effort: EffortGroup,
    ):
        self.uid = uid
        self.case_type = case_type
        self.ct = ct
        self.aap = ct.aap
        self.stages = stages
        self.arrived = arrived
        self.stage: str | None = None
        self.owner: Caseworker | None = None
        self.pending: set[Task] = set()
        self.draws = draws
        self.effort: EffortGroup = effort
        self.gone = False
        self.exiting = False
        self.benefit_start: float | None = None
        self.plan_valid = False
        self.plan_gen = 0
        self.plan_expiry = math.inf
        self.overdue_open = 0
        self.in_follow_up = False
        self.extra_work = 0.0
        """Hours of handover work added to the user's next task (new caseworker)."""
        self.key: tuple[str, int, int] = ("", 0, 0)
        self.refill: Callable[[str], np.random.Generator] | None = None
        self.attendance_rng: np.random.Generator | None = None
        self.missed_in_row = 0


class Task:
    """A piece of caseworker work for one user.

    ``work`` is hours of work content (penalty and hand-off included); ``released`` the
    time it could first be done; ``deadline`` when it becomes overdue (follow-up
    contacts and plan renewals) or inf; ``event`` succeeds when the work is finished.
    """

    __slots__ = (
        "deadline",
        "event",
        "kind",
        "overdue",
        "released",
        "seq",
        "state",
        "task",
        "user",
        "work",
    )

    def __init__(
        self,
        env: simpy.Environment,
        user: User,
        task: str,
        work: float,
        seq: int,
        deadline: float = math.inf,
    ):
        self.user = user
        self.task = task
        self.kind = f"{user.case_type}.{task}"
        self.work = work
        self.released = env.now
        self.deadline = deadline
        self.seq = seq
        self.state = QUEUED
        self.overdue = False
        self.event = env.event()
