"""A validation check as data, and the one rule that judges every check.

A check states what the model should give (a value, a range or a direction), where that
expectation comes from, and how far off the model may be (the tolerance, in the
check's unit). The model's value comes with the 95 % confidence interval over its
replications. The rule:

    the check passes when the model's whole 95 % interval lies inside the expected
    range widened by the tolerance on each side.

So a check passes only when the model is shown, with 95 % confidence, to be within
tolerance: a model that is off fails, and so does a run too short to tell (its interval
is wider than the band). A value without an interval (an exact count, such as the
worst breach of a conservation law over every replication) must itself lie in the
band. Directional checks ("more staff: a shorter wait") are strict: the interval must
leave out the boundary (0), so "no difference" does not pass.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

__all__ = [
    "VALIDATION_COLUMNS",
    "Check",
    "Outcome",
    "judge",
    "outcomes_table",
]


@dataclass(frozen=True)
class Check:
    """What one check expects.

    Attributes:
        id: a stable key for the check, ``<section>.<run>.<what>`` in lower case.
        section: the group it belongs to in the report ("Queueing theory", ...).
        description: what is compared, in plain words.
        scenario: the label of the run it is measured on (see the report's runs).
        unit: the unit of the expected value, the model's value and the tolerance.
        expected_low, expected_high: the expected range; equal for a single value; None
            for no bound on that side (a direction: ``expected_high=0`` is "below 0").
        tolerance: how far outside the expected range the interval may reach, >= 0, in
            ``unit``.
        source: where the expectation comes from (a theorem, a publication, a law).
        strict: the interval must stay strictly inside the band (for directions).
    """

    id: str
    section: str
    description: str
    scenario: str
    unit: str
    expected_low: float | None
    expected_high: float | None
    tolerance: float
    source: str
    strict: bool = False

    def __post_init__(self) -> None:
        if self.tolerance < 0 or math.isnan(self.tolerance):
            raise ValueError(f"{self.id}: tolerance must be >= 0 (given {self.tolerance})")
        low, high = self.expected_low, self.expected_high
        if low is not None and high is not None and low > high:
            raise ValueError(f"{self.id}: expected_low {low} is above expected_high {high}")

    @property
    def band(self) -> tuple[float, float]:
        """The expected range widened by the tolerance (-inf/inf where unbounded)."""
        low = -math.inf if self.expected_low is None else self.expected_low - self.tolerance
        high = math.inf if self.expected_high is None else self.expected_high + self.tolerance
        return low, high

    def expected_text(self) -> str:
        """The expectation as people write it: ``1.525``, ``8 - 10``, ``< 0``, ``> 0``."""
        low, high = self.expected_low, self.expected_high
        if low is None and high is None:
            return "any"
        if low is None:
            return f"{'<' if self.strict else '<='} {_short(high)}"
        if high is None:
            return f"{'>' if self.strict else '>='} {_short(low)}"
        if low == high:
            return _short(low)
        return f"{_short(low)} - {_short(high)}"


def _short(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "n/a"
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


@dataclass(frozen=True)
class Outcome:
    """A check with the model's value and the verdict.

    Attributes:
        check: the check.
        value: the model's value (mean over replications, or the worst case for an
            exact law), in ``check.unit``; NaN if the model gave none.
        ci_low, ci_high: its 95 % confidence interval; NaN for an exact value.
        replications: how many replications the value is based on.
        passed: the verdict of :func:`judge`.
        reason: why it failed, in plain words; empty when it passed.
        note: what else a reviewer should know (the numbers behind a ratio, ...).
    """

    check: Check
    value: float
    ci_low: float
    ci_high: float
    replications: int
    passed: bool
    reason: str
    note: str = ""


def judge(check: Check, value: float, ci_low: float = math.nan, ci_high: float = math.nan) -> str:
    """Why ``check`` fails for the model's ``value`` and 95 % interval, or ``""`` when it
    passes (see the module docstring for the rule). With NaN bounds, ``value`` itself is
    judged."""
    if math.isnan(value):
        return "the model gave no value"
    low, high = (value, value) if math.isnan(ci_low) or math.isnan(ci_high) else (ci_low, ci_high)
    band_low, band_high = check.band
    if check.strict:
        inside = band_low < low and high < band_high
    else:
        inside = band_low <= low and high <= band_high
    if inside:
        return ""
    if (
        high < band_low
        or low > band_high
        or (check.strict and (high <= band_low or low >= band_high))
    ):
        return "outside the expected range and its tolerance"
    if high - low > band_high - band_low:
        return "interval wider than the tolerance band: too imprecise to tell; run longer"
    return "interval reaches past the tolerance: not shown to agree; run longer or investigate"


VALIDATION_COLUMNS: tuple[str, ...] = (
    "id",
    "section",
    "check",
    "scenario",
    "unit",
    "expected",
    "expected_low",
    "expected_high",
    "tolerance",
    "source",
    "value",
    "ci_low",
    "ci_high",
    "replications",
    "passed",
    "reason",
    "note",
)
"""Columns of ``validation.csv``, in order."""


def outcomes_table(outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """One row per outcome with :data:`VALIDATION_COLUMNS` (unbounded expectations and
    missing intervals are NaN, written as empty fields)."""
    rows = []
    for o in outcomes:
        c = o.check
        rows.append(
            (
                c.id,
                c.section,
                c.description,
                c.scenario,
                c.unit,
                c.expected_text(),
                math.nan if c.expected_low is None else c.expected_low,
                math.nan if c.expected_high is None else c.expected_high,
                c.tolerance,
                c.source,
                o.value,
                o.ci_low,
                o.ci_high,
                o.replications,
                o.passed,
                o.reason,
                o.note,
            )
        )
    table = pd.DataFrame(rows, columns=list(VALIDATION_COLUMNS))
    return table.astype({"replications": int, "passed": bool})
