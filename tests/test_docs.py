"""The documentation: README is a short front door that keeps its two commands, the
generated references cover every scenario field and every key figure, and every
bundled scenario and time-series column is described."""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
import typing
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel

from capacity.model import figure_catalogue, timeseries_columns
from capacity.scenario import Scenario, bundled_scenarios, load_scenario

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")

RUN_COMMAND = "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && capacity run"
TEST_COMMAND = (
    "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' "
    "&& python -m pytest -q"
)


def _reference() -> ModuleType:
    """docs/hooks/reference.py, the generator the site's build runs."""
    path = DOCS / "hooks" / "reference.py"
    spec = importlib.util.spec_from_file_location("docs_reference", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------ README


def test_readme_is_short_and_keeps_both_commands() -> None:
    assert len(README.splitlines()) <= 250
    assert RUN_COMMAND in README
    assert TEST_COMMAND in README


def test_readme_links_lead_to_files() -> None:
    """Every relative link of README names a file of the repository."""
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", README)
    local = [t for t in targets if "://" not in t]
    assert local
    missing = [t for t in local if not (ROOT / t).exists()]
    assert not missing, missing


def test_every_bundled_scenario_is_in_the_readme_and_the_docs() -> None:
    page = (DOCS / "reference" / "bundled-scenarios.md").read_text(encoding="utf-8")
    for name in bundled_scenarios():
        assert f"`{name}`" in README, name
        assert f"`{name}`" in page, name


def test_citation_and_license_follow_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^cff-version: 1\.2\.0$", citation, flags=re.MULTILINE)
    assert re.search(rf"^version: {re.escape(project['version'])}$", citation, flags=re.MULTILINE)
    assert re.search(rf"^license: {project['license']}$", citation, flags=re.MULTILINE)
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith(f"{project['license']} License")


# ------------------------------------------------------------ scenario reference


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _field_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every dotted field path of ``model``: a table's fields follow a dot, a table of
    named tables adds ``<name>`` (written after its model), a list of tables ``[]``."""
    paths = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        paths.append(path)
        annotation = _unwrap(info.annotation)
        args = [_unwrap(a) for a in typing.get_args(annotation)]
        origin = typing.get_origin(annotation)
        models = [a for a in args if _is_model(a)]
        if _is_model(annotation):
            paths += _field_paths(annotation, path + ".")
        elif origin is list and models:
            paths += _field_paths(models[0], path + "[].")
        elif origin is dict and _is_model(args[1]):
            key = re.sub(r"(?<!^)(?=[A-Z])", "_", args[1].__name__).lower()
            paths += _field_paths(args[1], f"{path}.<{key}>.")
        elif len(models) == 1:  # an optional table
            paths += _field_paths(models[0], path + ".")
    return paths


def _distributions(model: type[BaseModel], found: set[type[BaseModel]]) -> None:
    """Every model met in a union of two or more models (the distributions)."""
    for info in model.model_fields.values():
        stack = [info.annotation]
        while stack:
            annotation = _unwrap(stack.pop())
            args = [_unwrap(a) for a in typing.get_args(annotation)]
            models = [a for a in args if _is_model(a)]
            if len(models) > 1:
                found.update(models)
            elif _is_model(annotation):
                _distributions(annotation, found)
            else:
                stack += args


def test_scenario_reference_lists_every_field() -> None:
    text = _reference().scenario_reference()
    paths = _field_paths(Scenario)
    assert "staff.<team>.headcount" in paths
    assert "staffing_changes[].date" in paths
    assert "case_types.<case_type>.follow_up.at_max_period.extension_share" in paths
    missing = [p for p in paths if f"`{p}`" not in text]
    assert not missing, missing


def test_scenario_reference_lists_every_distribution_and_parameter() -> None:
    text = _reference().scenario_reference()
    found: set[type[BaseModel]] = set()
    _distributions(Scenario, found)
    assert len(found) >= 7
    for model in found:
        literal = next(
            typing.get_args(i.annotation)[0]
            for i in model.model_fields.values()
            if typing.get_origin(i.annotation) is typing.Literal
        )
        assert f'`dist = "{literal}"`' in text, literal
        for name, info in model.model_fields.items():
            if typing.get_origin(info.annotation) is not typing.Literal:
                assert f"`{literal}.{name}`" in text, (literal, name)


def test_scenario_reference_shows_types_units_defaults_and_ranges() -> None:
    text = _reference().scenario_reference()
    entry = text[text.index("`run.horizon_days`") :].split("\n\n")[0]
    assert "integer" in entry
    assert "unit: days" in entry
    assert "default: `487`" in entry
    assert "1 ≤ value ≤ 36,500" in entry
    model = text[text.index("`organisation.model`") :].split("\n\n")[0]
    assert '`"generalist"`' in model
    assert '`"split_aap"`' in model


# ------------------------------------------------------------------- key figures


def test_figures_reference_covers_every_key_figure() -> None:
    """Each key figure of each bundled scenario is a row of the generated list, by its
    name or by a pattern such as ``wait_<task>_days_mean``."""
    text = _reference().figures_reference()
    rows = re.findall(r"^\| `([^`]+)` \|", text, flags=re.MULTILINE)
    patterns = [re.compile("^" + re.sub(r"<[a-z]+>", "[a-z0-9_]+", row) + "$") for row in rows]
    for scenario_name in bundled_scenarios():
        for spec in figure_catalogue(load_scenario(scenario_name)):
            assert any(p.match(spec.name) for p in patterns), (scenario_name, spec.name)
    assert any("<disturbance>" in row for row in rows)
    assert "utilisation_<team>" in rows


def test_figures_reference_collapses_names_that_depend_on_the_scenario() -> None:
    """Teams, tasks and exit reasons are written once as a pattern, not listed."""
    text = _reference().figures_reference()
    rows = re.findall(r"^\| `([^`]+)` \|", text, flags=re.MULTILINE)
    assert len(rows) == len(set(rows))
    assert not [
        r for r in rows if r.startswith(("utilisation_f", "wait_follow", "exits_per_year_w"))
    ]


def test_every_timeseries_column_is_described() -> None:
    page = (DOCS / "reference" / "outputs.md").read_text(encoding="utf-8")
    for scenario_name in bundled_scenarios():
        for column in ["replication", *timeseries_columns(load_scenario(scenario_name))]:
            documented = re.sub(r"^in_.*", "in_<stage>", column)
            documented = re.sub(r"^queue_.*", "queue_<task>", documented)
            documented = re.sub(r"^utilisation_.*", "utilisation_<team>", documented)
            assert f"`{documented}`" in page, column
