"""capacity: discrete-event simulation of caseload and capacity in a local NAV office.

The flow is scenario (validated input) -> model (SimPy processes, one replication) ->
experiment (replications) -> outputs (tables, files) -> interfaces (CLI).
"""

from capacity.scenario import Scenario, ScenarioError, load_scenario

__version__ = "0.1.0"

__all__ = ["Scenario", "ScenarioError", "__version__", "load_scenario"]
