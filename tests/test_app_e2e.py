"""The web page end to end, in a real browser: ``capacity app`` serves it on a free local
port, Chromium (the system's own, driven by Playwright) uploads a scenario file (first
a broken one), changes the headcount, runs, and reads the key figure against the
baseline. A screenshot is kept in ``test-artifacts/``.

Outside CI the test is skipped when Playwright or /usr/bin/chromium is missing; with
the CI variable set it fails instead, since CI installs both.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_app import PAGE_TOML

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_START_ATTEMPTS = 600  # of 0.2 s: the server normally answers within a few seconds
_PAGE_WAIT_MS = 180_000


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what}; CI must provide it (see .ci/run)")
    pytest.skip(what)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``capacity app`` on a free port of 127.0.0.1; yields its address once it answers,
    and stops it (and only it) afterwards."""
    port = _free_port()
    log = (tmp_path / "server.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from capacity.interfaces.cli import main; main()",
            "app",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(_START_ATTEMPTS):
            if process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{address}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        else:
            pytest.fail("capacity app did not answer")
        if process.poll() is not None:
            log.flush()
            pytest.fail(
                "capacity app stopped: " + (tmp_path / "server.log").read_text(encoding="utf-8")
            )
        yield address
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def _percent(text: str) -> float:
    """The number of a share as the page writes it in English (``58.4 %``)."""
    match = re.search(r"(-?[\d.]+)\s*%", text)
    assert match, text
    return float(match.group(1))


def test_change_headcount_and_run_in_a_browser(server: str, tmp_path: Path) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.is_file():
        _missing(f"{CHROMIUM} is missing (Debian package 'chromium')")

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh profile for every run
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 1100},
        )
        try:
            page = context.new_page()
            page.set_default_timeout(_PAGE_WAIT_MS)
            page.goto(server)
            page.get_by_text("Try the staffing of a NAV office").wait_for()
            page.get_by_text("No results yet").wait_for()

            # An uploaded file is checked as capacity run checks one: a broken one is
            # refused with the command line's message; a good one replaces it.
            broken = tmp_path / "broken.toml"
            broken.write_text(PAGE_TOML.replace("headcount = 1\n", "headcount = -1\n", 1))
            upload = page.get_by_test_id("stFileUploaderDropzoneInput")
            upload.set_input_files(str(broken))
            page.get_by_text("This scenario cannot be used").wait_for()
            page.get_by_text("staff.front.headcount").wait_for()
            good = tmp_path / "page_office.toml"
            good.write_text(PAGE_TOML, encoding="utf-8")
            upload.set_input_files(str(good))

            headcount = page.get_by_role("spinbutton", name="Team follow (people)")
            assert headcount.input_value() == "1"
            headcount.fill("3")
            headcount.press("Enter")
            replications = page.get_by_role("spinbutton", name="Replications")
            replications.fill("3")
            replications.press("Enter")
            page.get_by_role("button", name="Run", exact=True).click()

            page.get_by_text("Changed: staff.follow.headcount = 3").wait_for()
            card = page.get_by_test_id("stMetric").filter(
                has_text="AAP recipients with a valid activity plan"
            )
            card.wait_for()
            value = _percent(card.get_by_test_id("stMetricValue").inner_text())
            delta = card.get_by_test_id("stMetricDelta").inner_text()
            caption = page.get_by_text(re.compile(r"^95 % CI .* baseline")).first.inner_text()
            baseline = _percent(caption.split("baseline", 1)[1])
            page.get_by_test_id("stImage").first.wait_for()  # the first chart over time
            page.screenshot(path=str(ARTIFACTS / "app_e2e.png"))
        finally:
            context.close()

    # Three follow-up caseworkers instead of one make the converted users' plans sooner.
    assert 0 <= baseline < value <= 100
    assert delta.lstrip().startswith("+")
    assert (ARTIFACTS / "app_e2e.png").stat().st_size > 10_000
