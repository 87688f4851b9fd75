"""README documents every key figure and every bundled scenario the program has."""

from __future__ import annotations

import re
from pathlib import Path

from capacity.model import figure_catalogue
from capacity.scenario import bundled_scenarios, load_scenario

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _documented_name(name: str) -> str:
    name = re.sub(r"^utilisation_.*", "utilisation_<team>", name)
    name = re.sub(r"^wait_[a-z_]+?_days_", "wait_<task>_days_", name)
    name = re.sub(r"^waited_[a-z_]+_share$", "waited_<task>_share", name)
    return re.sub(r"^exits_per_year_.*", "exits_per_year_<reason>", name)


def test_every_key_figure_is_in_the_readme() -> None:
    for spec in figure_catalogue(load_scenario("office_2011")):
        assert f"`{_documented_name(spec.name)}`" in README, spec.name


def test_every_bundled_scenario_is_in_the_readme() -> None:
    for name in bundled_scenarios():
        assert f"`{name}`" in README, name
