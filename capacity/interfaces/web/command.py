"""``capacity app``: start the web page (Streamlit) on this computer.

The page listens on 127.0.0.1 unless ``--host`` says otherwise, runs headless (no
browser is opened, nothing is asked on the terminal), sends no usage statistics,
accepts uploads of at most 1 MB and shows no program tracebacks in the browser.
"""

from __future__ import annotations

import ipaddress
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from capacity.interfaces.common import (
    DEFAULT_WORKERS,
    EXIT_INTERRUPTED,
    WorkersOption,
    fail,
    warn,
)
from capacity.scenario import ScenarioError, load_scenario

__all__ = ["APP_SCRIPT", "DEFAULT_HOST", "DEFAULT_PORT", "app", "streamlit_command"]

APP_SCRIPT = Path(__file__).resolve().parent / "page.py"
"""The Streamlit script of the page."""

DEFAULT_HOST = "127.0.0.1"
"""Address the page listens on by default: this computer only."""

DEFAULT_PORT = 8501
"""Port the page listens on by default (Streamlit's usual port)."""

_UPLOAD_LIMIT_MB = 1


def streamlit_command(host: str, port: int, scenario: str | None, workers: int) -> list[str]:
    """The command that serves the page: ``python -m streamlit run page.py`` with the
    safe settings (listen on ``host`` only, headless, no usage statistics, no file
    watcher, uploads up to 1 MB, no tracebacks in the browser), then ``--`` and the
    page's own arguments."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_SCRIPT),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.maxUploadSize",
        str(_UPLOAD_LIMIT_MB),
        "--client.showErrorDetails",
        "none",
        "--client.toolbarMode",
        "minimal",
        "--global.developmentMode",
        "false",
        "--",
        "--workers",
        str(workers),
    ]
    if scenario is not None:
        command += ["--scenario", scenario]
    return command


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _port_problem(host: str, port: int) -> str | None:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        return f"--host {host}: not an address of this computer ({error})"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        if sys.platform != "win32":
            # As the server will: a port left in TIME_WAIT by an earlier run is free, one
            # with a listener is not (on Windows the option would allow stealing it).
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            return (
                f"cannot listen on {host}:{port} ({error.strerror or error}); choose another --port"
            )
    return None


def app(
    scenario: Annotated[
        str | None,
        typer.Argument(
            metavar="SCENARIO",
            help="A scenario file (.toml) or bundled scenario to offer first on the page. "
            "Default: the bundled scenarios, office_2011 first.",
            show_default=False,
        ),
    ] = None,
    port: Annotated[
        int,
        typer.Option("--port", min=1, max=65535, help="Port the page listens on."),
    ] = DEFAULT_PORT,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address the page listens on. The default serves this computer only; "
            "0.0.0.0 serves every network this computer is on, to anyone who can reach "
            "it, without a password.",
        ),
    ] = DEFAULT_HOST,
    workers: WorkersOption = DEFAULT_WORKERS,
) -> None:
    r"""Start the web page: try staffing in a browser.

    Needs the optional web-page part of the program: pip install 'capacity\[app]'.
    Open the address it prints; stop it with Ctrl-C.
    """
    try:
        import streamlit  # noqa: F401
    except ImportError:
        fail(
            "the web page needs Streamlit: pip install 'capacity[app]' (from a copy of the "
            "source: pip install -e '.[app]')"
        )
    if scenario is not None:
        try:
            load_scenario(scenario)
        except ScenarioError as error:
            fail(str(error))
        if Path(scenario).is_file():
            scenario = str(Path(scenario).resolve())
    problem = _port_problem(host, port)
    if problem:
        fail(problem)
    if not _is_loopback(host):
        warn(
            f"the page listens on {host}: anyone who can reach this computer on port {port} "
            "can use it and run simulations on it, without a password"
        )
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"The page is at http://{shown}:{port}  (stop it with Ctrl-C)")
    child = subprocess.Popen(streamlit_command(host, port, scenario, workers))

    def stop(signum: int, _frame: object) -> None:
        child.terminate()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        code = child.wait()
    except KeyboardInterrupt:
        # Ctrl-C reached the server too; let it finish shutting down.
        child.wait()
        raise typer.Exit(EXIT_INTERRUPTED) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    if code not in (0, -signal.SIGTERM):
        raise typer.Exit(code if code > 0 else 1)
