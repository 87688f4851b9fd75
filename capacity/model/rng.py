"""Random streams: one numpy Generator per named source, derived from the seed alone.

Every stream is ``Generator(PCG64(SeedSequence(entropy=seed, spawn_key=(replication,
source, *key))))``. ``source`` is a fixed number per kind of randomness (the list below
is append-only, so old results stay reproducible) and ``key`` names the instance (a
stream's name, a caseworker's index). Names are turned into numbers with CRC-32, which
is stable across Python versions and processes, so a stream keeps its numbers when
other streams are added to or removed from a scenario.

Users draw their own work content at arrival from their stream's generator, in arrival
order, which does not depend on staffing: a scenario that changes only staffing sees
the same users with the same work (common random numbers).
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["SOURCES", "STREAM_SCHEME", "make_rng", "name_key"]

SOURCES: dict[str, int] = {
    "arrivals": 0,  # inter-arrival times of one stream
    "users": 1,  # per-user draws of one stream, in arrival order
    "batches": 2,  # per-user draws of one batch of one stream
    "initial": 3,  # per-user draws of one initial-state group
    "absence": 4,  # absence days of one caseworker
    "refill": 5,  # one user's own draws by purpose: past the blocks, attendance, re-entry
    "back_office": 6,  # reserved
    "it_downtime": 7,  # random IT outages of the office
    "absence_waves": 8,  # who is absent in one absence wave
}
"""Kinds of randomness and their fixed numbers (append-only)."""

STREAM_SCHEME = (
    "numpy SeedSequence(entropy=run.seed, spawn_key=(replication, source, *key)) -> PCG64; "
    f"sources {SOURCES}; keys: CRC-32 of stream names, caseworker and group indices; "
    "users' numbers drawn in arrival order, one call per purpose for 64 users at a time"
)
"""One-line description of the scheme, written into manifest.json."""


def name_key(name: str) -> int:
    """A stable non-negative integer for a name (CRC-32 of its UTF-8 bytes)."""
    return zlib.crc32(name.encode("utf-8"))


def make_rng(seed: int, replication: int, source: str, *key: int) -> np.random.Generator:
    """The generator of one named source in one replication.

    Raises KeyError for a source not in :data:`SOURCES`.
    """
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(replication, SOURCES[source], *key))
    return np.random.Generator(np.random.PCG64(sequence))
