"""The validation report: ``validation.md`` for people, ``validation.csv`` for tools, and a
``manifest.json``, written to a new folder all at once."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from capacity.outputs.manifest import RANDOM_STREAMS, package_versions
from capacity.outputs.writer import (
    FileContent,
    check_run_id,
    command_line,
    default_run_id,
    write_folder,
)
from capacity.validation.checks import Outcome
from capacity.validation.sections import SECTIONS

if TYPE_CHECKING:
    from capacity.validation.suite import ValidationReport

__all__ = [
    "VALIDATION_FOLDER",
    "build_validation_manifest",
    "interval_text",
    "render_markdown",
    "result_text",
    "write_validation",
]

VALIDATION_FOLDER = "validation"
"""Reports are filed under ``<out>/validation/<run id>/``."""

_INTRO = {
    SECTIONS[0]: (
        "The model reduced to queues with exact results by scenario settings alone: the "
        "bundled `mmc_check` (one stage, exponential work, an office open around the "
        "clock, no absence) with other arrival rates and headcounts, `tandem_check` "
        "(three such stations in a row) and `loop_check` (reception, then a follow-up "
        "team under team caseloads whose users, after each contact, leave with "
        "probability q or are due again at once: a station with a return loop). Waits "
        "are in hours."
    ),
    SECTIONS[1]: (
        "L is the mean number of users in a stage (the model's end-of-day counts, as in "
        "`timeseries.csv`); lambda W is the rate at which users are in the stage times "
        "the mean time they spend in it, both inside the observation window and taken "
        "from the times of the event log. Little's law says they are equal. Reception "
        "is left out in offices with opening hours: users arrive at any hour but are "
        "received while the office is open, so the count at the end of the day, when "
        "the evening's arrivals wait, is not the day's mean; the around-the-clock "
        "scenarios check it, except `loop_check`, whose reception holds under one user "
        "on average: one count a day cannot measure so small a stock within the "
        "tolerance in a run that short."
    ),
    SECTIONS[2]: (
        "Exact laws, checked at the end of every day of every replication of every run "
        "in this report; the value is the worst case found."
    ),
    SECTIONS[3]: (
        "`office_2011` is calibrated to the study's figures for spring 2011 (documentation, "
        "Calibration); `rural_4500` is scaled from national figures."
    ),
    SECTIONS[4]: (
        "Paired comparisons, as in `capacity compare`: each alternative plays out the "
        "same users with the same work as `office_2011` (its seed and replication "
        "numbers); the value is the mean difference alternative - base and its interval "
        "must leave out 0 on the expected side."
    ),
}


def _number(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) < 1e-3:
        return f"{value:.2g}"
    return f"{value:.4g}"


def interval_text(outcome: Outcome) -> str:
    """The model's value with its interval, ``1.52 (1.41 - 1.63)``, or the value alone."""
    if math.isnan(outcome.ci_low):
        return _number(outcome.value)
    return f"{_number(outcome.value)} ({_number(outcome.ci_low)} - {_number(outcome.ci_high)})"


def result_text(outcome: Outcome) -> str:
    """``pass`` or ``FAIL``."""
    return "pass" if outcome.passed else "FAIL"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _header(report: ValidationReport, command: str) -> list[str]:
    total, failed = len(report.outcomes), len(report.failed)
    verdict = (
        f"**All {total} checks passed.**"
        if not failed
        else f"**{failed} of {total} checks FAILED** (listed first below)."
    )
    versions = ", ".join(f"{name} {version}" for name, version in package_versions().items())
    lines = [
        "# Validation of the capacity model",
        "",
        f"Started {report.started_at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC, "
        f"{report.sizes.name} suite, {report.wall_seconds:.0f} s. {verdict}",
        "",
        f"Command: `{command}`. Versions: {versions}.",
        "",
        "Each check compares the model with an expectation from queueing theory, a "
        "conservation law, a published figure or a direction a manager expects. The "
        "model's value is the mean over the replications with its 95 % confidence "
        "interval. **A check passes when the whole interval lies inside the expected "
        "range widened by the tolerance**: the model is then shown, with 95 % "
        "confidence, to agree within the tolerance. A model that is off fails, and so "
        "does a run too short to tell.",
    ]
    if report.sizes.tolerance_factor != 1:
        lines += [
            "",
            f"This is the **{report.sizes.name}** suite: shorter runs, with the tolerances "
            f"that allow for simulation noise multiplied by {report.sizes.tolerance_factor:g}. "
            "It is a smoke test; run `capacity validate` without `--quick` for the evidence.",
        ]
    return lines


def _table(outcomes: list[Outcome]) -> list[str]:
    with_notes = any(o.note for o in outcomes)
    columns = ["Check", "Run", "Expected", "Tolerance", "Model (95 % CI)", "Result", "Source"]
    if with_notes:
        columns.append("Note")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for o in outcomes:
        c = o.check
        result = "pass" if o.passed else f"**FAIL**: {o.reason}"
        cells = [
            c.description,
            f"`{c.scenario}`" if c.scenario != "every run" else c.scenario,
            f"{c.expected_text()} {c.unit}",
            f"± {_number(c.tolerance)}",
            interval_text(o),
            result,
            c.source,
        ]
        if with_notes:
            cells.append(o.note)
        lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    return lines


def _runs(report: ValidationReport) -> list[str]:
    lines = [
        "## Runs",
        "",
        "Every run is a bundled scenario with the changes listed (dotted paths as in "
        "scenario files); `manifest.json` holds each complete scenario.",
        "",
        "| Run | Made from | Changes | Replications | Days (warm-up) | Seed | Used for |",
        "|---|---|---|---|---|---|---|",
    ]
    for run in report.runs:
        changes = ", ".join(f"`{k}={_short(v)}`" for k, v in run.changes.items()) or "none"
        r = run.scenario.run
        lines.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    f"`{run.label}`",
                    f"`{run.base}`",
                    changes,
                    str(run.replications),
                    f"{r.horizon_days} ({r.warm_up_days})",
                    str(r.seed),
                    run.purpose,
                )
            )
            + " |"
        )
    return lines


def _short(value: Any) -> str:
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def render_markdown(report: ValidationReport, command: str) -> str:
    """``validation.md``: the verdict, how to read it, one table per section (failed
    checks first in their section) and the runs."""
    lines = _header(report, command)
    for number, section in enumerate(SECTIONS, start=1):
        outcomes = [o for o in report.outcomes if o.check.section == section]
        if not outcomes:
            continue
        outcomes.sort(key=lambda o: o.passed)  # stable: failures first, else suite order
        passed = sum(o.passed for o in outcomes)
        lines += [
            "",
            f"## {number}. {section} ({passed} of {len(outcomes)} passed)",
            "",
            _INTRO[section],
            "",
            *_table(outcomes),
        ]
    lines += ["", *_runs(report), ""]
    return "\n".join(lines)


def build_validation_manifest(
    report: ValidationReport, *, run_id: str, command: str, files: list[str]
) -> dict[str, Any]:
    """The manifest as JSON-ready data.

    Keys: ``run_id``, ``kind`` ("validation"), ``command``, ``suite`` (full or quick),
    ``passed`` (every check), ``checks`` (how many), ``failed`` (the ids of failed
    checks), ``started_at_utc``, ``finished_at_utc``, ``wall_seconds``,
    ``random_streams``, ``versions``, ``files``, ``settings`` and ``runs``: per run its ``label``,
    ``made_from`` (a bundled scenario), ``changes``, ``replications``, ``seed``,
    ``purpose`` and the complete ``scenario`` as run.
    """
    return {
        "run_id": run_id,
        "kind": "validation",
        "command": command,
        "suite": report.sizes.name,
        "passed": report.passed,
        "checks": len(report.outcomes),
        "failed": [o.check.id for o in report.failed],
        "started_at_utc": report.started_at.astimezone(dt.UTC).isoformat(),
        "finished_at_utc": report.finished_at.astimezone(dt.UTC).isoformat(),
        "wall_seconds": round(report.wall_seconds, 3),
        "random_streams": RANDOM_STREAMS,
        "versions": package_versions(),
        "files": files,
        "settings": report.settings.describe(),
        "runs": [
            {
                "label": run.label,
                "made_from": run.base,
                "changes": run.changes,
                "replications": run.replications,
                "seed": run.scenario.run.seed,
                "purpose": run.purpose,
                "scenario": run.scenario.model_dump(mode="json"),
            }
            for run in report.runs
        ],
    }


def write_validation(
    report: ValidationReport, out_dir: Path, *, run_id: str | None = None, command: str = ""
) -> Path:
    """Write ``report`` to a new folder ``out_dir/validation/<run id>/`` and return it.

    Files: ``validation.md`` (:func:`render_markdown`), ``validation.csv`` (one row per
    check, :data:`capacity.validation.VALIDATION_COLUMNS`) and ``manifest.json`` (see
    :func:`build_validation_manifest`). The folder appears complete or not at all and is
    never overwritten (see :func:`capacity.outputs.writer.write_folder`).

    Args:
        report: the validation to write.
        out_dir: the results root folder; created if missing.
        run_id: folder name; default the start time as ``YYYYmmdd-HHMMSS`` (``-2``,
            ``-3``, ... added if taken).
        command: the command line recorded; default this process's.

    Raises:
        ValueError: ``run_id`` is not a safe folder name.
        OSError: a folder or file cannot be created or written.
    """
    base = run_id if run_id is not None else default_run_id(report.started_at)
    check_run_id(base)
    command = command or command_line()
    files: dict[str, FileContent] = {
        "validation.md": render_markdown(report, command),
        "validation.csv": report.summary,
    }
    return write_folder(
        files,
        Path(out_dir) / VALIDATION_FOLDER,
        base,
        manifest=lambda final_id: build_validation_manifest(
            report, run_id=final_id, command=command, files=list(files)
        ),
    )
