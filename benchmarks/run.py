"""Run the benchmark suite: ``python -m benchmarks [--quick] [--repeats N] [--out DIR]``.

Every measurement is a subprocess of this command (:mod:`benchmarks.measure`). Within a
repeat each compared engine (or office, or worker count) runs once; the order
alternates from one repeat to the next, so a machine that slows down or speeds up
during the run does not favour one side. Timings are reported as the median and the
range (min-max) over the repeats; ratios are taken within each repeat first. Seconds
are CPU seconds of the measuring process (every simulation runs in one thread, and CPU
time is steadier than wall-clock time on a shared machine), except for the throughput of
experiments, which runs on several cores and is timed by the wall clock.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.agreement import METRICS, Check, agreement_checks, pooled
from benchmarks.machine import describe_machine, usable_cores
from benchmarks.networks import NETWORKS, exact_waits
from benchmarks.offices import bundled_offices
from benchmarks.report import write_markdown
from capacity.outputs.writer import CSV_OPTIONS

__all__ = ["COLUMNS", "Settings", "main", "run_suite"]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

COLUMNS = (
    "section",
    "case",
    "engine",
    "metric",
    "unit",
    "median",
    "low",
    "high",
    "spread",
    "repeats",
    "verdict",
)
"""Columns of ``results.csv``. ``low`` and ``high`` are the min and max over the repeats
(``spread`` = ``min-max``) or a confidence interval (``spread`` names it)."""


@dataclass
class Settings:
    """Sizes of one run of the suite."""

    repeats: int = 5
    mmc_users: int = 100_000
    four_stage_users: int = 50_000
    office_repeats: int = 5
    scales: tuple[int, ...] = (1, 4, 16)
    side_by_side: int = 16
    """Copies of office_2011 simulated side by side in one environment (0: none), the
    control for the growth with size."""
    throughput_repeats: int = 3
    throughput_replications: int = 0
    """Replications per throughput measurement; 0 means four per usable core."""
    throughput_horizon_days: int = 0
    """Horizon of the throughput runs; 0 means office_2011's own."""
    sections: tuple[str, ...] = ("equal_work", "office_year", "throughput")
    engines: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def quick(cls) -> Settings:
        """A smoke run: small sizes, few repeats, offices scaled 1x and 2x only."""
        return cls(
            repeats=2,
            mmc_users=10_000,
            four_stage_users=5_000,
            office_repeats=1,
            scales=(1, 2),
            side_by_side=2,
            throughput_repeats=1,
            throughput_replications=usable_cores(),
            throughput_horizon_days=60,
        )


def _engines() -> tuple[str, ...]:
    try:
        import ciw  # noqa: F401
    except ImportError:
        print(
            "Ciw is not installed (pip install -e '.[bench]'): comparing with SimPy only.",
            file=sys.stderr,
        )
        return ("model", "simpy")
    return ("model", "simpy", "ciw")


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    """Run one measurement in a new Python process and return its result.

    Raises RuntimeError with the subprocess's error output when it fails.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.measure", json.dumps(job)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"measurement {job} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _alternating(items: Sequence[Any], repeat: int) -> list[Any]:
    return list(items) if repeat % 2 == 0 else list(reversed(items))


def _row(
    section: str,
    case: str,
    engine: str,
    metric: str,
    unit: str,
    values: Sequence[float],
    verdict: str = "",
) -> dict[str, Any]:
    clean = [v for v in values if v is not None and not math.isnan(v)]
    if not clean:
        median = low = high = math.nan
    else:
        median, low, high = float(np.median(clean)), float(min(clean)), float(max(clean))
    return {
        "section": section,
        "case": case,
        "engine": engine,
        "metric": metric,
        "unit": unit,
        "median": median,
        "low": low,
        "high": high,
        "spread": "min-max",
        "repeats": len(clean),
        "verdict": verdict,
    }


Log = Callable[[str], None]


def _equal_work(settings: Settings, log: Log) -> tuple[list[dict[str, Any]], list[Check]]:
    rows: list[dict[str, Any]] = []
    checks: list[Check] = []
    users = {"mmc": settings.mmc_users, "four_stage": settings.four_stage_users}
    for name, network in NETWORKS.items():
        runs: dict[str, list[dict[str, Any]]] = {e: [] for e in settings.engines}
        for repeat in range(settings.repeats):
            for engine in _alternating(settings.engines, repeat):
                job = {
                    "kind": "network",
                    "engine": engine,
                    "network": name,
                    "users": users[name],
                    "seed": repeat + 1,
                }
                result = run_job(job)
                runs[engine].append(result)
                log(f"{name} {engine} repeat {repeat + 1}: {result['seconds']:.2f} s")
        estimates = {
            engine: {
                station.name: {
                    metric: pooled([r["batches"][station.name][metric] for r in results])
                    for metric in METRICS
                }
                for station in network.stations
            }
            for engine, results in runs.items()
        }
        case_checks = agreement_checks(name, exact_waits(network), estimates)
        checks += case_checks
        agrees = all(c.agrees for c in case_checks)
        for engine, results in runs.items():
            per_user = [r["seconds"] / r["completed_users"] for r in results]
            metrics = {
                "seconds": ("s", [r["seconds"] for r in results]),
                "wall_seconds": ("s", [r["wall_seconds"] for r in results]),
                "completed_users": ("users", [r["completed_users"] for r in results]),
                "users_per_second": ("users/s", [1 / p for p in per_user]),
                "events_per_second": ("events/s", [r["events"] / r["seconds"] for r in results]),
                "engine_events_per_user": (
                    "events/user",
                    [(r["engine_events"] or math.nan) / r["completed_users"] for r in results],
                ),
                "peak_rss_mb": ("MiB", [r["peak_rss_mb"] for r in results]),
                "rss_growth_mb": ("MiB", [r["rss_growth_mb"] for r in results]),
                "microseconds_per_user": ("us/user", [1e6 * p for p in per_user]),
            }
            rows += [
                _row("equal_work", name, engine, metric, unit, values)
                for metric, (unit, values) in metrics.items()
            ]
            if engine != "model":
                model = [r["seconds"] / r["completed_users"] for r in runs["model"]]
                ratios = [m / p for m, p in zip(model, per_user, strict=True)]
                verdict = "valid" if agrees else "void: the engines disagree"
                rows.append(
                    _row("equal_work", name, engine, "model_time_ratio", "x", ratios, verdict)
                )
    return rows, checks


def _check_rows(checks: list[Check]) -> list[dict[str, Any]]:
    return [
        {
            "section": "agreement",
            "case": c.network,
            "engine": f"{c.first} vs {c.second}",
            "metric": f"{c.metric}:{c.station}",
            "unit": "hours" if c.metric == "wq_hours" else "share",
            "median": c.difference,
            "low": c.low,
            "high": c.high,
            "spread": "Bonferroni interval of the difference",
            "repeats": math.nan,
            "verdict": "agrees" if c.agrees else "DISAGREES",
        }
        for c in checks
    ]


def _office_year(settings: Settings, log: Log) -> list[dict[str, Any]]:
    cases: list[tuple[str, dict[str, Any]]] = [
        (office, {"office": office, "scale": 0}) for office in bundled_offices()
    ]
    cases += [(f"office_2011_x{k}", {"office": "office_2011", "scale": k}) for k in settings.scales]
    if settings.side_by_side > 1 and settings.scales:
        copies = settings.side_by_side
        spec = {"office": "office_2011", "scale": settings.scales[0], "copies": copies}
        cases.append((side_by_side_case(settings), spec))
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in cases}
    for repeat in range(settings.office_repeats):
        for name, spec in _alternating(cases, repeat):
            result = run_job({"kind": "office", "seed": repeat, **spec})
            runs[name].append(result)
            log(f"office-year {name} repeat {repeat + 1}: {result['seconds']:.2f} s")
    traced = {}
    for name, spec in cases:
        if spec.get("copies", 1) > 1:
            continue  # its memory is that many offices'; tracing would only add time
        traced[name] = run_job({"kind": "office", "seed": 0, "trace": True, **spec})
        log(f"office-year {name} traced: {traced[name]['traced_peak_mb']:.1f} MiB")
    rows: list[dict[str, Any]] = []
    base = f"office_2011_x{settings.scales[0]}" if settings.scales else None
    for name, results in runs.items():
        trace = traced.get(name, {"traced_peak_mb": math.nan, "max_users_in_office": 1})
        metrics = {
            "seconds": ("s", [r["seconds"] for r in results]),
            "wall_seconds": ("s", [r["wall_seconds"] for r in results]),
            "simulated_days": ("days", [r["simulated_days"] for r in results]),
            "users_arrived": ("users", [r["users_arrived"] for r in results]),
            "max_users_in_office": ("users", [r["max_users_in_office"] for r in results]),
            "caseworkers": ("people", [r["caseworkers"] for r in results]),
            "engine_events_per_second": (
                "events/s",
                [r["engine_events"] / r["seconds"] for r in results],
            ),
            "peak_rss_mb": ("MiB", [r["peak_rss_mb"] for r in results]),
            "traced_peak_mb": ("MiB", [trace["traced_peak_mb"]]),
            "bytes_per_user": (
                "bytes",
                [trace["traced_peak_mb"] * 2**20 / trace["max_users_in_office"]],
            ),
        }
        if base is not None and name.startswith(("office_2011_x", "office_2011_side")):
            pairs = list(zip(results, runs[base], strict=True))
            metrics["time_vs_smallest"] = ("x", [r["seconds"] / b["seconds"] for r, b in pairs])
            metrics["users_vs_smallest"] = (
                "x",
                [r["users_arrived"] / b["users_arrived"] for r, b in pairs],
            )
        control = side_by_side_case(settings)
        if name == f"office_2011_x{settings.side_by_side}" and control in runs:
            # Per user, since the two need not have had exactly the same arrivals.
            per_user = [
                (r["seconds"] / r["users_arrived"]) / (c["seconds"] / c["users_arrived"])
                for r, c in zip(results, runs[control], strict=True)
            ]
            metrics["time_per_user_vs_side_by_side"] = ("x", per_user)
        rows += [
            _row("office_year", name, "model", metric, unit, values)
            for metric, (unit, values) in metrics.items()
        ]
    return rows


def side_by_side_case(settings: Settings) -> str:
    """Name of the office-year case with copies of office_2011 side by side."""
    return f"office_2011_side_by_side_{settings.side_by_side}"


def _throughput(settings: Settings, log: Log) -> list[dict[str, Any]]:
    cores = usable_cores()
    replications = settings.throughput_replications or 4 * cores
    counts = sorted({1, cores})
    runs: dict[int, list[dict[str, Any]]] = {w: [] for w in counts}
    machine: dict[int, list[dict[str, Any]]] = {w: [] for w in counts}
    for repeat in range(settings.throughput_repeats):
        for workers in _alternating(counts, repeat):
            job = {
                "kind": "throughput",
                "workers": workers,
                "replications": replications,
                "horizon_days": settings.throughput_horizon_days,
            }
            result = run_job(job)
            runs[workers].append(result)
            log(f"throughput {workers} worker(s) repeat {repeat + 1}: {result['seconds']:.2f} s")
            check = run_job({"kind": "machine", "workers": workers, "units": 4 * cores})
            machine[workers].append(check)
            log(f"machine check {workers} worker(s) repeat {repeat + 1}: {check['seconds']:.2f} s")
    rows: list[dict[str, Any]] = []
    for workers, results in runs.items():
        case = f"{workers}_worker" + ("s" if workers > 1 else "")
        metrics = {
            "seconds": ("s", [r["seconds"] for r in results]),
            "replications": ("replications", [r["replications"] for r in results]),
            "replications_per_minute": ("1/min", [r["replications_per_minute"] for r in results]),
            # What the run cost in CPU time, however many cores it got: on a shared
            # machine this tells the work done apart from the cores other work left free.
            "cpu_seconds_per_replication": (
                "s",
                [r["cpu_seconds"] / r["replications"] for r in results],
            ),
            "cores_used": ("cores", [r["cpu_seconds"] / r["seconds"] for r in results]),
        }
        if workers > 1:
            speed_up = [
                r["replications_per_minute"] / s["replications_per_minute"]
                for r, s in zip(results, runs[1], strict=True)
            ]
            room = [
                m["units_per_minute"] / s["units_per_minute"]
                for m, s in zip(machine[workers], machine[1], strict=True)
            ]
            metrics["speed_up"] = ("x", speed_up)
            metrics["machine_speed_up"] = ("x", room)
            metrics["share_of_machine_speed_up"] = (
                "share",
                [a / b for a, b in zip(speed_up, room, strict=True)],
            )
        rows += [
            _row("throughput", case, "model", metric, unit, values)
            for metric, (unit, values) in metrics.items()
        ]
    return rows


def run_suite(settings: Settings, log: Log) -> tuple[pd.DataFrame, list[Check]]:
    """Run the chosen sections; return the rows of ``results.csv`` and the agreement
    checks."""
    rows: list[dict[str, Any]] = []
    checks: list[Check] = []
    if "equal_work" in settings.sections:
        work_rows, checks = _equal_work(settings, log)
        rows += work_rows + _check_rows(checks)
    if "office_year" in settings.sections:
        rows += _office_year(settings, log)
    if "throughput" in settings.sections:
        rows += _throughput(settings, log)
    return pd.DataFrame(rows, columns=list(COLUMNS)), checks


def _write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    partial = path.with_name(f".{path.name}.partial")
    write(partial)
    os.replace(partial, path)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code (1 when the engines disagree)."""
    all_sections = ",".join(Settings().sections)
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="Benchmarks.")
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats (smoke)")
    parser.add_argument("--repeats", type=int, help="repeats of the equal-work comparison")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the results")
    parser.add_argument("--sections", default=all_sections, help=f"some of {all_sections}")
    args = parser.parse_args(argv)
    settings = Settings.quick() if args.quick else Settings()
    if args.repeats is not None:
        if args.repeats < 1:
            parser.error("--repeats must be at least 1")
        settings.repeats = args.repeats
    sections = tuple(s.strip() for s in args.sections.split(",") if s.strip())
    unknown = sorted(set(sections) - set(Settings().sections))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)} (allowed: {all_sections})")
    settings.sections = sections
    settings.engines = _engines()

    machine = describe_machine()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    table, checks = run_suite(settings, log)
    args.out.mkdir(parents=True, exist_ok=True)
    _write_atomic(args.out / "results.csv", lambda p: table.to_csv(p, **CSV_OPTIONS))
    markdown = write_markdown(table, checks, machine, quick=args.quick)
    _write_atomic(args.out / "results.md", lambda p: _write_text(p, markdown))
    print(markdown)
    print(f"Results saved in: {args.out / 'results.csv'} and {args.out / 'results.md'}")
    return 0 if all(c.agrees for c in checks) else 1
