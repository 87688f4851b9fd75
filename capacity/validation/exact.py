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
sum of the stations' ``W`` (Jackson 1957).

A station with a return loop -- after each service a user comes back to the end of the
queue with probability ``1 - q`` and leaves with probability ``q`` -- is a Jackson
network too: the flow into the station solves ``Lambda = lambda + (1 - q) Lambda``, so
``Lambda = lambda / q``, and its number of users has the M/M/c distribution at that
rate (Jackson 1963, "Jobshop-like queueing systems", Management Science 10(1)). The
stream into the station is no longer Poisson (a return follows a departure at once;
Melamed 1979, Advances in Applied Probability 11(2)), but in an open Jackson network
every arrival, new or returning, sees the time-average state (the arrival theorem;
Sevcik and Mitrani 1981, Journal of the ACM 28(2)), so each visit waits as in M/M/c:
Erlang C gives P(wait) and ``Wq`` per visit.
A user makes ``1 / q`` visits on average (geometric) and spends ``W / q`` at the
station in all. Times are in hours and rates per hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from capacity.experiment.erlang import erlang_c

__all__ = ["LoopResult", "QueueResult", "mmc", "return_loop", "tandem"]


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


@dataclass(frozen=True)
class LoopResult:
    """Exact steady-state figures of an M/M/c station with a return loop.

    Attributes:
        station: the station as the M/M/c queue at the total arrival rate
            ``lambda / q`` (new users and returns); its waits are per visit.
        end_share: ``q``, the probability of leaving after a visit, in (0, 1].
        visits_mean: mean visits per user, ``1 / q``.
        time_hours: mean time a user spends at the station over all their visits,
            ``W / q`` hours (waiting and in service).
    """

    station: QueueResult
    end_share: float
    visits_mean: float
    time_hours: float


def return_loop(
    arrival_rate_per_hour: float, service_rate_per_hour: float, servers: int, end_share: float
) -> LoopResult:
    """The exact M/M/c station with a return loop (see the module docstring): new users
    arrive at ``lambda`` > 0 per hour, each visit needs exponential work at rate ``mu`` > 0
    per hour from one of ``servers`` >= 1, and after each visit a user leaves with
    probability ``end_share`` (``q``, in (0, 1]) or comes straight back to the end of
    the queue.

    Raises:
        ValueError: ``end_share`` outside (0, 1], or as :func:`mmc` for the station at
            rate ``lambda / q`` (in particular ``lambda / q >= c mu``: unstable).
    """
    q = end_share
    if not 0 < q <= 1:
        raise ValueError(f"end_share must be in (0, 1] (given {q})")
    station = mmc(arrival_rate_per_hour / q, service_rate_per_hour, servers)
    return LoopResult(
        station=station, end_share=q, visits_mean=1 / q, time_hours=station.w_hours / q
    )
