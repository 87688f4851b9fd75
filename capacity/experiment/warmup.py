"""Choosing the warm-up: MSER-5 on a daily series.

MSER (marginal standard error rule, White 1997) picks the truncation point d that
minimises the squared standard error of the mean of what is left,
``sum_{i>=d} (y_i - mean_d)^2 / (n - d)^2``. MSER-5 applies it to means of batches of 5
observations, which smooths day-to-day noise; only the first half of the series is
considered, as is usual, so that a short noisy tail cannot win.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BATCH", "mser5_truncation"]

BATCH = 5
"""Observations per batch in MSER-5."""


def mser5_truncation(series: np.ndarray) -> int:
    """The warm-up (in observations, a multiple of 5) that MSER-5 chooses for ``series``,
    a 1-D array of at least 10 finite values (e.g. users in the office per day, averaged
    over replications).

    Raises ValueError for a series that is too short or holds NaN.
    """
    values = np.asarray(series, dtype=float)
    if values.ndim != 1 or values.size < 2 * BATCH:
        raise ValueError(f"needs a 1-D series of at least {2 * BATCH} values")
    if not np.isfinite(values).all():
        raise ValueError("the series holds NaN or infinite values")
    batches = values[: values.size // BATCH * BATCH].reshape(-1, BATCH).mean(axis=1)
    count = batches.size
    best_d, best = 0, np.inf
    for d in range(count // 2 + 1):
        rest = batches[d:]
        statistic = float(((rest - rest.mean()) ** 2).sum()) / (count - d) ** 2
        if statistic < best - 1e-15:
            best_d, best = d, statistic
    return best_d * BATCH
