"""What a replication is measured for validation, beyond its key figures.

:func:`replicate_for_checks` runs one replication with the event log on, reduces the
log to a few numbers per stage and drops it, so that a long validation run holds no
more than its key figures and time series. The numbers (all added to the replication's
``figures`` under the names below; ``<place>`` is a stage of
:data:`capacity.model.catalogue.STOCK_STAGES` or ``office``):

Little's law over the observation window ``[t0, t1]`` (hours ``24 warm_up_days`` to
``24 horizon_days``, length ``T``), from two outputs of the model that are computed
apart: the daily counts of the time series and the times of the event log.

* ``check_little_l_<place>`` -- L: users in the place, mean of the end-of-day counts
  over the window (the time series' ``in_<stage>`` or ``users_in_office``).
* ``check_little_lambda_per_day_<place>`` -- lambda: users in the place at ``t0`` plus
  users entering it in the window, per day of the window.
* ``check_little_w_days_<place>`` -- W: the mean time those users spent in the place
  inside the window, days (from the event log: a stay runs from the user's ``enter`` of
  a stage, or ``arrive`` for the office, to their next ``enter`` or their ``exit_*``).

With users present at ``t0`` counted and stays cut at ``t0`` and ``t1``, ``lambda W``
equals the time-average number in the place exactly (Little's law on a finite window;
Kim and Whitt 2013, "Statistical analysis with Little's law", Operations Research
61(4)); L measured from end-of-day counts differs from it only by sampling once a day.

Conservation, over the whole run (every snapshot), as counts of violations:

* ``check_count_mismatch_<place>`` -- the largest difference, over the end-of-day
  snapshots, between the model's count of users in the place and the number the event
  log puts there at that instant.
* ``check_users_unbalanced_days`` -- days on which users arrived != users in the
  office + users exited.
* ``check_arrivals_vs_log``, ``check_exits_vs_log`` -- |users arrived (exited) by the
  end of the run - ``arrive`` (``exit_*``) events in the log|.
* ``check_staff_unbalanced_days`` -- days on which caseworkers busy + idle != on duty
  (counted at 12:00).
* ``check_utilisation_day_max`` -- the largest share of a team's hours on duty that
  it spent working on one day (at most 1 when work happens only on duty).

For queueing checks:

* ``check_time_in_office_hours_mean`` -- mean time from arrival to exit of the users
  who arrived in the window and left by its end, hours (NaN if none did).
* ``check_follow_up_contacts_per_user_mean`` -- mean number of follow-up contacts held
  (``done_follow_up`` events) by those same users (NaN if none left).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd

from capacity.model import ReplicationResult, run_replication
from capacity.model.calendar import HOURS_PER_DAY
from capacity.model.catalogue import STOCK_STAGES
from capacity.model.measures import SNAPSHOT_OFFSET_HOURS
from capacity.scenario import Scenario

__all__ = ["PLACES", "reduce_events", "replicate_for_checks"]

PLACES: tuple[str, ...] = (*STOCK_STAGES, "office")
"""Where Little's law is measured: each stage a user can be in, and the whole office."""


def _stays(events: pd.DataFrame, horizon_hours: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every stay in each place as (begin hours, end hours); a stay not ended by the
    horizon ends there."""
    events = events.sort_values("user", kind="stable")  # each user's events in time order
    times = events["time_days"].to_numpy(dtype=float) * HOURS_PER_DAY
    kind = events["event"].to_numpy(dtype=object)
    users = events["user"].to_numpy()
    stages = events["stage"].to_numpy(dtype=object)
    is_exit = events["event"].str.startswith("exit_").to_numpy(dtype=bool)
    moves = (kind == "enter") | is_exit
    t, u, s, e = times[moves], users[moves], stages[moves], kind[moves]
    same_user_next = np.r_[u[1:] == u[:-1], False]
    end = np.where(same_user_next, np.r_[t[1:], 0.0], horizon_hours)
    entered = e == "enter"
    stays: dict[str, tuple[np.ndarray, np.ndarray]] = {
        stage: (t[entered & (s == stage)], end[entered & (s == stage)]) for stage in STOCK_STAGES
    }

    arrive = kind == "arrive"
    arrived_at = pd.Series(times[arrive], index=users[arrive])
    left_at = pd.Series(times[is_exit], index=users[is_exit])
    left = left_at.reindex(arrived_at.index).fillna(horizon_hours)
    stays["office"] = (arrived_at.to_numpy(), left.to_numpy())
    return stays


def _present_at(begin: np.ndarray, end: np.ndarray, instants: np.ndarray) -> np.ndarray:
    """How many stays ``[begin, end)`` contain each instant."""
    started = np.searchsorted(np.sort(begin), instants, side="right")
    ended = np.searchsorted(np.sort(end), instants, side="right")
    return started - ended


def _contacts_per_user(events: pd.DataFrame, t0: float, t1: float) -> float:
    """Mean follow-up contacts held per user who arrived in ``[t0, t1]`` hours and left
    before ``t1``; NaN if none did."""
    hours = events["time_days"].to_numpy(dtype=float) * HOURS_PER_DAY
    kind = events["event"]
    arrived = kind.eq("arrive").to_numpy()
    left = kind.str.startswith("exit_").to_numpy(dtype=bool)
    users = events["user"].to_numpy()
    came = set(users[arrived & (hours >= t0)])
    went = set(users[left & (hours < t1)])
    counted = came & went
    if not counted:
        return math.nan
    held = events.loc[kind.eq("done_follow_up").to_numpy(), "user"]
    return float(held.isin(counted).sum()) / len(counted)


def reduce_events(scenario: Scenario, result: ReplicationResult) -> dict[str, float]:
    """The validation numbers of one replication that ran with its event log (see the
    module docstring). Raises ValueError when ``result.events`` is None."""
    if result.events is None:
        raise ValueError("the replication was run without its event log")
    run = scenario.run
    t0, t1 = run.warm_up_days * HOURS_PER_DAY, run.horizon_days * HOURS_PER_DAY
    window_days = run.horizon_days - run.warm_up_days
    series = result.timeseries
    days = series["day"].to_numpy()
    instants = HOURS_PER_DAY * (days + 1) - SNAPSHOT_OFFSET_HOURS
    in_window = days >= run.warm_up_days
    stays = _stays(result.events, t1)
    figures: dict[str, float] = {}
    for place in PLACES:
        begin, end = stays[place]
        column = "users_in_office" if place == "office" else f"in_{place}"
        counted = series[column].to_numpy(dtype=float)
        logged = _present_at(begin, end, instants)
        figures[f"check_count_mismatch_{place}"] = float(np.max(np.abs(counted - logged)))
        inside = np.clip(end, t0, t1) - np.clip(begin, t0, t1)
        # Users present at t0 or entering during the window (a stay of length zero
        # inside the window still counts as an entry).
        users = int(np.sum((begin <= t1) & (end >= t0) & ((inside > 0) | (begin >= t0))))
        figures[f"check_little_l_{place}"] = float(counted[in_window].mean())
        figures[f"check_little_lambda_per_day_{place}"] = users / window_days
        figures[f"check_little_w_days_{place}"] = (
            float(inside.sum()) / users / HOURS_PER_DAY if users else math.nan
        )

    begin, end = stays["office"]
    done = (begin >= t0) & (end < t1)
    figures["check_time_in_office_hours_mean"] = (
        float(np.mean(end[done] - begin[done])) if done.any() else math.nan
    )
    figures["check_follow_up_contacts_per_user_mean"] = _contacts_per_user(result.events, t0, t1)
    arrived = series["arrived_total"].to_numpy()
    exited = series["exited_total"].to_numpy()
    present = series["users_in_office"].to_numpy()
    figures["check_users_unbalanced_days"] = float(np.sum(arrived != present + exited))
    kind = result.events["event"]
    figures["check_arrivals_vs_log"] = float(abs(arrived[-1] - int((kind == "arrive").sum())))
    exits_logged = int(kind.str.startswith("exit_").sum())
    figures["check_exits_vs_log"] = float(abs(exited[-1] - exits_logged))
    busy, idle, on = (
        series[c].to_numpy()
        for c in ("caseworkers_busy", "caseworkers_idle", "caseworkers_on_duty")
    )
    figures["check_staff_unbalanced_days"] = float(np.sum(busy + idle != on))
    utilisation = series[[c for c in series.columns if c.startswith("utilisation_")]]
    peak = np.nanmax(utilisation.to_numpy(dtype=float)) if utilisation.size else math.nan
    figures["check_utilisation_day_max"] = float(peak)
    return figures


def replicate_for_checks(
    scenario: Scenario, replication: int, record_events: bool = False
) -> ReplicationResult:
    """:func:`capacity.model.run_replication` with the validation numbers added to its
    figures; the event log is reduced and dropped (``record_events`` is accepted for
    the executor's signature and ignored)."""
    del record_events
    result = run_replication(scenario, replication, record_events=True)
    figures = {**result.figures, **reduce_events(scenario, result)}
    return replace(result, figures=figures, events=None)
