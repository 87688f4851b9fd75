"""What one engine reports after simulating a network: counts and the raw waits."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["WAITED_HOURS", "EngineRun", "Stopwatch", "Timing", "scheduled_events", "window_means"]

WAITED_HOURS = 1e-6
"""A wait longer than this counts as having waited (the model's own threshold)."""


@dataclass(frozen=True)
class Timing:
    """How long a piece of work took: CPU seconds of this process (the simulations run in
    one thread, and CPU time is steadier than wall-clock time on a shared machine) and
    wall-clock seconds."""

    cpu_seconds: float
    wall_seconds: float


class Stopwatch:
    """Started when made; :meth:`stop` gives the :class:`Timing` since then."""

    def __init__(self) -> None:
        self._cpu = time.process_time()
        self._wall = time.perf_counter()

    def stop(self) -> Timing:
        """CPU and wall-clock seconds since the stopwatch was made."""
        return Timing(time.process_time() - self._cpu, time.perf_counter() - self._wall)


@dataclass
class EngineRun:
    """Counts of one simulated network run, the same for every engine.

    Logical events are counted the same way in every engine: one per arrival, one per
    service start and one per service completion (``events``). ``engine_events`` is the
    number of events the engine itself scheduled, where it can say (SimPy-based engines:
    every scheduled SimPy event); None otherwise.

    Attributes:
        completed_users: users who left the network within the horizon.
        arrivals, starts, completions: logical events by kind, over the whole run.
        engine_events: events scheduled by the engine, or None.
        waits: station name -> (service start time, wait in queue) in hours, one pair
            per started service, in any order.
    """

    completed_users: int
    arrivals: int
    starts: int
    completions: int
    engine_events: int | None = None
    waits: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    mean_wait_hours: dict[str, float] = field(default_factory=dict)
    """Station name -> mean wait in queue over the observation window, hours, as the
    engine computed it inside the timed work."""

    @property
    def events(self) -> int:
        """Logical events: arrivals + service starts + service completions."""
        return self.arrivals + self.starts + self.completions


def scheduled_events(env: Any) -> int | None:
    """Events a SimPy environment has scheduled so far (its event-id counter), or None
    if this SimPy version keeps no such counter."""
    counter = getattr(env, "_eid", None)
    return None if counter is None else next(counter)


def window_means(
    waits: dict[str, list[tuple[float, float]]], start: float, end: float
) -> dict[str, float]:
    """Mean wait per station over services started in [start, end] hours (NaN if none)."""
    means = {}
    for name, pairs in waits.items():
        window = [w for t, w in pairs if start <= t <= end]
        means[name] = sum(window) / len(window) if window else float("nan")
    return means
