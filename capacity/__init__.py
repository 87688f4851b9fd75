"""capacity: discrete-event simulation of caseload and capacity in a local NAV office.

The flow is scenario (validated input, compiled once) -> model (SimPy processes, one
replication) -> experiment (replications, typed results) -> outputs (tables, files) ->
interfaces (command line, web page).

Every experiment takes a scenario (a :class:`Scenario`, a scenario file or the name of
a bundled scenario) and how to run it, as a :class:`Settings` object or by keyword, and
returns a result with ``.scenario``, ``.settings``, ``.summary`` (a pandas DataFrame)
and ``.save(folder)``:

* ``capacity.run(scenario, replications=20, workers=4)`` -> :class:`RunResult`;
* ``capacity.compare([base, alternative, ...])`` -> :class:`ComparisonResult`;
* ``capacity.sweep(scenario, ["staff.follow_up.headcount=6:10:2"])`` ->
  :class:`SweepResult`;
* ``capacity.least_staffing(scenario, ["aap_with_valid_plan_share>=0.9"],
  "staff.follow_up.headcount=5:20")`` -> :class:`StaffingResult` (``.answer``);
* ``capacity.sensitivity(scenario)`` -> :class:`SensitivityResult`;
* ``capacity.validate(quick=True)`` -> :class:`ValidationReport`.
"""

from importlib import metadata

from capacity.experiment import (
    ComparisonResult,
    RunResult,
    SensitivityResult,
    Settings,
    StaffingResult,
    SweepResult,
    compare,
    least_staffing,
    run_experiment,
    sensitivity,
    sweep,
)
from capacity.scenario import Scenario, ScenarioError, load_scenario, with_changes
from capacity.validation import ValidationReport, run_validation


def _version() -> str:
    try:
        return metadata.version("capacity")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "0+unknown"


__version__ = _version()
"""The installed version of the package (from its metadata)."""

run = run_experiment
validate = run_validation

__all__ = [
    "ComparisonResult",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SensitivityResult",
    "Settings",
    "StaffingResult",
    "SweepResult",
    "ValidationReport",
    "__version__",
    "compare",
    "least_staffing",
    "load_scenario",
    "run",
    "run_experiment",
    "sensitivity",
    "sweep",
    "validate",
    "with_changes",
]
