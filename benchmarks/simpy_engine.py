"""The benchmark networks written directly in SimPy, the way a SimPy user would.

One process per user, one ``simpy.Resource`` per station, Python's own ``random`` for
the exponential draws and the return-loop coin. A user who returns to a station
releases the server and requests it again, so joins the back of the queue. The timed
work is building, running and the mean wait per station over the observation window
(what the model's key figures also compute).
"""

from __future__ import annotations

import random

import simpy

from benchmarks.networks import Network, horizon_days
from benchmarks.outcome import EngineRun, Stopwatch, Timing, scheduled_events, window_means

__all__ = ["run_simpy"]


def run_simpy(network: Network, users: int, seed: int) -> tuple[Timing, EngineRun]:
    """Simulate ``network`` for about ``users`` arrivals; return (timing, counts)."""
    days, warm_days = horizon_days(network, users)
    horizon, warm = days * 24.0, warm_days * 24.0
    watch = Stopwatch()

    rng = random.Random(seed)
    env = simpy.Environment()
    resources = {s.name: simpy.Resource(env, capacity=s.servers) for s in network.stations}
    service_rate = {s.name: 1.0 / s.mean_service_hours for s in network.stations}
    waits: dict[str, list[tuple[float, float]]] = {s.name: [] for s in network.stations}
    count = {"arrivals": 0, "starts": 0, "completions": 0, "completed": 0}

    def visit(name: str):
        arrived = env.now
        with resources[name].request() as request:
            yield request
            count["starts"] += 1
            waits[name].append((env.now, env.now - arrived))
            yield env.timeout(rng.expovariate(service_rate[name]))
        count["completions"] += 1

    def user():
        for station in network.stations:
            yield from visit(station.name)
            while station.return_share and rng.random() < station.return_share:
                yield from visit(station.name)
        count["completed"] += 1

    def arrivals():
        while True:
            yield env.timeout(rng.expovariate(network.arrivals_per_hour))
            count["arrivals"] += 1
            env.process(user())

    env.process(arrivals())
    env.run(until=horizon)
    mean_waits = window_means(waits, warm, horizon)
    timing = watch.stop()

    return timing, EngineRun(
        completed_users=count["completed"],
        arrivals=count["arrivals"],
        starts=count["starts"],
        completions=count["completions"],
        engine_events=scheduled_events(env),
        waits={name: pairs for name, pairs in waits.items() if pairs},
        mean_wait_hours=mean_waits,
    )
