"""The markdown report of a benchmark run (``results.md``), from the rows of
``results.csv`` and the agreement checks."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import pandas as pd

from benchmarks.agreement import METRICS, Check

__all__ = ["fmt", "write_markdown"]

TARGET_RATIO_SIMPY = 2.0
"""Target: the model takes at most this many times bare SimPy's time per completed user."""
TARGET_OFFICE_YEAR_SECONDS = 1.0
"""Target: one office-year of office_2011 in under this many seconds on one core."""
TARGET_SPEED_UP_TWO_CORES = 1.8
"""Target: speed-up of experiments on two cores."""


def fmt(value: float) -> str:
    """A number for a table: whole numbers as such, others to about three significant
    digits, thousands separated; '-' for NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    size = abs(value)
    if float(value).is_integer() and size < 1000:
        return str(int(value))
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 0.01 or size == 0:
        return f"{value:.3g}" if size < 1 else f"{value:.2f}"
    return f"{value:.2e}"


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _get(
    table: pd.DataFrame, section: str, case: str, engine: str, metric: str
) -> pd.Series | None:
    hit = table[
        (table.section == section)
        & (table.case == case)
        & (table.engine == engine)
        & (table.metric == metric)
    ]
    return None if hit.empty else hit.iloc[0]


def _median(table: pd.DataFrame, section: str, case: str, engine: str, metric: str) -> float:
    row = _get(table, section, case, engine, metric)
    return math.nan if row is None else float(row["median"])


def _spread(table: pd.DataFrame, section: str, case: str, engine: str, metric: str) -> str:
    row = _get(table, section, case, engine, metric)
    if row is None:
        return "-"
    if row["repeats"] and row["repeats"] > 1:
        return f"{fmt(row['median'])} ({fmt(row['low'])}-{fmt(row['high'])})"
    return fmt(row["median"])


def _equal_work(table: pd.DataFrame) -> list[str]:
    part = table[table.section == "equal_work"]
    if part.empty:
        return []
    rows = []
    for case in dict.fromkeys(part.case):
        for engine in dict.fromkeys(part[part.case == case].engine):
            ratio = _get(table, "equal_work", case, engine, "model_time_ratio")
            ratio_text = "-"
            if ratio is not None:
                ratio_text = _spread(table, "equal_work", case, engine, "model_time_ratio")
                if str(ratio["verdict"]).startswith("void"):
                    ratio_text += " (void)"
            rows.append(
                [
                    case,
                    engine,
                    fmt(_median(table, "equal_work", case, engine, "completed_users")),
                    _spread(table, "equal_work", case, engine, "seconds"),
                    _spread(table, "equal_work", case, engine, "users_per_second"),
                    fmt(_median(table, "equal_work", case, engine, "events_per_second")),
                    fmt(_median(table, "equal_work", case, engine, "engine_events_per_user")),
                    fmt(_median(table, "equal_work", case, engine, "peak_rss_mb")),
                    ratio_text,
                ]
            )
    header = [
        "network",
        "engine",
        "users completed",
        "CPU seconds",
        "users/s",
        "events/s",
        "engine events/user",
        "peak RSS MiB",
        "model time / engine time per user",
    ]
    return [
        "## Equal work: the model beside bare SimPy and Ciw",
        "",
        *_table(header, rows),
        "",
        "Median over the repeats, (min-max) where there are several. Events are counted the "
        "same way for every engine: one per arrival, service start and service completion. "
        "Engine events: events scheduled in SimPy (model and bare SimPy; Ciw has no such "
        "count). Peak RSS: the whole measuring process, imports included. The ratio is the "
        "model's time per completed user over the engine's, paired within each repeat; "
        "below 1 the model is faster. The model pauses Python's cycle collector while a "
        "replication runs (part of its design); bare SimPy and Ciw run with Python's "
        "defaults.",
        "",
    ]


def _agreement(checks: list[Check]) -> list[str]:
    if not checks:
        return []
    engines = sorted({c.first for c in checks} | {c.second for c in checks} - {"exact"})
    header = ["network", "station", "metric", "exact", *engines, "verdict"]
    rows = []
    keys = dict.fromkeys((c.network, c.station, c.metric) for c in checks)
    for network, station, metric in keys:
        key = (network, station, metric)
        group = [c for c in checks if (c.network, c.station, c.metric) == key]
        exact = next(c.second_value for c in group if c.second == "exact")
        values = {c.first: c.first_value for c in group if c.second == "exact"}
        failed = [f"{c.first} vs {c.second}" for c in group if not c.agrees]
        verdict = "agree" if not failed else "DIFFER: " + ", ".join(failed)
        rows.append(
            [
                network,
                station,
                METRICS[metric],
                fmt(exact),
                *[fmt(values.get(e, math.nan)) for e in engines],
                verdict,
            ]
        )
    return [
        "## Agreement (the comparison is void where the engines differ)",
        "",
        *_table(header, rows),
        "",
        "Exact: Erlang C at each station's arrival rate (Jackson's theorem). Engine values "
        "pool batch means over all repeats. A check passes when the exact value, or the "
        "other engine's value, lies inside a Bonferroni-corrected interval (1 % chance of "
        "any false alarm per network).",
        "",
    ]


def _office_year(table: pd.DataFrame) -> list[str]:
    part = table[table.section == "office_year"]
    if part.empty:
        return []
    rows = []
    for case in dict.fromkeys(part.case):

        def get(metric: str, case: str = case) -> float:
            return _median(table, "office_year", case, "model", metric)

        rows.append(
            [
                case,
                fmt(get("simulated_days")),
                fmt(get("users_arrived")),
                fmt(get("max_users_in_office")),
                fmt(get("caseworkers")),
                _spread(table, "office_year", case, "model", "seconds"),
                fmt(get("engine_events_per_second")),
                fmt(get("peak_rss_mb")),
                fmt(get("traced_peak_mb")),
                fmt(get("bytes_per_user")),
                fmt(get("time_vs_smallest")),
                fmt(get("users_vs_smallest")),
            ]
        )
    header = [
        "office",
        "days",
        "users arrived",
        "most users at once",
        "caseworkers",
        "CPU seconds",
        "SimPy events/s",
        "peak RSS MiB",
        "traced peak MiB",
        "bytes per user",
        "time vs 1x",
        "users vs 1x",
    ]
    return [
        "## Office-years",
        "",
        *_table(header, rows),
        "",
        "One simulated year (365 days) of each bundled office (of an office with a dated "
        "change past its first year, its own horizon) and of office_2011 scaled to k "
        "times its arrivals, initial users and staff (`office_2011_xk`), one replication, "
        "key figures and time series included. Traced peak: Python memory at its highest "
        "during the run (tracemalloc, a separate untimed run); bytes per user: that peak "
        "over the most users in the office at once (it includes the run's records, which "
        "grow with time). `office_2011_side_by_side_n`: replications 0 to n-1 of "
        "office_2011 (one year) side by side in one SimPy environment, each office on its "
        "own (the control for the growth with size: as many users in one process as "
        "office_2011_xn, with no office larger than office_2011); not traced.",
        "",
    ]


def _throughput(table: pd.DataFrame) -> list[str]:
    part = table[table.section == "throughput"]
    if part.empty:
        return []
    rows = []
    for case in dict.fromkeys(part.case):
        rows.append(
            [
                case.replace("_", " "),
                fmt(_median(table, "throughput", case, "model", "replications")),
                _spread(table, "throughput", case, "model", "seconds"),
                _spread(table, "throughput", case, "model", "replications_per_minute"),
                _spread(table, "throughput", case, "model", "cpu_seconds_per_replication"),
                _spread(table, "throughput", case, "model", "cores_used"),
                _spread(table, "throughput", case, "model", "speed_up"),
                _spread(table, "throughput", case, "model", "machine_speed_up"),
                _spread(table, "throughput", case, "model", "share_of_machine_speed_up"),
            ]
        )
    header = [
        "workers",
        "replications",
        "wall seconds",
        "replications/min",
        "CPU seconds per replication",
        "cores used",
        "speed-up",
        "machine's speed-up",
        "share of it",
    ]
    return [
        "## Experiment throughput (office_2011)",
        "",
        *_table(header, rows),
        "",
        "`capacity.run(office_2011, replications=N, workers=W)`, pool start-up included. "
        "CPU seconds per replication: the run's CPU time, the parent's and the workers' "
        "together, over its replications (what the work cost, however many cores it got); "
        "cores used: that CPU time over the wall-clock time. "
        "Machine's speed-up: the same number of workers running a fixed pure-Python loop "
        "right after, which shows how much of the cores other work left free; share of it: "
        "the experiments' speed-up over the machine's.",
        "",
    ]


def _slope(table: pd.DataFrame, case: str) -> float:
    """Exponent b of time ~ users^b from office_2011_x1 to ``case``; NaN if unknown."""
    time = _median(table, "office_year", case, "model", "time_vs_smallest")
    users = _median(table, "office_year", case, "model", "users_vs_smallest")
    if math.isnan(time) or math.isnan(users) or users <= 1:
        return math.nan
    return math.log(time) / math.log(users)


def _growth(table: pd.DataFrame, status: Callable[[bool], str]) -> list[str]:
    """The target line on growth with size, and beside it the control: as many users in
    copies of office_2011 side by side, which no office's size can explain."""
    part = table[(table.section == "office_year") & (table.metric == "time_vs_smallest")]
    scaled = [c for c in part.case if c.startswith("office_2011_x")]
    if not scaled:
        return []
    largest = scaled[-1]
    slope = _slope(table, largest)
    if math.isnan(slope):
        return []
    line = (
        f"- cost growth with size: time grows as users^{slope:.2f} up to {largest} "
        f"(target: no faster than linear, exponent <= 1): {status(slope <= 1.05)}"
    )
    controls = [c for c in part.case if c.startswith("office_2011_side_by_side")]
    ratio = _median(table, "office_year", largest, "model", "time_per_user_vs_side_by_side")
    if controls and not math.isnan(ratio):
        copies = controls[0].rsplit("_", 1)[-1]
        line += (
            f"; {copies} copies of office_2011 side by side in one process (as many users, "
            f"no office larger) grow as users^{_slope(table, controls[0]):.2f}, and "
            f"{largest} takes {fmt(ratio)} times their time per user"
        )
        line += (
            ": the growth comes with the number of users simulated at once, not with the "
            "office's size"
            if ratio <= 1.05
            else ": the office's size adds to what simulating that many users costs"
        )
    return [line]


def _targets(table: pd.DataFrame) -> list[str]:
    lines = []

    def status(ok: bool) -> str:
        return "met" if ok else "not met"

    for case in ("mmc", "four_stage"):
        ratio = _median(table, "equal_work", case, "simpy", "model_time_ratio")
        if not math.isnan(ratio):
            ok = status(ratio <= TARGET_RATIO_SIMPY)
            lines.append(
                f"- {case}: model time per user {fmt(ratio)}x bare SimPy's "
                f"(target at most {TARGET_RATIO_SIMPY:g}x): {ok}"
            )
        ratio = _median(table, "equal_work", case, "ciw", "model_time_ratio")
        if not math.isnan(ratio):
            lines.append(
                f"- {case}: model time per user {fmt(ratio)}x Ciw's "
                f"(target below 1x): {status(ratio < 1)}"
            )
    seconds = _median(table, "office_year", "office_2011", "model", "seconds")
    if not math.isnan(seconds):
        lines.append(
            f"- office_2011 office-year: {fmt(seconds)} s "
            f"(target under {TARGET_OFFICE_YEAR_SECONDS:g} s): "
            f"{status(seconds < TARGET_OFFICE_YEAR_SECONDS)}"
        )
    lines += _growth(table, status)
    speed = table[(table.section == "throughput") & (table.metric == "speed_up")]
    room = table[(table.section == "throughput") & (table.metric == "machine_speed_up")]
    if not speed.empty:
        value = float(speed.iloc[0]["median"])
        lines.append(
            f"- experiments on {speed.iloc[0]['case'].split('_')[0]} cores: "
            f"speed-up {fmt(value)} (target at least {TARGET_SPEED_UP_TWO_CORES:g} on 2 "
            f"cores): {status(value >= TARGET_SPEED_UP_TWO_CORES)}"
            + (
                f"; a pure-Python loop got {fmt(float(room.iloc[0]['median']))} on the same "
                "cores at the time"
                if not room.empty
                else ""
            )
        )
    return ["## Targets", "", *lines, ""] if lines else []


def write_markdown(
    table: pd.DataFrame, checks: list[Check], machine: dict[str, str], *, quick: bool = False
) -> str:
    """The whole report as markdown text."""
    command = "python -m benchmarks" + (" --quick" if quick else "")
    lines = [
        "# Benchmark results",
        "",
        f"Made by `{command}`. Timings are CPU seconds of the measuring process (the "
        "throughput of experiments: wall-clock seconds) on the machine below; it may be "
        "shared with other work, so the numbers are indicative and the paired ratios are more "
        "trustworthy than the absolute times.",
        "",
        *_table(["machine", ""], [[k, v] for k, v in machine.items()]),
        "",
    ]
    if quick:
        lines += ["**Quick run: small sizes, few repeats; a smoke test, not a measurement.**", ""]
    lines += _targets(table)
    lines += _equal_work(table)
    lines += _agreement(checks)
    lines += _office_year(table)
    lines += _throughput(table)
    return "\n".join(lines).rstrip() + "\n"
