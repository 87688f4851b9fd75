"""The benchmark networks in Ciw, a library built for queueing networks.

One Ciw node per station, Markov routing from the network's routing matrix (the return
loop is a diagonal entry: the user rejoins the same node's queue), exponential
distributions. The timed work is building the network, simulating, reading the records
and the mean wait per station over the observation window. Ciw is an optional
dependency (the ``bench`` extra).
"""

from __future__ import annotations

from benchmarks.networks import Network, horizon_days
from benchmarks.outcome import EngineRun, Stopwatch, Timing, window_means

__all__ = ["run_ciw"]


def run_ciw(network: Network, users: int, seed: int) -> tuple[Timing, EngineRun]:
    """Simulate ``network`` for about ``users`` arrivals; return (timing, counts)."""
    import ciw

    days, warm_days = horizon_days(network, users)
    horizon, warm = days * 24.0, warm_days * 24.0
    names = [s.name for s in network.stations]
    watch = Stopwatch()

    model = ciw.create_network(
        arrival_distributions=[
            ciw.dists.Exponential(rate=network.arrivals_per_hour) if i == 0 else None
            for i in range(len(names))
        ],
        service_distributions=[
            ciw.dists.Exponential(rate=1.0 / s.mean_service_hours) for s in network.stations
        ],
        number_of_servers=[s.servers for s in network.stations],
        routing=network.routing(),
    )
    ciw.seed(seed)
    simulation = ciw.Simulation(model)
    simulation.simulate_until_max_time(horizon)
    records = simulation.get_all_records()
    waits: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for record in records:
        waits[names[record.node - 1]].append((record.service_start_date, record.waiting_time))
    mean_waits = window_means(waits, warm, horizon)
    timing = watch.stop()

    # Ciw writes a record when a service ends; services still running at the horizon
    # have started but have no record yet.
    in_service = sum(server.busy for node in simulation.transitive_nodes for server in node.servers)
    return timing, EngineRun(
        completed_users=simulation.nodes[-1].number_of_completed_individuals,
        arrivals=simulation.nodes[0].number_of_individuals,
        starts=len(records) + in_service,
        completions=len(records),
        engine_events=None,
        waits={name: pairs for name, pairs in waits.items() if pairs},
        mean_wait_hours=mean_waits,
    )
