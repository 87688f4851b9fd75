"""Reading scenario files: TOML in, a validated :class:`Scenario` out, or one error that
lists every problem with its dotted path, what was given and what is allowed."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from capacity.scenario.distributions import DISTRIBUTION_NAMES
from capacity.scenario.schema import Scenario

__all__ = [
    "BUNDLED_DIR",
    "MAX_SCENARIO_BYTES",
    "ScenarioError",
    "bundled_scenarios",
    "load_scenario",
    "load_scenario_bytes",
    "parse_scenario",
    "read_scenario_data",
    "read_text_file",
    "resolve_scenario_path",
    "scenario_to_toml",
]

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "configs"
"""Folder of the bundled scenarios shipped with the package."""

MAX_SCENARIO_BYTES = 1_000_000
"""Largest scenario file accepted, bytes (a scenario is a few kilobytes)."""


class ScenarioError(ValueError):
    """A scenario that cannot be used. ``problems`` lists each one as 'path: message'.
    A ``source`` starting with ``--`` names a command-line option (the message then says
    'invalid option'); the source ``settings`` means the settings of an experiment
    (:class:`capacity.experiment.Settings`)."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        if source == "settings":
            heading = "invalid settings"
        elif source == "sensitivity":
            heading = "cannot analyse the sensitivity"
        else:
            heading = f"invalid {'option' if source.startswith('--') else 'scenario'} {source}"
        super().__init__(f"{heading}:\n{lines}")


def _short(value: Any) -> str:
    text = str(value) if isinstance(value, (dt.date, Path)) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _format_errors(error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors():
        loc = [str(part) for part in item["loc"]]
        # Drop pydantic's union tag names (e.g. 'lognormal') from paths inside a
        # distribution; the dist key itself says which one was meant.
        path = ".".join(loc) or "(scenario)"
        message = item["msg"].removeprefix("Value error, ")
        kind = item["type"]
        if kind == "extra_forbidden":
            problems.append(f"{path}: unknown key (not a field here)")
        elif kind == "missing":
            problems.append(f"{path}: required field is missing")
        elif kind == "union_tag_invalid":
            problems.append(f"{path}: {message}")
        elif kind == "union_tag_not_found":
            problems.append(
                f"{path}: a distribution needs dist = one of {', '.join(DISTRIBUTION_NAMES)} "
                "(a table without dist changes only one parameter of a distribution that the "
                "base file writes out)"
            )
        elif kind == "string_pattern_mismatch":
            pattern = str((item.get("ctx") or {}).get("pattern", ""))
            allowed = (
                "lower-case letters a-z, digits and _, starting with a letter (1 to 41 characters"
                if pattern.startswith("^[a-z]")
                else "the letters A-Z and a-z, digits, _ and - (1 to 64 characters"
            )
            problems.append(f"{path}: use only {allowed}; given {_short(item.get('input'))})")
        elif path == "(scenario)":
            problems.extend(message.split("\n"))
        else:
            given = item.get("input")
            quiet = isinstance(given, dict) or "(given" in message
            suffix = "" if quiet else f" (given {_short(given)})"
            problems.append(f"{path}: {message}{suffix}")
    return problems


def parse_scenario(data: dict[str, Any], source: str = "<data>") -> Scenario:
    """Validate a scenario given as plain data (as read from TOML).

    Raises :class:`ScenarioError` listing every problem at once.
    """
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(source, _format_errors(error)) from None


def is_text(name: str) -> bool:
    """Whether ``name`` (a path as Python decoded it from the system) is valid UTF-8
    text: a name with undecodable bytes holds surrogates that no UTF-8 file can store."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def resolve_scenario_path(name_or_path: str | Path) -> Path:
    """A file path as given, or the bundled scenario of that name (with or without .toml).

    Raises :class:`ScenarioError` when neither exists, or when the name is not valid
    UTF-8 text (the results record where the scenario came from, as text).
    """
    path = Path(name_or_path)
    if not is_text(str(path)):
        raise ScenarioError(
            ascii(str(name_or_path)), ["the file name is not valid UTF-8 text; rename the file"]
        )
    if path.is_file():
        return path
    bundled = BUNDLED_DIR / (path.name if path.suffix == ".toml" else f"{path.name}.toml")
    # A bare name is a bundled scenario even when a folder of that name is here (such as
    # the results folder of a run of it).
    if path.parent == Path(".") and bundled.is_file():
        return bundled
    if path.exists():
        raise ScenarioError(str(name_or_path), ["is not a regular file (a folder or device?)"])
    names = ", ".join(bundled_scenarios())
    raise ScenarioError(
        str(name_or_path), [f"no such file, and no bundled scenario of that name ({names})"]
    )


WHOLE_VALUE_TABLES = frozenset({"effort_group_shares", "contact_interval_days", "exit_per_year"})
"""Tables that a file replaces whole rather than merging into its base's, like
distributions (any table with a ``dist`` key): their parts only make sense together."""


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value in ``override`` replaces the base's, and
    so do distributions and the tables in :data:`WHOLE_VALUE_TABLES`."""
    merged = dict(base)
    for key, value in override.items():
        whole = key in WHOLE_VALUE_TABLES or (isinstance(value, dict) and "dist" in value)
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and not whole:
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_scenario_data(name_or_path: str | Path, _chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """The scenario file's data with its ``base`` file (if any) merged underneath.

    A top-level ``base = "other.toml"`` names a file relative to this file's folder (or a
    bundled scenario); this file's tables are merged into the base's key by key. Raises
    :class:`ScenarioError` for unreadable files and for a cycle of bases.
    """
    path = resolve_scenario_path(name_or_path)
    if path.resolve() in _chain:
        raise ScenarioError(str(path), ["base: scenarios name each other as base (a cycle)"])
    data = _read_toml(path)
    base = data.pop("base", None)
    if base is None:
        return data
    if not isinstance(base, str):
        raise ScenarioError(str(path), [f"base: must be a file name (given {_short(base)})"])
    candidate = path.parent / base
    try:
        base_data = read_scenario_data(
            candidate if candidate.is_file() else base, (*_chain, path.resolve())
        )
    except ScenarioError as error:
        raise ScenarioError(
            str(path), [f"base: '{base}' cannot be used: {p}" for p in error.problems]
        ) from None
    return _merge(base_data, data)


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Read and validate a scenario file (TOML, UTF-8), or a bundled scenario by name.

    Raises :class:`ScenarioError` for a missing, unreadable, oversized, non-UTF-8 or
    malformed file and for every invalid field.
    """
    path = resolve_scenario_path(name_or_path)
    return parse_scenario(read_scenario_data(path), str(path))


def read_text_file(path: Path, source: str, limit: int, encoding: str = "utf-8") -> str:
    """The text of a user's input file, or :class:`ScenarioError` naming ``source`` when
    it cannot be read, is larger than ``limit`` bytes or is not valid ``encoding``."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ScenarioError(source, [f"cannot read file: {error.strerror or error}"]) from None
    return _decode(raw, source, limit, encoding)


def _decode(raw: bytes, source: str, limit: int, encoding: str = "utf-8") -> str:
    if len(raw) > limit:
        raise ScenarioError(source, [f"file is {len(raw)} bytes; the limit is {limit}"])
    try:
        # A byte-order mark, as some editors write, is not part of the text.
        return raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as error:
        raise ScenarioError(source, [f"not UTF-8 text (byte {error.start})"]) from None


def _read_toml(path: Path) -> dict[str, Any]:
    source = str(path)
    text = read_text_file(path, source, MAX_SCENARIO_BYTES)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(source, [f"not valid TOML: {error}"]) from None
    except RecursionError:
        # The parser recurses into nested arrays and inline tables.
        raise ScenarioError(
            source, ["not valid TOML for a scenario: arrays or tables nested too deeply"]
        ) from None


def bundled_scenarios() -> list[str]:
    """Names of the bundled scenarios, sorted."""
    return sorted(p.stem for p in BUNDLED_DIR.glob("*.toml"))


def scenario_to_toml(scenario: Scenario) -> str:
    """The resolved scenario (every default filled in) as TOML that loads back unchanged."""
    data = scenario.model_dump(mode="python", exclude_none=True)
    # Plain values first so that TOML does not put them under the last table.
    ordered = {k: v for k, v in data.items() if not isinstance(v, (dict, list))}
    ordered.update({k: v for k, v in data.items() if isinstance(v, dict)})
    ordered.update({k: v for k, v in data.items() if isinstance(v, list) and v})
    return tomli_w.dumps(ordered)


def load_scenario_bytes(raw: bytes, source: str, limit: int = MAX_SCENARIO_BYTES) -> Scenario:
    """Validate a scenario given as the bytes of a TOML file, such as a file uploaded to
    the web page: read as data only (TOML cannot run code), checked like a file.

    A top-level ``base`` may name only a bundled scenario (``base = "office_2011"``):
    the bytes come from no folder, so no file beside them can be read.

    Raises :class:`ScenarioError` naming ``source`` for more than ``limit`` bytes, text
    that is not UTF-8 or not TOML, a ``base`` that is not a bundled scenario, and every
    invalid field.
    """
    try:
        data = tomllib.loads(_decode(raw, source, limit))
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(source, [f"not valid TOML: {error}"]) from None
    base = data.pop("base", None)
    if base is not None:
        name = base.removesuffix(".toml") if isinstance(base, str) else None
        if name not in bundled_scenarios():
            raise ScenarioError(
                source,
                [
                    f"base: {_short(base)} is not a bundled scenario; a file given this way "
                    f"can only build on one of {', '.join(bundled_scenarios())}"
                ],
            )
        data = _merge(read_scenario_data(BUNDLED_DIR / f"{name}.toml"), data)
    return parse_scenario(data, source)
