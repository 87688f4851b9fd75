"""docs/model.md: its figure is drawn by the script in the repository, README links it,
and it gives a source for every input the default scenario sets."""

from __future__ import annotations

import re
import runpy
import tomllib
from pathlib import Path

from capacity.scenario.loading import BUNDLED_DIR

ROOT = Path(__file__).parent.parent
DOC = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")


def test_the_diagram_script_draws_the_figure(tmp_path: Path) -> None:
    """docs/pathway_diagram.py draws a PNG; the committed figure is the one model.md
    shows."""
    target = tmp_path / "pathway.png"
    module = runpy.run_path(str(ROOT / "docs" / "pathway_diagram.py"))
    module["draw"](target)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](pathway.png)" in DOC
    assert (ROOT / "docs" / "pathway.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_readme_links_the_model_document() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/model.md)" in readme


def test_every_input_of_office_2011_is_in_the_inputs_table() -> None:
    """Each key that office_2011.toml sets in [run], [calendar], [organisation], its AAP
    case type and its teams appears, in backticks, in model.md's inputs table."""
    data = tomllib.loads((BUNDLED_DIR / "office_2011.toml").read_text(encoding="utf-8"))
    table = DOC[DOC.index("### 3.3 Input parameters") : DOC.index("### 3.4")]
    named = set(re.findall(r"`([^`]+)`", table))
    words = {part for name in named for part in re.split(r"[.\s]", name)}
    keys = set(data["run"]) - {"name", "description"}
    keys |= set(data["calendar"]) | set(data["organisation"])
    for stage in data["case_types"]["aap"].values():
        if isinstance(stage, dict):
            keys |= set(stage)
    for team in data["staff"].values():
        keys |= set(team)
    missing = sorted(k for k in keys if k not in words)
    assert not missing, missing
