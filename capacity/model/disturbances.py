"""Key figures before, during and after each dated disturbance.

A disturbance is a dated absence wave, a dated IT outage, an arrival surge or a
reorganisation (an instant: it has no 'during'). For each one, named ``<name>`` (the
configured name, or ``absence_wave_<n>``, ``it_outage_<n>``, ``<stream>_surge_<n>``,
``reorganisation_<n>``), the daily time series
is averaged over three windows of days:

* before: the :data:`WINDOW_DAYS` days before it starts;
* during: the days it covers (a day counts if the disturbance touches it);
* after: the :data:`WINDOW_DAYS` days from the day after it ends.

Windows are cut at the start and end of the horizon; an empty window gives NaN. Two
further figures describe the backlog: its peak from the start of the disturbance to the
end of the 'after' window, and the days from the end until the backlog first falls back
to its mean level before (if it never does within the horizon, the days to the horizon
are reported: a lower bound).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from capacity.model.result import FigureSpec
from capacity.scenario.disturbance_dates import DatedDisturbance

if TYPE_CHECKING:
    from capacity.scenario.schema import Scenario

__all__ = ["WINDOW_DAYS", "Disturbance", "disturbance_figures", "disturbance_specs", "disturbances"]

WINDOW_DAYS = 28
"""Length of the 'before' and 'after' windows, days (four weeks)."""

_SERIES = {
    "backlog_tasks": ("backlog_tasks", "tasks", "Tasks waiting in any queue"),
    "backlog_age_days": ("backlog_age_days_mean", "days", "Mean age of the backlog"),
    "tasks_done_per_week": ("tasks_done", "tasks per week", "Tasks finished per week"),
    "aap_with_valid_plan_share": (
        "aap_with_valid_plan_share",
        "share",
        "Share of AAP recipients with a valid plan",
    ),
    "overdue_contacts": ("overdue_contacts", "contacts", "Overdue follow-up contacts"),
}


Disturbance = DatedDisturbance
"""A dated disturbance (see :class:`capacity.scenario.disturbance_dates.DatedDisturbance`)."""


def disturbances(scenario: Scenario) -> list[Disturbance]:
    """Every dated disturbance of ``scenario``, in scenario order by kind."""
    return list(scenario.compiled.disturbances)


def disturbance_specs(scenario: Scenario) -> list[FigureSpec]:
    """Names, units and definitions of the disturbance figures of ``scenario``."""
    specs = []
    for d in disturbances(scenario):
        periods = ("before", "after") if d.instant else ("before", "during", "after")
        for key, (_, unit, text) in _SERIES.items():
            for period in periods:
                specs.append(
                    FigureSpec(
                        f"{d.name}_{key}_{period}",
                        unit,
                        f"{text}, daily mean {period} the {d.kind} '{d.name}' "
                        f"({WINDOW_DAYS}-day windows before and after).",
                    )
                )
        specs.append(
            FigureSpec(
                f"{d.name}_backlog_peak_tasks",
                "tasks",
                f"Largest end-of-day backlog from the start of the {d.kind} '{d.name}' to "
                f"{WINDOW_DAYS} days after its end.",
            )
        )
        specs.append(
            FigureSpec(
                f"{d.name}_backlog_clear_days",
                "days",
                f"Days from the end of the {d.kind} '{d.name}' until the backlog is back at "
                "its mean level before it (days to the horizon if never: a lower bound).",
            )
        )
    return specs


def _mean(series: pd.Series, first: int, last: int) -> float:
    part = series.iloc[max(0, first) : max(0, last)]
    return float(part.mean()) if len(part) else math.nan


def disturbance_figures(scenario: Scenario, timeseries: pd.DataFrame) -> dict[str, float]:
    """The disturbance figures of one replication from its daily time series."""
    figures: dict[str, float] = {}
    days = len(timeseries)
    for d in disturbances(scenario):
        windows = {
            "before": (d.first_day - WINDOW_DAYS, d.first_day),
            "during": (d.first_day, d.end_day),
            "after": (d.end_day, d.end_day + WINDOW_DAYS),
        }
        if d.instant:
            del windows["during"]
        for key, (column, _, _) in _SERIES.items():
            series = timeseries[column]
            if key == "tasks_done_per_week":
                series = series * 7.0
            for period, (first, last) in windows.items():
                figures[f"{d.name}_{key}_{period}"] = _mean(series, first, last)
        backlog = timeseries["backlog_tasks"].to_numpy()
        stretch = backlog[max(0, d.first_day) : min(days, d.end_day + WINDOW_DAYS)]
        figures[f"{d.name}_backlog_peak_tasks"] = float(stretch.max()) if len(stretch) else math.nan
        level = figures[f"{d.name}_backlog_tasks_before"]
        figures[f"{d.name}_backlog_clear_days"] = _clear_days(backlog, d.end_day, level)
    return figures


def _clear_days(backlog: np.ndarray, end_day: int, level: float) -> float:
    if math.isnan(level) or end_day >= len(backlog):
        return math.nan
    after = np.flatnonzero(backlog[end_day:] <= level)
    return float(after[0]) if len(after) else float(len(backlog) - end_day)
