"""How every part of a scenario validates, stated once for the schema and the
distributions."""

from __future__ import annotations

from pydantic import ConfigDict

__all__ = ["STRICT"]

STRICT = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
"""Pydantic settings of every scenario model: unknown keys are refused, models are
immutable, NaN and infinity are refused, and types are strict: a wrong type is refused,
never converted ("3" is not 3, true is not 1.0). An integer is still accepted where a
float is expected, and dates may also be written as ISO strings ("2010-03-01", fields
marked ``strict=False``), as TOML users often quote them."""
