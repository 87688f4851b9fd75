"""The two equal-work queueing networks, their sizes and their exact results.

Both are open Jackson networks: Poisson arrivals, exponential service, first come first
served, every station ``c`` identical servers, always open. Each engine simulates the
same network for the same simulated time; the exact per-station results follow from
Erlang C with each station's own arrival rate (Jackson's theorem).

* ``mmc``: one station, c = 10, utilisation 0.9 (lambda = 9 per hour, mean service
  1 hour).
* ``four_stage``: reception (c = 3) -> assessment (c = 8) -> with probability 0.5 an
  activity plan (c = 8), otherwise a disability case (c = 20); then the user leaves.
  Arrivals 4 per hour, every station at utilisation 0.8.

Why the fourth station is a branch and not a follow-up loop: in the office model a
user's second task with the same team goes to the caseworker who holds them (their
caseload), and follow-up ends by exit hazards in time rather than after a contact, so a
return loop to a shared follow-up queue cannot be written as a scenario; the model's
branch after the assessment (``assessment.disability_share``) to another team's shared
queue can, and Ciw and SimPy run the same branch.

Station names are the model's task names, so every engine reports under the same keys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from capacity.experiment.erlang import erlang_c

__all__ = ["NETWORKS", "Network", "Station", "exact_waits", "horizon_days"]


@dataclass(frozen=True)
class Station:
    """One multi-server station.

    Attributes:
        name: the model's task name for it (reception, assessment, plan, disability).
        servers: number of identical servers, >= 1.
        mean_service_hours: mean of the exponential service time, hours, > 0.
        visit_share: share of arriving users that visit it, in (0, 1].
    """

    name: str
    servers: int
    mean_service_hours: float
    visit_share: float = 1.0


@dataclass(frozen=True)
class Network:
    """An open network: arrivals per hour and the stations in pathway order.

    The pathway is fixed: every user visits the stations with ``visit_share`` 1 in
    order; after ``branch_after`` a user goes to ``branch_to`` with probability
    ``branch_share`` and otherwise to the next station in the list that is not
    ``branch_to``. Without a branch every station is visited in order.
    """

    name: str
    arrivals_per_hour: float
    stations: tuple[Station, ...]
    branch_after: str | None = None
    branch_to: str | None = None
    branch_share: float = 0.0
    services_per_user: float = 1.0
    """Mean number of services a user receives (for logical event counts)."""


NETWORKS: dict[str, Network] = {
    "mmc": Network(
        name="mmc",
        arrivals_per_hour=9.0,
        stations=(Station("reception", 10, 1.0),),
        services_per_user=1.0,
    ),
    "four_stage": Network(
        name="four_stage",
        arrivals_per_hour=4.0,
        stations=(
            Station("reception", 3, 0.6),
            Station("assessment", 8, 1.6),
            Station("plan", 8, 3.2, visit_share=0.5),
            Station("disability", 20, 8.0, visit_share=0.5),
        ),
        branch_after="assessment",
        branch_to="disability",
        branch_share=0.5,
        services_per_user=3.0,
    ),
}
"""The two benchmark networks by name."""


def exact_waits(network: Network) -> dict[str, dict[str, float]]:
    """Per station: exact mean wait in queue (``wq_hours``), probability of waiting
    (``p_wait``) and utilisation, from Erlang C at the station's own arrival rate."""
    exact = {}
    for station in network.stations:
        rate = network.arrivals_per_hour * station.visit_share
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
