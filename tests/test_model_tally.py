"""Flow measures in fixed memory: exact while small, within the stated resolution after."""

from __future__ import annotations

import math

import numpy as np
import pytest

from capacity.model import tally
from capacity.model.tally import RELATIVE_RESOLUTION, Tally


def test_small_tallies_are_exactly_numpy() -> None:
    values = np.random.default_rng(1).lognormal(0.0, 1.5, 5_000)
    values[:700] = 0.0
    t = Tally(thresholds=(2.0,), positive_above=1e-6)
    for v in values:
        t.add(float(v))
    assert t.exact
    assert t.mean() == float(np.mean(values))
    assert t.quantile(0.9) == float(np.percentile(values, 90))
    assert t.share_positive() == 4_300 / 5_000
    assert t.share_at_most(2.0) == float(np.mean(values <= 2.0))
    assert t.total == pytest.approx(values.sum())


def test_large_tallies_switch_to_the_histogram_within_its_resolution(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the exact limit (lowered here to 1,000) the quantiles are within one bin
    (about 0.14 %) of numpy's, the mean and the threshold shares stay exact."""
    monkeypatch.setattr(tally, "EXACT_LIMIT", 1_000)
    values = np.random.default_rng(2).exponential(3.0, 20_000)
    values[::10] = 0.0
    t = Tally(thresholds=(1.0,))
    for v in values:
        t.add(float(v))
    assert not t.exact
    assert t.count == 20_000
    assert t.mean() == pytest.approx(values.mean(), rel=1e-12)
    for q in (0.05, 0.5, 0.9, 0.99):
        exact = float(np.percentile(values, 100 * q))
        assert t.quantile(q) == pytest.approx(exact, rel=2 * RELATIVE_RESOLUTION, abs=1e-9)
    assert t.share_at_most(1.0) == float(np.mean(values <= 1.0))


def test_empty_tallies_give_nan() -> None:
    t = Tally(thresholds=(1.0,))
    assert math.isnan(t.mean())
    assert math.isnan(t.quantile(0.9))
    assert math.isnan(t.share_positive())
    assert math.isnan(t.share_at_most(1.0))
