"""Write a comparison of scenarios to a new folder: ``comparison.csv`` and its manifest."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from capacity.outputs.manifest import RANDOM_STREAMS, iso_utc, package_versions
from capacity.outputs.writer import check_run_id, command_line, default_run_id, write_folder

if TYPE_CHECKING:
    from capacity.experiment.compare import ComparisonResult

__all__ = ["COMPARISON_FOLDER", "build_comparison_manifest", "write_comparison"]

COMPARISON_FOLDER = "comparison"
"""Comparisons are filed under ``<out>/comparison/``, beside the scenarios' own runs."""


def build_comparison_manifest(
    result: ComparisonResult, *, run_id: str, command: str, files: list[str]
) -> dict[str, Any]:
    """The manifest of a comparison as JSON-ready data.

    Keys: ``run_id``, ``kind`` ("comparison"), ``command``, ``paired`` (True when every
    scenario used the base's seed), ``base`` and ``alternatives`` (labels, as in the
    ``scenario`` column), ``seed`` (the base's), ``replications`` (of each scenario),
    ``started_at_utc``, ``finished_at_utc`` (ISO 8601 or null), ``wall_seconds`` (or
    null), ``random_streams``, ``versions``, ``files``, ``warnings``, ``settings`` and
    ``scenarios``:
    one ``{"label", "seed", "scenario"}`` per scenario, base first, with the complete
    scenario as run (every default filled in).
    """
    wall = result.wall_seconds
    return {
        "run_id": run_id,
        "kind": "comparison",
        "command": command,
        "paired": result.paired,
        "base": result.labels[0],
        "alternatives": list(result.labels[1:]),
        "seed": result.scenarios[0].run.seed,
        "replications": result.replications,
        "started_at_utc": iso_utc(result.started_at),
        "finished_at_utc": iso_utc(result.finished_at),
        "wall_seconds": None if math.isnan(wall) else round(wall, 3),
        "random_streams": RANDOM_STREAMS,
        "versions": package_versions(),
        "files": files,
        "warnings": list(result.warnings),
        "settings": result.settings.describe(),
        "scenarios": [
            {
                "label": label,
                "seed": scenario.run.seed,
                "scenario": scenario.model_dump(mode="json"),
            }
            for label, scenario in zip(result.labels, result.scenarios, strict=True)
        ],
    }


def write_comparison(
    result: ComparisonResult,
    out_dir: Path,
    *,
    run_id: str | None = None,
    command: str = "",
) -> Path:
    """Write ``result`` to a new folder ``out_dir/comparison/<run id>/`` and return it.

    Files: ``comparison.csv`` (:attr:`ComparisonResult.summary`; ``significant`` is
    ``True``/``False``, an undefined value an empty field) and ``manifest.json`` (see
    :func:`build_comparison_manifest`). The folder appears complete or not at all and
    is never overwritten (see :func:`capacity.outputs.writer.write_folder`).

    Args:
        result: the comparison to write.
        out_dir: the results root folder; created if missing.
        run_id: folder name; default the comparison's UTC start time as
            ``YYYYmmdd-HHMMSS`` (``-2``, ``-3``, ... added if taken).
        command: the command line recorded in the manifest; default this process's.

    Raises:
        ValueError: ``run_id`` is not a safe folder name.
        OSError: a folder or file cannot be created or written.
    """
    base = run_id if run_id is not None else default_run_id(result.started_at)
    check_run_id(base)
    command = command or command_line()
    files = {"comparison.csv": result.summary}
    return write_folder(
        files,
        Path(out_dir) / COMPARISON_FOLDER,
        base,
        manifest=lambda final_id: build_comparison_manifest(
            result, run_id=final_id, command=command, files=list(files)
        ),
    )
