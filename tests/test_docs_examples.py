"""Every Python example in README.md and the documentation pages runs.

The fenced ``python`` blocks of a page run in order in one namespace, in a temporary
working folder, as a reader would paste them one after the other. A block marked with
``<!-- skip-test -->`` on the line before it is left out (only for blocks that need a
cluster or a browser).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from capacity.validation import Sizes, suite

ROOT = Path(__file__).parent.parent
PAGES = sorted(
    [ROOT / "README.md"]
    + [p for p in (ROOT / "docs").rglob("*.md") if "hooks" not in p.relative_to(ROOT).parts]
)
SKIP = "<!-- skip-test -->"
FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


def python_blocks(text: str) -> list[str]:
    """The ``python`` blocks of a Markdown text, in order, without the skipped ones."""
    blocks = []
    for match in FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        if before.strip() != SKIP:
            blocks.append(match.group(1))
    return blocks


EXAMPLES = [p for p in PAGES if python_blocks(p.read_text(encoding="utf-8"))]


def test_blocks_are_found_and_skips_honoured() -> None:
    text = "a\n\n```python\nx = 1\n```\n\n<!-- skip-test -->\n```python\nraise SystemExit\n```\n"
    assert python_blocks(text) == ["x = 1\n"]
    assert sum(len(python_blocks(p.read_text(encoding="utf-8"))) for p in PAGES) >= 6
    assert ROOT / "README.md" in EXAMPLES


SMOKE = Sizes("quick", 2, 0.05, 2, 2, 2, 2.0)
"""Validation sizes for running the examples: the quick suite's code path in seconds
(its numbers are not evidence; tests/test_validation.py runs the real suite)."""


@pytest.mark.parametrize("page", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_examples_run(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    blocks = python_blocks(page.read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(suite, "QUICK", SMOKE)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for number, block in enumerate(blocks, start=1):
        code = compile(block, f"{page.name}, example {number}", "exec")
        exec(code, namespace)
    capsys.readouterr()
