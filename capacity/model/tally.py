"""Flow measures in fixed memory: what the key figures need of the events inside the
observation window, without one record per event.

A replication of 20 simulated years starts hundreds of thousands of tasks; keeping each
one's wait would make memory grow with the time simulated. A :class:`Tally` keeps the
count, the values' total and, for quantiles, the values themselves up to
:data:`EXACT_LIMIT` of them (then the figures are exactly those of the full list); past
that it folds them into a histogram of :data:`HISTOGRAM_BINS` logarithmic bins, whose
quantiles are accurate to :data:`RELATIVE_RESOLUTION` of the value. Memory per tally is
bounded either way.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["EXACT_LIMIT", "HISTOGRAM_BINS", "RELATIVE_RESOLUTION", "Tally"]

EXACT_LIMIT = 100_000
"""Values kept exactly per tally (800 kB) before it switches to the histogram."""

_LOWEST, _HIGHEST = 1e-9, 1e6
HISTOGRAM_BINS = 24_000
"""Logarithmic bins between 1e-9 and 1e6 in the tally's unit; values below go to a bin
of their own (counted as 0), values above to the top bin."""

RELATIVE_RESOLUTION = (_HIGHEST / _LOWEST) ** (1 / HISTOGRAM_BINS) - 1
"""Relative width of one histogram bin (about 0.14 %): the error bound of a quantile
once a tally has more than :data:`EXACT_LIMIT` values."""

_EDGES = np.geomspace(_LOWEST, _HIGHEST, HISTOGRAM_BINS + 1)


class Tally:
    """Non-negative values of one measure (waits in days, say), in fixed memory.

    Args:
        thresholds: values x for which :meth:`share_at_most` is wanted exactly (counted
            as values arrive, whatever the mode).
        positive_above: values above this count as positive (:meth:`share_positive`).
    """

    __slots__ = (
        "_at_most",
        "_histogram",
        "_n",
        "_values",
        "count",
        "positive",
        "positive_above",
        "thresholds",
        "total",
    )

    def __init__(self, thresholds: tuple[float, ...] = (), positive_above: float = 0.0):
        self.count = 0
        self.total = 0.0
        self.positive = 0
        self.positive_above = positive_above
        self.thresholds = thresholds
        self._at_most = [0] * len(thresholds)
        self._values: np.ndarray | None = None
        self._n = 0
        self._histogram: np.ndarray | None = None

    def add(self, value: float) -> None:
        """Count ``value`` (>= 0)."""
        self.count += 1
        self.total += value
        if value > self.positive_above:
            self.positive += 1
        for i, x in enumerate(self.thresholds):
            if value <= x:
                self._at_most[i] += 1
        if self._histogram is not None:
            self._histogram[_bin(value)] += 1
            return
        if self._values is None:
            self._values = np.empty(256)
        elif self._n == len(self._values):
            if self._n >= EXACT_LIMIT:
                self._to_histogram()
                self._histogram[_bin(value)] += 1  # type: ignore[index]
                return
            self._values = np.resize(self._values, min(EXACT_LIMIT, 2 * self._n))
        self._values[self._n] = value
        self._n += 1

    def _to_histogram(self) -> None:
        histogram = np.zeros(HISTOGRAM_BINS + 2, dtype=np.int64)
        values = self._values[: self._n] if self._values is not None else np.empty(0)
        np.add.at(histogram, np.searchsorted(_EDGES, values, side="right"), 1)
        self._histogram = histogram
        self._values = None
        self._n = 0

    @property
    def exact(self) -> bool:
        """True while every value is kept (the figures are exact)."""
        return self._histogram is None

    def mean(self) -> float:
        """Mean of the values; NaN when there are none."""
        if not self.count:
            return math.nan
        if self.exact and self._values is not None:
            return float(np.mean(self._values[: self._n]))
        return self.total / self.count

    def quantile(self, q: float) -> float:
        """The q-quantile (0 <= q <= 1) as numpy's default (linear) percentile while
        exact, else from the histogram (within :data:`RELATIVE_RESOLUTION`); NaN when
        there are no values."""
        if not self.count:
            return math.nan
        if self.exact and self._values is not None:
            return float(np.percentile(self._values[: self._n], 100 * q))
        assert self._histogram is not None
        rank = q * (self.count - 1)
        index = int(np.searchsorted(np.cumsum(self._histogram), math.floor(rank), side="right"))
        if index == 0:
            return 0.0
        low, high = _EDGES[min(index, HISTOGRAM_BINS) - 1], _EDGES[min(index, HISTOGRAM_BINS)]
        return float(math.sqrt(low * high))

    def share_positive(self) -> float:
        """Share of values above ``positive_above``; NaN when there are none."""
        return self.positive / self.count if self.count else math.nan

    def share_at_most(self, x: float) -> float:
        """Share of values <= ``x``, one of the ``thresholds``; NaN when there are none.

        Raises ValueError for an ``x`` that is not one of the thresholds."""
        counted = self._at_most[self.thresholds.index(x)]
        return counted / self.count if self.count else math.nan


def _bin(value: float) -> int:
    return int(np.searchsorted(_EDGES, value, side="right"))
