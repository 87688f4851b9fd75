"""Section 2, Little's law: L = lambda W per stage and for the whole office.

L is the mean of the model's end-of-day counts; lambda and W come from the times of the
event log over the observation window (:mod:`capacity.validation.measure`), two outputs
of the model computed apart.
"""

from __future__ import annotations

import numpy as np

from capacity.validation.checks import Check, Outcome
from capacity.validation.measure import PLACES
from capacity.validation.sections.evidence import Evidence, note_number, outcome

__all__ = ["SECTION", "checks"]

SECTION = "Little's law"
"""The section's name in the report."""

# Little's law: L from end-of-day counts against lambda W within 10 %. The counts are
# one sample a day: a stage users pass in hours (the queueing scenarios) is estimated
# from a few thousand snapshots of a small, fluctuating stock; in the offices, the
# daily rhythm moves the end-of-day count of a stage users stay in for days by a few
# per cent from its time average.
_TOLERANCE = 0.10
_RUNS = (
    "mmc_check",
    "tandem_check",
    "loop_check",
    "office_2011",
    "office_2011_generalist",
    "rural_4500",
)
# loop_check's reception holds 0.67 users on average (a fifth of an hour per user): one
# count a day cannot estimate so small a stock within the tolerance in a run this short.
_LEFT_OUT = {("loop_check", "reception")}


def checks(evidence: Evidence) -> list[Outcome]:
    """L (end-of-day counts) / lambda W (event times) for each stage users pass and for
    the whole office, on each run of Little's law; a ratio of 1 is expected."""
    section, factor = SECTION, evidence.sizes.tolerance_factor
    outcomes = []
    for label in _RUNS:
        scenario = evidence.runs[label].scenario
        visited = [
            p
            for p in PLACES[:-1]
            if np.nansum(evidence.column(label, f"check_little_lambda_per_day_{p}")) > 0
        ]
        for place in PLACES:
            if place == "office" and len(visited) == 1:
                continue  # the office is its one stage: the same numbers again
            if place == "reception" and not scenario.calendar.always_open:
                continue  # see docs/model.md: end-of-day counts miss the day's visitors
            if (label, place) in _LEFT_OUT:
                continue
            big_l = evidence.column(label, f"check_little_l_{place}")
            lam = evidence.column(label, f"check_little_lambda_per_day_{place}")
            w = evidence.column(label, f"check_little_w_days_{place}")
            if not np.nansum(lam) > 0:
                continue  # no user ever passes this stage in this scenario
            where = "Whole office" if place == "office" else f"Stage {place}"
            note = (
                f"L {note_number(np.mean(big_l))} users, "
                f"lambda {note_number(np.mean(lam))} per day, "
                f"W {note_number(np.nanmean(w))} days"
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = big_l / (lam * w)
            outcomes.append(
                outcome(
                    Check(
                        f"little.{label}.{place}",
                        section,
                        f"{where}: L (end-of-day counts) / lambda W (event times)",
                        label,
                        "ratio",
                        1.0,
                        1.0,
                        _TOLERANCE * factor,
                        "Little's law on the observation window (L = lambda W)",
                    ),
                    ratio,
                    note,
                )
            )
    return outcomes
