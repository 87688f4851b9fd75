"""Working time: when each caseworker can do case work.

The clock is in hours since midnight of ``run.start_date`` (time 0). On a day a
caseworker is on duty, case work runs from ``opening_hour`` for ``hours_per_day * fte *
case_work_share`` hours, as one window; outside windows nobody works. Days are closed on
weekdays not worked, on Norwegian public holidays, during a person's absence spells,
and, in summer weeks, for the part of each team on leave (who is away rotates by person
so that ``summer_staffing_share`` of the team is on duty each week). With
``always_open`` every day is one 24-hour window and holidays and summer do not apply.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from capacity.scenario.distributions import Distribution
    from capacity.scenario.schema import Calendar, Team

__all__ = ["DutyCalendar"]

HOURS_PER_DAY = 24.0
EPS = 1e-9
"""Hours: a time this close to the end of a window counts as past it (guards rounding)."""


def _summer_duty(calendar: Calendar, iso_weeks: np.ndarray, index: int, size: int) -> np.ndarray:
    """Days on duty by the summer rotation: in a summer week, the person at ``index`` of
    ``size`` is on duty when (index + week) mod size < round(share x size)."""
    on = np.ones(len(iso_weeks), dtype=bool)
    if calendar.always_open or not calendar.summer_weeks or size == 0:
        return on
    on_duty_count = round(calendar.summer_staffing_share * size)
    summer = np.isin(iso_weeks, calendar.summer_weeks)
    on[summer] = (index + iso_weeks[summer]) % size < on_duty_count
    return on


def _absence(team: Team, days: int, rng: np.random.Generator) -> np.ndarray:
    """Absent days as a two-state Markov chain with the team's long-run absence share and
    mean spell length (geometric spells), or, with ``absence_spell_length_days``, as spells
    of whole days from that distribution starting on each present day with probability
    share / (share + E[L] (1 - share)), which gives the long-run share."""
    absent = np.zeros(days, dtype=bool)
    share = team.absence_share
    if share <= 0:
        return absent
    if team.absence_spell_length_days is not None:
        return _absence_spells(team, share, days, rng)
    p_end = 1.0 / team.absence_spell_days
    p_start = min(1.0, share * p_end / (1.0 - share))
    u = rng.random(days)
    state = bool(rng.random() < share)
    for d in range(days):
        absent[d] = state
        state = (u[d] >= p_end) if state else (u[d] < p_start)
    return absent


def _cut(
    starts: list[float], ends: list[float], outages: Sequence[tuple[float, float]]
) -> tuple[list[float], list[float]]:
    """Windows minus the outage intervals (both sorted and disjoint)."""
    new_starts: list[float] = []
    new_ends: list[float] = []
    j = 0
    for s, e in zip(starts, ends, strict=True):
        while j < len(outages) and outages[j][1] <= s:
            j += 1
        k = j
        while s < e - EPS:
            if k < len(outages) and outages[k][0] < e:
                o_start, o_end = outages[k]
                if o_start > s + EPS:
                    new_starts.append(s)
                    new_ends.append(o_start)
                s = max(s, o_end)
                k += 1
            else:
                new_starts.append(s)
                new_ends.append(e)
                break
    return new_starts, new_ends


def _hours_by_day(starts: list[float], ends: list[float], days: int) -> np.ndarray:
    hours = np.zeros(days)
    for s, e in zip(starts, ends, strict=True):
        day = int(s // HOURS_PER_DAY)
        if day < days:
            hours[day] += e - s
    return hours


_SPELL_MEANS: dict[str, float] = {}


def _whole_day_mean(lengths: Distribution) -> float:
    """E[max(1, ceil(X))] for spell lengths X, from 200,000 draws of a fixed generator
    (deterministic; accurate to well under 1 %), cached per distribution."""
    key = lengths.model_dump_json()
    if key not in _SPELL_MEANS:
        draws = lengths.sample_many(np.random.default_rng(0), 200_000)
        _SPELL_MEANS[key] = float(np.maximum(1.0, np.ceil(draws)).mean())
    return _SPELL_MEANS[key]


def _absence_spells(team: Team, share: float, days: int, rng: np.random.Generator) -> np.ndarray:
    lengths = team.absence_spell_length_days
    assert lengths is not None
    absent = np.zeros(days, dtype=bool)
    p_start = share / (share + _whole_day_mean(lengths) * (1.0 - share))
    u = rng.random(days)
    spell_lengths = np.maximum(1, np.ceil(lengths.sample_many(rng, days)).astype(np.int64))
    d = spell = 0
    while d < days:
        if u[d] < p_start:
            length = int(spell_lengths[spell])
            spell += 1
            absent[d : d + length] = True
            d += length
        else:
            d += 1
    return absent


class DutyCalendar:
    """The case-work windows of one caseworker over the horizon.

    Args:
        calendar: the scenario's calendar settings.
        team: the configured team the person comes from (FTE, case-work share, absence).
        open_days: is the office open on day d, bool shape (days,)
            (:attr:`capacity.scenario.compiled.CompiledScenario.open_days`).
        iso_weeks: ISO week of day d, shape (days,) (for the summer weeks).
        index, team_size: the person's position in their team and the team's size (for
            the summer rotation).
        rng: the person's absence stream.
        employed: days the person is employed, bool shape (days,); default every day.
        fte: FTE per day, shape (days,); default ``team.fte`` every day.
        reduction_hours: case-work hours per day given to other duties (mentoring),
            shape (days,); a window never becomes shorter than zero.
        extra_absence: further absent days (absence waves), bool shape (days,).
        outages: office-wide (start, end) hour intervals with no case work (IT down),
            sorted and disjoint; they cut windows.
    """

    __slots__ = ("_ends", "_starts", "absent", "day_hours")

    def __init__(
        self,
        calendar: Calendar,
        team: Team,
        open_days: np.ndarray,
        iso_weeks: np.ndarray,
        index: int,
        team_size: int,
        rng: np.random.Generator,
        *,
        employed: np.ndarray | None = None,
        fte: np.ndarray | None = None,
        reduction_hours: np.ndarray | None = None,
        extra_absence: np.ndarray | None = None,
        outages: Sequence[tuple[float, float]] = (),
    ):
        days = len(open_days)
        on = open_days & _summer_duty(calendar, iso_weeks, index, team_size)
        absent = _absence(team, days, rng)
        if extra_absence is not None:
            absent |= extra_absence
        self.absent = absent
        """Days the person is absent (spells and waves), bool shape (days,)."""
        on &= ~absent
        if employed is not None:
            on &= employed
        fte_days = np.full(days, team.fte) if fte is None else fte
        if calendar.always_open:
            start, full_day = 0.0, HOURS_PER_DAY
        else:
            start, full_day = calendar.opening_hour, calendar.hours_per_day
        length = full_day * fte_days * team.case_work_share
        if reduction_hours is not None:
            length = np.maximum(0.0, length - reduction_hours)
        on &= length > 0
        duty = np.flatnonzero(on)
        starts = [float(d) * HOURS_PER_DAY + start for d in duty]
        ends = [s + float(length[d]) for s, d in zip(starts, duty, strict=True)]
        day_hours = np.where(on, length, 0.0)
        if outages:
            starts, ends = _cut(starts, ends, outages)
            day_hours = _hours_by_day(starts, ends, days)
        self._starts = starts
        self._ends = ends
        self.day_hours = day_hours
        """Case-work hours on duty per day, shape (days,)."""

    def on_duty(self, t: float) -> bool:
        """Is ``t`` (hours) inside a window? Windows are closed at the start, open at the end."""
        i = bisect.bisect_right(self._starts, t) - 1
        return i >= 0 and t < self._ends[i] - EPS

    def window_end(self, t: float) -> float:
        """End of the window containing ``t``; call only when :meth:`on_duty` is true."""
        return self._ends[bisect.bisect_right(self._starts, t) - 1]

    def next_start(self, t: float) -> float | None:
        """Earliest time >= ``t`` inside a window (``t`` itself when on duty), or None when
        no window is left in the horizon."""
        i = bisect.bisect_right(self._starts, t) - 1
        if i >= 0 and t < self._ends[i] - EPS:
            return t
        if i + 1 < len(self._starts):
            return self._starts[i + 1]
        return None
