"""Pinned results: a short run of each pinned scenario gives exactly the checked-in
figures (see ``tests/pins.py`` for what is pinned and how to regenerate it when a change
of numbers is intended)."""

from __future__ import annotations

import difflib

import pytest
from pins import PIN_DIR, PINS, measure, stored


def test_every_pin_has_its_files() -> None:
    files = {p.name for p in PIN_DIR.iterdir()}
    expected = {f"{n}.summary.csv" for n in PINS} | {f"{n}.digests.json" for n in PINS}
    assert files == expected


@pytest.mark.parametrize("name", list(PINS))
def test_pinned_results(name: str) -> None:
    summary, digests = measure(name)
    pinned_summary, pinned_digests = stored(name)
    if summary != pinned_summary:
        diff = "".join(
            difflib.unified_diff(
                pinned_summary.splitlines(keepends=True),
                summary.splitlines(keepends=True),
                "pinned",
                "now",
                n=0,
            )
        )
        pytest.fail(
            f"{name}: the key figures moved. If that is intended, run "
            f"'python tests/pins.py {name}' and say why in CHANGELOG.md.\n{diff}"
        )
    assert digests == pinned_digests, (
        f"{name}: the time series or caseloads moved while the key figures did not"
    )
