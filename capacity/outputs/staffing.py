"""Write the least-staffing search to a new folder: ``staffing.csv`` and its manifest."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from capacity.outputs.manifest import RANDOM_STREAMS, package_versions
from capacity.outputs.writer import check_run_id, command_line, default_run_id, write_folder

if TYPE_CHECKING:
    from capacity.experiment.staffing import StaffingResult

__all__ = ["STAFFING_COLUMNS", "build_staffing_manifest", "write_staffing"]

STAFFING_COLUMNS: tuple[str, ...] = ("figure", "target", "mean", "ci_low", "ci_high", "meets")
"""Columns of ``staffing.csv`` after the first, which is named by the searched path and
holds the level."""


def build_staffing_manifest(result: StaffingResult, *, command: str) -> dict[str, Any]:
    """The manifest of a staffing search as JSON-ready data.

    Keys: ``kind`` ("least staffing"), ``command``, ``path``, ``targets``, ``answer``
    (or null), ``answer_found``, ``monotone_at_answer``, ``message``,
    ``levels_simulated``, ``replications_per_level``, ``erlang_c`` (team, the level it
    was measured at, the load in people, the least stable staffing, the P(wait) goal,
    the servers for it and whether the team was saturated; or null), ``seed``,
    ``random_streams``, ``versions``, ``settings`` and ``scenario`` (the office as
    searched, every default filled in).
    """
    e = result.erlang
    scenario = result.scenario
    return {
        "kind": "least staffing",
        "command": command,
        "path": result.path,
        "targets": [str(t) for t in result.targets],
        "answer": result.answer,
        "answer_found": result.answer is not None,
        "monotone_at_answer": result.monotone,
        "message": result.message,
        "levels_simulated": sorted(result.levels),
        "replications_per_level": scenario.run.replications,
        "erlang_c": None
        if e is None
        else {
            "team": e.team,
            "measured_at": e.measured_at,
            "load_people": e.load,
            "stable_minimum": e.stable_minimum,
            "max_p_wait": e.max_p_wait,
            "servers": e.servers,
            "saturated": e.saturated,
        },
        "seed": scenario.run.seed,
        "random_streams": RANDOM_STREAMS,
        "versions": package_versions(),
        "settings": result.settings.describe(),
        "scenario": scenario.model_dump(mode="json"),
    }


def write_staffing(
    result: StaffingResult, out_dir: Path, *, run_id: str | None = None, command: str = ""
) -> Path:
    """Write ``result`` to a new folder ``out_dir/<scenario name>/staffing-<run id>/``
    and return it.

    Files: ``staffing.csv`` (the result's ``summary``) and ``manifest.json`` (see
    :func:`build_staffing_manifest`). The folder appears complete or not at all and is
    never overwritten (see :func:`capacity.outputs.writer.write_folder`).

    Args:
        result: the search to write.
        out_dir: the results root folder; created if missing.
        run_id: folder name; default ``staffing-`` and the search's UTC start time as
            ``YYYYmmdd-HHMMSS`` (``-2``, ``-3``, ... added if taken).
        command: the command line recorded in the manifest; default this process's.

    Raises:
        ValueError: ``run_id`` is not a safe folder name.
        OSError: a folder or file cannot be created or written.
    """
    base = run_id if run_id is not None else "staffing-" + default_run_id(result.started_at)
    check_run_id(base)
    command = command or command_line()
    return write_folder(
        {"staffing.csv": result.summary},
        Path(out_dir) / result.scenario.run.name,
        base,
        manifest=lambda _id: build_staffing_manifest(result, command=command),
    )
