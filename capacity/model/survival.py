"""How long spells last when some are still running at the horizon: the Kaplan-Meier
product-limit estimator.

Of the AAP spells that start in the observation window, the short ones end before the
horizon and the long ones are still running there (right-censored). Counting only the
ended ones would make spells look short. The estimator (Kaplan, E. L. and Meier, P.
(1958), "Nonparametric estimation from incomplete observations", Journal of the American
Statistical Association 53: 457-481) uses both: at each time t_i at which d_i spells end,
with n_i spells still under observation just before t_i (not ended and not censored
before), the share still running is multiplied by 1 - d_i / n_i. A spell censored at the
same time as others end counts as under observation at that time (events first).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Survival", "kaplan_meier"]


@dataclass(frozen=True)
class Survival:
    """A Kaplan-Meier curve: ``times`` at which spells ended (ascending, distinct),
    ``surviving`` the share still running just after each, and ``followed`` the longest
    time any spell was observed (ended or censored)."""

    times: np.ndarray
    surviving: np.ndarray
    followed: float

    def share_at(self, t: float) -> float:
        """Share of spells still running at ``t`` (1 before the first end); NaN past the
        longest follow-up, where the data say nothing."""
        if math.isnan(self.followed) or t > self.followed:
            return math.nan
        ended = int(np.searchsorted(self.times, t, side="right"))
        return 1.0 if ended == 0 else float(self.surviving[ended - 1])

    def mean(self) -> float:
        """Mean spell length, the area under the curve; NaN unless the curve reaches 0,
        that is unless the longest observed spell ended (otherwise the spells still
        running could last any time)."""
        if len(self.times) == 0 or self.surviving[-1] > 0:
            return math.nan
        starts = np.concatenate(([0.0], self.times[:-1]))
        before = np.concatenate(([1.0], self.surviving[:-1]))
        return float(np.sum(before * (self.times - starts)))


def kaplan_meier(ended: Sequence[float], censored: Sequence[float]) -> Survival:
    """The Kaplan-Meier curve of spells that ended after ``ended`` time and of spells
    still running after ``censored`` time (both in the same unit, >= 0)."""
    done = np.sort(np.asarray(ended, dtype=float))
    running = np.sort(np.asarray(censored, dtype=float))
    if done.size + running.size == 0:
        return Survival(np.zeros(0), np.zeros(0), math.nan)
    times, ends = np.unique(done, return_counts=True)
    # Under observation just before t: those ending at t or later, and those censored
    # at t or later (events first on a tie).
    at_risk = (done.size - np.searchsorted(done, times, side="left")) + (
        running.size - np.searchsorted(running, times, side="left")
    )
    surviving = np.cumprod(1.0 - ends / at_risk)
    followed = float(max(done.max(initial=0.0), running.max(initial=0.0)))
    return Survival(times, surviving, followed)
