"""Distributions of durations and work content, as they are written in scenario files.

Every distribution is a small frozen pydantic model chosen by its ``dist`` key, for
example ``{ dist = "lognormal", mean = 1.5, cv = 0.5 }``. The unit is the unit of the
field that holds it (hours of caseworker work, days of waiting, ...). All draws are
non-negative. Sampling takes an explicit ``numpy.random.Generator``: the scenario never
owns random state.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, Field, model_validator

from capacity.scenario.strict import STRICT

__all__ = [
    "DISTRIBUTION_NAMES",
    "Distribution",
    "Empirical",
    "Exponential",
    "Fixed",
    "Gamma",
    "Lognormal",
    "Triangular",
    "Uniform",
]


class Fixed(BaseModel):
    """A constant: every draw is ``value`` (>= 0)."""

    model_config = STRICT
    dist: Literal["fixed"] = "fixed"
    value: float = Field(ge=0, le=1e6, description="The constant value, >= 0.")

    @property
    def mean(self) -> float:
        """Expected value of a draw."""
        return self.value

    def sample(self, rng: np.random.Generator) -> float:
        """Return ``value``; draws nothing from ``rng``."""
        return self.value

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws as a float array of shape (n,); draws nothing from ``rng``."""
        return np.full(n, self.value)


class Exponential(BaseModel):
    """Exponential with the given ``mean`` (> 0); coefficient of variation 1."""

    model_config = STRICT
    dist: Literal["exponential"] = "exponential"
    mean: float = Field(gt=0, le=1e6, description="Mean of a draw, > 0.")

    def sample(self, rng: np.random.Generator) -> float:
        """One draw from ``rng``."""
        return float(rng.exponential(self.mean))

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws as a float array of shape (n,)."""
        return rng.exponential(self.mean, n)


class Lognormal(BaseModel):
    """Lognormal given by its own ``mean`` (> 0) and coefficient of variation ``cv`` (> 0).

    The underlying normal has sigma^2 = ln(1 + cv^2) and mu = ln(mean) - sigma^2 / 2, so
    the draws have exactly the stated mean and cv.
    """

    model_config = STRICT
    dist: Literal["lognormal"] = "lognormal"
    mean: float = Field(gt=0, le=1e6, description="Mean of a draw, > 0.")
    cv: float = Field(gt=0, le=10, description="Coefficient of variation (sd / mean), in (0, 10].")

    def sample(self, rng: np.random.Generator) -> float:
        """One draw from ``rng``."""
        return float(self.sample_many(rng, 1)[0])

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws as a float array of shape (n,)."""
        sigma2 = math.log1p(self.cv**2)
        mu = math.log(self.mean) - sigma2 / 2
        return rng.lognormal(mu, math.sqrt(sigma2), n)


class Gamma(BaseModel):
    """Gamma given by ``mean`` (> 0) and coefficient of variation ``cv`` (> 0).

    Shape k = 1 / cv^2 and scale = mean * cv^2.
    """

    model_config = STRICT
    dist: Literal["gamma"] = "gamma"
    mean: float = Field(gt=0, le=1e6, description="Mean of a draw, > 0.")
    cv: float = Field(gt=0, le=10, description="Coefficient of variation (sd / mean), in (0, 10].")

    def sample(self, rng: np.random.Generator) -> float:
        """One draw from ``rng``."""
        return float(self.sample_many(rng, 1)[0])

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws as a float array of shape (n,)."""
        return rng.gamma(1.0 / self.cv**2, self.mean * self.cv**2, n)


class Triangular(BaseModel):
    """Triangular on [``low``, ``high``] with peak at ``mode``; 0 <= low <= mode <= high."""

    model_config = STRICT
    dist: Literal["triangular"] = "triangular"
    low: float = Field(ge=0, le=1e6, description="Smallest value, >= 0.")
    mode: float = Field(ge=0, le=1e6, description="Most likely value, low <= mode <= high.")
    high: float = Field(ge=0, le=1e6, description="Largest value, > low.")

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high) or self.low == self.high:
            raise ValueError(
                f"needs low <= mode <= high and low < high (given low={self.low}, "
                f"mode={self.mode}, high={self.high})"
            )
        return self

    @property
    def mean(self) -> float:
        """Expected value of a draw: (low + mode + high) / 3."""
        return (self.low + self.mode + self.high) / 3

    def sample(self, rng: np.random.Generator) -> float:
        """One draw from ``rng``."""
        return float(self.sample_many(rng, 1)[0])

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws as a float array of shape (n,)."""
        return rng.triangular(self.low, self.mode, self.high, n)


class Uniform(BaseModel):
    """Uniform on [``low``, ``high``]; 0 <= low < high."""

    model_config = STRICT
    dist: Literal["uniform"] = "uniform"
    low: float = Field(ge=0, le=1e6, description="Smallest value, >= 0.")
    high: float = Field(ge=0, le=1e6, description="Largest value, > low.")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"needs low < high (given low={self.low}, high={self.high})")
        return self

    @property
    def mean(self) -> float:
        """Expected value of a draw: (low + high) / 2."""
        return (self.low + self.high) / 2

    def sample(self, rng: np.random.Generator) -> float:
        """One draw from ``rng``."""
        return float(self.sample_many(rng, 1)[0])

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws as a float array of shape (n,)."""
        return rng.uniform(self.low, self.high, n)


class Empirical(BaseModel):
    """Draws one of ``values`` (each >= 0) with probability proportional to ``weights``.

    ``weights`` defaults to equal weights; when given it must have the same length as
    ``values`` and a positive sum.
    """

    model_config = STRICT
    dist: Literal["empirical"] = "empirical"
    values: list[Annotated[float, Field(ge=0, le=1e6)]] = Field(
        min_length=1, max_length=10_000, description="Observed values, each >= 0."
    )
    weights: list[Annotated[float, Field(ge=0)]] | None = Field(
        default=None, description="Relative weights, same length as values; default equal."
    )

    @model_validator(mode="after")
    def _weights_match(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"weights has {len(self.weights)} entries but values has {len(self.values)}"
                )
            if sum(self.weights) <= 0:
                raise ValueError("weights must have a positive sum")
        return self

    def _probabilities(self) -> np.ndarray:
        w = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights)
        probabilities: np.ndarray = w / w.sum()
        return probabilities

    @property
    def mean(self) -> float:
        """Expected value of a draw: the weighted mean of ``values``."""
        return float(np.dot(self._probabilities(), self.values))

    def sample(self, rng: np.random.Generator) -> float:
        """One draw from ``rng``."""
        return float(self.sample_many(rng, 1)[0])

    def sample_many(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` draws as a float array of shape (n,)."""
        index = rng.choice(len(self.values), size=n, p=self._probabilities())
        return np.asarray(self.values, dtype=float)[index]


Distribution = Annotated[
    Fixed | Exponential | Lognormal | Gamma | Triangular | Uniform | Empirical,
    Field(discriminator="dist"),
]
"""Any of the distributions above, chosen by the ``dist`` key."""

DISTRIBUTION_NAMES: tuple[str, ...] = (
    "fixed",
    "exponential",
    "lognormal",
    "gamma",
    "triangular",
    "uniform",
    "empirical",
)
"""The values the ``dist`` key may take."""
