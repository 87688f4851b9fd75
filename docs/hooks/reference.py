"""Generated reference pages of the documentation site.

Two lists are written from the program itself when the site is built, so that they are
never written by hand and cannot fall behind the code:

* :func:`scenario_reference` walks the scenario schema (``capacity.scenario.Scenario``)
  through pydantic's public API and lists every field of a scenario file with its
  dotted path, type, unit, default, allowed values and description;
* :func:`figures_reference` lists every key figure of ``summary.csv`` from the
  key-figure catalogue (``capacity.model.figure_catalogue``) of the bundled scenarios,
  with the names that depend on the scenario (teams, tasks, exit reasons, dated
  disturbances) written once as a pattern.

As a MkDocs hook (``hooks:`` in mkdocs.yml), :func:`on_page_markdown` puts each list in
place of its marker in a page. The functions are plain Python, so the tests call them
directly.
"""

from __future__ import annotations

import datetime as dt
import html
import inspect
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

SCENARIO_MARKER = "<!-- scenario-reference -->"
FIGURES_MARKER = "<!-- figures-reference -->"

DISTRIBUTIONS_ANCHOR = "distributions"

# --------------------------------------------------------------------- markdown


def _escape(text: str) -> str:
    """Text safe for Markdown: code spans kept as written, everything else escaped."""
    parts = re.split(r"(``?[^`]+``?)", text)
    out = []
    for part in parts:
        if part.startswith("`"):
            out.append("`" + part.strip("`") + "`")
        else:
            part = html.escape(part, quote=False)
            out.append(re.sub(r"([*_|\\\[\]])", r"\\\1", part))
    return "".join(out)


def _escape_html(text: str) -> str:
    """Markdown prose with ``<``, ``>`` and ``&`` escaped outside code spans."""
    parts = re.split(r"(``?[^`]+``?)", text)
    return "".join(p if p.startswith("`") else html.escape(p, quote=False) for p in parts)


def _docstring(cls: type) -> str:
    """A class docstring as Markdown: reStructuredText roles become code spans."""
    doc = inspect.cleandoc(cls.__doc__ or "")
    doc = re.sub(r":[a-z]+:`~?([^`]+)`", lambda m: "`" + m.group(1).split(".")[-1] + "`", doc)
    return doc


# ------------------------------------------------------------------------ types


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """``Annotated[X, ...]`` -> (X, its metadata); anything else unchanged."""
    metadata: list[Any] = []
    while typing.get_origin(annotation) is typing.Annotated:
        args = typing.get_args(annotation)
        annotation = args[0]
        for extra in args[1:]:
            metadata.extend(getattr(extra, "metadata", [extra]))
    return annotation, metadata


def _union_members(annotation: Any) -> list[Any] | None:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return list(typing.get_args(annotation))
    return None


def _is_model(annotation: Any) -> bool:
    return inspect.isclass(annotation) and issubclass(annotation, BaseModel)


def _model_choices(annotation: Any) -> tuple[type[BaseModel], ...] | None:
    """The models of a union of two or more models (a discriminated union), else None."""
    members = _union_members(_unwrap(annotation)[0])
    if members and len(members) > 1 and all(_is_model(_unwrap(m)[0]) for m in members):
        return tuple(_unwrap(m)[0] for m in members)
    return None


def _choice_name(model: type[BaseModel]) -> str:
    """The value of a union member's discriminator (the one field with a single literal)."""
    for info in model.model_fields.values():
        if typing.get_origin(info.annotation) is typing.Literal:
            values = typing.get_args(info.annotation)
            if len(values) == 1:
                return str(values[0])
    return model.__name__.lower()


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _literal_text(values: Iterable[Any]) -> str:
    return ", ".join(f"`{_value(v)}`" for v in values)


def _type_text(annotation: Any) -> str:
    """A type as a reader of a scenario file meets it."""
    annotation, _ = _unwrap(annotation)
    if annotation is type(None):
        return "none"
    if _model_choices(annotation):
        return f"[distribution](#{DISTRIBUTIONS_ANCHOR})"
    members = _union_members(annotation)
    if members:
        named = [_type_text(m) for m in members if m is not type(None)]
        text = " or ".join(named)
        return text + (" or none" if type(None) in members else "")
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return "one of " + _literal_text(typing.get_args(annotation))
    if origin is list:
        return "list of " + _plural(_type_text(typing.get_args(annotation)[0]))
    if origin is dict:
        key, value = typing.get_args(annotation)
        key, _ = _unwrap(key)
        values = _plural(_type_text(value))
        if typing.get_origin(key) is typing.Literal:
            keys = ", ".join(f"`{k}`" for k in typing.get_args(key))
            return f"table of {values} with keys from {keys}"
        return f"{values} by name"
    if _is_model(annotation):
        return "table"
    names = {
        bool: "true or false",
        int: "integer",
        float: "number",
        str: "text",
        dt.date: "date",
    }
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _plural(text: str) -> str:
    for word in ("integer", "number", "table", "date"):
        if text.startswith(word):
            return word + "s" + text[len(word) :]
    if text == "text":
        return "texts"
    return text


# ----------------------------------------------------------------------- values


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _value(value: Any) -> str:
    """A value written as in a scenario file (TOML)."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="python")
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    return str(value)


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    value = info.get_default(call_default_factory=True)
    if value is None:
        return "none (leave the key out)"
    if isinstance(value, BaseModel) and not _model_choices(info.annotation):
        return "see its fields"
    if value == [] or value == {}:
        return "none"
    return f"`{_value(value)}`"


def _singular(what: str, count: int) -> str:
    if count != 1:
        return what
    return {"entries": "entry", "items": "item", "characters": "character"}.get(what, what)


def _bounds(metadata: Iterable[Any], what: str) -> list[str]:
    lower = upper = None
    texts = []
    for item in metadata:
        for attr, symbol in (("ge", "≥"), ("gt", ">")):
            if getattr(item, attr, None) is not None:
                lower = f"{_number(getattr(item, attr))} {'≤' if symbol == '≥' else '<'}"
        for attr, symbol in (("le", "≤"), ("lt", "<")):
            if getattr(item, attr, None) is not None:
                upper = f"{symbol} {_number(getattr(item, attr))}"
        if getattr(item, "min_length", None) is not None:
            texts.append(f"at least {item.min_length} {_singular(what, item.min_length)}")
        if getattr(item, "max_length", None) is not None:
            texts.append(f"at most {_number(item.max_length)} {what}")
        if getattr(item, "pattern", None):
            texts.append(f"matches `{item.pattern}`")
    if lower and upper:
        texts.insert(0, f"{lower} value {upper}")
    elif lower:
        number, symbol = lower.rsplit(" ", 1)
        texts.insert(0, f"value {'≥' if symbol == '≤' else '>'} {number}")
    elif upper:
        texts.insert(0, f"value {upper}")
    return texts


def _allowed(info: FieldInfo) -> str:
    annotation, extra = _unwrap(info.annotation)
    members = _union_members(annotation)
    if members and not _model_choices(annotation):
        annotation = next(m for m in members if m is not type(None))
        annotation, more = _unwrap(annotation)
        extra = extra + more
    origin = typing.get_origin(annotation)
    what = (
        "characters"
        if annotation is str
        else "entries"
        if origin is dict
        else "items"
        if origin is list
        else "values"
    )
    texts = _bounds([*info.metadata, *extra], what)
    if origin is list:
        _, inner = _unwrap(typing.get_args(annotation)[0])
        texts += ["each " + t for t in _bounds(inner, "items")]
    return "; ".join(texts)


# ------------------------------------------------------------------------- units

_SUFFIX_UNITS = (
    ("hours_per_day", "hours per day"),
    ("_hours_per_week", "hours per week"),
    ("_per_week", "per week"),
    ("_per_year", "per year"),
    ("_days", "days"),
    ("_hours", "hours"),
    ("hours", "hours"),
    ("_hour", "hour of the day"),
    ("_share", "share, 0 to 1"),
    ("share", "share, 0 to 1"),
    ("_speed", "share of full speed"),
    ("_weeks", "ISO week numbers"),
)


def _unit(name: str, info: FieldInfo, parent: str) -> str:
    """The unit, from the end of the field's name (``_days``, ``_hours``, ``_per_week``,
    ...), else from the end of the table's name, else from a word of the field's name,
    else from the description."""
    for candidate in (name, parent):
        for suffix, unit in _SUFFIX_UNITS:
            if candidate.endswith(suffix):
                return unit
    for word in ("days", "hours"):  # work_hours_per_meeting, days_between_meetings
        if word in name.split("_"):
            return word
    description = (info.description or "").lower()
    for phrase, unit in (("per year", "per year"), ("per week", "per week")):
        if phrase in description:
            return unit
    match = re.search(r"\b(?:in |, )(days|hours)\b", description)
    return match.group(1) if match else ""


# ------------------------------------------------------------------------- walk


@dataclass
class Entry:
    """One field of a scenario file."""

    path: str
    type: str
    unit: str
    default: str
    allowed: str
    description: str
    link: str = ""


@dataclass
class Section:
    """One table of a scenario file and its fields."""

    path: str
    heading: str
    anchor: str
    depth: int
    doc: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class _Walk:
    sections: list[Section] = field(default_factory=list)
    choices: dict[tuple[type[BaseModel], ...], None] = field(default_factory=dict)


def _anchor(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "scenario"


def _nested_model(annotation: Any) -> tuple[type[BaseModel], str] | None:
    """A model reached through this field, and how its path continues: ``""`` for a
    table, ``".<key>"`` for a table of named tables, ``"[]"`` for a list of tables."""
    annotation, _ = _unwrap(annotation)
    members = _union_members(annotation)
    if members and not _model_choices(annotation):
        rest = [m for m in members if m is not type(None)]
        if len(rest) == 1:
            annotation, _ = _unwrap(rest[0])
    if _model_choices(annotation):
        return None
    if _is_model(annotation):
        return annotation, ""
    origin = typing.get_origin(annotation)
    if origin is list:
        inner, _ = _unwrap(typing.get_args(annotation)[0])
        if _is_model(inner):
            return inner, "[]"
    if origin is dict:
        inner, _ = _unwrap(typing.get_args(annotation)[1])
        if _is_model(inner):
            return inner, f".<{_snake(inner.__name__)}>"
    return None


def _heading(path: str, how: str) -> str:
    return f"[[{path}]]" if how == "[]" else f"[{path}]"


def _walk(model: type[BaseModel], path: str, walk: _Walk, depth: int, how: str) -> None:
    section = Section(
        path=path,
        heading=_heading(path, how) if path else "",
        anchor=_anchor(path),
        depth=depth,
        doc=_docstring(model),
    )
    walk.sections.append(section)
    later: list[tuple[type[BaseModel], str, str]] = []
    parent = path.rsplit(".", 1)[-1].split("[")[0]
    for name, info in model.model_fields.items():
        full = f"{path}.{name}" if path else name
        choices = _model_choices(info.annotation)
        if choices:
            walk.choices.setdefault(choices, None)
        nested = _nested_model(info.annotation)
        entry = Entry(
            path=full,
            type=_type_text(info.annotation),
            unit="" if nested else _unit(name, info, parent),
            default=_default(info),
            allowed=_allowed(info),
            description=info.description or "",
        )
        if nested:
            inner, suffix = nested
            child = full + suffix
            entry.link = _anchor(child)
            later.append((inner, child, "[]" if suffix == "[]" else ""))
        section.entries.append(entry)
    for inner, child, child_how in later:
        _walk(inner, child, walk, depth + 1, child_how)


def scenario_sections(scenario_model: type[BaseModel]) -> tuple[list[Section], list[Section]]:
    """The tables of a scenario file, depth first in schema order, and one section for
    each choice of every discriminated union met on the way (the distributions)."""
    walk = _Walk()
    _walk(scenario_model, "", walk, 0, "")
    choice_sections = []
    for choices in walk.choices:
        for model in choices:
            name = _choice_name(model)
            section = Section(
                path=name,
                heading=f'dist = "{name}"',
                anchor=f"dist-{_anchor(name)}",
                depth=1,
                doc=_docstring(model),
            )
            for field_name, info in model.model_fields.items():
                if typing.get_origin(info.annotation) is typing.Literal:
                    continue  # the discriminator itself
                section.entries.append(
                    Entry(
                        path=f"{name}.{field_name}",
                        type=_type_text(info.annotation),
                        unit="",
                        default=_default(info),
                        allowed=_allowed(info),
                        description=info.description or "",
                    )
                )
            choice_sections.append(section)
    return walk.sections, choice_sections


def _entry_markdown(entry: Entry) -> str:
    facts = [entry.type]
    if entry.link:
        facts[0] = f"[{entry.type}](#{entry.link})"
    if entry.unit:
        facts.append(f"unit: {entry.unit}")
    facts.append(f"default: {entry.default}")
    if entry.allowed:
        facts.append(f"allowed: {_escape(entry.allowed)}")
    lines = [f"`{entry.path}`", ":   " + " · ".join(facts)]
    if entry.description:
        lines.append("")
        lines.append("    " + _escape(entry.description))
    return "\n".join(lines)


def _section_markdown(section: Section, level: int) -> str:
    hashes = "#" * level
    title = f"`{section.heading}`" if section.heading else "Top level"
    out = [f"{hashes} {title} {{#{section.anchor}}}", ""]
    if section.doc:
        out += [_escape_html(section.doc), ""]
    for entry in section.entries:
        out += [_entry_markdown(entry), ""]
    return "\n".join(out)


def scenario_reference(scenario_model: type[BaseModel] | None = None) -> str:
    """Markdown listing every field of a scenario file (default: ``capacity``'s
    ``Scenario``), table by table, then the distributions."""
    if scenario_model is None:
        from capacity.scenario import Scenario

        scenario_model = Scenario
    sections, choices = scenario_sections(scenario_model)
    out = []
    for section in sections:
        out.append(_section_markdown(section, min(3 + max(section.depth - 1, 0), 4)))
    out.append(f"### Distributions {{#{DISTRIBUTIONS_ANCHOR}}}\n")
    out.append(
        "A field of type distribution is written as an inline table whose `dist` key "
        "chooses the distribution, with that distribution's parameters beside it, for "
        'example `{ dist = "lognormal", mean = 2.0, cv = 0.5 }`. Its unit is the unit of '
        "the field that holds it (the coefficient of variation `cv` and the `weights` have "
        "none). The choices: " + ", ".join(f"[`{s.path}`](#{s.anchor})" for s in choices) + ".\n"
    )
    for section in choices:
        out.append(_section_markdown(section, 4))
    return "\n".join(out)


# ----------------------------------------------------------------- key figures

# Names that depend on the scenario, written once as a pattern: (pattern, placeholder,
# regular expression with the varying part as group 1).
_TASK = "(reception|disability|assessment|plan|renewal|follow_up)"
_PATTERNS = (
    ("utilisation_<team>", ("team",), r"^utilisation_(.+)$"),
    ("wait_<task>_days_mean", ("task",), r"^wait_([a-z_]+?)_days_mean$"),
    ("wait_<task>_days_p90", ("task",), r"^wait_([a-z_]+?)_days_p90$"),
    ("waited_<task>_share", ("task",), r"^waited_([a-z_]+)_share$"),
    ("exits_per_year_<reason>", ("reason",), r"^exits_per_year_(.+)$"),
    ("aap_exits_per_year_<reason>", ("reason",), r"^aap_exits_per_year_(.+)$"),
    ("work_hours_per_week_<team>_<task>", ("team", "task"), rf"^work_hours_per_week_(.+)_{_TASK}$"),
)
_DISTURBANCE_TOTALS = ("backlog_peak_tasks", "backlog_clear_days")


@dataclass
class Figure:
    """A key figure, or a family of them written as one pattern."""

    name: str
    unit: str
    description: str


def _generalise(text: str, token: str, placeholder: str) -> str:
    text = text.replace(f"'{token}'", f"`<{placeholder}>`")
    return re.sub(rf"(?<![\w`<]){re.escape(token)}(?![\w>])", f"`<{placeholder}>`", text)


def key_figures(catalogues: Iterable[Iterable[Any]]) -> tuple[list[Figure], dict[str, list[str]]]:
    """The key figures of several scenarios' catalogues (``FigureSpec`` lists), in
    catalogue order, with each family of scenario-dependent names written once; and the
    values each placeholder took."""
    figures: dict[str, Figure] = {}
    values: dict[str, list[str]] = {}

    def seen(placeholder: str, value: str) -> None:
        found = values.setdefault(placeholder, [])
        if value not in found:
            found.append(value)

    for catalogue in catalogues:
        specs = list(catalogue)
        disturbances = [
            s.name[: -len("_" + _DISTURBANCE_TOTALS[0])]
            for s in specs
            if s.name.endswith("_" + _DISTURBANCE_TOTALS[0])
        ]
        for spec in specs:
            name, text = spec.name, spec.description
            owner = next((d for d in disturbances if name.startswith(d + "_")), None)
            if owner is not None:
                seen("disturbance", owner)
                rest = name[len(owner) + 1 :]
                text = re.sub(
                    rf"\bthe (?:(?!the\b)[\w-]+ ){{1,3}}'{re.escape(owner)}'",
                    "the disturbance",
                    text,
                )
                if rest in _DISTURBANCE_TOTALS:
                    name = f"<disturbance>_{rest}"
                else:
                    series, period = rest.rsplit("_", 1)
                    seen("period", period)
                    name = f"<disturbance>_{series}_<period>"
                    text = text.replace(f" {period} the disturbance", " `<period>` the disturbance")
            else:
                for pattern, placeholders, regex in _PATTERNS:
                    match = re.match(regex, name)
                    if match:
                        name = pattern
                        for number, placeholder in enumerate(placeholders, start=1):
                            token = match.group(number)
                            seen(placeholder, token)
                            if number < len(placeholders):
                                # A name the next placeholder may share (a team called
                                # 'reception'): only its quoted form is this one.
                                text = text.replace(f"'{token}'", f"`<{placeholder}>`")
                            else:
                                text = _generalise(text, token, placeholder)
                        break
            figures.setdefault(name, Figure(name, spec.unit, text))
    return list(figures.values()), values


def figures_reference() -> str:
    """Markdown table of every key figure of the bundled scenarios."""
    from capacity.model import figure_catalogue
    from capacity.scenario import bundled_scenarios, load_scenario

    catalogues = [figure_catalogue(load_scenario(name)) for name in bundled_scenarios()]
    figures, values = key_figures(catalogues)
    out = ["| figure | unit | definition |", "|---|---|---|"]
    for figure in figures:
        name = figure.name.replace("|", "\\|")
        out.append(f"| `{name}` | {_escape(figure.unit)} | {_escape(figure.description)} |")
    out.append("")
    names = {
        "team": "`<team>` in the bundled scenarios",
        "task": "`<task>`",
        "reason": "`<reason>`",
        "disturbance": "`<disturbance>` in the bundled scenarios",
        "period": "`<period>`",
    }
    for placeholder, label in names.items():
        if placeholder in values:
            listed = ", ".join(f"`{v}`" for v in values[placeholder])
            out.append(f"* {label}: {listed}.")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------- hook


def on_page_markdown(markdown: str, **_: Any) -> str:
    """MkDocs hook: put the generated lists in place of their markers."""
    if SCENARIO_MARKER in markdown:
        markdown = markdown.replace(SCENARIO_MARKER, scenario_reference())
    if FIGURES_MARKER in markdown:
        markdown = markdown.replace(FIGURES_MARKER, figures_reference())
    return markdown
