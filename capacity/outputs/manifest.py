"""The manifest of a results folder: what was run, with what, when, and how it was seeded."""

from __future__ import annotations

import datetime as dt
import math
import platform
from importlib import metadata
from typing import TYPE_CHECKING, Any

from capacity.model.rng import STREAM_SCHEME

if TYPE_CHECKING:
    from capacity.experiment.runner import RunResult

__all__ = [
    "RANDOM_STREAMS",
    "VERSIONED_PACKAGES",
    "build_manifest",
    "iso_utc",
    "package_versions",
]

RANDOM_STREAMS = STREAM_SCHEME
"""How random numbers are drawn, so that a reviewer can reproduce any replication."""

VERSIONED_PACKAGES: tuple[str, ...] = (
    "capacity",
    "python",
    "simpy",
    "numpy",
    "scipy",
    "pandas",
    "pydantic",
)
"""Whose versions are recorded: Python itself and the installed packages."""


def package_versions() -> dict[str, str]:
    """Version of each of :data:`VERSIONED_PACKAGES`, in that order; "unknown" for a
    package that is not installed."""
    versions = {}
    for name in VERSIONED_PACKAGES:
        if name == "python":
            versions[name] = platform.python_version()
            continue
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return versions


def iso_utc(moment: dt.datetime | None) -> str | None:
    """``moment`` as ISO 8601 text in UTC, or None for an unknown time."""
    return None if moment is None else moment.astimezone(dt.UTC).isoformat()


def build_manifest(
    result: RunResult,
    *,
    run_id: str,
    command: str,
    files: list[str],
) -> dict[str, Any]:
    """The manifest as JSON-ready data.

    Keys: ``run_id``, ``scenario_name``, ``command`` (the command line, as given),
    ``seed``, ``replications`` (number actually run), ``started_at_utc`` and
    ``finished_at_utc`` (ISO 8601, or null if unknown), ``wall_seconds`` (or null),
    ``random_streams`` (:data:`RANDOM_STREAMS`), ``versions`` (see
    :func:`package_versions`), ``files`` (the data files in the folder), ``warnings``,
    ``method`` (how replications and warm-up were chosen, if automatically),
    ``settings`` (how it was run) and ``scenario`` (the scenario as run, every default
    filled in).
    """
    scenario = result.scenario
    wall = result.wall_seconds
    return {
        "run_id": run_id,
        "scenario_name": scenario.run.name,
        "command": command,
        "seed": scenario.run.seed,
        "replications": result.replications,
        "started_at_utc": iso_utc(result.started_at),
        "finished_at_utc": iso_utc(result.finished_at),
        "wall_seconds": None if math.isnan(wall) else round(wall, 3),
        "random_streams": RANDOM_STREAMS,
        "versions": package_versions(),
        "files": files,
        "warnings": list(result.warnings),
        "method": result.method,
        "settings": result.settings.describe(),
        "scenario": scenario.model_dump(mode="json"),
    }
