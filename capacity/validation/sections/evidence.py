"""What every section's checks are judged on, and the helpers they share.

:class:`Evidence` holds the suite's runs and each run's per-replication figures;
:func:`outcome` judges a check on one figure's values over the replications (their
mean and 95 % interval, by the rule of :func:`capacity.validation.checks.judge`);
:func:`note_number` writes a number in a check's note.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from capacity.experiment.statistics import confidence_interval
from capacity.validation.checks import Check, Outcome, judge
from capacity.validation.runs import RunRecord, Sizes

__all__ = ["Evidence", "note_number", "outcome"]


class Evidence:
    """The suite's runs and what was measured on them.

    Attributes:
        runs: run label -> :class:`capacity.validation.runs.RunRecord`.
        figures: run label -> the run's figures, one row per replication (the key
            figures and the numbers of :mod:`capacity.validation.measure`), in run order.
        sizes: how much was simulated (its ``tolerance_factor`` widens the checks that
            allow for simulation noise).
    """

    def __init__(
        self, runs: Sequence[RunRecord], figures: Mapping[str, pd.DataFrame], sizes: Sizes
    ) -> None:
        self.runs = {run.label: run for run in runs}
        self.figures = figures
        self.sizes = sizes

    def column(self, label: str, name: str) -> np.ndarray:
        """The figure ``name`` of run ``label``, one float per replication.

        Raises:
            KeyError: no such run or figure.
        """
        return self.figures[label][name].to_numpy(dtype=float)


def _interval(values: np.ndarray) -> tuple[float, float, float, int]:
    data = np.asarray(values, dtype=float)
    mean, low, high = confidence_interval(data)
    return mean, low, high, int((~np.isnan(data)).sum())


def outcome(check: Check, values: np.ndarray, note: str = "") -> Outcome:
    """``check`` judged on ``values`` (one per replication, in the check's unit; NaN
    where a replication gave none): their mean and 95 % interval over the replications
    with a value, the verdict and ``note``."""
    mean, low, high, n = _interval(values)
    reason = judge(check, mean, low, high)
    return Outcome(check, mean, low, high, n, not reason, reason, note)


def note_number(value: float) -> str:
    """``value`` as a check's note writes it: four significant digits, thousands
    separated from 1,000 on, ``n/a`` for NaN."""
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"
