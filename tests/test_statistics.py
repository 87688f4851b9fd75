"""Confidence intervals against hand-computed values."""

from __future__ import annotations

import math

import pytest

from capacity.experiment import confidence_interval

T_0975_4 = 2.7764451051977934
"""Student t quantile t_{0.975, 4} (tables give 2.776)."""


def test_interval_of_one_to_five() -> None:
    """[1, 2, 3, 4, 5]: mean 3, sample variance 2.5, so the 95 % half-width is
    t_{0.975,4} * sqrt(2.5) / sqrt(5) = 2.776445105 * 0.7071068 = 1.963243."""
    mean, low, high = confidence_interval([1, 2, 3, 4, 5])
    assert mean == pytest.approx(3.0)
    assert high - mean == pytest.approx(1.9632431614775572, rel=1e-12)
    assert mean - low == pytest.approx(T_0975_4 * math.sqrt(2.5) / math.sqrt(5), rel=1e-12)


def test_interval_at_ninety_percent() -> None:
    """[2, 4, 6] at 90 %: mean 4, s = 2, half-width t_{0.95,2} * 2 / sqrt(3) with
    t_{0.95,2} = 2.9199856, i.e. 3.3717089."""
    mean, low, high = confidence_interval([2.0, 4.0, 6.0], level=0.90)
    assert mean == pytest.approx(4.0)
    assert (low, high) == pytest.approx((4.0 - 3.3717089, 4.0 + 3.3717089), rel=1e-7)


def test_nan_values_are_left_out() -> None:
    """NaN entries are dropped: [1, nan, 2, 3, nan, 4, 5] gives the interval of 1..5,
    3 ± 1.963243."""
    mean, low, high = confidence_interval([1, math.nan, 2, 3, math.nan, 4, 5])
    assert (mean, low, high) == pytest.approx((3.0, 3.0 - 1.9632432, 3.0 + 1.9632432))


def test_single_value_has_no_interval() -> None:
    """One value: the mean is the value; a spread cannot be estimated, so NaN bounds."""
    mean, low, high = confidence_interval([7.5, math.nan])
    assert mean == 7.5
    assert math.isnan(low)
    assert math.isnan(high)


@pytest.mark.parametrize("values", [[], [math.nan, math.nan]])
def test_no_values_gives_all_nan(values: list[float]) -> None:
    """No (non-NaN) values: mean and bounds are all NaN."""
    assert all(math.isnan(x) for x in confidence_interval(values))


def test_identical_values_give_zero_width() -> None:
    """[4, 4, 4]: s = 0, so low = mean = high = 4."""
    assert confidence_interval([4.0, 4.0, 4.0]) == (4.0, 4.0, 4.0)


@pytest.mark.parametrize("level", [0.0, 1.0, -0.5, 95])
def test_level_outside_zero_one_is_refused(level: float) -> None:
    """The level is a probability strictly between 0 and 1; 95 (a percentage) is refused."""
    with pytest.raises(ValueError, match="level"):
        confidence_interval([1.0, 2.0], level=level)


def test_infinite_value_is_refused() -> None:
    """An infinite observation has no meaningful mean: ValueError."""
    with pytest.raises(ValueError, match="finite"):
        confidence_interval([1.0, math.inf])
