"""Files that appear complete or not at all, and JSON text that is the same for the same
data (so that it can be hashed)."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["json_default", "json_text", "write_atomic"]


def json_default(value: Any) -> Any:
    """JSON form of a value ``json`` cannot write: a date or time as ISO text; raises
    ``TypeError`` for anything else."""
    # Point values can be dates (``2011-03-01`` in TOML); everything else a scenario
    # holds is already a JSON type.
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as JSON")


def json_text(data: Any, *, indent: int | None = None, sort_keys: bool = True) -> str:
    """``data`` as JSON text: dates as ISO text, NaN refused, keys sorted unless
    ``sort_keys`` is false.

    With sorted keys the same data always gives the same text, so it can be hashed.
    Raises ``ValueError`` for NaN or infinity and ``TypeError`` for values JSON cannot
    hold.
    """
    return json.dumps(
        data,
        sort_keys=sort_keys,
        indent=indent,
        ensure_ascii=False,
        allow_nan=False,
        default=json_default,
        separators=(",", ": ") if indent is not None else (",", ":"),
    )


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; other systems cannot open a folder,
    # and there the rename is as durable as the system makes it.
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that it appears complete or not at all.

    The bytes go to a hidden temporary file ``.<name>.<random>.tmp`` in the same folder,
    are flushed to disk (fsync) and the file is renamed over ``path`` (``os.replace``,
    atomic on POSIX and Windows); an existing ``path`` is replaced. On any error, Ctrl-C
    included, the temporary file is removed and the error re-raised.

    Raises:
        OSError: the folder does not exist or the file cannot be written.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file owner-only; results are shared like any file the user
        # writes, so give it the permissions the umask allows for a new file.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_folder(path.parent)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
