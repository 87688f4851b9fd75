"""The sections of the validation report, one module each, in report order:
:mod:`.queueing`, :mod:`.little`, :mod:`.conservation`, :mod:`.published` and
:mod:`.face_validity`.

Each module names its section (``SECTION``) and builds its checks' outcomes with
``checks(evidence)`` from the :class:`~capacity.validation.sections.evidence.Evidence`
of the suite's runs; :mod:`capacity.validation.suite` assembles them.
"""

from __future__ import annotations

from collections.abc import Callable

from capacity.validation.checks import Outcome
from capacity.validation.sections import (
    conservation,
    face_validity,
    little,
    published,
    queueing,
)
from capacity.validation.sections.evidence import Evidence

__all__ = ["ORDERED", "SECTIONS"]

ORDERED: tuple[tuple[str, Callable[[Evidence], list[Outcome]]], ...] = (
    (queueing.SECTION, queueing.checks),
    (little.SECTION, little.checks),
    (conservation.SECTION, conservation.checks),
    (published.SECTION, published.checks),
    (face_validity.SECTION, face_validity.checks),
)
"""Each section's name and the function that builds its outcomes, in report order."""

SECTIONS: tuple[str, ...] = tuple(name for name, _ in ORDERED)
"""The report's sections, in order."""
