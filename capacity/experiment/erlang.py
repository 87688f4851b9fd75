"""Erlang C: the exact M/M/c queue, as a lower bound and sanity check for staffing.

For offered load ``a = lambda / mu`` (in servers' worth of work) and ``c`` servers,
Erlang's C formula gives the probability that an arrival has to wait. It assumes
Poisson arrivals, exponential work, one shared first-come first-served queue and servers
always on duty; an office has closed hours, absence, caseloads with personal queues and
priorities, so it needs at least this many people and usually more.
"""

from __future__ import annotations

import math

__all__ = ["erlang_c", "erlang_c_staffing"]


def erlang_c(servers: int, load: float) -> float:
    """P(wait) in an M/M/c queue with ``servers`` >= 1 and offered load ``load`` >= 0
    (in servers). 1.0 when ``load >= servers`` (the queue grows without bound).

    Raises ValueError for servers < 1 or a negative load.
    """
    if servers < 1 or load < 0:
        raise ValueError(f"needs servers >= 1 and load >= 0 (given {servers}, {load})")
    if load >= servers:
        return 1.0
    # Erlang B by its stable recursion, then C from B.
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    rho = load / servers
    return b / (1 - rho + rho * b)


def erlang_c_staffing(load: float, max_p_wait: float) -> int:
    """The fewest servers with P(wait) <= ``max_p_wait`` (0 < max_p_wait <= 1) for the
    offered load ``load`` >= 0.

    Raises ValueError for a target outside (0, 1] or a negative load.
    """
    if not 0 < max_p_wait <= 1 or load < 0:
        raise ValueError(f"needs 0 < max_p_wait <= 1 and load >= 0 (given {max_p_wait}, {load})")
    servers = max(1, math.floor(load) + 1)
    while erlang_c(servers, load) > max_p_wait:
        servers += 1
    return servers
