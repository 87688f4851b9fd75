"""Confidence intervals for key figures across independent replications, and for the
difference of two scenarios' means from independent replications of each."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

__all__ = ["confidence_interval", "welch_interval"]


def _finite(values: Iterable[float]) -> np.ndarray:
    data = np.asarray(list(values), dtype=float)
    data = data[~np.isnan(data)]
    if np.isinf(data).any():
        raise ValueError("values must be finite or NaN (an infinite value was given)")
    return data


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
    data = _finite(values)
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


def welch_interval(
    first: Iterable[float], second: Iterable[float], level: float = 0.95
) -> tuple[float, float, float]:
    """Difference of two means, ``mean(second) - mean(first)``, with the Welch
    two-sample Student-t confidence interval for independent samples.

    The half-width is ``t_{(1+level)/2, df} * sqrt(s1^2/n1 + s2^2/n2)`` with the sample
    variances (divisor ``n - 1``) and the Welch-Satterthwaite degrees of freedom
    ``df = (s1^2/n1 + s2^2/n2)^2 / ((s1^2/n1)^2/(n1-1) + (s2^2/n2)^2/(n2-1))``; unlike
    the pooled interval it does not assume equal variances. NaN values are left out of
    each sample.

    Args:
        first, second: one observation per replication of each sample, in the same unit.
        level: confidence level, strictly between 0 and 1.

    Returns:
        ``(difference, low, high)`` in the unit of the values. ``low``/``high`` are NaN
        when a sample has fewer than two values (the difference is NaN when one is
        empty); when both samples have no spread the interval is the difference itself.

    Raises:
        ValueError: ``level`` is not strictly between 0 and 1, or a value is infinite.
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1 (given {level!r})")
    a, b = _finite(first), _finite(second)
    if a.size == 0 or b.size == 0:
        return (math.nan, math.nan, math.nan)
    difference = float(b.mean()) - float(a.mean())
    if a.size < 2 or b.size < 2:
        return (difference, math.nan, math.nan)
    va, vb = float(a.var(ddof=1)) / a.size, float(b.var(ddof=1)) / b.size
    if va + vb == 0.0:
        # Degrees of freedom are 0/0 here; with no spread there is nothing uncertain.
        return (difference, difference, difference)
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    from scipy import stats

    half = float(stats.t.ppf((1.0 + level) / 2.0, df=df)) * math.sqrt(va + vb)
    return (difference, difference - half, difference + half)
