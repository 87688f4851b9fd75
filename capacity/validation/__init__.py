"""Validation: evidence that the model deserves trust, as data and one report.

:func:`run_validation` simulates the suite's runs (the bundled scenarios, some reduced
to classical queues by their settings alone) and judges every :class:`Check` by one
rule (see :mod:`capacity.validation.checks`); :func:`write_validation` writes
``validation.md`` and ``validation.csv`` to a new results folder.
"""

from capacity.validation.checks import VALIDATION_COLUMNS, Check, Outcome, judge
from capacity.validation.runs import FULL, QUICK, RunRecord, Sizes
from capacity.validation.suite import SECTIONS, ValidationReport, run_validation

__all__ = [
    "FULL",
    "QUICK",
    "SECTIONS",
    "VALIDATION_COLUMNS",
    "Check",
    "Outcome",
    "RunRecord",
    "Sizes",
    "ValidationReport",
    "judge",
    "run_validation",
]
