"""What one replication returns: key figures, a daily time series and, on request, events."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

__all__ = ["CASELOAD_COLUMNS", "FigureSpec", "ReplicationResult"]

CASELOAD_COLUMNS: tuple[str, ...] = ("team", "caseworker", "follow_up", "users")
"""Columns of :attr:`ReplicationResult.caseloads`, in order."""


@dataclass(frozen=True)
class FigureSpec:
    """A key figure: its column name, unit and plain-language definition."""

    name: str
    unit: str
    description: str
    lowest: float = 0.0
    """Smallest possible value (confidence intervals are cut here)."""
    highest: float = float("inf")
    """Largest possible value: 1 for shares."""

    def __post_init__(self) -> None:
        if self.unit == "share":
            object.__setattr__(self, "highest", 1.0)


@dataclass(frozen=True)
class ReplicationResult:
    """The outcome of one replication.

    Attributes:
        replication: replication number (0-based); with the scenario seed it fixes every
            random stream.
        figures: key figure name -> value over the observation window (after warm-up);
            NaN where a figure is undefined (e.g. no AAP users in the scenario). The
            names and order are those of :func:`capacity.model.figure_catalogue`.
        timeseries: one row per simulated day (end of day), columns ``day`` (int, 0-based),
            ``date`` (ISO date string) and the daily measures (see
            :func:`capacity.model.timeseries_columns`).
        events: one row per user event when requested, else None; columns ``user``,
            ``time_days``, ``date``, ``case_type``, ``stage``, ``event``, ``caseworker``.
        warnings: messages for people (e.g. a team with no headcount that gets work).
        caseloads: each caseworker's caseload at the end of the last simulated day (the
            instant of the time series' last row): one row per caseworker of the teams
            in force then, except reception-only teams (they hold no caseload), in team
            order; columns :data:`CASELOAD_COLUMNS`: ``team`` (the team as it works under
            the organisation model), ``caseworker`` (``<configured team>-<n>``, n from
            1), ``follow_up`` (True for the teams the ``caseload_follow_up_*`` measures
            average: those doing AAP follow-up, or any follow-up without AAP) and
            ``users`` (users held, >= 0). The ``follow_up`` rows average to the last
            row's ``caseload_follow_up_mean``.
    """

    replication: int
    figures: dict[str, float]
    timeseries: pd.DataFrame
    events: pd.DataFrame | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
    caseloads: pd.DataFrame | None = None
