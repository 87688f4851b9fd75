"""capacity: discrete-event simulation of caseload and capacity in a local NAV office.

The flow is scenario (validated input) -> model (SimPy processes, one replication) ->
experiment (replications) -> outputs (tables, files) -> interfaces (CLI).

``capacity.run(scenario, ...)`` is :func:`capacity.experiment.run_experiment`;
``capacity.compare([base, *alternatives], ...)`` is :func:`capacity.experiment.compare`;
``capacity.sweep(scenario, variations_or_points, ...)`` is
:func:`capacity.experiment.sweep`.
"""

from capacity.experiment import (
    ComparisonResult,
    ExperimentResult,
    compare,
    run_experiment,
    sweep,
)
from capacity.outputs import write_comparison, write_results
from capacity.scenario import Scenario, ScenarioError, load_scenario

__version__ = "0.1.0"

run = run_experiment

__all__ = [
    "ComparisonResult",
    "ExperimentResult",
    "Scenario",
    "ScenarioError",
    "__version__",
    "compare",
    "load_scenario",
    "run",
    "run_experiment",
    "sweep",
    "write_comparison",
    "write_results",
]
