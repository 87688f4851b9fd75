"""Users' pathways: arrivals, the initial state, and each user's way through the stages.

Stages in order (a case type uses a subset): reception (one task) -> work ability
assessment (first meeting; the doctor's statement and self-assessment form awaited in
parallel; further meetings, each after a booking gap; possibly straight to a disability
case) -> decision in the back office (optional capacity, then a delay; possibly
rejected) -> activity plan (one task; the benefit period starts on entering this stage)
-> follow-up (until an exit). After the last stage of its case type a user leaves
('completed'). An exit hazard interrupts the user wherever they are; an exit to
disability first has the office prepare the disability case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import simpy

from capacity.model.attendance import Attendance
from capacity.model.calendar import HOURS_PER_DAY
from capacity.model.entities import DrawSource, Sampler, User, effort_group, make_draws
from capacity.model.followup import BenefitClock
from capacity.model.rng import make_rng, name_key

if TYPE_CHECKING:
    from capacity.model.office import Office
    from capacity.scenario.schema import EffortGroup, InitialGroup, Scenario, StageName, Stream

__all__ = ["Pathways"]

HOURS_PER_WEEK = 7 * HOURS_PER_DAY

T = TypeVar("T")
Process = Generator[simpy.Event, Any, T]
"""A SimPy process (or a part of one, run with ``yield from``) that returns a T."""


class Pathways:
    """Creates users and runs their pathways in one office and one replication."""

    def __init__(self, office: Office, scenario: Scenario, replication: int, clock: BenefitClock):
        self.office = office
        self.env = office.env
        self.scenario = scenario
        self.replication = replication
        self.clock = clock
        self.back_office: dict[str, simpy.Resource] = {
            name: simpy.Resource(self.env, capacity=1)
            for name, ct in scenario.case_types.items()
            if ct.decision.capacity_per_week is not None
        }
        if any(ct.attendance.no_show_share > 0 for ct in scenario.case_types.values()):
            office.attendance = Attendance(office)

    # ---------------------------------------------------------------- creation

    def _new_user(
        self,
        case_type: str,
        entry_stage: StageName | None,
        shares: Mapping[EffortGroup, float],
        rng_key: tuple[str, int, int],
        pool: DrawSource,
        arrived: float,
    ) -> User:
        """A new user whose own numbers come from ``pool`` (the stream's draws, served
        in arrival order) and, past the pre-drawn blocks, from generators keyed by
        ``rng_key`` (source name, two indices) and the purpose."""
        ct = self.scenario.case_types[case_type]
        start = ct.stages.index(entry_stage) if entry_stage else 0
        stages = ct.stages[start:]
        seed, rep = self.scenario.run.seed, self.replication
        source, key_a, key_b = rng_key

        def refill(purpose: str) -> np.random.Generator:
            return make_rng(seed, rep, "refill", name_key(source), key_a, key_b, name_key(purpose))

        extra: dict[str, tuple[Sampler, int]] | None = None
        if source == "initial":
            group = self.scenario.initial_state[key_a]
            extra = {
                "age": (group.age_in_stage_days.sample_many, 1),
                "elapsed": (group.benefit_elapsed_days.sample_many, 1),
                "has_plan": (_uniform_block, 1),
            }
        draws = make_draws(ct, stages, pool, refill, extra)
        effort = effort_group(shares, draws.take("effort"))
        user = User(self.office.new_uid(), case_type, ct, stages, arrived, draws, effort)
        user.key = rng_key
        user.refill = refill
        office = self.office
        office.users_by_uid[user.uid] = user
        office.arrived_total += 1
        if office.recording:
            office.log(user, "arrive")
        return user

    def _arrivals(self, name: str, stream: Stream) -> Process[None]:
        run = self.scenario.run
        rng = make_rng(run.seed, self.replication, "arrivals", name_key(name))
        users = DrawSource(make_rng(run.seed, self.replication, "users", name_key(name)))
        periods = [
            ((date - run.start_date).days * HOURS_PER_DAY, rate)
            for date, rate in self.scenario.compiled.rate_steps[name]
        ]
        horizon = run.horizon_days * HOURS_PER_DAY
        index = 0
        key = name_key(name)
        gaps: list[float] = []
        for i, (begin, rate) in enumerate(periods):
            end = periods[i + 1][0] if i + 1 < len(periods) else horizon
            if self.env.now < begin:
                yield self.env.timeout(begin - self.env.now)
            if rate <= 0:
                continue
            mean_gap = HOURS_PER_WEEK / rate
            while True:
                # Memoryless: a gap cut by the period's end restarts at the new rate.
                if not gaps:
                    # The same numbers as one exponential(mean_gap) call per arrival, with
                    # a numpy call per 256 arrivals instead of one each.
                    gaps = rng.standard_exponential(256)[::-1].tolist()
                gap = gaps.pop() * mean_gap
                if self.env.now + gap >= end:
                    break
                yield self.env.timeout(gap)
                index += 1
                self._start(name, stream, ("users", key, index), users)
            if end > self.env.now:
                yield self.env.timeout(end - self.env.now)

    def _start(
        self, name: str, stream: Stream, key: tuple[str, int, int], pool: DrawSource
    ) -> None:
        source, key_a, key_b = key
        user = self._new_user(
            stream.case_type,
            stream.entry_stage,
            stream.effort_group_shares,
            (name if source == "users" else f"{name}:batch", key_a, key_b),
            pool,
            self.env.now,
        )
        if self.env.now >= self.office.records.t0:
            self.office.records.arrivals += 1
        user.proc = self.env.process(self._lifecycle(user))

    def _batch(self, name: str, stream: Stream, index: int) -> Process[None]:
        run = self.scenario.run
        batch = stream.batches[index]
        pool = DrawSource(make_rng(run.seed, self.replication, "batches", name_key(name), index))
        yield self.env.timeout((batch.date - run.start_date).days * HOURS_PER_DAY)
        for i in range(batch.users):
            self._start(name, stream, ("batches", index, i), pool)

    def _initial_group(self, index: int, group: InitialGroup) -> None:
        run = self.scenario.run
        pool = DrawSource(make_rng(run.seed, self.replication, "initial", index))
        for i in range(group.users):
            user = self._new_user(
                group.case_type,
                group.stage,
                group.effort_group_shares,
                ("initial", index, i),
                pool,
                0.0,
            )
            age = user.draws.take("age") * HOURS_PER_DAY
            elapsed = user.draws.take("elapsed") * HOURS_PER_DAY
            has_plan = user.draws.take("has_plan") < group.with_valid_plan_share
            user.arrived = -age
            user.proc = self.env.process(self._lifecycle(user, age, elapsed, has_plan))

    def start(self) -> None:
        """Create the initial users and start every arrival stream and batch."""
        for index, group in enumerate(self.scenario.initial_state):
            self._initial_group(index, group)
        for name, stream in self.scenario.streams.items():
            self.env.process(self._arrivals(name, stream))
            for index in range(len(stream.batches)):
                self.env.process(self._batch(name, stream, index))

    # --------------------------------------------------------------- lifecycle

    def _task(self, user: User, task: str, work: float) -> Process[None]:
        yield self.office.release(user, task, work).event

    def _lifecycle(
        self, user: User, age: float | None = None, elapsed: float = 0.0, has_plan: bool = True
    ) -> Process[None]:
        office = self.office
        try:
            reason = yield from self._stages(user, age, elapsed, has_plan)
        except simpy.Interrupt as stop:
            # Exits interrupt the process with their reason (see BenefitClock._exit).
            reason = str(stop.cause)
            office.cancel_open_tasks(user)
            if reason == "disability":
                yield from self._disability(user)
        office.exit(user, reason)
        self._reentry(user, reason)

    def _reentry(self, user: User, reason: str) -> None:
        """Send a user who just left back as a new claimant later, by the case type's
        ``reentry`` shares (drawn from the user's own generator for 'reentry')."""
        again = user.ct.reentry
        share = again.after_max_period_share if reason == "max_period" else again.share
        if share <= 0 or (reason != "max_period" and reason not in again.after_reasons):
            return
        assert user.refill is not None, "users in a replication have their own streams"
        rng = user.refill("reentry")
        if rng.random() >= share:
            return
        now = self.env.now
        back = now + again.delay_days.sample(rng) * HOURS_PER_DAY
        if reason in ("max_period", "job_seeker"):
            back = max(back, self.clock.earliest_new_spell(user, now))
        if back <= self.scenario.run.horizon_days * HOURS_PER_DAY:
            self.env.process(self._come_back(user, rng, back - now))

    def _come_back(self, user: User, rng: np.random.Generator, delay: float) -> Process[None]:
        yield self.env.timeout(delay)
        source, key_a, key_b = user.key
        # A returning user's numbers are keyed by their predecessor's key, so they do
        # not depend on other users or on how many have come back before.
        again = self._new_user(
            user.case_type,
            user.ct.reentry.entry_stage,
            {user.effort: 1.0},
            (f"{source}:reentry", key_a, key_b),
            DrawSource(rng),
            self.env.now,
        )
        office = self.office
        if self.env.now >= office.records.t0:
            office.records.arrivals += 1
            office.records.reentries += 1
        office.reentered_total += 1
        if office.recording:
            office.log(again, "reentry")
        again.proc = self.env.process(self._lifecycle(again))

    def _stages(
        self, user: User, age: float | None, elapsed: float, has_plan: bool
    ) -> Process[str]:
        office, env, clock = self.office, self.env, self.clock
        draws = user.draws
        for position, stage in enumerate(user.stages):
            office.enter_stage(user, stage)
            initial = age is not None and position == 0
            if stage == "reception":
                yield from self._task(user, "reception", draws.take("reception"))
            elif stage == "assessment":
                if (yield from self._assessment(user)):
                    user.exiting = True
                    yield from self._disability(user)
                    return "disability"
            elif stage == "decision":
                if not (yield from self._decision(user)):
                    return "rejected"
            elif stage == "plan":
                clock.start_benefit(user, elapsed if initial else 0.0)
                yield from self._task(user, "plan", draws.take("plan_work"))
                clock.plan_made(user)
            elif stage == "follow_up":
                if age is not None and initial:
                    if has_plan:
                        clock.plan_made(user, age)
                    clock.start_benefit(user, elapsed)
                    clock.start_follow_up(user, age)
                    if not has_plan:
                        clock.needs_first_plan(user)
                else:
                    clock.start_benefit(user)
                    clock.start_follow_up(user)
                yield env.event()  # follow-up lasts until an exit interrupts it
        return "completed"

    def _assessment(self, user: User) -> Process[bool]:
        a = user.ct.assessment
        draws = user.draws
        env = self.env
        yield from self._task(user, "assessment", draws.take("assess_work"))
        outside = max(draws.take("doctor"), draws.take("self_assessment"))
        first_gap = True
        for _ in range(a.meetings - 1):
            gap = draws.take("assess_gap")
            if first_gap:
                gap = max(gap, outside)
                first_gap = False
            if gap > 0:
                yield env.timeout(gap * HOURS_PER_DAY)
            yield from self._task(user, "assessment", draws.take("assess_work"))
        if a.meetings == 1 and outside > 0:
            yield env.timeout(outside * HOURS_PER_DAY)
        return draws.take("assess_branch") < a.disability_share

    def _decision(self, user: User) -> Process[bool]:
        d = user.ct.decision
        env = self.env
        complete = env.now  # the claim is complete: the assessment is done
        server = self.back_office.get(user.case_type)
        if server is not None and d.capacity_per_week is not None:
            with server.request() as request:
                yield request
                yield env.timeout(HOURS_PER_WEEK / d.capacity_per_week)
        delay = user.draws.take("decision_delay")
        if delay > 0:
            yield env.timeout(delay * HOURS_PER_DAY)
        rejected = user.draws.take("decision_branch") < d.rejection_share
        if user.aap:
            records = self.office.records
            if env.now >= records.t0:
                records.decision_days.add((env.now - user.arrived) / HOURS_PER_DAY)
                records.processing_days.add((env.now - complete) / HOURS_PER_DAY)
                records.rejected += rejected
        self.office.log(user, "rejected" if rejected else "granted")
        return not rejected

    def _disability(self, user: User) -> Process[None]:
        began = self.env.now
        self.office.enter_stage(user, "disability")
        yield from self._task(user, "disability", user.draws.take("disability_work"))
        records = self.office.records
        if self.env.now >= records.t0:
            records.disability_days.add((self.env.now - began) / HOURS_PER_DAY)


def _uniform_block(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.random(n)


def card_anchor_hours(start: dt.date) -> float:
    """Hours from time 0 to the first Monday on or after ``start`` (card periods start
    on a Monday)."""
    return ((7 - start.weekday()) % 7) * HOURS_PER_DAY
