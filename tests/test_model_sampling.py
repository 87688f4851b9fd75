"""Changes in how random numbers are drawn keep the distribution of results.

Drawing users' numbers in batches of users (instead of one numpy call per purpose and
user) changes the exact numbers of a replication but not their distribution: on a fixed
scenario the mean of every checked key figure stays inside the interval of its
difference from the mean under the old drawing (tests/data/sampling_reference.json).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from helpers import replicate, variant
from scipy import stats

REFERENCE = json.loads(
    (Path(__file__).parent / "data" / "sampling_reference.json").read_text(encoding="utf-8")
)


@pytest.mark.slow
def test_batched_draws_leave_the_distribution_of_key_figures_unchanged() -> None:
    """For each of 14 key figures of office_2011 (240 days, 16 replications): the new
    mean minus the reference mean lies inside its Welch interval, Bonferroni-corrected
    so that all 14 together have a 1 % chance of a false alarm."""
    setup = REFERENCE["scenario"]
    scenario = variant(
        "office_2011",
        run__horizon_days=setup["run.horizon_days"],
        run__warm_up_days=setup["run.warm_up_days"],
    )
    results = replicate(scenario, setup["replications"])
    figures = REFERENCE["figures"]
    for name, ref in figures.items():
        values = np.array([r.figures[name] for r in results], dtype=float)
        var_ref, var_new = ref["sd"] ** 2 / ref["n"], values.var(ddof=1) / len(values)
        se = math.sqrt(var_ref + var_new)
        # Welch-Satterthwaite degrees of freedom.
        df = se**4 / (var_ref**2 / (ref["n"] - 1) + var_new**2 / (len(values) - 1))
        half = stats.t.ppf(1 - 0.01 / (2 * len(figures)), df) * se
        difference = values.mean() - ref["mean"]
        assert abs(difference) <= half, (name, values.mean(), ref["mean"], half)
