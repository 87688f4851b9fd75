"""Confidence intervals for key figures across independent replications."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

__all__ = ["confidence_interval"]


def confidence_interval(values: Iterable[float], level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided Student-t confidence interval of independent observations.

    The half-width is ``t_{(1+level)/2, n-1} * s / sqrt(n)`` with ``s`` the sample
    standard deviation (divisor ``n - 1``) and ``n`` the number of values that are not
    NaN; NaN values (a figure undefined in some replication) are left out.

    Args:
        values: one observation per replication, in the unit of the figure.
        level: confidence level, strictly between 0 and 1 (0.95 for a 95 % interval).

    Returns:
        ``(mean, low, high)`` in the unit of ``values``. With one value the mean is that
        value and ``low``/``high`` are NaN (no spread to estimate); with none all three
        are NaN.

    Raises:
        ValueError: ``level`` is not strictly between 0 and 1, or a value is infinite.
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1 (given {level!r})")
    data = np.asarray(list(values), dtype=float)
    data = data[~np.isnan(data)]
    if np.isinf(data).any():
        raise ValueError("values must be finite or NaN (an infinite value was given)")
    n = data.size
    if n == 0:
        return (math.nan, math.nan, math.nan)
    mean = float(data.mean())
    if n == 1:
        return (mean, math.nan, math.nan)
    # Imported here: scipy.stats takes most of a second to import, which every command
    # would otherwise pay, including --help.
    from scipy import stats

    sd = float(data.std(ddof=1))
    half = float(stats.t.ppf((1.0 + level) / 2.0, df=n - 1)) * sd / math.sqrt(n)
    return (mean, mean - half, mean + half)
