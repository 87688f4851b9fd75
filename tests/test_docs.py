"""README documents every key figure and every bundled scenario the program has."""

from __future__ import annotations

import re
from pathlib import Path

from capacity.model import figure_catalogue
from capacity.model.disturbances import disturbances
from capacity.scenario import bundled_scenarios, load_scenario

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _documented_name(name: str, disturbance_names: list[str]) -> str:
    for prefix in disturbance_names:
        if name.startswith(prefix + "_"):
            rest = name[len(prefix) + 1 :]
            if rest in ("backlog_peak_tasks", "backlog_clear_days"):
                return f"<disturbance>_{rest}"
            return "<disturbance>_<series>_<period>"
    name = re.sub(r"^utilisation_.*", "utilisation_<team>", name)
    name = re.sub(r"^wait_[a-z_]+?_days_", "wait_<task>_days_", name)
    name = re.sub(r"^waited_[a-z_]+_share$", "waited_<task>_share", name)
    return re.sub(r"^exits_per_year_.*", "exits_per_year_<reason>", name)


def test_every_key_figure_is_in_the_readme() -> None:
    for scenario_name in bundled_scenarios():
        scenario = load_scenario(scenario_name)
        names = [d.name for d in disturbances(scenario)]
        for spec in figure_catalogue(scenario):
            assert f"`{_documented_name(spec.name, names)}`" in README, spec.name


def test_every_bundled_scenario_is_in_the_readme() -> None:
    for name in bundled_scenarios():
        assert f"`{name}`" in README, name
