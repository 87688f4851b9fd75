"""One replication that also reports every caseworker's caseload at the end.

The daily time series holds only the mean and the largest caseload of the follow-up
caseworkers; the distribution across caseworkers needs each person's count. It is read
from the office after the last daily snapshot, at the same instant as the time series'
last row, so that the caseloads marked ``follow_up`` average to that row's
``caseload_follow_up_mean`` and their largest is its ``caseload_follow_up_max``.

:func:`run_replication_with_caseloads` runs the replication exactly as
:func:`capacity.model.run_replication` does (the tests check that both give the same
figures and time series) and returns a :class:`ReplicationWithCaseloads`, which is a
:class:`~capacity.model.ReplicationResult` with one more table, so it can stand in for
it everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from capacity.model.measures import events_frame, follow_up_teams, key_figures, timeseries_frame
from capacity.model.office import Office
from capacity.model.replication import build_office
from capacity.model.result import ReplicationResult
from capacity.scenario import Scenario
from capacity.scenario.routing import routing_warnings

__all__ = [
    "CASELOAD_COLUMNS",
    "ReplicationWithCaseloads",
    "final_caseloads",
    "run_replication_with_caseloads",
]

CASELOAD_COLUMNS: tuple[str, ...] = ("team", "caseworker", "follow_up", "users")
"""Columns of :attr:`ReplicationWithCaseloads.caseloads`, in order."""


@dataclass(frozen=True)
class ReplicationWithCaseloads(ReplicationResult):
    """A :class:`~capacity.model.ReplicationResult` with each caseworker's caseload at the
    end of the last simulated day.

    Attributes:
        caseloads: one row per caseworker of every team except reception-only teams
            (they hold no caseload), in team order and then by number; columns
            :data:`CASELOAD_COLUMNS`: ``team`` (the team as it works under the
            organisation model), ``caseworker`` (``<team>-<n>``, n from 1),
            ``follow_up`` (True for the teams whose caseloads the
            ``caseload_follow_up_*`` measures average: those doing AAP follow-up, or any
            follow-up without AAP) and ``users`` (users held, >= 0).
    """

    caseloads: pd.DataFrame = field(default_factory=lambda: pd.DataFrame())


def final_caseloads(office: Office) -> pd.DataFrame:
    """Each caseworker's caseload in ``office`` now (see
    :attr:`ReplicationWithCaseloads.caseloads` for the rows and columns)."""
    counting = {team.name for team in follow_up_teams(office)}
    rows = [
        (team.name, cw.name, team.name in counting, len(cw.users))
        for team in office.teams
        # A reception-only team takes no one onto a caseload.
        if any(not kind.endswith(".reception") for kind in team.task_kinds)
        for cw in team.members
    ]
    frame = pd.DataFrame(rows, columns=list(CASELOAD_COLUMNS))
    return frame.astype({"follow_up": bool, "users": "int64"})


def run_replication_with_caseloads(
    scenario: Scenario, replication: int, record_events: bool = False
) -> ReplicationWithCaseloads:
    """Simulate ``scenario`` once, as :func:`capacity.model.run_replication`, and also
    return every caseworker's caseload at the end (the instant of the last daily
    snapshot). Deterministic given the scenario's seed and ``replication``."""
    env, office, snapshots = build_office(scenario, replication, record_events)
    done = env.process(snapshots.process(scenario.run.horizon_days))
    env.run(until=done)
    timeseries = timeseries_frame(office, snapshots)
    return ReplicationWithCaseloads(
        replication=replication,
        figures=key_figures(office, timeseries),
        timeseries=timeseries,
        events=events_frame(office) if record_events else None,
        warnings=tuple(routing_warnings(scenario)),
        caseloads=final_caseloads(office),
    )
