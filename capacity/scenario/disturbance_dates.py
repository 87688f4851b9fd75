"""The dated disturbances of a scenario (absence waves, IT outages, arrival surges and
reorganisations) as days of the horizon, each with the name its key figures carry."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from capacity.scenario.schema import Scenario

__all__ = ["DatedDisturbance", "dated_disturbances"]


@dataclass(frozen=True)
class DatedDisturbance:
    """A dated disturbance of a scenario: its figure name, what it is, where it is
    configured (a dotted path) and the days ``first_day <= d < end_day`` it covers
    (equal for an instant such as a reorganisation)."""

    name: str
    kind: str
    path: str
    first_day: int
    end_day: int

    @property
    def instant(self) -> bool:
        """True when it has no duration (a reorganisation)."""
        return self.end_day == self.first_day


def dated_disturbances(scenario: Scenario) -> list[DatedDisturbance]:
    """Every dated disturbance (absence waves, IT outages, arrival surges,
    reorganisations) with its configured or default name (``absence_wave_<n>``,
    ``it_outage_<n>``, ``<stream>_surge_<n>``, ``reorganisation_<n>``)."""
    start = scenario.run.start_date
    found = []
    for i, wave in enumerate(scenario.absence_waves):
        found.append(
            DatedDisturbance(
                wave.name or f"absence_wave_{i + 1}",
                "absence wave",
                f"absence_waves.{i}.name",
                (wave.start_date - start).days,
                (wave.end_date - start).days,
            )
        )
    for i, outage in enumerate(scenario.it_outages):
        first = (outage.date - start).days
        found.append(
            DatedDisturbance(
                outage.name or f"it_outage_{i + 1}",
                "IT outage",
                f"it_outages.{i}.name",
                first,
                first + max(1, math.ceil((outage.start_hour + outage.hours) / 24)),
            )
        )
    for stream_name, stream in scenario.streams.items():
        for i, surge in enumerate(stream.surges):
            found.append(
                DatedDisturbance(
                    surge.name or f"{stream_name}_surge_{i + 1}",
                    "arrival surge",
                    f"streams.{stream_name}.surges.{i}.name",
                    (surge.start_date - start).days,
                    (surge.end_date - start).days,
                )
            )
    for i, reorg in enumerate(scenario.reorganisations):
        day = (reorg.date - start).days
        found.append(
            DatedDisturbance(
                f"reorganisation_{i + 1}", "reorganisation", f"reorganisations.{i}", day, day
            )
        )
    return found
