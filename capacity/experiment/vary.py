"""What to vary in a sweep: ``PATH=VALUES`` specifications and the grid of points.

``VALUES`` is either a range ``start:stop[:step]`` of numbers (stop included when the
steps reach it; integers stay integers) or a comma-separated list of values written as
in TOML (``generalist,specialised``, ``0.1,0.2``, ``true,false``). A point is a dict of
dotted path -> value; every point is checked against the scenario before anything runs.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from capacity.scenario import Scenario, ScenarioError, parse_value, with_changes

__all__ = ["Variation", "grid", "parse_variation", "scenarios_for_points"]

MAX_POINTS = 10_000
"""Most points one sweep may have."""


@dataclass(frozen=True)
class Variation:
    """One varied field: its dotted path and the values it takes, in order."""

    path: str
    values: tuple[Any, ...]


def _range(path: str, text: str) -> tuple[Any, ...]:
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise ScenarioError("--vary", [f"{path}: a range is start:stop or start:stop:step"])
    try:
        numbers = [parse_value(p) for p in parts]
    except ValueError:
        numbers = parts
    if not all(
        isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n) for n in numbers
    ):
        raise ScenarioError("--vary", [f"{path}: range bounds must be numbers (given {text!r})"])
    start, stop = numbers[0], numbers[1]
    step = numbers[2] if len(numbers) == 3 else 1
    if step <= 0 or stop < start:
        raise ScenarioError(
            "--vary", [f"{path}: a range needs start <= stop and a positive step (given {text})"]
        )
    span = (stop - start) / step
    if span + 1 > MAX_POINTS:
        raise ScenarioError("--vary", [f"{path}: more than {MAX_POINTS} values in {text}"])
    count = math.floor(span + 1e-9) + 1
    integral = all(isinstance(n, int) for n in numbers)
    return tuple(
        start + i * step if integral else round(start + i * step, 12) for i in range(count)
    )


def parse_variation(spec: str) -> Variation:
    """Parse one ``PATH=VALUES`` specification.

    Raises :class:`ScenarioError` for a malformed specification (the path itself is
    checked against a scenario by :func:`scenarios_for_points`).
    """
    path, sep, text = spec.partition("=")
    path, text = path.strip(), text.strip()
    if not sep or not path or not text:
        raise ScenarioError(
            "--vary", [f"{spec!r}: write PATH=VALUES, e.g. staff.follow_up.headcount=8:20:2"]
        )
    if ":" in text and "," not in text and not text.startswith(("{", "[", '"')):
        values = _range(path, text)
    else:
        values = tuple(parse_value(v.strip()) for v in text.split(","))
    return Variation(path, values)


def grid(variations: Sequence[Variation]) -> list[dict[str, Any]]:
    """Every combination of the variations' values (the first varies slowest).

    Raises :class:`ScenarioError` when two variations share a path or the grid has more
    than :data:`MAX_POINTS` points.
    """
    paths = [v.path for v in variations]
    if len(set(paths)) != len(paths):
        raise ScenarioError("--vary", [f"a path is varied twice ({', '.join(paths)})"])
    size = math.prod(len(v.values) for v in variations)
    if size > MAX_POINTS:
        raise ScenarioError("--vary", [f"the grid has {size} points; at most {MAX_POINTS}"])
    return [
        dict(zip(paths, combo, strict=True))
        for combo in itertools.product(*(v.values for v in variations))
    ]


def scenarios_for_points(scenario: Scenario, points: Sequence[Mapping[str, Any]]) -> list[Scenario]:
    """The scenario changed to each point, all validated before any is used.

    Raises :class:`ScenarioError` listing every point that names an unknown path or a
    value the scenario rejects.
    """
    built: list[Scenario] = []
    problems: list[str] = []
    fixed = sorted({path for point in points for path in point if path.startswith("run.")})
    if fixed:
        # Dates, warm-up, seed and replications define how the points are measured;
        # varying them would compare figures over different windows or users.
        raise ScenarioError(
            "sweep points",
            [
                f"{path}: run settings cannot be varied in a sweep (change the file)"
                for path in fixed
            ],
        )
    for point in points:
        try:
            built.append(with_changes(scenario, point))
        except ScenarioError as error:
            label = ", ".join(f"{k}={v}" for k, v in point.items())
            problems.extend(f"point {label}: {p}" for p in error.problems)
    if problems:
        raise ScenarioError("sweep points", problems)
    return built
