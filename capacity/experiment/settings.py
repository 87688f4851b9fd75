"""How to run an experiment: one settings object, passed down whole.

A scenario says *what* is simulated; :class:`Settings` says *how* an experiment runs it:
how many replications (or ``"auto"``), which seed, horizon and warm-up override the
scenario's, the precision the automatic choices aim for, where replications run
(local worker processes or a dask cluster), whether user events are kept, and who is
told about progress. Every experiment (:func:`capacity.run`, :func:`capacity.compare`,
:func:`capacity.sweep`, :func:`capacity.least_staffing`, :func:`capacity.validate`)
takes the same settings, by object or by keyword.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from capacity.scenario import Scenario, ScenarioError, with_changes

__all__ = ["AUTO", "RUN_FIELDS", "ProgressCallback", "Settings"]

AUTO = "auto"
"""The value of ``replications`` or ``warm_up_days`` that lets the experiment choose."""

ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each finished replication."""

RUN_FIELDS: tuple[str, ...] = ("replications", "seed", "horizon_days", "warm_up_days")
"""Settings that override the ``[run]`` field of the same name in the scenario."""

_SCHEDULER = re.compile(r"(tcp|tls|inproc|ucx)://\S+")


@dataclass(frozen=True)
class Settings:
    """How to run an experiment (the scenario says what to run).

    Attributes:
        replications: replications of each scenario or level, 1..10000, or ``"auto"``
            (add replications until each checked figure's 95 % interval is within
            ``precision`` of its mean, at most ``max_replications``; ``run`` only).
            None: the scenario's ``run.replications``.
        seed: root seed of every random stream, 0..2**63-1. None: the scenario's.
        horizon_days: days to simulate, 1..36500. None: the scenario's.
        warm_up_days: days left out of the key figures, or ``"auto"`` (MSER-5 on the
            daily number of users in the office; ``run`` only). None: the scenario's.
        precision: with ``replications="auto"``, the largest accepted half-width of a
            95 % interval relative to its mean, strictly between 0 and 1. Default 0.05.
        precision_figures: with ``replications="auto"``, the key figures whose
            precision is checked; empty: plan share, caseload, decision time and
            reception wait, where the scenario defines them.
        max_replications: with ``replications="auto"``, the most replications, >= 2.
            Default 200.
        workers: local processes that run replications side by side, >= 1. The results
            do not depend on it. Default 1 (in this process).
        scheduler: address of a dask.distributed scheduler (``tcp://HOST:PORT``) whose
            workers run the replications instead; the results are the same.
        record_events: keep one row per user event (large for long horizons).
        progress: called as ``progress(done, total)`` after each replication (not
            compared, not recorded).

    Raises:
        ScenarioError: on construction, for a value outside its range (every problem is
            listed, each naming the setting).
    """

    replications: int | Literal["auto"] | None = None
    seed: int | None = None
    horizon_days: int | None = None
    warm_up_days: int | Literal["auto"] | None = None
    precision: float = 0.05
    precision_figures: tuple[str, ...] = ()
    max_replications: int = 200
    workers: int = 1
    scheduler: str | None = None
    record_events: bool = False
    progress: ProgressCallback | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        figures = self.precision_figures
        # One figure may be given alone; a string is not a list of letters.
        object.__setattr__(
            self, "precision_figures", (figures,) if isinstance(figures, str) else tuple(figures)
        )
        problems = []

        def whole(name: str, value: object, low: int, high: int, auto: bool = False) -> None:
            if value is None or (auto and value == AUTO):
                return
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                extra = " or 'auto'" if auto else ""
                problems.append(
                    f"{name}: must be a whole number {low}..{high}{extra} (given {value!r})"
                )

        whole("replications", self.replications, 1, 10_000, auto=True)
        whole("seed", self.seed, 0, 2**63 - 1)
        whole("horizon_days", self.horizon_days, 1, 36_500)
        whole("warm_up_days", self.warm_up_days, 0, 36_499, auto=True)
        whole("max_replications", self.max_replications, 2, 10_000)
        whole("workers", self.workers, 1, 4096)
        if not isinstance(self.precision, int | float) or not 0 < self.precision < 1:
            problems.append(
                f"precision: must be between 0 and 1, e.g. 0.05 (given {self.precision!r})"
            )
        if self.progress is not None and not callable(self.progress):
            problems.append(
                f"progress: must be a function called as progress(done, total) (given "
                f"{self.progress!r})"
            )
        if self.scheduler is not None and not _SCHEDULER.fullmatch(str(self.scheduler)):
            problems.append(
                f"scheduler: {self.scheduler!r} is not a scheduler address like tcp://HOST:PORT"
            )
        if problems:
            raise ScenarioError("settings", problems)

    @property
    def auto_replications(self) -> bool:
        """Does the experiment choose the number of replications?"""
        return self.replications == AUTO

    @property
    def auto_warm_up(self) -> bool:
        """Does the experiment choose the warm-up?"""
        return self.warm_up_days == AUTO

    def require_fixed(self, experiment: str) -> None:
        """Raise ScenarioError unless the replications and the warm-up are fixed (not
        ``"auto"``): only a single run chooses them automatically; ``experiment`` (such
        as "a comparison") names the one that needs them fixed."""
        auto = [
            f"{name}: 'auto' is for a single run; {experiment} needs a whole number"
            for name, chosen in (
                ("replications", self.auto_replications),
                ("warm_up_days", self.auto_warm_up),
            )
            if chosen
        ]
        if auto:
            raise ScenarioError("settings", auto)

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (field name -> value), checked again."""
        return dataclasses.replace(self, **changes)

    def run_overrides(self) -> dict[str, int]:
        """The ``[run]`` fields these settings set, as dotted path -> value. An automatic
        warm-up starts from 0 (the pilot runs see the whole horizon)."""
        values: dict[str, int | str | None] = {
            "replications": None if self.auto_replications else self.replications,
            "seed": self.seed,
            "horizon_days": self.horizon_days,
            "warm_up_days": 0 if self.auto_warm_up else self.warm_up_days,
        }
        return {f"run.{name}": int(value) for name, value in values.items() if value is not None}

    def apply(self, scenario: Scenario, names: Mapping[str, str] | None = None) -> Scenario:
        """``scenario`` with the ``[run]`` fields these settings override, validated as
        a whole (a warm-up longer than a new horizon is refused, for instance).

        Args:
            scenario: a validated scenario.
            names: how to name each setting in messages (setting -> name, such as
                ``{"seed": "--seed"}`` on the command line); default the setting's own
                name.

        Raises:
            ScenarioError: the changed scenario breaks a rule; a problem caused by a
                setting says which (``[set by seed]``).
        """
        changes = self.run_overrides()
        if not changes:
            return scenario
        try:
            return with_changes(scenario, changes)
        except ScenarioError as error:
            named = dict(names or {})

            def blame(problem: str) -> str:
                for setting in RUN_FIELDS:
                    if problem.startswith(f"run.{setting}:") and f"run.{setting}" in changes:
                        return f"{problem} [set by {named.get(setting, setting)}]"
                return problem

            raise ScenarioError(
                f"{scenario.run.name} (with the settings)", [blame(p) for p in error.problems]
            ) from None

    def describe(self) -> dict[str, Any]:
        """The settings as JSON-ready data for manifests (``progress`` left out)."""
        return {
            f.name: list(value) if isinstance(value, tuple) else value
            for f in dataclasses.fields(self)
            if f.name != "progress"
            for value in [getattr(self, f.name)]
        }

    @classmethod
    def of(cls, settings: Settings | None = None, **options: Any) -> Settings:
        """``settings`` (default: the defaults) with the keyword ``options`` applied: how
        every experiment accepts settings either as an object or by keyword.

        Raises:
            TypeError: ``settings`` is not a :class:`Settings`, or an option is not a
                setting.
        """
        if settings is not None and not isinstance(settings, Settings):
            raise TypeError(
                f"settings must be a capacity.Settings (given {type(settings).__name__} "
                f"{settings!r}); give a single setting by keyword, such as replications=2"
            )
        unknown = sorted(set(options) - {f.name for f in dataclasses.fields(cls)})
        if unknown:
            allowed = ", ".join(f.name for f in dataclasses.fields(cls))
            raise TypeError(f"unknown setting(s) {unknown}; the settings are: {allowed}")
        base = settings if settings is not None else cls()
        return base.replace(**options) if options else base
