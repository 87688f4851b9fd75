"""Experiments: run the replications of a scenario and summarise them with confidence
intervals; compare scenarios on the same users and work; sweep parameters; search the
least staffing. Each returns a typed result (:mod:`capacity.experiment.results`) and
takes one :class:`Settings` object for how to run."""

from capacity.experiment.compare import ComparisonResult, compare
from capacity.experiment.results import Result
from capacity.experiment.runner import SUMMARY_COLUMNS, RunResult, run_experiment
from capacity.experiment.sensitivity import SensitivityResult, sensitivity
from capacity.experiment.settings import AUTO, Settings
from capacity.experiment.staffing import StaffingResult, Target, least_staffing
from capacity.experiment.statistics import confidence_interval
from capacity.experiment.sweep import SweepResult, sweep

__all__ = [
    "AUTO",
    "SUMMARY_COLUMNS",
    "ComparisonResult",
    "Result",
    "RunResult",
    "SensitivityResult",
    "Settings",
    "StaffingResult",
    "SweepResult",
    "Target",
    "compare",
    "confidence_interval",
    "least_staffing",
    "run_experiment",
    "sensitivity",
    "sweep",
]
