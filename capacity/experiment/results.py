"""What every experiment returns: one family of typed results.

Each result (:class:`~capacity.experiment.runner.RunResult`,
:class:`~capacity.experiment.compare.ComparisonResult`,
:class:`~capacity.experiment.sweep.SweepResult`,
:class:`~capacity.experiment.staffing.StaffingResult`,
:class:`~capacity.validation.ValidationReport`) carries the scenario and the
settings it was run with, exposes its main table as ``summary`` (a pandas DataFrame with
documented columns) and its messages for people as ``warnings``, shows a short
readable summary in a terminal (``repr``) and in a notebook (``_repr_html_``), and
writes with ``save(folder)`` exactly the results folder the command line writes.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    import pandas as pd

    from capacity.experiment.settings import Settings
    from capacity.scenario import Scenario

__all__ = ["Result"]

_ROWS_SHOWN = 12
"""Rows of the summary shown by ``repr`` (the whole table is in ``summary``)."""


class Result:
    """The shape every experiment's result shares (a mixin of the result dataclasses).

    Attributes:
        scenario: the scenario as run (for a comparison, the base; for validation, the
            bundled office its published figures come from).
        settings: how it was run.
        summary: the main table, as in the results folder's main CSV file.
        warnings: messages for people, each once.
    """

    kind: ClassVar[str] = "result"
    """What the result is, for people ("run", "comparison", ...)."""

    scenario: Scenario
    settings: Settings
    summary: pd.DataFrame
    warnings: tuple[str, ...]

    def title(self) -> str:
        """One line saying what was run."""
        return f"{self.kind} of {self.scenario.run.name}"

    def lines(self) -> list[str]:
        """A few lines for people after the title (the answer, where there is one)."""
        return []

    def save(self, folder: str | Path = "results", *, command: str = "") -> Path:
        """Write the results folder the command line writes, inside ``folder`` (the
        results root, like ``--out``), and return the new folder's path. ``command`` is
        the command line recorded in the manifest (default this process's)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        table = self.summary.head(_ROWS_SHOWN).to_string(index=False)
        more = len(self.summary) - _ROWS_SHOWN
        tail = [f"... {more} more rows in .summary"] if more > 0 else []
        return "\n".join([self.title(), *self.lines(), table, *tail])

    def _repr_html_(self) -> str:
        lines = "".join(f"<p>{html.escape(line)}</p>" for line in self.lines())
        table = self.summary.head(_ROWS_SHOWN).to_html(index=False, na_rep="")
        more = len(self.summary) - _ROWS_SHOWN
        tail = f"<p>... {more} more rows in <code>.summary</code></p>" if more > 0 else ""
        return f"<h4>{html.escape(self.title())}</h4>{lines}{table}{tail}"
