"""One measurement, run in its own process: ``python -m benchmarks.measure JOB``.

JOB is a JSON object; the result is printed as one JSON object on the last line of
standard output. Kinds of job:

* ``{"kind": "network", "engine": "model" | "simpy" | "ciw", "network": "mmc" |
  "four_stage", "users": N, "seed": S}``: one engine on one equal-work network.
* ``{"kind": "office", "office": NAME, "scale": K, "seed": S, "trace": BOOL,
  "copies": C}``: one office-year of a bundled office (``scale`` 0; see
  :func:`benchmarks.offices.office_year`) or of
  ``office_2011`` scaled K times; with ``copies`` C > 1, C replications of it side by
  side in one environment (counts summed). With ``trace`` the run is made under
  tracemalloc for the peak of Python memory (and its time is not used: tracing slows it
  down).
* ``{"kind": "throughput", "workers": W, "replications": N, "horizon_days": D}``:
  ``capacity.run`` of ``office_2011`` (its own horizon unless D is given): wall-clock
  seconds, and the CPU seconds of this process and its workers together.
* ``{"kind": "machine", "workers": W, "units": N}``: N units of a fixed pure-Python loop
  on W processes, to show how much parallel work the machine had room for at the time
  (on a shared machine, other work may hold some of the cores).

Before the timed run, each job runs a small version of itself, so that one-off costs
(imports, the holiday calendar, caches) are not counted. Peak memory is the process's
peak resident set size (``ru_maxrss``); ``rss_growth_mb`` is how much the timed run
raised it above the peak before it.
"""

from __future__ import annotations

import json
import math
import os
import resource
import sys
import tracemalloc
from typing import Any

import numpy as np

from benchmarks.networks import NETWORKS, horizon_days
from benchmarks.outcome import WAITED_HOURS, EngineRun, Stopwatch, Timing

__all__ = ["BATCHES", "batch_means", "measure"]

BATCHES = 20
"""Batches per run for the batch-means standard errors of the waits."""


def _peak_rss_mb() -> float:
    # Linux reports kilobytes, macOS bytes.
    scale = 1.0 if sys.platform == "darwin" else 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def batch_means(
    pairs: list[tuple[float, float]], start: float, end: float, batches: int = BATCHES
) -> dict[str, list[float]]:
    """Batch means of the wait (hours) and of 'waited at all' over services started in
    [start, end], in start order, in ``batches`` contiguous batches."""
    window = sorted((t, w) for t, w in pairs if start <= t <= end)
    waits = np.array([w for _, w in window], dtype=float)
    if len(waits) < batches:
        return {"wq_hours": [], "p_wait": []}
    groups = np.array_split(waits, batches)
    return {
        "wq_hours": [float(g.mean()) for g in groups],
        "p_wait": [float((g > WAITED_HOURS).mean()) for g in groups],
    }


def _run_network(engine: str, network_name: str, users: int, seed: int) -> tuple[Timing, EngineRun]:
    network = NETWORKS[network_name]
    if engine == "model":
        from benchmarks.model_engine import model_scenario, run_model

        return run_model(model_scenario(network, users, seed), 0)
    if engine == "simpy":
        from benchmarks.simpy_engine import run_simpy

        return run_simpy(network, users, seed)
    if engine == "ciw":
        from benchmarks.ciw_engine import run_ciw

        return run_ciw(network, users, seed)
    raise ValueError(f"unknown engine {engine!r} (allowed: model, simpy, ciw)")


def _network(job: dict[str, Any]) -> dict[str, Any]:
    engine, name = job["engine"], job["network"]
    _run_network(engine, name, 500, job["seed"] + 10_000)  # warm-up, not measured
    before = _peak_rss_mb()
    timing, run = _run_network(engine, name, job["users"], job["seed"])
    peak = _peak_rss_mb()
    days, warm = horizon_days(NETWORKS[name], job["users"])
    return {
        "seconds": timing.cpu_seconds,
        "wall_seconds": timing.wall_seconds,
        "completed_users": run.completed_users,
        "events": run.events,
        "arrivals": run.arrivals,
        "engine_events": run.engine_events,
        "peak_rss_mb": peak,
        "rss_growth_mb": max(0.0, peak - before),
        "mean_wait_hours": run.mean_wait_hours,
        "batches": {
            station: batch_means(pairs, warm * 24.0, days * 24.0)
            for station, pairs in run.waits.items()
        },
    }


def _office_scenario(job: dict[str, Any]):
    from benchmarks.offices import office_year, scaled_office
    from capacity.scenario import with_changes

    scenario = scaled_office(job["scale"]) if job["scale"] else office_year(job["office"])
    return with_changes(scenario, {"run.seed": scenario.run.seed + job["seed"]})


def _warm_up_scenario(scenario):
    """A week of ``scenario``, or of office_2011 when a dated change of ``scenario`` lies
    past its first week."""
    from benchmarks.offices import office_year
    from capacity.scenario import ScenarioError, with_changes

    try:
        return with_changes(scenario, {"run.horizon_days": 7})
    except ScenarioError:
        return with_changes(office_year("office_2011"), {"run.horizon_days": 7})


def _office(job: dict[str, Any]) -> dict[str, Any]:
    from benchmarks.model_engine import timed_replication, timed_side_by_side

    scenario = _office_scenario(job)
    copies = job.get("copies", 1)

    def timed(scenario):
        if copies > 1:
            return timed_side_by_side(scenario, copies)
        timing, result, end = timed_replication(scenario, 0)
        return timing, [result], end

    timed(_warm_up_scenario(scenario))
    before = _peak_rss_mb()
    if job.get("trace"):
        tracemalloc.start()
    timing, results, end = timed(scenario)
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if job.get("trace") else math.nan
    tracemalloc.stop()
    peak = _peak_rss_mb()
    # The offices side by side are in the office together: their users add up each day.
    in_office = sum(r.timeseries["users_in_office"].to_numpy() for r in results)
    return {
        "seconds": timing.cpu_seconds,
        "wall_seconds": timing.wall_seconds,
        "simulated_days": scenario.run.horizon_days,
        "users_arrived": end.arrived,
        "users_exited": end.exited,
        "max_users_in_office": int(in_office.max()),
        "caseworkers": end.caseworkers,
        "engine_events": end.engine_events,
        "peak_rss_mb": peak,
        "rss_growth_mb": max(0.0, peak - before),
        "traced_peak_mb": traced,
    }


def _throughput(job: dict[str, Any]) -> dict[str, Any]:
    from capacity.experiment import run_experiment
    from capacity.model import run_replication
    from capacity.scenario import load_scenario, with_changes

    scenario = load_scenario("office_2011")
    if job.get("horizon_days"):
        days = job["horizon_days"]
        warm_up = min(scenario.run.warm_up_days, days // 2)
        scenario = with_changes(scenario, {"run.horizon_days": days, "run.warm_up_days": warm_up})
    run_replication(with_changes(scenario, {"run.horizon_days": 7, "run.warm_up_days": 0}), 0)
    # Wall-clock time: the replications run in several processes at once.
    cpu_before = _cpu_seconds()
    watch = Stopwatch()
    result = run_experiment(scenario, replications=job["replications"], workers=job["workers"])
    seconds = watch.stop().wall_seconds
    cpu = _cpu_seconds() - cpu_before
    return {
        "seconds": seconds,
        "replications": result.replications,
        "replications_per_minute": 60.0 * result.replications / seconds,
        "cpu_seconds": cpu,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _cpu_seconds() -> float:
    """CPU seconds (user and system) of this process and of its finished children (the
    workers of an experiment, once their pool has shut down)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


BURN_LOOP = 3_000_000
"""Iterations of one unit of the machine check (about a quarter of a second)."""


def burn_unit(_index: int = 0) -> int:
    """One unit of pure-Python work for the machine check."""
    total = 0
    for i in range(BURN_LOOP):
        total += i * i
    return total


def _machine(job: dict[str, Any]) -> dict[str, Any]:
    from concurrent.futures import ProcessPoolExecutor

    watch = Stopwatch()
    if job["workers"] == 1:
        for index in range(job["units"]):
            burn_unit(index)
    else:
        with ProcessPoolExecutor(max_workers=job["workers"]) as pool:
            list(pool.map(burn_unit, range(job["units"])))
    seconds = watch.stop().wall_seconds
    return {"seconds": seconds, "units_per_minute": 60.0 * job["units"] / seconds}


def measure(job: dict[str, Any]) -> dict[str, Any]:
    """Run one job (see the module doc) in this process and return its measurements.

    Raises ValueError for an unknown kind or engine.
    """
    kinds = {
        "network": _network,
        "office": _office,
        "throughput": _throughput,
        "machine": _machine,
    }
    if job.get("kind") not in kinds:
        raise ValueError(f"unknown job kind {job.get('kind')!r} (allowed: {', '.join(kinds)})")
    result = kinds[job["kind"]](job)
    result["pid"] = os.getpid()
    return result


def main() -> None:
    """Entry point of the measuring subprocess."""
    job = json.loads(sys.argv[1])
    print(json.dumps(measure(job)))


if __name__ == "__main__":
    main()
