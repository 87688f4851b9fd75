"""Helpers shared by the model tests: scenario variants, parallel replications, their
confidence interval, and the classical queues the model is reduced to.

Each is the library's own: the tests exercise the code the program runs, not copies.
"""

from __future__ import annotations

from typing import Any

from capacity.experiment import Settings
from capacity.experiment import confidence_interval as interval
from capacity.experiment.executor import map_replications
from capacity.model import ReplicationResult
from capacity.scenario import Scenario, load_scenario, with_changes

__all__ = ["QUEUES", "TANDEM", "interval", "replicate", "variant"]

QUEUES: dict[str, tuple[float, float, int]] = {
    "mm1_rho08": (0.8, 1.0, 1),
    "mmc_c5_rho09": (4.5, 1.0, 5),
    "mmc_c10_rho085": (8.5, 1.0, 10),
}
"""M/M/c queues the tests run ``mmc_check`` as: name -> (arrival rate per hour, service
rate per hour, servers). Their exact results: ``capacity.validation.exact.mmc(*queue)``."""

TANDEM: tuple[float, tuple[tuple[float, int], ...]] = (2.0, ((3.0, 1), (1.0, 3), (0.5, 5)))
"""The bundled ``tandem_check`` as a Jackson network: (outside arrival rate per hour,
(service rate per hour, servers) of each station in the order users pass them), as its
scenario file sets them. Exact results: ``capacity.validation.exact.tandem(*TANDEM)``."""


def variant(name: str, **changes: Any) -> Scenario:
    """A bundled scenario with dotted-path changes (:func:`capacity.scenario.with_changes`),
    e.g. ``variant("office_2011", staff__follow_up__headcount=9)``: keyword names use
    ``__`` for dots."""
    return with_changes(load_scenario(name), {k.replace("__", "."): v for k, v in changes.items()})


def replicate(scenario: Scenario, replications: int) -> list[ReplicationResult]:
    """Replications 0..n-1 on two processes (results in replication order)."""
    return map_replications([(scenario, r) for r in range(replications)], Settings(workers=2))
