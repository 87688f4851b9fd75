"""capacity: discrete-event simulation of caseload and capacity in a local NAV office.

The flow is scenario (validated input) -> model (SimPy processes, one replication) ->
experiment (replications) -> outputs (tables, files) -> interfaces (CLI).

``capacity.run(scenario, ...)`` is :func:`capacity.experiment.run_experiment`;
``capacity.compare([base, *alternatives], ...)`` is :func:`capacity.experiment.compare`;
``capacity.sweep(scenario, variations_or_points, ...)`` is
:func:`capacity.experiment.sweep`;
``capacity.least_staffing(scenario, ["figure>=value"], "PATH=LOW:HIGH", ...)`` is
:func:`capacity.experiment.staffing.least_staffing_table`;
``capacity.validate(quick=False, ...)`` is :func:`capacity.validation.run_validation`.
"""

from capacity.experiment import (
    ComparisonResult,
    ExperimentResult,
    compare,
    run_experiment,
    sweep,
)
from capacity.experiment.staffing import least_staffing_table
from capacity.outputs import write_comparison, write_results
from capacity.scenario import Scenario, ScenarioError, load_scenario
from capacity.validation import run_validation

__version__ = "0.1.0"

run = run_experiment
least_staffing = least_staffing_table
validate = run_validation

__all__ = [
    "ComparisonResult",
    "ExperimentResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compare",
    "least_staffing",
    "load_scenario",
    "run",
    "run_experiment",
    "sweep",
    "validate",
    "write_comparison",
    "write_results",
]
