"""The runs of the validation suite: how much it simulates, each run as a record, and
the plan of runs for given sizes.

Every run is an ordinary scenario run by the ordinary model: the queueing checks use the
bundled ``mmc_check``, ``tandem_check`` and ``loop_check`` scenarios, changed only by
scenario settings (:func:`capacity.scenario.with_changes`: arrival rate, headcount,
horizon), so no code path exists for validation alone. The face-validity alternatives
are paired with ``office_2011`` as in ``capacity compare``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from capacity.experiment.compare import prepare_comparison
from capacity.model.calendar import HOURS_PER_DAY
from capacity.scenario import Scenario, load_scenario, with_changes
from capacity.scenario.distributions import Exponential

__all__ = [
    "FULL",
    "QUEUES",
    "QUICK",
    "Queue",
    "RunRecord",
    "Sizes",
    "plan_runs",
    "service_rate",
]


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
class Queue:
    """One M/M/c queue the suite runs ``mmc_check`` as.

    Attributes:
        label: the run's name in the report.
        servers: c, servers (caseworkers), >= 1.
        utilisation: the load lambda / (c mu), in (0, 1).
        horizon_days: the run's horizon in the full suite, days (scaled by
            :attr:`Sizes.queue_horizon_factor`).
    """

    label: str
    servers: int
    utilisation: float
    horizon_days: int


# One M/M/1 and the M/M/5 queue at three loads up to 0.95; mmc_check itself is the 0.9
# case. Longer horizons at higher loads, where waits are more strongly correlated (the
# relaxation time of M/M/c is about 1 / (c mu (1 - sqrt(rho))^2): 13 days at 0.95).
QUEUES: tuple[Queue, ...] = (
    Queue("mm1_rho08", 1, 0.8, 800),
    Queue("mm5_rho07", 5, 0.7, 250),
    Queue("mmc_check", 5, 0.9, 500),
    Queue("mm5_rho095", 5, 0.95, 600),
)
"""The M/M/c queues of the suite, in the order of their checks."""

_QUEUE_WARM_UP_DAYS = 30  # the queues start empty; at load 0.95 they settle within days
_TANDEM_HORIZON_DAYS = 500
# The return loop: its stations settle within hours (relaxation time about 5 hours at
# follow-up, under 2 at reception), so two days of warm-up; each user is 3.5 tasks, so
# the run is kept short for its precision: 200 days (50 in --quick, about 5 s of
# processor time) give 95 % half-widths of about 15-20 % for the follow-up mean wait in
# queue, 0.02-0.03 for P(wait) and 0.015 for utilisation in --quick, half that in full.
_LOOP_HORIZON_DAYS = 200
_LOOP_WARM_UP_DAYS = 2

# Face validity: two more caseworkers in each AAP team.
_MORE_STAFF = {"staff.follow_up.headcount": 2, "staff.assessment_plan.headcount": 2}


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


def _queue_run(base: Scenario, queue: Queue, sizes: Sizes) -> RunRecord:
    mu = service_rate(base.case_types["mm"].reception.work_hours, "mmc_check")
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


def service_rate(distribution: object, where: str) -> float:
    """The service rate mu, per hour, of exponential work (``distribution``, hours).

    Raises:
        ValueError: the work is not exponential, so no exact queue applies; the message
            starts with ``where``.
    """
    if not isinstance(distribution, Exponential):
        raise ValueError(f"{where}: work is not exponential, so the exact queue does not apply")
    return 1.0 / distribution.mean


def plan_runs(sizes: Sizes) -> list[RunRecord]:
    """The suite's runs at ``sizes``, in the order they are simulated: the offices, then
    the queues (longest first), the tandem network and the return loop.

    Raises:
        ValueError: ``sizes.paired_replications`` exceeds ``sizes.office_replications``,
            or a queueing scenario's work is not exponential.
        ScenarioError: a bundled scenario no longer loads (an installation problem).
    """
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
        _queue_run(mmc, queue, sizes) for queue in sorted(QUEUES, key=lambda q: -q.horizon_days)
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
