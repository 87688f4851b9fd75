"""Section 3, conservation: exact laws, checked at the end of every day of every
replication of every run; the value is the worst case found."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from capacity.validation.checks import Check, Outcome, judge
from capacity.validation.measure import PLACES
from capacity.validation.sections.evidence import Evidence

__all__ = ["SECTION", "checks"]

SECTION = "Conservation"
"""The section's name in the report."""


def checks(evidence: Evidence) -> list[Outcome]:
    """The conservation laws of users, of the event log's counts and of caseworker
    time, each as its worst breach over every replication of every run (0 expected;
    hours worked at most the hours on duty)."""
    section = SECTION
    every = "every run"
    laws = [
        (
            "users",
            "Users: arrived = in the office + exited, at the end of every day "
            "(days on which it fails)",
            "days",
            ["check_users_unbalanced_days"],
            0.0,
        ),
        (
            "stocks",
            "Users in each stage and in the office at the end of every day = the "
            "number the event log puts there (largest difference)",
            "users",
            [f"check_count_mismatch_{place}" for place in PLACES],
            0.0,
        ),
        (
            "log",
            "Users arrived and exited = the arrivals and exits in the event log "
            "(largest difference)",
            "users",
            ["check_arrivals_vs_log", "check_exits_vs_log"],
            0.0,
        ),
        (
            "staff",
            "Caseworkers: busy + idle = on duty, at noon every day (days on which it fails)",
            "days",
            ["check_staff_unbalanced_days"],
            0.0,
        ),
    ]
    outcomes = []
    replications = sum(len(frame) for frame in evidence.figures.values())
    note = f"worst of {replications} replications in {len(evidence.figures)} runs"
    for key, description, unit, names, expected in laws:
        worst, where = _worst(evidence, names)
        check = Check(
            f"conservation.{key}",
            section,
            description,
            every,
            unit,
            expected,
            expected,
            0.0,
            "conservation law (exact)",
        )
        reason = judge(check, worst)
        outcomes.append(
            Outcome(
                check, worst, math.nan, math.nan, replications, not reason, reason, note + where
            )
        )
    worst, where = _worst(evidence, ["check_utilisation_day_max"])
    check = Check(
        "conservation.work_hours",
        section,
        "Caseworker time: hours worked <= hours on duty, every team and day "
        "(largest daily utilisation)",
        every,
        "share",
        None,
        1.0,
        1e-9,
        "work is done only on duty (exact; 1e-9 for rounding)",
    )
    reason = judge(check, worst)
    outcomes.append(
        Outcome(check, worst, math.nan, math.nan, replications, not reason, reason, note + where)
    )
    return outcomes


def _worst(evidence: Evidence, names: Sequence[str]) -> tuple[float, str]:
    worst, where = -math.inf, ""
    for label, frame in evidence.figures.items():
        value = float(np.nanmax(frame[list(names)].to_numpy(dtype=float)))
        if value > worst:
            worst, where = value, label
    return worst, f"; worst in {where}" if worst > 0 else ""
