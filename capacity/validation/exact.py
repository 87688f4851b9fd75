"""Exact steady-state results of the queues the office model is reduced to.

An M/M/c queue (Poisson arrivals at rate ``lambda``, exponential work with rate ``mu``,
``c`` servers, one first-come first-served queue) has P(wait) by Erlang's C formula
(:func:`capacity.experiment.erlang.erlang_c`) and, from it,

* mean wait in queue ``Wq = C / (c mu - lambda)``,
* mean number waiting ``Lq = lambda Wq``,
* mean time in the system ``W = Wq + 1 / mu`` and mean number present ``L = lambda W``,
* utilisation ``rho = lambda / (c mu)``.

An open tandem network of M/M/c stations with one outside Poisson stream is a Jackson
network: by Burke's theorem each station sees Poisson arrivals at the outside rate, so
each behaves as an M/M/c queue on its own and the mean time through the network is the
sum of the stations' ``W`` (Jackson 1957). Times are in hours and rates per hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from capacity.experiment.erlang import erlang_c

__all__ = ["QueueResult", "mmc", "tandem"]


@dataclass(frozen=True)
class QueueResult:
    """Exact steady-state figures of one M/M/c queue (hours, users, shares)."""

    arrival_rate_per_hour: float
    service_rate_per_hour: float
    servers: int
    utilisation: float
    p_wait: float
    wq_hours: float
    lq: float
    w_hours: float
    l: float  # noqa: E741 - L of Little's law, as in every queueing text


def mmc(arrival_rate_per_hour: float, service_rate_per_hour: float, servers: int) -> QueueResult:
    """The exact M/M/c queue with arrival rate ``lambda`` > 0, service rate ``mu`` > 0 (both
    per hour) and ``servers`` >= 1.

    Raises:
        ValueError: a rate is not positive, ``servers`` < 1, or the queue is not stable
            (``lambda >= c mu``: it grows without bound and has no steady state).
    """
    lam, mu, c = arrival_rate_per_hour, service_rate_per_hour, servers
    if lam <= 0 or mu <= 0 or c < 1:
        raise ValueError(f"needs rates > 0 and servers >= 1 (given {lam}, {mu}, {c})")
    if lam >= c * mu:
        raise ValueError(f"unstable: arrival rate {lam} >= capacity {c * mu} per hour")
    p_wait = erlang_c(c, lam / mu)
    wq = p_wait / (c * mu - lam)
    w = wq + 1 / mu
    return QueueResult(
        arrival_rate_per_hour=lam,
        service_rate_per_hour=mu,
        servers=c,
        utilisation=lam / (c * mu),
        p_wait=p_wait,
        wq_hours=wq,
        lq=lam * wq,
        w_hours=w,
        l=lam * w,
    )


def tandem(
    arrival_rate_per_hour: float, stations: Sequence[tuple[float, int]]
) -> tuple[list[QueueResult], float]:
    """Each station of an open tandem network and the mean time through it, hours.

    Args:
        arrival_rate_per_hour: rate of the outside Poisson stream, > 0.
        stations: ``(service rate per hour, servers)`` per station, in the order users
            pass them.

    Raises:
        ValueError: as :func:`mmc`, for any station.
    """
    results = [mmc(arrival_rate_per_hour, mu, c) for mu, c in stations]
    return results, sum(r.w_hours for r in results)
