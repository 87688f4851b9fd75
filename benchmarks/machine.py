"""A description of the machine and software the benchmarks ran on."""

from __future__ import annotations

import datetime as dt
import os
import platform
from importlib import metadata
from pathlib import Path

__all__ = ["PACKAGES", "describe_machine", "usable_cores"]

PACKAGES: tuple[str, ...] = ("capacity", "simpy", "numpy", "scipy", "pandas", "pydantic", "ciw")
"""Packages whose versions are recorded."""


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    return None


def describe_machine() -> dict[str, str]:
    """Key-value lines: date, CPU model, cores, memory, load, OS, Python and packages."""
    info = {
        "date (UTC)": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "CPU": _cpu_model(),
        "cores": f"{usable_cores()} usable of {os.cpu_count()}",
    }
    memory = _memory_gb()
    if memory is not None:
        info["memory"] = f"{memory:.1f} GiB"
    if hasattr(os, "getloadavg"):
        info["load average at start"] = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    info["OS"] = platform.platform()
    info["Python"] = f"{platform.python_implementation()} {platform.python_version()}"
    for name in PACKAGES:
        try:
            info[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info[name] = "not installed"
    return info
