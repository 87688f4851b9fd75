"""Sweeps: the key figures of a scenario at many points of its parameters.

A point sets some fields of the scenario by dotted path (``staff.follow_up.headcount``
= 9). Points come from a grid of :class:`~capacity.experiment.vary.Variation` values,
from a CSV file (:func:`load_points`) or from code. Every point is checked against the
scenario before anything runs; then replications ``0 .. n-1`` run at each point with
the scenario's seed, so points that differ only in staffing or organisation see the same
users (common random numbers) and their differences carry little noise.

With a checkpoint folder each finished point is saved at once, and a sweep run again
with ``resume=True`` skips the points already saved; the final table is the same, byte
for byte once written, as that of a sweep never interrupted.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd

from capacity.experiment.checkpoint import PointFigures, PointStore
from capacity.experiment.executor import map_replications
from capacity.experiment.results import Result
from capacity.experiment.runner import resolve_scenario, summary_rows
from capacity.experiment.settings import Settings
from capacity.experiment.vary import (
    MAX_POINTS,
    Variation,
    grid,
    parse_variation,
    scenarios_for_points,
)
from capacity.model.result import ReplicationResult
from capacity.outputs.atomic import json_default
from capacity.outputs.sweep import SWEEP_FIGURE_COLUMNS, sweep_folder, write_sweep
from capacity.scenario import Scenario, ScenarioError, parse_value
from capacity.scenario.loading import read_text_file

__all__ = [
    "SWEEP_FIGURE_COLUMNS",
    "SweepResult",
    "load_points",
    "point_key",
    "point_label",
    "sweep",
    "sweep_key",
]

CLUSTER_CHUNK_JOBS = 64
"""Replications submitted to a dask cluster at a time (rounded up to whole points).
The cluster's size is not known here; this keeps a few dozen cores busy while losing
at most one chunk of work on an interruption."""

MAX_POINTS_FILE_BYTES = 10_000_000
"""Largest points file read (the grid limit, :data:`MAX_POINTS` rows, fits easily)."""

Points = list[dict[str, Any]]
"""Sweep points in order; each maps dotted path -> value and all set the same paths."""


@dataclass(frozen=True, repr=False)
class SweepResult(Result):
    """A finished sweep.

    Attributes:
        scenario: the base scenario (before any point's changes; with the settings'
            seed, replications, horizon and warm-up).
        settings: how the points were run.
        summary: one row per point and key figure, points in the order given (grid
            order) and figures in :func:`capacity.model.figure_catalogue` order of that
            point's scenario. Columns: one per varied path, named by the dotted path
            and holding the point's value; ``figure``; ``unit``; ``mean`` (over
            replications, in the unit); ``ci_low``, ``ci_high`` (95 % Student-t
            interval of the mean, cut at the figure's possible range; NaN with fewer
            than two values); ``replications`` (how many gave the figure a value). A
            point's rows equal the summary of :func:`capacity.run` on the changed
            scenario.
        key: the sweep's key (:func:`sweep_key`), which names its results folder.
        points: the points, in the table's order.
        replications: the replications run at each point (same order).
        keys: each point's checkpoint key (:func:`point_key`; same order).
        row_counts: how many rows (key figures) each point has in the table (same
            order; points are consecutive in the table).
        replication_figures: each point's key figures, replication by replication (figure
            name -> one value per replication, in replication order; same order).
        resumed: how many points were read from checkpoints instead of being run.
        warnings: messages for people from all replications, each once; a message
            seen at some points only names them.
        started_at: when the sweep started (UTC).
        wall_seconds: elapsed wall-clock time, seconds.
    """

    kind: ClassVar[str] = "sweep"

    scenario: Scenario
    settings: Settings
    summary: pd.DataFrame
    key: str
    points: Points
    replications: list[int]
    keys: list[str]
    row_counts: list[int]
    replication_figures: list[dict[str, list[float]]]
    resumed: int
    warnings: tuple[str, ...]
    started_at: dt.datetime
    wall_seconds: float

    def title(self) -> str:
        paths = ", ".join(self.points[0]) if self.points else ""
        return f"{self.scenario.run.name}: sweep of {len(self.points)} point(s) over {paths}"

    def save(
        self, folder: str | Path = "results", *, command: str = "", workers: int | None = None
    ) -> Path:
        """Write ``folder/<scenario name>/sweep-<key>/`` as ``capacity sweep`` does
        (``sweep.csv``, a chart per key figure, ``manifest.json``; see
        :func:`capacity.outputs.sweep.write_sweep`) and return it. The folder may
        already hold the sweep's checkpoints.

        Args:
            folder: the results root; created if missing.
            command: the command line recorded in the manifest; default this process's.
            workers: processes drawing the charts; default the settings' workers.

        Raises:
            OSError: a folder or file cannot be created or written.
        """
        target = sweep_folder(Path(folder), self.scenario.run.name, self.key)
        target.mkdir(parents=True, exist_ok=True)
        write_sweep(
            self,
            target,
            command=command,
            workers=self.settings.workers if workers is None else workers,
        )
        return target

    def point_rows(self, index: int) -> pd.DataFrame:
        """The table's rows of point ``index`` (0-based, in point order).

        Raises ``IndexError`` for an index outside the points.
        """
        if not -len(self.points) <= index < len(self.points):
            raise IndexError(f"point {index} of {len(self.points)}")
        index %= len(self.points)
        start = sum(self.row_counts[:index])
        return self.summary.iloc[start : start + self.row_counts[index]]


def _sha256(data: Any) -> str:
    # Hashed before the points are validated, so NaN (TOML ``nan``) must not fail here;
    # json's NaN token is as stable as any other.
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=json_default)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _program_version() -> str:
    try:
        return metadata.version("capacity")
    except metadata.PackageNotFoundError:
        return "unknown"


def _scenario_digest(scenario: Scenario) -> str:
    return _sha256(scenario.model_dump(mode="json"))


def point_key(scenario: Scenario, point: Mapping[str, Any], replications: int) -> str:
    """A stable name for one point's checkpoint: 20 hex digits of a SHA-256.

    Hashes the canonical JSON of the point, of the whole base scenario (every default
    filled in, seed included), the number of replications and the program's version,
    so a checkpoint is reused only for exactly the same work. Raises ``TypeError`` for a
    point value JSON cannot hold.
    """
    return _point_key(_scenario_digest(scenario), point, replications)


def _point_key(digest: str, point: Mapping[str, Any], replications: int) -> str:
    data = {
        "capacity": _program_version(),
        "point": dict(point),
        "replications": replications,
        "scenario": digest,
    }
    return _sha256(data)[:20]


def sweep_key(
    scenario: Scenario, points: Sequence[Mapping[str, Any]], replications: int | None = None
) -> str:
    """A stable name for a whole sweep: 12 hex digits of a SHA-256 of the canonical JSON
    of the scenario, the points (in order) and the replications asked for (None: each
    point's ``run.replications``). The same sweep asked for again gets the same key."""
    data = {
        "points": [dict(p) for p in points],
        "replications": replications,
        "scenario": _scenario_digest(scenario),
    }
    return _sha256(data)[:12]


def point_label(point: Mapping[str, Any]) -> str:
    """``path=value, path=value`` for messages."""
    return ", ".join(f"{path}={value}" for path, value in point.items())


def _decimal_point(cell: str) -> str:
    """A number written with a decimal comma (``-0,5``) with a point instead; any other
    cell as it is."""
    text = cell.strip()
    if re.fullmatch(r"[-+]?\d+,\d+", text):
        return text.replace(",", ".")
    return cell


def load_points(path: Path) -> Points:
    """Read sweep points from a CSV file.

    The header names the dotted paths (one column each); every further row is a point,
    each cell written as in TOML (``9``, ``0.5``, ``generalist``, ``true``,
    ``2011-03-01``; see :func:`capacity.scenario.parse_value`). UTF-8, with or without
    a byte-order mark; blank lines are skipped. Either CSV dialect of the results
    (``--csv-locale``): commas, or semicolons with decimal commas (``0,5``) as Norwegian
    spreadsheets save it, told apart by the header (dotted paths hold neither sign).

    Raises:
        ScenarioError: the file cannot be read, is too large, has no header or no
            rows, repeats or leaves out a column name, has a row with too few or too
            many cells or an empty cell, or more than :data:`MAX_POINTS` rows.
    """
    source = f"--points {path}"
    # utf-8-sig: spreadsheets often save CSV with a byte-order mark.
    text = read_text_file(Path(path), source, MAX_POINTS_FILE_BYTES, "utf-8-sig")
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    nb = ";" in first and "," not in first
    try:
        rows = [
            row
            for row in csv.reader(lines, delimiter=";" if nb else ",")
            if any(c.strip() for c in row)
        ]
        if nb:
            rows = [[_decimal_point(cell) for cell in row] for row in rows]
    except csv.Error as error:
        raise ScenarioError(source, [f"not valid CSV: {error}"]) from None
    if not rows:
        raise ScenarioError(source, ["the file is empty; the first row names the dotted paths"])
    header = [cell.strip() for cell in rows[0]]
    problems = []
    if any(not name for name in header):
        problems.append("row 1: a column has no name (the header names the dotted paths)")
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        problems.append(f"row 1: column {', '.join(repeated)} is named twice")
    if len(rows) == 1:
        problems.append("no points: add one row per point below the header")
    if len(rows) - 1 > MAX_POINTS:
        problems.append(f"{len(rows) - 1} points; at most {MAX_POINTS}")
    if problems:
        raise ScenarioError(source, problems)
    points: Points = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            problems.append(f"row {number}: {len(row)} cells; the header has {len(header)}")
            continue
        cells = [cell.strip() for cell in row]
        empty = [name for name, cell in zip(header, cells, strict=True) if not cell]
        if empty:
            problems.append(f"row {number}: no value for {', '.join(empty)}")
            continue
        points.append({name: parse_value(cell) for name, cell in zip(header, cells, strict=True)})
    if problems:
        raise ScenarioError(source, problems)
    return points


def _as_points(
    variations_or_points: Sequence[Variation | str] | Sequence[Mapping[str, Any]] | str | Variation,
) -> Points:
    # One variation may be given alone, as text or a Variation.
    given: list[Any]
    if isinstance(variations_or_points, str | Variation):
        given = [variations_or_points]
    else:
        given = list(variations_or_points)
    if not given:
        raise ScenarioError("sweep points", ["nothing to sweep: give variations or points"])
    # A variation may also be written as on the command line ("path=6:10:2").
    items = [parse_variation(item) if isinstance(item, str) else item for item in given]
    if all(isinstance(item, Variation) for item in items):
        return grid([item for item in items if isinstance(item, Variation)])
    if not all(isinstance(item, Mapping) for item in items):
        raise TypeError("give either Variation objects or points (mappings), not a mixture")
    points = [dict(item) for item in items if isinstance(item, Mapping)]
    if len(points) > MAX_POINTS:
        raise ScenarioError("sweep points", [f"{len(points)} points; at most {MAX_POINTS}"])
    paths = list(points[0])
    problems = []
    if not paths:
        problems.append("point 1 sets no path")
    for number, point in enumerate(points[1:], start=2):
        if set(point) != set(paths):
            problems.append(
                f"point {number} sets {', '.join(point) or 'no path'}; every point must set "
                f"the same paths as point 1 ({', '.join(paths)})"
            )
    if problems:
        raise ScenarioError("sweep points", problems)
    # Same column order at every point, whatever order each mapping was given in.
    return [{path: point[path] for path in paths} for point in points]


def _chunks(todo: list[int], counts: list[int], jobs_per_chunk: int) -> list[list[int]]:
    chunks: list[list[int]] = []
    current: list[int] = []
    size = 0
    for index in todo:
        current.append(index)
        size += counts[index]
        if size >= jobs_per_chunk:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    return chunks


def _point_figures(results: Sequence[ReplicationResult]) -> PointFigures:
    names: list[str] = []
    for result in results:
        names += [name for name in result.figures if name not in names]
    return PointFigures(
        figures={name: [float(r.figures.get(name, math.nan)) for r in results] for name in names},
        warnings=tuple(dict.fromkeys(w for r in results for w in r.warnings)),
    )


def _warnings(points: Points, results: Sequence[PointFigures]) -> tuple[str, ...]:
    seen: dict[str, list[int]] = {}
    for index, result in enumerate(results):
        for message in result.warnings:
            seen.setdefault(message, []).append(index)
    messages = []
    for message, where in seen.items():
        if len(where) == len(points):
            messages.append(message)
            continue
        labels = [point_label(points[i]) for i in where[:3]]
        more = f" and {len(where) - 3} more" if len(where) > 3 else ""
        messages.append(f"{message} (at {'; '.join(labels)}{more})")
    return tuple(messages)


def sweep(
    scenario: Scenario | str | Path,
    variations_or_points: Sequence[Variation | str] | Sequence[Mapping[str, Any]] | str | Variation,
    settings: Settings | None = None,
    *,
    checkpoint_dir: Path | None = None,
    resume: bool = False,
    on_point: Callable[[int, int], None] | None = None,
    **options: Any,
) -> SweepResult:
    """The key figures of ``scenario`` at every point of a sweep.

    Args:
        scenario: the validated base scenario, or the path or bundled name of one.
        variations_or_points: :class:`~capacity.experiment.vary.Variation` objects or
            strings written as for ``--vary`` (``"staff.team.headcount=6:10:2"``) (every
            combination of their values is a point, the first varying slowest; see
            :func:`~capacity.experiment.vary.grid`), or the points themselves: mappings of
            dotted path -> value, all setting the same paths (e.g. from
            :func:`load_points`).
        settings: how to run. ``replications``, ``seed``, ``horizon_days`` and
            ``warm_up_days`` set the base scenario's (a point that varies one of them
            wins); replications ``0 .. n-1`` run at every point with the point's
            ``run.seed``: common random numbers.
            ``progress`` is called as ``progress(done, total)`` in replications over
            the whole sweep (points read from checkpoints count as done at once).
            Automatic replications or warm-up are not available here.
        checkpoint_dir: folder in which each finished point is saved at once as
            ``<point key>.json`` (see :func:`point_key`); created when the first point is
            saved.
        resume: skip the points already saved in ``checkpoint_dir``; damaged or
            temporary files are ignored and their points run again.
        on_point: called as ``on_point(saved, total)`` after each point is finished
            (and saved, with a checkpoint folder); ``saved`` counts points read from
            checkpoints too.
        **options: settings by keyword, applied over ``settings``.

    Returns:
        A :class:`SweepResult` (its ``summary`` is the tidy table).

    Raises:
        ScenarioError: a path is unknown, a value is refused by the scenario's rules, or
            the points are malformed (checked for every point before anything runs); a
            setting out of range or ``"auto"``.
        TypeError: an option that is not a setting.
        CheckpointError: a point could not be saved (an ``OSError``).
        OSError: the scheduler cannot be reached.
        KeyboardInterrupt: on Ctrl-C; every point finished before it stays saved.
    """
    settings = Settings.of(settings, **options)
    settings.require_fixed("a sweep")
    base = settings.apply(resolve_scenario(scenario))
    points = _as_points(variations_or_points)
    # Every point is built and checked before the first replication, so a mistake in the
    # last point does not surface after hours of work.
    scenarios = scenarios_for_points(base, points)
    counts = [changed.run.replications for changed in scenarios]
    digest = _scenario_digest(base)
    keys = [_point_key(digest, p, n) for p, n in zip(points, counts, strict=True)]

    started_at = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    store = PointStore(checkpoint_dir) if checkpoint_dir is not None else None
    finished: list[PointFigures | None] = [None] * len(points)
    if store is not None and resume:
        for index, key in enumerate(keys):
            finished[index] = store.load(key, points[index], counts[index])
    todo = [index for index, result in enumerate(finished) if result is None]
    resumed = len(points) - len(todo)
    total = sum(counts)
    done = total - sum(counts[i] for i in todo)
    progress = settings.progress
    if progress is not None and done:
        progress(done, total)
    if on_point is not None and resumed:
        on_point(resumed, len(points))

    # Points go to the executor a few at a time so that each is saved as soon as its
    # chunk ends; a chunk is large enough to keep every worker busy.
    workers = settings.workers
    if settings.scheduler is not None:
        target = CLUSTER_CHUNK_JOBS
    else:
        target = 2 * workers if workers > 1 else 1
    for chunk in _chunks(todo, counts, target):
        jobs = [(scenarios[i], r) for i in chunk for r in range(counts[i])]
        start_at = done

        def forward(finished_jobs: int, _chunk_total: int, start_at: int = start_at) -> None:
            if progress is not None:
                progress(start_at + finished_jobs, total)

        results = map_replications(jobs, settings.replace(progress=forward))
        start = 0
        for index in chunk:
            mine = results[start : start + counts[index]]
            start += counts[index]
            figures = _point_figures(mine)
            if store is not None:
                store.save(keys[index], points[index], counts[index], figures)
            finished[index] = figures
            if on_point is not None:
                on_point(sum(r is not None for r in finished), len(points))
        done += len(jobs)

    complete = [result for result in finished if result is not None]
    paths = list(points[0])
    rows: list[tuple[Any, ...]] = []
    row_counts: list[int] = []
    for point, changed, result in zip(points, scenarios, complete, strict=True):
        summary = summary_rows(changed, result.figures)
        rows += [(*point.values(), *row) for row in summary]
        row_counts.append(len(summary))
    table = pd.DataFrame(rows, columns=[*paths, *SWEEP_FIGURE_COLUMNS])
    table = table.astype({"mean": float, "ci_low": float, "ci_high": float, "replications": int})
    return SweepResult(
        scenario=base,
        settings=settings,
        summary=table,
        key=sweep_key(base, points),
        points=points,
        replications=counts,
        keys=keys,
        row_counts=row_counts,
        replication_figures=[dict(result.figures) for result in complete],
        resumed=resumed,
        warnings=_warnings(points, complete),
        started_at=started_at,
        wall_seconds=time.perf_counter() - clock,
    )
