"""The two equal-work queueing networks, their sizes and their exact results.

Both are open Jackson networks: Poisson arrivals, exponential service, first come first
served, every station ``c`` identical servers, always open. Each engine simulates the
same network for the same simulated time; the exact per-station results follow from
Erlang C with each station's own arrival rate (Jackson's theorem), that rate being the
external arrival rate times the station's visit ratio from the traffic equations.

* ``mmc``: one station, c = 10, utilisation 0.9 (lambda = 9 per hour, mean service
  1 hour).
* ``four_stage``: reception (c = 3) -> assessment (c = 8) -> activity plan (c = 8) ->
  follow-up (c = 20); after each follow-up contact the user rejoins the follow-up queue
  with probability 0.5 and otherwise leaves. Arrivals 4 per hour; the loop makes
  follow-up's visit ratio 1 / (1 - 0.5) = 2, so it serves 8 contacts an hour, and every
  station is at utilisation 0.8. A user receives 5 services on average.

Station names are the model's task names, so every engine reports under the same keys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from capacity.experiment.erlang import erlang_c

__all__ = ["NETWORKS", "Network", "Station", "exact_waits", "horizon_days"]


@dataclass(frozen=True)
class Station:
    """One multi-server station.

    Attributes:
        name: the model's task name for it (reception, assessment, plan, follow_up).
        servers: number of identical servers, >= 1.
        mean_service_hours: mean of the exponential service time, hours, > 0.
        return_share: probability, in [0, 1), that a user rejoins the back of this
            station's queue after a service here (a return loop); otherwise the user
            moves on. The number of visits is then geometric with mean
            1 / (1 - return_share).
    """

    name: str
    servers: int
    mean_service_hours: float
    return_share: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.return_share < 1.0:
            raise ValueError(
                f"station {self.name!r}: return_share must be in [0, 1) (given {self.return_share})"
            )


@dataclass(frozen=True)
class Network:
    """An open network: external arrivals per hour at the first station, and the
    stations in pathway order.

    Every user visits the stations in order; at a station with a ``return_share`` the
    user rejoins that station's queue after each service with that probability, and
    after the last station the user leaves. :meth:`routing` gives the routing matrix,
    :meth:`visit_ratios` the mean visits per user from the traffic equations.
    """

    name: str
    arrivals_per_hour: float
    stations: tuple[Station, ...]

    def routing(self) -> list[list[float]]:
        """The routing matrix: row i, column j is the probability that a user who has
        just been served at station i goes next to station j (rows sum to at most 1; the
        rest leaves the network). Stations in :attr:`stations` order."""
        size = len(self.stations)
        matrix = [[0.0] * size for _ in range(size)]
        for i, station in enumerate(self.stations):
            matrix[i][i] = station.return_share
            if i + 1 < size:
                matrix[i][i + 1] = 1.0 - station.return_share
        return matrix

    def visit_ratios(self) -> dict[str, float]:
        """Mean visits per arriving user at each station: the solution v of the traffic
        equations v = e + v P, with e the external arrivals (all at the first station)
        and P the :meth:`routing` matrix."""
        routing = np.array(self.routing())
        external = np.zeros(len(self.stations))
        external[0] = 1.0
        visits = np.linalg.solve((np.eye(len(self.stations)) - routing).T, external)
        return {s.name: float(v) for s, v in zip(self.stations, visits, strict=True)}

    @property
    def services_per_user(self) -> float:
        """Mean number of services a user receives (the sum of the visit ratios)."""
        return sum(self.visit_ratios().values())


NETWORKS: dict[str, Network] = {
    "mmc": Network(
        name="mmc",
        arrivals_per_hour=9.0,
        stations=(Station("reception", 10, 1.0),),
    ),
    "four_stage": Network(
        name="four_stage",
        arrivals_per_hour=4.0,
        stations=(
            Station("reception", 3, 0.6),
            Station("assessment", 8, 1.6),
            Station("plan", 8, 1.6),
            Station("follow_up", 20, 2.0, return_share=0.5),
        ),
    ),
}
"""The two benchmark networks by name."""


def exact_waits(network: Network) -> dict[str, dict[str, float]]:
    """Per station: exact mean wait in queue per visit (``wq_hours``), probability that
    a visit waits (``p_wait``) and utilisation, from Erlang C at the station's arrival
    rate (external rate x visit ratio). In an open Jackson network an arriving user,
    returning ones included, sees the station's time-stationary state, so Erlang C holds
    per visit even where the arrivals are not Poisson (a return loop)."""
    exact = {}
    ratios = network.visit_ratios()
    for station in network.stations:
        rate = network.arrivals_per_hour * ratios[station.name]
        load = rate * station.mean_service_hours
        p_wait = erlang_c(station.servers, load)
        mu = 1.0 / station.mean_service_hours
        exact[station.name] = {
            "wq_hours": p_wait / (station.servers * mu - rate),
            "p_wait": p_wait,
            "utilisation": load / station.servers,
        }
    return exact


def horizon_days(network: Network, users: int) -> tuple[int, int]:
    """Whole days to simulate so that about ``users`` arrive, and the warm-up days left
    out of the waits (5 % of the horizon, at least one day)."""
    days = max(2, math.ceil(users / network.arrivals_per_hour / 24.0))
    return days, max(1, round(days * 0.05))
