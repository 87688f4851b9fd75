"""Rules shared by several sections of the schema: shares that sum to 1, dated changes
in date order, and a plain number where a distribution is expected."""

from __future__ import annotations

import datetime as dt

__all__ = ["SHARE_TOLERANCE", "check_shares", "dates_in_order", "number_as_fixed"]

SHARE_TOLERANCE = 1e-3
"""Shares must sum to 1 within this much (so 0.333 three times is accepted)."""


def check_shares(shares: dict[str, float], what: str) -> dict[str, float]:
    """``shares`` unchanged if none is negative and they sum to 1 within
    :data:`SHARE_TOLERANCE`; raises ValueError naming ``what`` otherwise."""
    if any(v < 0 for v in shares.values()):
        raise ValueError(f"shares must be >= 0 (given {shares})")
    total = sum(shares.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(
            f"{what} must sum to 1 within {SHARE_TOLERANCE:g} (given {shares}, sum {total:g})"
        )
    return shares


def dates_in_order(dates: list[dt.date], what: str) -> None:
    """Raise ValueError unless ``dates`` are distinct and ascending (``what`` names the
    list in the message)."""
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        raise ValueError(
            f"{what} must have distinct from_date values in date order (given "
            + ", ".join(d.isoformat() for d in dates)
            + ")"
        )


def number_as_fixed(value: object) -> object:
    """A plain number where a distribution is expected means a fixed value."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value
