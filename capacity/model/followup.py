"""The benefit period: activity-plan validity and renewal, follow-up contacts,
employment status cards (meldekort), exit hazards and the maximum period.

These run as callbacks on SimPy timeouts rather than as processes: a user in follow-up
has several clocks at once (next contact, plan expiry, next flagged card, next exit
candidate) and none of them needs a process of its own. Each callback first checks
that the user is still there, so a clock that outlives its user does nothing.

Rules:

* Contacts. The next regular contact is due ``contact_interval_days`` (by effort
  group) after the last one was held; it can be held from ``booking_lead_days`` before
  the due date (at most half the interval before it). Not held by the due date, it is
  overdue until held.
* Plans. A plan is valid ``validity_days`` from when it was made or renewed. Renewal
  work is released ``renewal_lead_days`` before expiry; past expiry the user counts as
  without a valid plan until the renewal is done.
* Cards. Cards come every ``meldekort_interval_days`` on a common schedule anchored at
  the first Monday on or after the start date; each flags an extra contact with
  probability ``meldekort_extra_contact_share``. The number of cards up to the next
  flagged one is geometric, so only flagged cards become events (exactly the same
  distribution as checking every card). An extra contact must be held within
  ``extra_contact_deadline_days`` and does not move the regular schedule.
* End after a contact. After each regular contact held, follow-up ends with
  probability ``end_after_contact_share`` (exit 'completed'); with a contact interval
  of 0 this is a queueing network's return loop to the follow-up station (such
  contacts are queued as soon as the last is held and have no due date).
* Exits. Competing exponential hazards (per year) for work, disability, sanction and
  other, simulated by thinning: candidates come at the largest possible total rate and
  are accepted with the ratio of the current rate to it, which is exact for rates that
  change with the user's state. The hazard to work is multiplied by
  ``close_follow_up_work_multiplier`` while the user has a valid plan and no overdue
  contact; sanction applies only with a valid plan.
* Maximum period. At the maximum period in force on the date the spell started
  (``max_period_days`` and its dated ``max_period_changes``) after the benefit started,
  the user is transferred to a disability assessment, leaves as a job seeker, gets one
  extension, or leaves with 'max_period', by the shares of ``at_max_period``. A user
  who comes back after leaving at the maximum can start a new spell only when the
  waiting period in force allows (:meth:`BenefitClock.earliest_new_spell`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from capacity.model.calendar import HOURS_PER_DAY
from capacity.model.entities import DONE, Task, User, geometric_from_uniform

if TYPE_CHECKING:
    import simpy

    from capacity.model.office import Office

__all__ = ["HOURS_PER_YEAR", "BenefitClock"]

HOURS_PER_YEAR = 365.25 * HOURS_PER_DAY


class BenefitClock:
    """Runs the clocks of every user's benefit period for one office."""

    def __init__(self, office: Office, card_anchor_hours: float, horizon_hours: float):
        self.office = office
        self.env = office.env
        self.card_anchor = card_anchor_hours
        self.horizon = horizon_hours

    def _at(self, delay_hours: float, callback: Callable[[simpy.Event], None]) -> None:
        # Clocks past the horizon would never fire; skip them to keep the heap small.
        if self.env.now + delay_hours <= self.horizon:
            self.env.timeout(max(0.0, delay_hours)).callbacks.append(callback)

    # ------------------------------------------------------------ benefit start

    def start_benefit(self, user: User, elapsed_hours: float = 0.0) -> None:
        """The user's benefit period starts now (minus ``elapsed_hours`` already used)."""
        if user.benefit_start is not None:
            return
        office = self.office
        user.benefit_start = self.env.now - elapsed_hours
        if user.aap:
            office.aap_recipients += 1
            if user.plan_valid:
                office.aap_with_plan += 1
        if office.declared is not None:
            office.declared.happened(user, "benefit_started")
        max_days = self._max_period_days(user)
        if max_days is not None:
            left = max_days * HOURS_PER_DAY - elapsed_hours
            self._at(left, lambda _e: self._max_reached(user, extended=False))
        self._next_exit_candidate(user)

    # ---------------------------------------------------------- maximum period

    def _date_of(self, hours: float) -> dt.date:
        start = self.office.scenario.run.start_date
        return start + dt.timedelta(days=math.floor(hours / HOURS_PER_DAY))

    def _max_period_days(self, user: User) -> float | None:
        """The maximum period in force on the date the user's spell started."""
        follow = user.ct.follow_up
        days = follow.max_period_days
        if follow.max_period_changes and user.benefit_start is not None:
            started = self._date_of(user.benefit_start)
            for change in follow.max_period_changes:
                if change.from_date <= started:
                    days = change.max_period_days
        return days

    def _max_reached(self, user: User, extended: bool) -> None:
        """The spell reached its maximum (or the end of its extension): transfer to a
        disability assessment, job seeker, one extension, or exit 'max_period', by the
        shares of ``at_max_period`` (see :class:`capacity.scenario.schema.AtMaxPeriod`)."""
        if user.gone or user.exiting:
            return
        at = user.ct.follow_up.at_max_period
        if at.disability_share + at.job_seeker_share + at.extension_share <= 0:
            self._exit(user, "max_period")
            return
        assert user.refill is not None, "users in a replication have their own streams"
        u = user.refill("max_period_extended" if extended else "max_period").random()
        if extended:
            # After the extension: the same outcomes, given that no extension is left.
            u *= 1.0 - at.extension_share
        elif u < at.extension_share:
            self.office.log(user, "max_period_extended")
            extension = at.extension_days * HOURS_PER_DAY
            self._at(extension, lambda _e: self._max_reached(user, extended=True))
            return
        else:
            u -= at.extension_share
        if u < at.disability_share:
            self._exit(user, "disability")
        elif u < at.disability_share + at.job_seeker_share:
            self._exit(user, "job_seeker")
        else:
            self._exit(user, "max_period")

    def earliest_new_spell(self, user: User, ended: float) -> float:
        """Earliest time (hours) a new spell can start for a user whose spell ended at
        its maximum at ``ended``: the first t >= ended with t - ended >= the waiting
        period in force at t (``waiting_period_days`` and its dated changes)."""
        follow = user.ct.follow_up
        start = self.office.scenario.run.start_date
        steps = [(-math.inf, follow.waiting_period_days)]
        steps += [
            ((c.from_date - start).days * HOURS_PER_DAY, c.waiting_period_days)
            for c in follow.waiting_period_changes
        ]
        for i, (begin, wait) in enumerate(steps):
            end = steps[i + 1][0] if i + 1 < len(steps) else math.inf
            if end <= ended:
                continue
            t = max(begin, ended + wait * HOURS_PER_DAY)
            if t < end:
                return t
        raise AssertionError("the last step of the waiting period never ends")

    def _rates(self, user: User, close: bool) -> tuple[float, float, float, float]:
        hz = user.ct.follow_up.exit_per_year
        multiplier = user.ct.follow_up.close_follow_up_work_multiplier
        work = hz.work * (multiplier if close else 1.0)
        sanction = hz.sanction if user.plan_valid else 0.0
        return work, hz.disability, sanction, hz.other

    def _max_rate(self, user: User) -> float:
        hz = user.ct.follow_up.exit_per_year
        multiplier = max(1.0, user.ct.follow_up.close_follow_up_work_multiplier)
        return hz.work * multiplier + hz.disability + hz.sanction + hz.other

    def _next_exit_candidate(self, user: User) -> None:
        rate = self._max_rate(user)
        if rate <= 0:
            return
        gap = user.draws.take("exit_exp") / rate * HOURS_PER_YEAR
        self._at(gap, lambda _e: self._exit_candidate(user))

    def _exit_candidate(self, user: User) -> None:
        if user.gone or user.exiting:
            return
        close = user.plan_valid and user.overdue_open == 0 and user.owner is not None
        u = user.draws.take("exit_u") * self._max_rate(user)
        for reason, rate in zip(
            ("work", "disability", "sanction", "other"), self._rates(user, close), strict=True
        ):
            if u < rate:
                self._exit(user, reason)
                return
            u -= rate
        self._next_exit_candidate(user)

    def _exit(self, user: User, reason: str) -> None:
        if user.gone or user.exiting:
            return
        user.exiting = True
        user.proc.interrupt(reason)

    # ------------------------------------------------------------------- plans

    def plan_made(self, user: User, age_hours: float = 0.0) -> None:
        """A plan was made ``age_hours`` ago; it is valid until it expires."""
        expiry = self.env.now - age_hours + user.ct.plan.validity_days * HOURS_PER_DAY
        self.office.set_plan_valid(user, expiry > self.env.now)
        if "follow_up" in user.stages:
            self._schedule_renewal(user, expiry)

    def _schedule_renewal(self, user: User, expiry: float) -> None:
        user.plan_gen += 1
        generation = user.plan_gen
        user.plan_expiry = expiry
        lead = user.ct.plan.renewal_lead_days * HOURS_PER_DAY
        now = self.env.now
        self._at(expiry - lead - now, lambda _e: self._release_renewal(user, generation))
        if expiry > now:
            self._at(expiry - now, lambda _e: self._expire(user, generation))

    def needs_first_plan(self, user: User) -> None:
        """A user in follow-up without a plan: their caseworker makes one now (a renewal
        task, already due, with the plan's work content)."""
        user.plan_gen += 1
        user.plan_expiry = self.env.now
        task = self.office.release(
            user, "renewal", user.draws.take("plan_work"), deadline=self.env.now
        )
        task.event.callbacks.append(lambda _e: self._renewed(user))

    def _expire(self, user: User, generation: int) -> None:
        if not user.gone and user.plan_gen == generation:
            self.office.set_plan_valid(user, False)
            if self.office.declared is not None:
                self.office.declared.happened(user, "plan_expired")

    def _release_renewal(self, user: User, generation: int) -> None:
        if user.gone or user.exiting or user.plan_gen != generation:
            return
        work = user.draws.take("renewal_work")
        task = self.office.release(user, "renewal", work, deadline=user.plan_expiry)
        task.event.callbacks.append(lambda _e: self._renewed(user))

    def _renewed(self, user: User) -> None:
        if user.gone or user.exiting:
            return
        self.office.set_plan_valid(user, True)
        self._schedule_renewal(user, self.env.now + user.ct.plan.validity_days * HOURS_PER_DAY)

    # ---------------------------------------------------------------- contacts

    def start_follow_up(self, user: User, age_hours: float | None = None) -> None:
        """The user enters follow-up. ``age_hours`` is given for users already in
        follow-up at time 0 (time since their last contact); they are put on a follow-up
        caseworker's caseload at once. A user arriving from another team gets a first
        contact (the hand-over meeting) released at once."""
        office = self.office
        user.in_follow_up = True
        follow = user.ct.follow_up
        interval = follow.contact_interval_days[user.effort] * HOURS_PER_DAY
        team = office.route[f"{user.case_type}.follow_up"]
        owner = user.owner
        if age_hours is not None:
            if owner is None or owner.team is not team:
                office.assign(user, team)
            if follow.regular_contacts:
                self._schedule_contact(user, self.env.now + max(0.0, interval - age_hours))
        elif not follow.regular_contacts:
            pass  # the stage's work is only what the case type declares
        elif owner is None or owner.team is not team:
            deadline = self.env.now + follow.extra_contact_deadline_days * HOURS_PER_DAY
            self._release_contact(user, deadline, regular=True)
        else:
            self._schedule_contact(user, self.env.now + interval)
        if follow.meldekort_extra_contact_share > 0:
            self._next_flagged_card(user, self.env.now)

    def _schedule_contact(self, user: User, due: float) -> None:
        follow = user.ct.follow_up
        interval = follow.contact_interval_days[user.effort]
        if interval == 0:
            # A return loop: the next contact is queued at once and has no due date, so
            # it is never overdue, and it costs no timer events.
            self._release_contact(user, math.inf, True)
            return
        # Never earlier than halfway through the interval: a lead as long as the interval
        # would let a free caseworker hold the contacts back to back.
        lead = min(follow.booking_lead_days, interval / 2) * HOURS_PER_DAY
        self._at(due - lead - self.env.now, lambda _e: self._release_contact(user, due, True))

    def _release_contact(self, user: User, due: float, regular: bool) -> None:
        if user.gone or user.exiting:
            return
        office = self.office
        task = office.release(user, "follow_up", user.draws.take("contact_work"), deadline=due)
        task.event.callbacks.append(lambda _e: self._contact_held(user, task, regular))
        if due < math.inf:
            self._at(due - self.env.now, lambda _e: self._contact_due(task))

    def _contact_due(self, task: Task) -> None:
        user = task.user
        if user.gone or user.exiting:
            return
        late = task.state != DONE
        if late:
            self.office.mark_overdue(task)
        records = self.office.records
        if self.env.now >= records.t0:
            records.contacts_due += 1
            records.contacts_late += late

    def _contact_held(self, user: User, task: Task, regular: bool) -> None:
        self.office.clear_overdue(task)
        if regular and not (user.gone or user.exiting):
            end_share = user.ct.follow_up.end_after_contact_share
            if end_share > 0 and user.draws.take("contact_end") < end_share:
                self._exit(user, "completed")
                return
            interval = user.ct.follow_up.contact_interval_days[user.effort] * HOURS_PER_DAY
            self._schedule_contact(user, self.env.now + interval)

    # ------------------------------------------------------------------- cards

    def _next_flagged_card(self, user: User, after: float) -> None:
        follow = user.ct.follow_up
        step = follow.meldekort_interval_days * HOURS_PER_DAY
        first = self.card_anchor + step * math.floor((after - self.card_anchor) / step + 1)
        cards = geometric_from_uniform(
            user.draws.take("meldekort"), follow.meldekort_extra_contact_share
        )
        when = first + step * (cards - 1)
        self._at(when - self.env.now, lambda _e: self._card_flagged(user))

    def _card_flagged(self, user: User) -> None:
        if user.gone or user.exiting:
            return
        if self.office.declared is not None:
            self.office.declared.happened(user, "meldekort_flag")
        follow = user.ct.follow_up
        deadline = self.env.now + follow.extra_contact_deadline_days * HOURS_PER_DAY
        if user.owner is not None and user.in_follow_up:
            self._release_contact(user, deadline, regular=False)
        self._next_flagged_card(user, self.env.now)
