"""The numbers the charts of a run draw, reduced from the folder's tables.

Plain pandas and numpy, no matplotlib: the tests compare these numbers with the CSV
files, and the web page draws its bands from :func:`series_band` too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from capacity.scenario.schema import TASKS

__all__ = [
    "SERIES",
    "SeriesSpec",
    "caseload_distribution",
    "rolling_totals",
    "series_band",
    "series_columns",
    "stage_waits",
]


@dataclass(frozen=True)
class SeriesSpec:
    """A chart of daily series from ``timeseries.csv``.

    Attributes:
        name: file stem of the chart (``series_<name>.png``).
        title: what the chart shows, in words.
        unit: the y axis unit.
        columns: the time-series columns drawn, one line each; a column ending in ``*``
            stands for every column with that prefix (``queue_*``), in table order.
        highest: the largest value possible (1 for shares); bands are cut there, and at 0.
        rolling_days: if > 0, each replication's daily values are first summed over the
            trailing window of this many days (a weekly total smooths out weekends).
    """

    name: str
    title: str
    unit: str
    columns: tuple[str, ...]
    highest: float = math.inf
    rolling_days: int = 0


SERIES: tuple[SeriesSpec, ...] = (
    SeriesSpec(
        "aap_with_valid_plan_share",
        "share of AAP recipients with a valid activity plan",
        "share",
        ("aap_with_valid_plan_share",),
        highest=1.0,
    ),
    SeriesSpec(
        "caseload_follow_up",
        "caseload per follow-up caseworker, mean and largest",
        "users per caseworker",
        ("caseload_follow_up_mean", "caseload_follow_up_max"),
    ),
    SeriesSpec("queues", "tasks waiting for a caseworker, per stage", "tasks", ("queue_*",)),
    SeriesSpec(
        "overdue_contacts",
        "follow-up contacts past their due date and not held",
        "contacts",
        ("overdue_contacts",),
    ),
    SeriesSpec(
        "users",
        "users in the office and AAP recipients",
        "users",
        ("users_in_office", "aap_recipients"),
    ),
    SeriesSpec(
        "backlog",
        "tasks waiting in any queue (the backlog)",
        "tasks",
        ("backlog_tasks",),
    ),
    SeriesSpec(
        "production",
        "caseworker tasks finished in the last 7 days",
        "tasks per week",
        ("tasks_done",),
        rolling_days=7,
    ),
    SeriesSpec(
        "utilisation",
        "share of case-work hours spent on tasks, per team",
        "share",
        ("utilisation_*",),
        highest=1.0,
    ),
)
"""The daily series ``capacity plot`` draws for a run, in order."""


def series_columns(spec: SeriesSpec, timeseries: pd.DataFrame) -> list[str]:
    """The columns of ``timeseries`` that ``spec`` draws, leaving out columns with no
    value on any day (such as the share with a plan in a scenario without AAP)."""
    chosen: list[str] = []
    for pattern in spec.columns:
        if pattern.endswith("*"):
            chosen += [c for c in timeseries.columns if c.startswith(pattern[:-1])]
        elif pattern in timeseries.columns:
            chosen.append(pattern)
    return [c for c in chosen if timeseries[c].notna().any()]


def rolling_totals(timeseries: pd.DataFrame, columns: Sequence[str], days: int) -> pd.DataFrame:
    """``timeseries`` with each of ``columns`` replaced by its trailing sum over ``days``
    days within each replication (the first days sum what there is); unchanged when
    ``days`` is 0."""
    if days <= 0:
        return timeseries
    table = timeseries.copy()
    by_replication = table.groupby("replication", sort=False) if "replication" in table else None
    for column in columns:
        source = by_replication[column] if by_replication is not None else table[column]
        table[column] = source.transform(lambda v: v.rolling(days, min_periods=1).sum())
    return table


def series_band(
    timeseries: pd.DataFrame, column: str, *, highest: float = math.inf
) -> pd.DataFrame:
    """The daily mean of ``column`` over the replications with its 95 % confidence band.

    Args:
        timeseries: the stacked daily series of every replication (``timeseries.csv``:
            columns ``replication``, ``day``, ``date`` and the measures).
        column: the measure.
        highest: the largest possible value; the band is cut there and at 0, as the
            summary's intervals are.

    Returns:
        One row per day, in day order: ``day``, ``date`` (ISO text), ``mean``,
        ``ci_low``, ``ci_high`` (Student t over the replications with a value that day,
        as :func:`capacity.experiment.confidence_interval`; NaN with fewer than two)
        and ``replications`` (values that day).

    Raises:
        KeyError: ``column`` is not in ``timeseries``.
    """
    # scipy.stats takes most of a second to import; only the bands need it.
    from scipy import stats

    values = timeseries[["day", "date", column]]
    grouped = values.groupby("day", sort=True)[column]
    count = grouped.count().to_numpy(dtype=float)
    mean = grouped.mean().to_numpy(dtype=float)
    sd = grouped.std(ddof=1).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.975, count - 1) * sd / np.sqrt(count)
    half = np.where(count >= 2, half, np.nan)
    dates = values.groupby("day", sort=True)["date"].first()
    return pd.DataFrame(
        {
            "day": dates.index.to_numpy(),
            "date": dates.to_numpy(),
            "mean": mean,
            "ci_low": np.maximum(mean - half, 0.0),
            "ci_high": np.minimum(mean + half, highest),
            "replications": count.astype(int),
        }
    )


def caseload_distribution(caseloads: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each team's caseloads at the end, over every caseworker and replication.

    Args:
        caseloads: ``caseloads.csv`` (columns ``replication``, ``team``,
            ``caseworker``, ``follow_up``, ``users``).

    Returns:
        Team -> users held by each of its caseworkers in each replication, in the
        table's order; teams in the order they first appear.
    """
    return {
        str(team): caseloads.loc[caseloads["team"] == team, "users"].to_numpy(dtype=float)
        for team in dict.fromkeys(caseloads["team"])
    }


def stage_waits(summary: pd.DataFrame) -> pd.DataFrame:
    """The wait for a caseworker at each stage, from the key figures.

    Args:
        summary: ``summary.csv`` (columns ``name``, ``unit``, ``mean``, ``ci_low``,
            ``ci_high``, ``replications``).

    Returns:
        One row per task kind that was waited for in the window (tasks in the model's
        order: reception, disability, assessment, plan, renewal, follow_up): ``task``,
        ``mean``, ``ci_low``, ``ci_high`` (``wait_<task>_days_mean`` and its interval,
        days) and ``p90`` (``wait_<task>_days_p90``, days).
    """
    table = summary.set_index("name")
    rows = []
    for task in TASKS:
        name = f"wait_{task}_days_mean"
        if name not in table.index or pd.isna(table.loc[name, "mean"]):
            continue
        p90 = f"wait_{task}_days_p90"
        rows.append(
            (
                task,
                float(table.loc[name, "mean"]),
                float(table.loc[name, "ci_low"]),
                float(table.loc[name, "ci_high"]),
                float(table.loc[p90, "mean"]) if p90 in table.index else math.nan,
            )
        )
    return pd.DataFrame(rows, columns=["task", "mean", "ci_low", "ci_high", "p90"])
