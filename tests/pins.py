"""Pinned results: the exact key figures of a few short runs, kept in ``tests/data/pinned``.

Each pinned run is a bundled scenario with some dotted-path changes, run for 2
replications on two worker processes. What is pinned is what a results folder holds:
``summary.csv`` as the CSV writer writes it (ten significant digits), and SHA-256
digests of ``timeseries.csv`` and ``caseloads.csv``. Any change of the random streams,
the model's rules or the summary's arithmetic shows up here.

When a change of numbers is intended, regenerate the pins in the same commit and say
in CHANGELOG.md which numbers moved and why::

    python tests/pins.py            # rewrite every pin
    python tests/pins.py office_2011  # or only some

A refactor never needs this.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

import capacity
from capacity.outputs import CSV_OPTIONS
from capacity.scenario import Scenario, load_scenario, with_changes

PIN_DIR = Path(__file__).parent / "data" / "pinned"
"""Where the pinned files live: ``<name>.summary.csv`` and ``<name>.digests.json``."""

REPLICATIONS = 2
"""Replications per pinned run: two give every figure a mean and an interval."""

_STAFFING_CHANGES = [
    {"date": "2010-06-01", "team": "follow_up", "change": "hire", "people": 2},
    {"date": "2010-09-01", "team": "assessment_plan", "change": "leave", "people": 1},
    {"date": "2010-10-01", "team": "employment", "change": "move", "to_team": "follow_up"},
    {"date": "2010-11-01", "team": "follow_up", "change": "fte", "people": 2, "fte": 0.8},
    {"date": "2011-01-03", "team": "follow_up", "change": "leave", "people": 1},
]

PINS: dict[str, tuple[str, dict[str, Any]]] = {
    # The bundled offices over their own horizons.
    "office_2011": ("office_2011", {}),
    "office_2011_reorganised": ("office_2011_reorganised", {}),
    "office_2011_generalist": ("office_2011_generalist", {}),
    "rural_4500": ("rural_4500", {}),
    # The long-run office, shortened but with a window over a year (the spell figures).
    "office_2011_steady": (
        "office_2011_steady",
        {"run.horizon_days": 1100, "run.warm_up_days": 600},
    ),
    # A caseload service built from declared work only, shortened.
    "debt_counselling": ("debt_counselling", {"run.horizon_days": 200, "run.warm_up_days": 100}),
    # The queueing checks, shortened.
    "mmc_check": ("mmc_check", {"run.horizon_days": 120}),
    "tandem_check": ("tandem_check", {"run.horizon_days": 120}),
    "loop_check": ("loop_check", {"run.horizon_days": 60}),
    # Personal caseloads with every rule that moves tasks between queues: a caseload
    # cap, absence cover by colleagues, overdue work first, missed meetings (rebooking,
    # sanctions), returning users, hires, leavers, moves, FTE changes, a reorganisation,
    # an absence wave and IT outages.
    "features_personal": (
        "office_2011_reorganised",
        {
            "organisation.caseload_cap": 170,
            "organisation.absence_cover": "colleagues",
            "organisation.overdue_first": True,
            "case_types.aap.attendance.no_show_share": 0.1,
            "case_types.aap.attendance.sanction_share": 0.5,
            "case_types.aap.reentry.share": 0.3,
            "staffing_changes": _STAFFING_CHANGES,
            "it_outages": [{"date": "2010-12-01", "start_hour": 9.0, "hours": 30.0}],
            "it_downtime.outages_per_year": 6.0,
        },
    ),
    # Team caseloads, leavers' users left in the queue, a follow-up that ends after a
    # contact, limits on the benefit period, a surge and seasonal arrivals.
    "features_team": (
        "office_2011",
        {
            "organisation.caseload_work": "team",
            "organisation.leaver_caseload": "queue",
            "case_types.aap.follow_up.end_after_contact_share": 0.05,
            "case_types.aap.follow_up.max_period_days": 400.0,
            "case_types.aap.follow_up.at_max_period.extension_share": 0.3,
            "case_types.aap.follow_up.at_max_period.job_seeker_share": 0.3,
            "case_types.aap.attendance.no_show_share": 0.05,
            "staffing_changes": _STAFFING_CHANGES,
            "streams.aap_claimant.seasonal_factors": [
                1.2,
                1.1,
                1,
                1,
                1,
                0.9,
                0.6,
                0.9,
                1.1,
                1.1,
                1.1,
                1,
            ],
            "streams.aap_claimant.surges": [
                {"start_date": "2010-10-01", "end_date": "2010-11-01", "factor": 2.0}
            ],
        },
    ),
}
"""Pinned run name -> (bundled scenario, dotted-path changes)."""


def pinned_scenario(name: str) -> Scenario:
    """The scenario of pinned run ``name``."""
    base, changes = PINS[name]
    scenario = load_scenario(base)
    return with_changes(scenario, changes) if changes else scenario


def _csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, **{k: v for k, v in CSV_OPTIONS.items() if k != "encoding"})
    return buffer.getvalue()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def measure(name: str) -> tuple[str, dict[str, str]]:
    """Run pinned run ``name``: its summary CSV text and the digests of its other tables."""
    # Two workers: the numbers do not depend on it, and the pins check that too.
    result = capacity.run(pinned_scenario(name), replications=REPLICATIONS, workers=2)
    digests = {"timeseries.csv": _digest(_csv(result.timeseries))}
    if result.caseloads is not None:
        digests["caseloads.csv"] = _digest(_csv(result.caseloads))
    return _csv(result.summary), digests


def stored(name: str) -> tuple[str, dict[str, str]]:
    """The pinned summary CSV text and digests of ``name`` as checked in."""
    summary = (PIN_DIR / f"{name}.summary.csv").read_text(encoding="utf-8")
    digests = json.loads((PIN_DIR / f"{name}.digests.json").read_text(encoding="utf-8"))
    return summary, digests


def regenerate(names: list[str]) -> None:
    """Run and rewrite the pins of ``names``."""
    PIN_DIR.mkdir(parents=True, exist_ok=True)
    for name in names:
        summary, digests = measure(name)
        (PIN_DIR / f"{name}.summary.csv").write_text(summary, encoding="utf-8")
        text = json.dumps(digests, indent=2, sort_keys=True) + "\n"
        (PIN_DIR / f"{name}.digests.json").write_text(text, encoding="utf-8")
        print(f"pinned {name}")


if __name__ == "__main__":
    wanted = sys.argv[1:] or list(PINS)
    unknown = [n for n in wanted if n not in PINS]
    if unknown:
        sys.exit(f"unknown pinned run(s) {unknown}; known: {', '.join(PINS)}")
    regenerate(wanted)
