"""Experiments: run the replications of a scenario and summarise them with confidence
intervals."""

from capacity.experiment.runner import SUMMARY_COLUMNS, ExperimentResult, run_experiment
from capacity.experiment.statistics import confidence_interval

__all__ = ["SUMMARY_COLUMNS", "ExperimentResult", "confidence_interval", "run_experiment"]
