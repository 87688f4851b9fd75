"""The office model reduced by scenario settings to a benchmark network.

No special code path: the M/M/c queue is the bundled ``mmc_check`` scenario and the
four-station network is ``benchmarks/four_stage.toml``, both changed only through
:func:`capacity.scenario.with_changes` to the sizes in :mod:`benchmarks.networks`. The
follow-up return loop is the model's own: follow-up that ends after a contact with
probability ``end_after_contact_share`` and a contact interval of 0, with the follow-up
team's members pooled by ``organisation.caseload_work = "team"``. The timed call is
:func:`capacity.model.run_replication`, exactly as the experiment runner calls it (it
measures the key figures and the daily time series too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import simpy

from benchmarks.networks import Network, horizon_days
from benchmarks.outcome import EngineRun, Stopwatch, Timing, scheduled_events
from capacity.model import replication as replication_module
from capacity.model.caseworker import BUSY, SUSPENDED
from capacity.model.tally import Tally
from capacity.scenario import Scenario, load_scenario, with_changes

__all__ = ["EndState", "model_scenario", "run_model", "timed_replication", "timed_side_by_side"]

FOUR_STAGE = Path(__file__).with_name("four_stage.toml")

FOUR_STAGE_PATHS = {
    "reception": "case_types.net.reception.work_hours",
    "assessment": "case_types.net.assessment.work_hours_per_meeting",
    "plan": "case_types.net.plan.work_hours",
    "follow_up": "case_types.net.follow_up.contact_work_hours",
}
"""Station name -> the scenario path of its service time, in pathway order."""


def model_scenario(network: Network, users: int, seed: int) -> Scenario:
    """The model's scenario for ``network`` sized for about ``users`` arrivals.

    Raises ValueError for a network the scenarios cannot express: other than ``mmc``,
    it must have the stations reception, assessment, plan and follow_up in that order,
    with a return loop (if any) at follow_up only.
    """
    days, warm = horizon_days(network, users)
    changes: dict[str, Any] = {
        "run.horizon_days": days,
        "run.warm_up_days": warm,
        "run.seed": seed,
        "streams.arrivals.rate_per_week": network.arrivals_per_hour * 168.0,
    }
    if network.name == "mmc":
        base = load_scenario("mmc_check")
        (station,) = network.stations
        changes["staff.servers.headcount"] = station.servers
        changes["case_types.mm.reception.work_hours"] = {
            "dist": "exponential",
            "mean": station.mean_service_hours,
        }
        return with_changes(base, changes)
    base = load_scenario(FOUR_STAGE)
    if [s.name for s in network.stations] != list(FOUR_STAGE_PATHS):
        raise ValueError(
            f"network {network.name!r}: the model's four-station scenario has the stations "
            f"{list(FOUR_STAGE_PATHS)} in that order (given {[s.name for s in network.stations]})"
        )
    for station in network.stations:
        if station.return_share and station.name != "follow_up":
            raise ValueError(
                f"network {network.name!r}: the model's return loop is at follow_up only "
                f"(given return_share {station.return_share} at {station.name!r})"
            )
        changes[f"staff.{station.name}.headcount"] = station.servers
        changes[FOUR_STAGE_PATHS[station.name]] = {
            "dist": "exponential",
            "mean": station.mean_service_hours,
        }
    # Follow-up ends after a contact with probability 1 - return share; otherwise the
    # next contact is released at once (interval 0): the return loop.
    changes["case_types.net.follow_up.end_after_contact_share"] = (
        1.0 - network.stations[-1].return_share
    )
    return with_changes(base, changes)


@dataclass(frozen=True)
class EndState:
    """What the benchmarks read of an office (or of several side by side, summed) right
    after the simulation, before the measuring and the freeing that end a replication.

    Attributes:
        arrived, exited: users who arrived (initial users included) and left.
        started: tasks started (finished ones plus those in service at the end).
        in_service: tasks in service at the end (a caseworker busy or suspended on one).
        caseworkers: caseworkers who exist at some time in the run.
        engine_events: events SimPy scheduled (the whole environment).
        waits: task name -> (start time, wait) in hours of every task started in the
            observation window, where the waits were recorded (see
            :func:`timed_replication`; empty lists are left out).
    """

    arrived: int
    exited: int
    started: int
    in_service: int
    caseworkers: int
    engine_events: int | None
    waits: dict[str, list[tuple[float, float]]] = field(default_factory=dict)


def _end_state(env: simpy.Environment, offices: list[Any]) -> EndState:
    in_service = sum(
        cw.state in (BUSY, SUSPENDED) for office in offices for cw in office.caseworkers
    )
    waits: dict[str, list[tuple[float, float]]] = {}
    for office in offices:
        for task, tally in office.records.waits.items():
            if isinstance(tally, _PairTally) and tally.pairs:
                waits.setdefault(task, []).extend(tally.pairs)
    return EndState(
        arrived=sum(office.arrived_total for office in offices),
        exited=sum(office.exited_total for office in offices),
        started=sum(office.done_total for office in offices) + in_service,
        in_service=in_service,
        caseworkers=sum(len(office.caseworkers) for office in offices),
        engine_events=scheduled_events(env),
        waits=waits,
    )


def _record_pairs(env: simpy.Environment, office: Any) -> None:
    # The key figures keep only tallies of the waits; the batch means need each
    # (start time, wait), as the other engines record them.
    office.records.waits = {
        task: _PairTally(env, office.records.waits[task].positive_above)
        for task in office.records.waits
    }


def timed_replication(scenario: Scenario, replication: int) -> tuple[Timing, Any, EndState]:
    """Run one replication; return how long ``run_replication`` took, its result, and
    the office's :class:`EndState`.

    The end state is read when the simulation stops, inside ``run_replication``
    (``build_office`` is wrapped for this one call so that its environment's ``run``
    reads it on return), and holds no reference to the office: the timed work is
    exactly ``run_replication``, freeing the office included, as in an experiment.
    """
    captured: dict[str, EndState] = {}
    original = replication_module.build_office

    def capture(*args: Any, **kwargs: Any) -> Any:
        built = original(*args, **kwargs)
        env, office, _ = built
        _record_pairs(env, office)
        simulate = env.run

        def run_and_read(until: Any = None) -> Any:
            value = simulate(until)
            captured["end"] = _end_state(env, [office])
            return value

        env.run = run_and_read  # type: ignore[method-assign]
        return built

    replication_module.build_office = capture
    try:
        watch = Stopwatch()
        result = replication_module.run_replication(scenario, replication)
        timing = watch.stop()
    finally:
        replication_module.build_office = original
    return timing, result, captured["end"]


def timed_side_by_side(scenario: Scenario, copies: int) -> tuple[Timing, list[Any], EndState]:
    """Replications ``0 .. copies-1`` of ``scenario`` simulated side by side in one SimPy
    environment (one event queue, all offices in memory at once, no office meeting
    another), measured and freed as ``run_replication`` does for one; return the time,
    the results and the summed :class:`EndState`.

    Beside one office ``copies`` times as large, this tells what the office's size costs
    from what simulating that many users at once in one process costs.
    """
    watch = Stopwatch()
    with replication_module.cycle_collector_paused():
        env = simpy.Environment()
        built = [replication_module.build_office(scenario, r, env=env) for r in range(copies)]
        days = scenario.run.horizon_days
        env.run(until=env.all_of([env.process(s.process(days)) for _, _, s in built]))
        end = _end_state(env, [office for _, office, _ in built])
        results = [
            replication_module.replication_result(office, snapshots, r)
            for r, (_, office, snapshots) in enumerate(built)
        ]
        del env, built  # freed by the collector's first pass, as in run_replication
    return watch.stop(), results, end


class _PairTally(Tally):
    """A tally that also keeps every (start time, wait) in hours, for the batch means."""

    __slots__ = ("env", "pairs")

    def __init__(self, env: simpy.Environment, positive_above: float):
        super().__init__(positive_above=positive_above)
        self.env = env
        self.pairs: list[tuple[float, float]] = []

    def add(self, value: float) -> None:
        super().add(value)
        self.pairs.append((self.env.now, value * 24.0))


def run_model(scenario: Scenario, replication: int) -> tuple[Timing, EngineRun]:
    """Run one replication of a network scenario; return (timing, counts)."""
    timing, result, end = timed_replication(scenario, replication)
    mean_waits = {task: result.figures[f"wait_{task}_days_mean"] * 24.0 for task in end.waits}
    # Over the whole run (the tallies hold only the observation window): every task
    # finished, plus those in service at the end.
    return timing, EngineRun(
        completed_users=end.exited,
        arrivals=end.arrived,
        starts=end.started,
        completions=end.started - end.in_service,
        engine_events=end.engine_events,
        waits=end.waits,
        mean_wait_hours=mean_waits,
    )
