"""Experiments: run the replications of a scenario and summarise them with confidence
intervals; compare scenarios on the same users and work."""

from capacity.experiment.compare import ComparisonResult, compare
from capacity.experiment.runner import SUMMARY_COLUMNS, ExperimentResult, run_experiment
from capacity.experiment.statistics import confidence_interval
from capacity.experiment.sweep import SweepResult, run_sweep, sweep

__all__ = [
    "SUMMARY_COLUMNS",
    "ComparisonResult",
    "ExperimentResult",
    "SweepResult",
    "compare",
    "confidence_interval",
    "run_experiment",
    "run_sweep",
    "sweep",
]
