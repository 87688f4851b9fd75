"""The per-point checkpoints of a sweep.

A checkpoint holds the per-replication key figures of one finished sweep point, in a
small JSON file named by the point's key (see :func:`capacity.experiment.sweep.point_key`).
It is written to a temporary file, flushed to disk and renamed over the final name, so
a crash or Ctrl-C leaves either the whole file or none; temporary files are never read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from capacity.outputs.atomic import json_text, write_atomic

__all__ = ["CheckpointError", "PointFigures", "PointStore"]

CHECKPOINT_FORMAT = 1
"""Version of the checkpoint file layout; files of another version are recomputed."""


class CheckpointError(OSError):
    """A checkpoint could not be written (disk full, folder not writable, ...)."""


@dataclass(frozen=True)
class PointFigures:
    """The replications of one sweep point.

    Attributes:
        figures: key figure name -> one value per replication, in replication order
            (``0 .. n-1``), in the figure's unit; NaN where the figure was undefined.
        warnings: messages for people from these replications, each once.
    """

    figures: dict[str, list[float]]
    warnings: tuple[str, ...] = ()

    @property
    def replications(self) -> int:
        """Number of replications held (0 when there are no figures)."""
        return len(next(iter(self.figures.values()), []))


def _number(value: Any) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"not a number: {value!r}")
    return float(value)


class PointStore:
    """The checkpoint folder of one sweep: one ``<key>.json`` file per finished point.

    The folder is created when the first point is saved, so a sweep refused before it
    starts leaves nothing behind.
    """

    def __init__(self, folder: Path) -> None:
        """Keep checkpoints in ``folder`` (created on the first save)."""
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        """Where the point with ``key`` is saved."""
        return self.folder / f"{key}.json"

    def save(
        self, key: str, point: Mapping[str, Any], replications: int, result: PointFigures
    ) -> None:
        """Save one finished point atomically (see :func:`write_atomic`).

        Raises:
            CheckpointError: the folder or the file cannot be written.
        """
        data = {
            "format": CHECKPOINT_FORMAT,
            "key": key,
            "point": dict(point),
            "replications": replications,
            # JSON has no NaN: an undefined value is null. Floats are written with
            # Python's shortest round-trip repr, so they read back bit for bit and a
            # resumed sweep gives the same table as an uninterrupted one.
            "figures": {
                name: [None if math.isnan(v) else v for v in values]
                for name, values in result.figures.items()
            },
            "warnings": list(result.warnings),
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path(key), (json_text(data) + "\n").encode("utf-8"))
        except OSError as error:
            reason = error.strerror or str(error)
            raise CheckpointError(error.errno, reason, str(self.path(key))) from error

    def load(self, key: str, point: Mapping[str, Any], replications: int) -> PointFigures | None:
        """The saved point with ``key``, or None when there is no usable file.

        A file is used only if it parses and was saved for the same key, point and
        number of replications, with one value per replication for every figure;
        anything else (a damaged file, another version's layout) is treated as missing
        and the point is computed again.
        """
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        try:
            if (
                data["format"] != CHECKPOINT_FORMAT
                or data["key"] != key
                or data["replications"] != replications
                or data["point"] != json.loads(json_text(dict(point)))
            ):
                return None
            figures = {
                str(name): [_number(v) for v in values] for name, values in data["figures"].items()
            }
            if not figures or any(len(values) != replications for values in figures.values()):
                return None
            warnings = tuple(str(w) for w in data["warnings"])
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        return PointFigures(figures, warnings)

    def saved(self, keys: Sequence[str]) -> int:
        """How many of ``keys`` have a checkpoint file (not checked for content)."""
        return sum(self.path(key).is_file() for key in set(keys))
