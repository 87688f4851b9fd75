"""What the web page does, without the page: the controls a scenario offers, the
changed scenario they describe (checked as the command line checks it), the paired run
against the baseline, and what the page shows and offers for download.

The page (:mod:`capacity.interfaces.web.page`) only lays these out; everything here is plain
Python, tested without a browser.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pydantic import BaseModel

from capacity.experiment import ComparisonResult, Settings, compare
from capacity.experiment.settings import ProgressCallback
from capacity.interfaces.web.labels import FIGURES
from capacity.outputs.plots import series_band
from capacity.outputs.spreadsheets import workbook_bytes
from capacity.outputs.writer import CSV_LOCALES
from capacity.scenario import (
    Scenario,
    ScenarioError,
    bundled_scenarios,
    load_scenario,
    scenario_to_toml,
    with_changes,
)
from capacity.scenario.loading import MAX_SCENARIO_BYTES, load_scenario_bytes
from capacity.scenario.schema import Batch, InitialGroup, Organisation, Run, Stream, Team

__all__ = [
    "CHANGED_SUFFIX",
    "Card",
    "Control",
    "PageSettings",
    "bundled_choices",
    "cards",
    "changed_scenario",
    "changes_from",
    "comparison_csv",
    "controls_for",
    "load_choice",
    "page_settings",
    "problems_by_control",
    "replications_control",
    "run_comparison",
    "scenario_key",
    "series_bands",
    "summary_csv",
    "toml_file",
    "workbook_file",
]

CHANGED_SUFFIX = "_changed"
"""Added to the baseline's ``run.name`` to name the changed scenario (and so the
folder ``capacity run`` files its results under)."""

_MAX_NAME = 64


@dataclass(frozen=True)
class PageSettings:
    """What ``capacity app`` passes to the page: a scenario file or name to offer first
    (None: the bundled ones only) and the worker processes for the replications."""

    scenario: str | None = None
    workers: int = 1


def page_settings(argv: Sequence[str]) -> PageSettings:
    """The page's settings from its command line (``--scenario S --workers N``, as
    ``capacity app`` writes it after ``streamlit run page.py --``)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--scenario", default=None)
    parser.add_argument("--workers", type=int, default=1)
    known, _ = parser.parse_known_args(list(argv))
    return PageSettings(scenario=known.scenario, workers=max(1, known.workers))


def scenario_key(name: str | None = None, upload: bytes | None = None) -> str:
    """A short name for the scenario in use, to keep each scenario's control values apart:
    ``file:<name>`` (a bundled scenario or the file given) or ``upload:<hash of the
    bytes>``."""
    if upload is not None:
        return "upload:" + hashlib.sha256(upload).hexdigest()[:12]
    return f"file:{name}"


def load_choice(name: str | None, upload: bytes | None, upload_name: str = "upload") -> Scenario:
    """The scenario the page works on: the uploaded bytes when given (see
    :func:`capacity.scenario.loading.load_scenario_bytes`: TOML data only, at most
    :data:`~capacity.scenario.loading.MAX_SCENARIO_BYTES` bytes), else the bundled
    scenario or file ``name``. Raises :class:`ScenarioError` as the command line does."""
    if upload is not None:
        return load_scenario_bytes(upload, upload_name, MAX_SCENARIO_BYTES)
    if name is None:
        raise ScenarioError("(page)", ["choose a scenario"])
    return load_scenario(name)


# -------------------------------------------------------------------- controls


def _bounds(model: type[BaseModel], name: str) -> tuple[float, float]:
    low, high = -math.inf, math.inf
    for rule in model.model_fields[name].metadata:
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    return low, high


@dataclass(frozen=True)
class Control:
    """One control of the page: a scenario field by its dotted path.

    Attributes:
        path: the dotted path (``staff.follow_up.headcount``).
        section: ``staff``, ``org``, ``inflow`` or ``start`` (where the page puts it).
        kind: ``int``, ``float``, ``choice`` or ``cap`` (a whole number, 0 meaning none).
        label, help: keys of :data:`capacity.interfaces.web.labels.TEXT`.
        values: what the label and help text fill in (``team``, ``low``, ``high``, ...).
        low, high: the allowed range, from the scenario schema.
        value: the baseline's value as the control shows it.
        options: the choices of a ``choice`` control.
    """

    path: str
    section: str
    kind: str
    label: str
    help: str
    low: float
    high: float
    value: Any
    values: dict[str, Any] = field(default_factory=dict)
    options: tuple[str, ...] = ()

    def to_scenario(self, shown: Any) -> Any:
        """The scenario value of what the control shows (a cap of 0 is no cap)."""
        if self.kind == "cap":
            return None if not shown else int(shown)
        if self.kind == "int":
            return int(shown)
        if self.kind == "float":
            return float(shown)
        return shown


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def controls_for(scenario: Scenario) -> list[Control]:
    """The controls the page offers for ``scenario``, in page order: the headcount of each
    team, the organisation model, caseload cap and who does the caseload's tasks
    (personal or team), the arrival rate of each stream, the
    users of each initial group and of each stream's batches. Ranges come from the
    scenario schema, so the page allows what a scenario file allows."""
    controls: list[Control] = []
    low, high = _bounds(Team, "headcount")
    for name, team in scenario.staff.items():
        controls.append(
            Control(
                f"staff.{name}.headcount",
                "staff",
                "int",
                "headcount",
                "headcount_help",
                low,
                high,
                team.headcount,
                {
                    "team": name,
                    "low": _number(low),
                    "high": _number(high),
                    "tasks": ", ".join(team.tasks),
                },
            )
        )
    model_options = Organisation.model_fields["model"].annotation.__args__  # type: ignore[union-attr]
    controls.append(
        Control(
            "organisation.model",
            "org",
            "choice",
            "model",
            "model",
            0,
            0,
            scenario.organisation.model,
            {},
            tuple(model_options),
        )
    )
    low, high = _bounds(Organisation, "caseload_cap")
    controls.append(
        Control(
            "organisation.caseload_cap",
            "org",
            "cap",
            "cap",
            "cap_help",
            0,
            high,
            scenario.organisation.caseload_cap or 0,
            {"low": _number(low), "high": _number(high)},
        )
    )
    work_options = Organisation.model_fields["caseload_work"].annotation.__args__  # type: ignore[union-attr]
    controls.append(
        Control(
            "organisation.caseload_work",
            "org",
            "choice",
            "caseload_work",
            "caseload_work",
            0,
            0,
            scenario.organisation.caseload_work,
            {},
            tuple(work_options),
        )
    )
    low, high = _bounds(Stream, "rate_per_week")
    for name, stream in scenario.streams.items():
        controls.append(
            Control(
                f"streams.{name}.rate_per_week",
                "inflow",
                "float",
                "rate",
                "rate_help",
                low,
                high,
                float(stream.rate_per_week),
                {"stream": name, "low": _number(low), "high": _number(high)},
            )
        )
    low, high = _bounds(InitialGroup, "users")
    for index, group in enumerate(scenario.initial_state):
        controls.append(
            Control(
                f"initial_state.{index}.users",
                "start",
                "int",
                "initial",
                "initial_help",
                low,
                high,
                group.users,
                {
                    "case_type": group.case_type,
                    "stage": group.stage,
                    "low": _number(low),
                    "high": _number(high),
                },
            )
        )
    low, high = _bounds(Batch, "users")
    for name, stream in scenario.streams.items():
        for index, batch in enumerate(stream.batches):
            controls.append(
                Control(
                    f"streams.{name}.batches.{index}.users",
                    "start",
                    "int",
                    "batch",
                    "batch_help",
                    low,
                    high,
                    batch.users,
                    {
                        "stream": name,
                        "date": batch.date.isoformat(),
                        "low": _number(low),
                        "high": _number(high),
                    },
                )
            )
    return controls


def replications_control(scenario: Scenario) -> Control:
    """The number of replications (of each office): the scenario's, within the schema's
    range."""
    low, high = _bounds(Run, "replications")
    return Control(
        "run.replications",
        "run",
        "int",
        "replications",
        "replications_help",
        low,
        high,
        scenario.run.replications,
        {"low": _number(low), "high": _number(high)},
    )


def changes_from(controls: Sequence[Control], shown: Mapping[str, Any]) -> dict[str, Any]:
    """The changes the controls describe: dotted path -> scenario value, for each control
    whose shown value differs from the baseline's (paths not in ``shown`` unchanged)."""
    changes = {}
    for control in controls:
        if control.path not in shown:
            continue
        value = control.to_scenario(shown[control.path])
        if value != control.to_scenario(control.value):
            changes[control.path] = value
    return changes


def changed_scenario(base: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """``base`` with ``changes`` applied and named ``<base name>_changed``, checked by
    every rule of a scenario file. Raises :class:`ScenarioError` with each problem as
    ``dotted.path: message``."""
    name = base.run.name[: _MAX_NAME - len(CHANGED_SUFFIX)] + CHANGED_SUFFIX
    return with_changes(base, {**changes, "run.name": name})


def problems_by_control(
    error: ScenarioError, controls: Sequence[Control]
) -> tuple[dict[str, list[str]], list[str]]:
    """Split the problems of ``error`` between the controls they concern (a problem
    whose dotted path is a control's path or lies under it) and the rest, which
    concern the scenario as a whole. Problems keep the command line's wording."""
    by_control: dict[str, list[str]] = {}
    general: list[str] = []
    for problem in error.problems:
        where = problem.split(":", 1)[0].strip()
        owner = next(
            (c.path for c in controls if where == c.path or where.startswith(c.path + ".")),
            None,
        )
        if owner is None:
            general.append(problem)
        else:
            by_control.setdefault(owner, []).append(problem)
    return by_control, general


# -------------------------------------------------------------------- running


def run_comparison(
    base: Scenario,
    changed: Scenario,
    *,
    replications: int,
    workers: int = 1,
    progress: ProgressCallback | None = None,
) -> ComparisonResult:
    """Run the baseline and the changed scenario, paired: both with the baseline's seed,
    so each replication sees the same users (see :func:`capacity.compare`)."""
    settings = Settings(replications=replications, workers=workers, progress=progress)
    return compare([base, changed], settings, paired=True)


@dataclass(frozen=True)
class Card:
    """A key figure as the page shows it: the changed office's mean and 95 % interval,
    the baseline's mean, and the paired difference with its interval (all in ``unit``)."""

    figure: str
    unit: str
    mean: float
    low: float
    high: float
    base_mean: float
    difference: float
    difference_low: float
    difference_high: float
    significant: bool
    better: int

    @property
    def half_width(self) -> float:
        """Half the width of the difference's interval (NaN without one)."""
        return (self.difference_high - self.difference_low) / 2


def cards(result: ComparisonResult) -> list[Card]:
    """The key figures of :data:`capacity.interfaces.web.labels.FIGURES` that both offices
    have, in that order."""
    summary = result.results[1].summary.set_index("name")
    table = result.summary.set_index("figure")
    shown = []
    for figure, label in FIGURES.items():
        if figure not in table.index or figure not in summary.index:
            continue
        row, own = table.loc[figure], summary.loc[figure]
        shown.append(
            Card(
                figure=figure,
                unit=str(row["unit"]),
                mean=float(own["mean"]),
                low=float(own["ci_low"]),
                high=float(own["ci_high"]),
                base_mean=float(result.results[0].summary.set_index("name").loc[figure, "mean"]),
                difference=float(row["difference"]),
                difference_low=float(row["ci_low"]),
                difference_high=float(row["ci_high"]),
                significant=bool(row["significant"]),
                better=label.better,
            )
        )
    return shown


def series_bands(
    result: ComparisonResult, column: str, *, highest: float = math.inf
) -> list[pd.DataFrame | None]:
    """The daily band of ``column`` (:func:`capacity.outputs.plots.series_band`) for the
    baseline and the changed office, in that order; None where the series has no value
    on any day."""
    bands: list[pd.DataFrame | None] = []
    for run in result.results:
        series = run.timeseries
        if column not in series or not series[column].notna().any():
            bands.append(None)
        else:
            bands.append(series_band(series, column, highest=highest))
    return bands


# -------------------------------------------------------------------- downloads


def _csv(frame: pd.DataFrame, locale: str) -> bytes:
    options = dict(CSV_LOCALES[locale if locale in CSV_LOCALES else "en"])
    encoding = options.pop("encoding")
    buffer = io.StringIO()
    frame.to_csv(buffer, **options)
    return buffer.getvalue().encode(encoding)


def comparison_csv(result: ComparisonResult, locale: str = "en") -> bytes:
    """``comparison.csv`` of the run (changed against baseline), in the CSV dialect
    ``locale`` (``en`` or ``nb``, see :data:`capacity.outputs.writer.CSV_LOCALES`)."""
    return _csv(result.summary, locale)


def summary_csv(result: ComparisonResult, locale: str = "en") -> bytes:
    """``summary.csv`` of the changed office, in the CSV dialect ``locale``."""
    return _csv(result.results[1].summary, locale)


def workbook_file(result: ComparisonResult) -> bytes:
    """The changed office's workbook (see
    :func:`capacity.outputs.spreadsheets.workbook_bytes`) with the comparison against
    the baseline as its first sheet."""
    return workbook_bytes(result.results[1], extra={"comparison": result.summary})


def toml_file(result: ComparisonResult) -> str:
    """The changed scenario as run (its seed and replications included), as a scenario
    file that ``capacity run`` accepts unchanged and that reproduces its numbers."""
    return scenario_to_toml(result.scenarios[1])


def bundled_choices(preset: str | None) -> list[str]:
    """The scenarios the page offers: the file given to ``capacity app`` first (if any),
    then the bundled ones."""
    names = bundled_scenarios()
    return [preset, *[n for n in names if n != preset]] if preset else names
