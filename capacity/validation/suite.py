"""The validation suite: the runs it simulates, the checks it makes on them, and running
it all.

Every run is an ordinary scenario run by the ordinary model: the queueing checks use the
bundled ``mmc_check``, ``tandem_check`` and ``loop_check`` scenarios, changed only by
scenario settings (:func:`capacity.scenario.with_changes`: arrival rate, headcount,
horizon), so no code path exists for validation alone. All replications of all runs go through one
:func:`capacity.experiment.executor.map_replications` call, each replication by
:func:`capacity.validation.measure.replicate_for_checks`, and are deterministic given
their scenario and number: the report does not depend on ``workers``.

Sections (see :func:`run_validation` and docs/model.md):

1. Queueing theory: M/M/1 at load 0.8 and M/M/5 at 0.7, 0.9 and 0.95 against Erlang
   C, the three-station tandem network against Jackson's theorem, and reception then a
   follow-up station with a return loop (team caseloads) against Jackson's theorem with
   feedback (Erlang C at the rate lambda / q, 1 / q contacts per user).
2. Little's law per stage and for the whole office on the bundled scenarios.
3. Conservation of users and of caseworker time over every replication of every run.
4. Published figures: the study's figures for ``office_2011`` and the national caseload
   range for small offices for ``rural_4500``.
5. Face validity: paired comparisons (common random numbers, as ``capacity compare``)
   of more staff and of the generalist organisation against ``office_2011``.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.experiment.compare import prepare_comparison
from capacity.experiment.executor import ProgressCallback, map_replications
from capacity.experiment.runner import combine
from capacity.experiment.statistics import confidence_interval
from capacity.model import figure_catalogue
from capacity.model.calendar import HOURS_PER_DAY
from capacity.scenario import Scenario, load_scenario, with_changes
from capacity.scenario.distributions import Exponential
from capacity.validation import exact
from capacity.validation.checks import Check, Outcome, judge, outcomes_table
from capacity.validation.measure import PLACES, replicate_for_checks

__all__ = [
    "FULL",
    "QUICK",
    "SECTIONS",
    "RunRecord",
    "Sizes",
    "ValidationReport",
    "run_validation",
]

SECTIONS: tuple[str, ...] = (
    "Queueing theory",
    "Little's law",
    "Conservation",
    "Published figures",
    "Face validity",
)
"""The report's sections, in order."""


@dataclass(frozen=True)
class Sizes:
    """How much the suite simulates.

    Attributes:
        name: ``full`` or ``quick`` (shown in the report).
        queue_replications: replications of each queueing run.
        queue_horizon_factor: multiplies each queueing run's horizon (days).
        office_replications: replications of ``office_2011`` (its published figures and
            Little's law).
        paired_replications: replications of each alternative in the face-validity
            comparisons, paired with the base's first ones (<= office_replications).
        rural_replications: replications of ``rural_4500``.
        tolerance_factor: multiplies the tolerance of the checks whose tolerance allows
            for simulation noise (queueing theory, Little's law), since shorter runs
            have wider intervals.
    """

    name: str
    queue_replications: int
    queue_horizon_factor: float
    office_replications: int
    paired_replications: int
    rural_replications: int
    tolerance_factor: float


FULL = Sizes("full", 10, 1.0, 20, 10, 20, 1.0)
"""The default: the evidence for review (a few minutes on two cores)."""

QUICK = Sizes("quick", 10, 0.25, 10, 5, 20, 2.0)
"""``--quick``: every check on less work (queueing runs a quarter as long, half the
paired replications), with the noise tolerances doubled (a quarter of the days makes
intervals about twice as wide); a smoke test for continuous integration, not the
evidence."""


@dataclass(frozen=True)
class _Queue:
    label: str
    servers: int
    utilisation: float
    horizon_days: int


# One M/M/1 and the M/M/5 queue at three loads up to 0.95; mmc_check itself is the 0.9
# case. Longer horizons at higher loads, where waits are more strongly correlated (the
# relaxation time of M/M/c is about 1 / (c mu (1 - sqrt(rho))^2): 13 days at 0.95).
_QUEUES = (
    _Queue("mm1_rho08", 1, 0.8, 800),
    _Queue("mm5_rho07", 5, 0.7, 250),
    _Queue("mmc_check", 5, 0.9, 500),
    _Queue("mm5_rho095", 5, 0.95, 600),
)
_QUEUE_WARM_UP_DAYS = 30  # the queues start empty; at load 0.95 they settle within days
_TANDEM_HORIZON_DAYS = 500
# The return loop: its stations settle within hours (relaxation time about 5 hours at
# follow-up, under 2 at reception), so two days of warm-up; each user is 3.5 tasks, so
# the run is kept short for its precision: 200 days (50 in --quick, about 5 s of
# processor time) give 95 % half-widths of about 15-20 % for the follow-up mean wait in
# queue, 0.02-0.03 for P(wait) and 0.015 for utilisation in --quick, half that in full.
_LOOP_HORIZON_DAYS = 200
_LOOP_WARM_UP_DAYS = 2

# Tolerances of the queueing checks (full suite). The run lengths above give 95 %
# half-widths of about 6-10 % for the mean wait in queue (16 % at load 0.95), 0.01-0.02
# for P(wait) and under 0.01 for utilisation; a tolerance must exceed the half-width
# plus the chance error of the mean, so that a correct model passes every check with
# high probability whatever its random streams. Hence: the mean wait in queue within
# 25 % of the exact value (35 % at load 0.95, where waits stay correlated for days),
# P(wait) within 0.03, utilisation within 0.02, the time through the tandem network
# within 10 %. Utilisation and P(wait) are the sharp checks of the load and of the
# queue's behaviour; a wrong server count or service rate moves the wait by far more.
_WQ_TOLERANCE = 0.25
_WQ_TOLERANCE_HEAVY = 0.35
_P_WAIT_TOLERANCE = 0.03
_UTILISATION_TOLERANCE = 0.02
_NETWORK_TOLERANCE = 0.10
# Contacts per user in the return loop: geometric with mean 1 / q (coefficient of
# variation sqrt(1 - q), 0.77), averaged over a few thousand users a replication: the
# 95 % half-width is about 1 %; within 5 % of 1 / q. Swapping q and 1 - q (1.67 instead
# of 2.5) or a loop that never closes is far outside.
_CONTACTS_TOLERANCE = 0.05

# Little's law: L from end-of-day counts against lambda W within 10 %. The counts are
# one sample a day: a stage users pass in hours (the queueing scenarios) is estimated
# from a few thousand snapshots of a small, fluctuating stock; in the offices, the
# daily rhythm moves the end-of-day count of a stage users stay in for days by a few
# per cent from its time average.
_LITTLE_TOLERANCE = 0.10
_LITTLE_RUNS = (
    "mmc_check",
    "tandem_check",
    "loop_check",
    "office_2011",
    "office_2011_generalist",
    "rural_4500",
)
# loop_check's reception holds 0.67 users on average (a fifth of an hour per user): one
# count a day cannot estimate so small a stock within the tolerance in a run this short.
_LITTLE_LEFT_OUT = {("loop_check", "reception")}

# Face validity: two more caseworkers in each AAP team.
_MORE_STAFF = {"staff.follow_up.headcount": 2, "staff.assessment_plan.headcount": 2}

_STUDY = "Uni Rokkansenteret, Notat 12-2011 (the study), spring 2011"


@dataclass(frozen=True)
class RunRecord:
    """One run of the suite.

    Attributes:
        label: its name in the report.
        scenario: the scenario as run.
        replications: replications ``0 .. n-1`` run.
        purpose: what it is run for, in words.
        changes: the dotted-path changes made to the bundled scenario ``base``.
        base: the bundled scenario it is made from.
    """

    label: str
    scenario: Scenario
    replications: int
    purpose: str
    changes: Mapping[str, object]
    base: str


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of the suite.

    Attributes:
        outcomes: one per check, in section order.
        runs: the runs simulated.
        sizes: how much was simulated (:data:`FULL` or :data:`QUICK`).
        started_at, finished_at: UTC start and end.
        wall_seconds: elapsed wall-clock time, seconds.
    """

    outcomes: tuple[Outcome, ...]
    runs: tuple[RunRecord, ...]
    sizes: Sizes
    started_at: dt.datetime
    finished_at: dt.datetime
    wall_seconds: float

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(o.passed for o in self.outcomes)

    @property
    def failed(self) -> tuple[Outcome, ...]:
        """The checks that failed."""
        return tuple(o for o in self.outcomes if not o.passed)

    @property
    def table(self) -> pd.DataFrame:
        """The rows of ``validation.csv`` (:data:`capacity.validation.VALIDATION_COLUMNS`)."""
        return outcomes_table(self.outcomes)


# ------------------------------------------------------------------------ runs


def _queue_run(base: Scenario, queue: _Queue, sizes: Sizes) -> RunRecord:
    mu = _service_rate(base.case_types["mm"].reception.work_hours, "mmc_check")
    arrival_rate = queue.utilisation * queue.servers * mu
    horizon = max(_QUEUE_WARM_UP_DAYS + 10, round(queue.horizon_days * sizes.queue_horizon_factor))
    changes = {
        "run.name": queue.label,
        "run.horizon_days": horizon,
        "run.warm_up_days": _QUEUE_WARM_UP_DAYS,
        "run.replications": sizes.queue_replications,
        "streams.arrivals.rate_per_week": arrival_rate * 7 * HOURS_PER_DAY,
        "staff.servers.headcount": queue.servers,
    }
    purpose = f"M/M/{queue.servers} at utilisation {queue.utilisation:g}"
    return RunRecord(
        queue.label,
        with_changes(base, changes),
        sizes.queue_replications,
        purpose,
        changes,
        "mmc_check",
    )


def _service_rate(distribution: object, where: str) -> float:
    if not isinstance(distribution, Exponential):
        raise ValueError(f"{where}: work is not exponential, so the exact queue does not apply")
    return 1.0 / distribution.mean


def _plan_runs(sizes: Sizes) -> list[RunRecord]:
    if sizes.paired_replications > sizes.office_replications:
        raise ValueError("paired_replications must not exceed office_replications")
    office = load_scenario("office_2011")
    more_changes = {path: _field(office, path) + extra for path, extra in _MORE_STAFF.items()} | {
        "run.name": "office_2011_more_staff",
        "run.replications": sizes.paired_replications,
    }
    more = with_changes(office, more_changes)
    generalist = load_scenario("office_2011_generalist")
    # Paired as in capacity compare: the base's seed, the same replication numbers.
    _, more, generalist = prepare_comparison(
        [office, more, generalist], replications=sizes.paired_replications
    )
    office_changes = {"run.replications": sizes.office_replications}
    runs = [
        RunRecord(
            "office_2011",
            with_changes(office, office_changes),
            sizes.office_replications,
            "published figures, Little's law, base of the comparisons",
            office_changes,
            "office_2011",
        ),
        RunRecord(
            "office_2011_more_staff",
            more,
            sizes.paired_replications,
            "face validity: two more caseworkers in each AAP team",
            more_changes,
            "office_2011",
        ),
        RunRecord(
            "office_2011_generalist",
            generalist,
            sizes.paired_replications,
            "face validity: generalists instead of specialised teams; Little's law",
            {"run.replications": sizes.paired_replications},
            "office_2011_generalist",
        ),
    ]
    replay_changes = {"run.replications": sizes.paired_replications}
    runs.append(
        RunRecord(
            "office_2011_reorganised",
            with_changes(load_scenario("office_2011_reorganised"), replay_changes),
            sizes.paired_replications,
            "face validity over time: a staff sick-leave wave, then generalists to "
            "specialised teams",
            replay_changes,
            "office_2011_reorganised",
        )
    )
    rural_changes = {"run.replications": sizes.rural_replications}
    runs.append(
        RunRecord(
            "rural_4500",
            with_changes(load_scenario("rural_4500"), rural_changes),
            sizes.rural_replications,
            "published caseload of small offices; Little's law",
            rural_changes,
            "rural_4500",
        )
    )
    mmc = load_scenario("mmc_check")
    runs += [
        _queue_run(mmc, queue, sizes) for queue in sorted(_QUEUES, key=lambda q: -q.horizon_days)
    ]
    tandem = load_scenario("tandem_check")
    tandem_changes = {
        "run.horizon_days": max(40, round(_TANDEM_HORIZON_DAYS * sizes.queue_horizon_factor)),
        "run.warm_up_days": _QUEUE_WARM_UP_DAYS,
        "run.replications": sizes.queue_replications,
    }
    runs.append(
        RunRecord(
            "tandem_check",
            with_changes(tandem, tandem_changes),
            sizes.queue_replications,
            "three-station tandem network (Jackson)",
            tandem_changes,
            "tandem_check",
        )
    )
    loop_changes = {
        "run.horizon_days": max(
            _LOOP_WARM_UP_DAYS + 10, round(_LOOP_HORIZON_DAYS * sizes.queue_horizon_factor)
        ),
        "run.warm_up_days": _LOOP_WARM_UP_DAYS,
        "run.replications": sizes.queue_replications,
    }
    runs.append(
        RunRecord(
            "loop_check",
            with_changes(load_scenario("loop_check"), loop_changes),
            sizes.queue_replications,
            "reception, then follow-up with a return loop (Jackson with feedback)",
            loop_changes,
            "loop_check",
        )
    )
    return runs


def _field(scenario: Scenario, path: str) -> int:
    node: object = scenario
    for part in path.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return int(node)  # type: ignore[call-overload]


# ---------------------------------------------------------------------- checks


def _interval(values: np.ndarray) -> tuple[float, float, float, int]:
    data = np.asarray(values, dtype=float)
    mean, low, high = confidence_interval(data)
    return mean, low, high, int((~np.isnan(data)).sum())


def _outcome(check: Check, values: np.ndarray, note: str = "") -> Outcome:
    mean, low, high, n = _interval(values)
    reason = judge(check, mean, low, high)
    return Outcome(check, mean, low, high, n, not reason, reason, note)


class _Checks:
    """Builds the outcomes of every section from the runs' per-replication figures."""

    def __init__(self, runs: Sequence[RunRecord], figures: dict[str, pd.DataFrame], sizes: Sizes):
        self.runs = {run.label: run for run in runs}
        self.figures = figures
        self.sizes = sizes

    def column(self, label: str, name: str) -> np.ndarray:
        return self.figures[label][name].to_numpy(dtype=float)

    def all(self) -> list[Outcome]:
        return [
            *self.queueing(),
            *self.little(),
            *self.conservation(),
            *self.published(),
            *self.face_validity(),
        ]

    # -- 1. queueing theory

    def queueing(self) -> list[Outcome]:
        section, factor = SECTIONS[0], self.sizes.tolerance_factor
        outcomes = []
        for queue in _QUEUES:
            run = self.runs[queue.label]
            mu = _service_rate(run.scenario.case_types["mm"].reception.work_hours, queue.label)
            lam = run.scenario.streams["arrivals"].rate_per_week / (7 * HOURS_PER_DAY)
            q = exact.mmc(lam, mu, queue.servers)
            name = f"M/M/{queue.servers} at utilisation {queue.utilisation:g}"
            source = f"Erlang C: lambda {lam:g}/h, mu {mu:g}/h, c {queue.servers}"
            wq_tolerance = _WQ_TOLERANCE_HEAVY if queue.utilisation >= 0.95 else _WQ_TOLERANCE
            outcomes += [
                _outcome(
                    Check(
                        f"queue.{queue.label}.wq",
                        section,
                        f"{name}: mean wait in queue",
                        queue.label,
                        "hours",
                        q.wq_hours,
                        q.wq_hours,
                        wq_tolerance * q.wq_hours * factor,
                        source,
                    ),
                    self.column(queue.label, "wait_reception_days_mean") * HOURS_PER_DAY,
                ),
                _outcome(
                    Check(
                        f"queue.{queue.label}.p_wait",
                        section,
                        f"{name}: share of users who wait, P(wait)",
                        queue.label,
                        "share",
                        q.p_wait,
                        q.p_wait,
                        _P_WAIT_TOLERANCE * factor,
                        source,
                    ),
                    self.column(queue.label, "waited_reception_share"),
                ),
                _outcome(
                    Check(
                        f"queue.{queue.label}.utilisation",
                        section,
                        f"{name}: utilisation of the servers",
                        queue.label,
                        "share",
                        q.utilisation,
                        q.utilisation,
                        _UTILISATION_TOLERANCE * factor,
                        "lambda / (c mu)",
                    ),
                    self.column(queue.label, "utilisation_servers"),
                ),
            ]
        return outcomes + self._tandem() + self._loop()

    def _tandem(self) -> list[Outcome]:
        section, factor = SECTIONS[0], self.sizes.tolerance_factor
        scenario = self.runs["tandem_check"].scenario
        case_type = scenario.case_types["tandem"]
        lam = scenario.streams["arrivals"].rate_per_week / (7 * HOURS_PER_DAY)
        works = {
            "reception": case_type.reception.work_hours,
            "assessment": case_type.assessment.work_hours_per_meeting,
            "plan": case_type.plan.work_hours,
        }
        if case_type.assessment.meetings != 1:
            raise ValueError("tandem_check: the assessment must be one meeting to be a station")
        stations = [
            (_service_rate(works[stage], "tandem_check"), scenario.staff[stage].headcount)
            for stage in case_type.stages
        ]
        queues, total = exact.tandem(lam, stations)
        outcomes = []
        for k, (stage, q) in enumerate(zip(case_type.stages, queues, strict=True), start=1):
            outcomes.append(
                _outcome(
                    Check(
                        f"queue.tandem_check.{stage}.wq",
                        section,
                        f"Tandem network, station {k} ({stage}, M/M/{q.servers} at "
                        f"utilisation {q.utilisation:.3g}): mean wait in queue",
                        "tandem_check",
                        "hours",
                        q.wq_hours,
                        q.wq_hours,
                        _WQ_TOLERANCE * q.wq_hours * factor,
                        "Jackson's theorem: each station an M/M/c queue (Erlang C)",
                    ),
                    self.column("tandem_check", f"wait_{stage}_days_mean") * HOURS_PER_DAY,
                )
            )
        outcomes.append(
            _outcome(
                Check(
                    "queue.tandem_check.w_total",
                    section,
                    "Tandem network: mean time from arrival to leaving",
                    "tandem_check",
                    "hours",
                    total,
                    total,
                    _NETWORK_TOLERANCE * total * factor,
                    "Jackson's theorem: the sum of the stations' mean times",
                ),
                self.column("tandem_check", "check_time_in_office_hours_mean"),
            )
        )
        return outcomes

    def _loop(self) -> list[Outcome]:
        section, factor = SECTIONS[0], self.sizes.tolerance_factor
        label = "loop_check"
        scenario = self.runs[label].scenario
        case_type = scenario.case_types["loop"]
        follow = case_type.follow_up
        if (
            case_type.stages != ["reception", "follow_up"]
            or any(days != 0 for days in follow.contact_interval_days.values())
            or scenario.organisation.caseload_work != "team"
        ):
            raise ValueError(
                "loop_check: needs stages reception and follow_up, contact intervals of 0 "
                "and team caseloads to be a network with a return loop"
            )
        lam = scenario.streams["arrivals"].rate_per_week / (7 * HOURS_PER_DAY)
        reception = exact.mmc(
            lam,
            _service_rate(case_type.reception.work_hours, label),
            scenario.staff["reception"].headcount,
        )
        mu = _service_rate(follow.contact_work_hours, label)
        loop = exact.return_loop(
            lam, mu, scenario.staff["follow_up"].headcount, follow.end_after_contact_share
        )
        station, q = loop.station, loop.end_share
        total = reception.w_hours + loop.time_hours
        name = (
            f"Return loop, station 2 (follow_up, q {q:g}: M/M/{station.servers} at "
            f"lambda / q, utilisation {station.utilisation:.3g})"
        )
        source = (
            f"Jackson's theorem with feedback: Erlang C at lambda / q = "
            f"{station.arrival_rate_per_hour:g}/h, mu {mu:.4g}/h, c {station.servers}; new "
            "and returning contacts see the time average (arrival theorem)"
        )
        rows = [
            (
                "reception.wq",
                f"Return loop, station 1 (reception, M/M/{reception.servers} at utilisation "
                f"{reception.utilisation:.3g}): mean wait in queue",
                "hours",
                reception.wq_hours,
                _WQ_TOLERANCE * reception.wq_hours,
                "Jackson's theorem: each station an M/M/c queue (Erlang C)",
                self.column(label, "wait_reception_days_mean") * HOURS_PER_DAY,
            ),
            (
                "follow_up.wq",
                f"{name}: mean wait in queue per contact",
                "hours",
                station.wq_hours,
                _WQ_TOLERANCE * station.wq_hours,
                source,
                self.column(label, "wait_follow_up_days_mean") * HOURS_PER_DAY,
            ),
            (
                "follow_up.p_wait",
                f"{name}: share of contacts that wait, P(wait)",
                "share",
                station.p_wait,
                _P_WAIT_TOLERANCE,
                source,
                self.column(label, "waited_follow_up_share"),
            ),
            (
                "follow_up.utilisation",
                f"{name}: utilisation of the follow-up team",
                "share",
                station.utilisation,
                _UTILISATION_TOLERANCE,
                "lambda / (q c mu)",
                self.column(label, "utilisation_follow_up"),
            ),
            (
                "contacts_per_user",
                "Return loop: follow-up contacts per user (users who arrived in the window "
                "and left by its end)",
                "contacts",
                loop.visits_mean,
                _CONTACTS_TOLERANCE * loop.visits_mean,
                "flow balance: after each contact a user leaves with probability q, so the "
                "contacts are geometric with mean 1 / q",
                self.column(label, "check_follow_up_contacts_per_user_mean"),
            ),
            (
                "w_total",
                "Return loop: mean time from arrival to leaving",
                "hours",
                total,
                _NETWORK_TOLERANCE * total,
                "Jackson's theorem: reception's mean time plus 1 / q times the follow-up "
                "station's mean time per contact",
                self.column(label, "check_time_in_office_hours_mean"),
            ),
        ]
        return [
            _outcome(
                Check(
                    f"queue.{label}.{key}",
                    section,
                    text,
                    label,
                    unit,
                    expected,
                    expected,
                    tolerance * factor,
                    src,
                ),
                values,
            )
            for key, text, unit, expected, tolerance, src, values in rows
        ]

    # -- 2. Little's law

    def little(self) -> list[Outcome]:
        section, factor = SECTIONS[1], self.sizes.tolerance_factor
        outcomes = []
        for label in _LITTLE_RUNS:
            scenario = self.runs[label].scenario
            visited = [
                p
                for p in PLACES[:-1]
                if np.nansum(self.column(label, f"check_little_lambda_per_day_{p}")) > 0
            ]
            for place in PLACES:
                if place == "office" and len(visited) == 1:
                    continue  # the office is its one stage: the same numbers again
                if place == "reception" and not scenario.calendar.always_open:
                    continue  # see docs/model.md: end-of-day counts miss the day's visitors
                if (label, place) in _LITTLE_LEFT_OUT:
                    continue
                big_l = self.column(label, f"check_little_l_{place}")
                lam = self.column(label, f"check_little_lambda_per_day_{place}")
                w = self.column(label, f"check_little_w_days_{place}")
                if not np.nansum(lam) > 0:
                    continue  # no user ever passes this stage in this scenario
                where = "Whole office" if place == "office" else f"Stage {place}"
                note = (
                    f"L {_fmt(np.mean(big_l))} users, lambda {_fmt(np.mean(lam))} per day, "
                    f"W {_fmt(np.nanmean(w))} days"
                )
                with np.errstate(invalid="ignore", divide="ignore"):
                    ratio = big_l / (lam * w)
                outcomes.append(
                    _outcome(
                        Check(
                            f"little.{label}.{place}",
                            section,
                            f"{where}: L (end-of-day counts) / lambda W (event times)",
                            label,
                            "ratio",
                            1.0,
                            1.0,
                            _LITTLE_TOLERANCE * factor,
                            "Little's law on the observation window (L = lambda W)",
                        ),
                        ratio,
                        note,
                    )
                )
        return outcomes

    # -- 3. conservation

    def conservation(self) -> list[Outcome]:
        section = SECTIONS[2]
        every = "every run"
        laws = [
            (
                "users",
                "Users: arrived = in the office + exited, at the end of every day "
                "(days on which it fails)",
                "days",
                ["check_users_unbalanced_days"],
                0.0,
            ),
            (
                "stocks",
                "Users in each stage and in the office at the end of every day = the "
                "number the event log puts there (largest difference)",
                "users",
                [f"check_count_mismatch_{place}" for place in PLACES],
                0.0,
            ),
            (
                "log",
                "Users arrived and exited = the arrivals and exits in the event log "
                "(largest difference)",
                "users",
                ["check_arrivals_vs_log", "check_exits_vs_log"],
                0.0,
            ),
            (
                "staff",
                "Caseworkers: busy + idle = on duty, at noon every day (days on which it fails)",
                "days",
                ["check_staff_unbalanced_days"],
                0.0,
            ),
        ]
        outcomes = []
        replications = sum(len(frame) for frame in self.figures.values())
        note = f"worst of {replications} replications in {len(self.figures)} runs"
        for key, description, unit, names, expected in laws:
            worst, where = self._worst(names)
            check = Check(
                f"conservation.{key}",
                section,
                description,
                every,
                unit,
                expected,
                expected,
                0.0,
                "conservation law (exact)",
            )
            reason = judge(check, worst)
            outcomes.append(
                Outcome(
                    check, worst, math.nan, math.nan, replications, not reason, reason, note + where
                )
            )
        worst, where = self._worst(["check_utilisation_day_max"])
        check = Check(
            "conservation.work_hours",
            section,
            "Caseworker time: hours worked <= hours on duty, every team and day "
            "(largest daily utilisation)",
            every,
            "share",
            None,
            1.0,
            1e-9,
            "work is done only on duty (exact; 1e-9 for rounding)",
        )
        reason = judge(check, worst)
        outcomes.append(
            Outcome(
                check, worst, math.nan, math.nan, replications, not reason, reason, note + where
            )
        )
        return outcomes

    def _worst(self, names: Sequence[str]) -> tuple[float, str]:
        worst, where = -math.inf, ""
        for label, frame in self.figures.items():
            value = float(np.nanmax(frame[list(names)].to_numpy(dtype=float)))
            if value > worst:
                worst, where = value, label
        return worst, f"; worst in {where}" if worst > 0 else ""

    # -- 4. published figures

    def published(self) -> list[Outcome]:
        section = SECTIONS[3]
        rows = [
            (
                "office_2011",
                "aap_with_valid_plan_share",
                "Share of AAP recipients with a valid activity plan",
                0.57,
                0.57,
                0.05,
                f"{_STUDY}: 'about 57 %' had a plan a year after the conversion "
                "(tolerance: an interview figure)",
            ),
            (
                "office_2011",
                "caseload_follow_up_mean",
                "Users per follow-up caseworker",
                200.0,
                200.0,
                20.0,
                f"{_STUDY}: 'some mention up to 200'; NAV resource mapping 2013: up to about 200",
            ),
            (
                "office_2011",
                "aap_rejection_share",
                "Share of AAP claims rejected",
                0.10,
                0.15,
                0.0,
                f"{_STUDY}: 'between 10 and 15 %'",
            ),
            (
                "office_2011",
                "disability_applications_per_week",
                "Disability benefit cases sent on per week",
                8.0,
                10.0,
                1.0,
                f"{_STUDY}: '8-10 of these cases a week' (tolerance: an interview figure)",
            ),
            (
                "rural_4500",
                "caseload_follow_up_mean",
                "Users per caseworker in a small office",
                30.0,
                50.0,
                0.0,
                "NAV resource mapping 2013 (press): 30-50 users per caseworker at small offices",
            ),
        ]
        units = {
            spec.name: spec.unit for spec in figure_catalogue(self.runs["office_2011"].scenario)
        }
        return [
            _outcome(
                Check(
                    f"published.{label}.{figure}",
                    section,
                    text,
                    label,
                    units[figure],
                    low,
                    high,
                    tol,
                    src,
                ),
                self.column(label, figure),
            )
            for label, figure, text, low, high, tol, src in rows
        ]

    # -- 5. face validity

    def face_validity(self) -> list[Outcome]:
        section = SECTIONS[4]
        more = "office_2011_more_staff"
        generalist = "office_2011_generalist"
        rows = [
            (more, "caseload_follow_up_mean", "More staff: smaller caseloads", -1),
            (more, "wait_follow_up_days_mean", "More staff: follow-up contacts wait less", -1),
            (more, "wait_renewal_days_mean", "More staff: plan renewals wait less", -1),
            (more, "aap_with_valid_plan_share", "More staff: more recipients with a valid plan", 1),
            (
                generalist,
                "aap_with_valid_plan_share",
                "Generalists: fewer recipients with a valid plan (production falls)",
                -1,
            ),
            (
                generalist,
                "follow_up_contacts_overdue_share",
                "Generalists: more follow-up contacts overdue",
                1,
            ),
            (
                generalist,
                "handoffs_per_week",
                "Generalists: fewer hand-offs between caseworkers (one caseworker per user)",
                -1,
            ),
        ]
        sources = {
            more: "expected direction: more people for the same work",
            generalist: f"{_STUDY}: generalists 'can't keep production up ... the portfolio "
            "gets too big'; specialised teams hand users over",
        }
        units = {
            spec.name: spec.unit for spec in figure_catalogue(self.runs["office_2011"].scenario)
        }
        outcomes = []
        for label, figure, text, sign in rows:
            paired = self.runs[label].replications
            base = self.column("office_2011", figure)[:paired]
            alt = self.column(label, figure)
            check = Check(
                f"face.{label}.{figure}",
                section,
                f"{text}: {figure}, alternative - office_2011",
                label,
                units[figure],
                None if sign < 0 else 0.0,
                0.0 if sign < 0 else None,
                0.0,
                sources[label],
                strict=True,
            )
            outcomes.append(
                _outcome(
                    check,
                    alt - base,
                    f"base {_fmt(np.nanmean(base))}, alternative {_fmt(np.nanmean(alt))}",
                )
            )
        return outcomes + self._over_time()

    def _over_time(self) -> list[Outcome]:
        """Within each replication of the replay: a figure in one window against another
        (after against before the reorganisation, during against before the wave)."""
        label = "office_2011_reorganised"
        rows = [
            (
                "reorganisation_1_tasks_done_per_week",
                "after",
                "before",
                "Specialising: more tasks finished a week in the four weeks after than before",
                1,
                f"{_STUDY}: the offices specialised because generalists 'can't keep production up'",
            ),
            (
                "sick_leave_wave_tasks_done_per_week",
                "during",
                "before",
                "Sick-leave wave: fewer tasks finished a week while a quarter of the staff is away",
                -1,
                f"{_STUDY}: 'because we happen to be ill, applications take too long and pile up'",
            ),
        ]
        outcomes = []
        for stem, later, earlier, text, sign, source in rows:
            first = self.column(label, f"{stem}_{earlier}")
            second = self.column(label, f"{stem}_{later}")
            check = Check(
                f"face.{label}.{stem}_{later}",
                SECTIONS[4],
                f"{text}: {stem}, {later} - {earlier}",
                label,
                "tasks per week" if stem.endswith("per_week") else "tasks",
                None if sign < 0 else 0.0,
                0.0 if sign < 0 else None,
                0.0,
                source,
                strict=True,
            )
            outcomes.append(
                _outcome(
                    check,
                    second - first,
                    f"{earlier} {_fmt(np.nanmean(first))}, {later} {_fmt(np.nanmean(second))}",
                )
            )
        return outcomes


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


# ------------------------------------------------------------------------- run


def run_validation(
    *,
    quick: bool = False,
    sizes: Sizes | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> ValidationReport:
    """Simulate the suite's runs and judge every check.

    Args:
        quick: use :data:`QUICK` instead of :data:`FULL`.
        sizes: use these sizes instead (overrides ``quick``).
        workers: local processes; the report does not depend on it.
        scheduler: address of a dask.distributed scheduler to run on instead.
        progress: called as ``progress(done, total)`` after each replication.
        on_plan: called once with the total number of replications before any runs.

    Returns:
        A :class:`ValidationReport`; ``report.passed`` is False when any check failed.

    Raises:
        ValueError: ``workers`` < 1 or inconsistent ``sizes``.
        ScenarioError: a bundled scenario no longer loads (an installation problem).
        OSError: the scheduler cannot be reached.
    """
    chosen = sizes or (QUICK if quick else FULL)
    started_at = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    runs = _plan_runs(chosen)
    jobs = [(run.scenario, r) for run in runs for r in range(run.replications)]
    if on_plan is not None:
        on_plan(len(jobs))
    finished = map_replications(
        jobs,
        workers=workers,
        scheduler=scheduler,
        progress=progress,
        replicate=replicate_for_checks,
    )
    figures: dict[str, pd.DataFrame] = {}
    start = 0
    for run in runs:
        combined = combine(run.scenario, finished[start : start + run.replications])
        figures[run.label] = combined.figures
        start += run.replications
    outcomes = _Checks(runs, figures, chosen).all()
    order = {section: k for k, section in enumerate(SECTIONS)}
    outcomes.sort(key=lambda o: order[o.check.section])
    return ValidationReport(
        outcomes=tuple(outcomes),
        runs=tuple(runs),
        sizes=chosen,
        started_at=started_at,
        finished_at=dt.datetime.now(dt.UTC),
        wall_seconds=time.perf_counter() - clock,
    )
