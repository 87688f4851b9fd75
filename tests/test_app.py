"""The web page: its controls, checks, paired run and downloads (plain Python), its words
in two languages, the launcher's safe defaults, and the page itself run headless with
Streamlit's testing API."""

from __future__ import annotations

import io
import math
import os
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

import capacity
from capacity.interfaces import cli
from capacity.interfaces.web import command as app_cmd
from capacity.interfaces.web import labels as app_labels
from capacity.interfaces.web import logic as app_logic
from capacity.scenario import Scenario, ScenarioError, load_scenario
from capacity.scenario.loading import MAX_SCENARIO_BYTES, load_scenario_bytes

runner = CliRunner()

PAGE_TOML = """\
[run]
name = "page_office"
horizon_days = 90
warm_up_days = 30
replications = 3

[case_types.aap]
aap = true

[streams.aap_claimant]
case_type = "aap"
rate_per_week = 4

[[initial_state]]
case_type = "aap"
stage = "follow_up"
users = 120
with_valid_plan_share = 0.0

[staff.front]
headcount = 1
tasks = ["*.reception"]

[staff.assess]
headcount = 2
tasks = ["aap.assessment", "aap.plan", "aap.disability"]

[staff.follow]
headcount = 1
tasks = ["aap.follow_up", "aap.renewal"]
"""
"""A small office whose 120 converted users start on one follow-up caseworker's caseload
without an activity plan: more follow-up caseworkers make their plans sooner, so the
share with a valid plan rises with the follow-up headcount (a run takes about a second)."""

ONE_TEAM_TOML = (
    PAGE_TOML.replace(
        'tasks = ["aap.assessment", "aap.plan", "aap.disability"]',
        'tasks = ["aap.assessment", "aap.plan", "aap.disability", "aap.follow_up", "aap.renewal"]',
    )
    + '\n[organisation]\nmodel = "specialised"\n'
)
"""The same office with plans and follow-up in one team: split_aap is refused for it."""


@pytest.fixture
def page_file(tmp_path: Path) -> Path:
    path = tmp_path / "page_office.toml"
    path.write_text(PAGE_TOML, encoding="utf-8")
    return path


@pytest.fixture
def page_office(page_file: Path) -> Scenario:
    return load_scenario(page_file)


# ------------------------------------------------------------------ controls


def test_controls_follow_the_schema() -> None:
    """office_2011 offers its five teams' headcounts, the organisation model, cap and
    caseload work, four arrival rates and the conversion group, with the schema's
    ranges."""
    scenario = load_scenario("office_2011")
    controls = {c.path: c for c in app_logic.controls_for(scenario)}
    assert [p for p in controls if p.startswith("staff.")] == [
        f"staff.{team}.headcount" for team in scenario.staff
    ]
    follow_up = controls["staff.follow_up.headcount"]
    assert (follow_up.low, follow_up.high, follow_up.value) == (0, 10_000, 7)
    assert controls["organisation.model"].options == ("generalist", "specialised", "split_aap")
    assert controls["organisation.caseload_cap"].value == 0  # no cap
    assert controls["organisation.caseload_cap"].high == 100_000
    work = controls["organisation.caseload_work"]
    assert (work.options, work.value) == (("personal", "team"), "personal")
    for option in work.options:  # every choice has its text in both languages
        assert f"caseload_work_{option}" in app_labels.TEXT
    rate = controls["streams.aap_claimant.rate_per_week"]
    assert (rate.low, rate.high, rate.value) == (0, 1e5, 12.0)
    conversion = controls["initial_state.0.users"]
    assert (conversion.value, conversion.values["stage"]) == (1650, "follow_up")
    replications = app_logic.replications_control(scenario)
    assert (replications.low, replications.high, replications.value) == (1, 10_000, 20)


def test_changes_are_what_differs(page_office: Scenario) -> None:
    controls = app_logic.controls_for(page_office)
    shown = {
        "staff.follow.headcount": 3,
        "staff.assess.headcount": 2,  # as it was
        "organisation.caseload_cap": 0,  # no cap, as it was
        "streams.aap_claimant.rate_per_week": 4.0,
    }
    assert app_logic.changes_from(controls, shown) == {"staff.follow.headcount": 3}
    capped = app_logic.changes_from(controls, {"organisation.caseload_cap": 50})
    assert capped == {"organisation.caseload_cap": 50}
    changed = app_logic.changed_scenario(page_office, {"staff.follow.headcount": 3})
    assert changed.staff["follow"].headcount == 3
    assert changed.run.name == "page_office_changed"
    assert changed.run.seed == page_office.run.seed


def test_broken_rules_go_next_to_their_control(tmp_path: Path) -> None:
    """split_aap on an office that plans and follows up in one team is refused with the
    command line's message, placed at the organisation model; too many users is a
    problem of the whole scenario."""
    path = tmp_path / "one_team.toml"
    path.write_text(ONE_TEAM_TOML, encoding="utf-8")
    base = load_scenario(path)
    controls = app_logic.controls_for(base)
    with pytest.raises(ScenarioError) as caught:
        app_logic.changed_scenario(
            base,
            {
                "organisation.model": "split_aap",
                # 1,000,000 at the start + 100,000 a week for 90 days: over 2 million.
                "initial_state.0.users": 1_000_000,
                "streams.aap_claimant.rate_per_week": 100_000.0,
            },
        )
    by_control, general = app_logic.problems_by_control(caught.value, controls)
    assert list(by_control) == ["organisation.model"]
    assert by_control["organisation.model"][0].startswith(
        "organisation.model: split_aap needs 'aap.follow_up' in another team than 'aap.plan'"
    )
    assert len(general) == 1
    assert general[0].startswith("(scenario): about")


# ------------------------------------------------------------------ uploads


def test_upload_is_checked_like_a_file(page_office: Scenario) -> None:
    assert load_scenario_bytes(PAGE_TOML.encode(), "up.toml") == page_office
    variant = b'base = "office_2011"\n[staff.follow_up]\nheadcount = 9\n'
    assert load_scenario_bytes(variant, "up.toml").staff["follow_up"].headcount == 9
    refused = {
        b"x" * (MAX_SCENARIO_BYTES + 1): "the limit is",
        b"\xff\xfe": "not UTF-8",
        b"import os\nos.system('true')\n": "not valid TOML",
        b'base = "../../etc/passwd"\n': "is not a bundled scenario",
        b'base = "/tmp/other.toml"\n': "is not a bundled scenario",
        PAGE_TOML.replace("headcount = 1\n", "headcount = -1\n", 1).encode(): (
            "staff.front.headcount"
        ),
    }
    for raw, message in refused.items():
        with pytest.raises(ScenarioError, match=message.replace("(", r"\(")):
            load_scenario_bytes(raw, "up.toml")


# ------------------------------------------------------------------ the run


@pytest.fixture(scope="module")
def paired() -> capacity.ComparisonResult:
    """The page's run: baseline (one follow-up caseworker) against three."""
    base = load_scenario_bytes(PAGE_TOML.encode(), "page_office.toml")
    changed = app_logic.changed_scenario(base, {"staff.follow.headcount": 3})
    return app_logic.run_comparison(base, changed, replications=3)


def test_paired_run_direction(paired: capacity.ComparisonResult) -> None:
    """The same users arrive in both offices (difference exactly 0); with three
    follow-up caseworkers instead of one, more users have a plan and caseloads fall."""
    table = paired.summary.set_index("figure")
    assert table.loc["users_arrived", "difference"] == 0
    assert table.loc["aap_with_valid_plan_share", "ci_low"] > 0
    assert table.loc["caseload_follow_up_mean", "ci_high"] < 0
    shown = {card.figure: card for card in app_logic.cards(paired)}
    plan = shown["aap_with_valid_plan_share"]
    assert plan.significant
    assert plan.better == 1
    assert plan.difference == pytest.approx(plan.mean - plan.base_mean)
    assert list(shown)[:2] == ["aap_with_valid_plan_share", "caseload_follow_up_mean"]
    bands = app_logic.series_bands(paired, "caseload_follow_up_mean")
    assert bands[0] is not None
    assert bands[1] is not None
    # Day 0 is the same for both; by the end the changed office's caseloads are smaller.
    assert bands[1]["mean"].iloc[-1] < bands[0]["mean"].iloc[-1]


def test_downloaded_scenario_reproduces_the_page(
    paired: capacity.ComparisonResult, tmp_path: Path
) -> None:
    """The TOML download is a scenario file that capacity run accepts unchanged and that
    gives exactly the changed office's key figures."""
    path = tmp_path / "changed.toml"
    path.write_text(app_logic.toml_file(paired), encoding="utf-8")
    assert load_scenario(path) == paired.scenarios[1]
    done = runner.invoke(
        cli.app, ["run", str(path), "--workers", "1", "--out", str(tmp_path / "out")]
    )
    assert done.exit_code == 0, done.output
    (folder,) = (tmp_path / "out" / "page_office_changed").iterdir()
    written = pd.read_csv(folder / "summary.csv")
    expected = pd.read_csv(io.BytesIO(app_logic.summary_csv(paired)))
    pd.testing.assert_frame_equal(written, expected)


def test_downloaded_tables(paired: capacity.ComparisonResult) -> None:
    """The CSV downloads in either dialect hold comparison.csv's values; the workbook
    starts with the comparison and holds the changed office's sheets."""
    plain = pd.read_csv(io.BytesIO(app_logic.comparison_csv(paired, "en")))
    nb = pd.read_csv(
        io.BytesIO(app_logic.comparison_csv(paired, "nb")),
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
    )
    pd.testing.assert_frame_equal(plain, nb)
    assert plain["difference"].tolist() == pytest.approx(
        paired.summary["difference"].tolist(), rel=1e-9, nan_ok=True
    )
    book = openpyxl.load_workbook(io.BytesIO(app_logic.workbook_file(paired)), read_only=True)
    assert book.sheetnames == ["comparison", "summary", "time series", "caseloads", "parameters"]


# ------------------------------------------------------------------ words


def test_norwegian_labels_use_nav_terms() -> None:
    """Wherever an English label names a glossary term, the Norwegian one uses NAV's term
    for it (e.g. caseworker -> veileder, caseload -> portefølje)."""
    pairs = list(app_labels.TEXT.values())
    pairs += [(f.en, f.nb) for f in app_labels.FIGURES.values()]
    pairs += list(app_labels.SERIES_TITLES.values()) + list(app_labels.TASK_NAMES.values())
    checked = 0
    for english, norwegian in pairs:
        for term, nav_terms in app_labels.GLOSSARY.items():
            if term in english.lower():
                checked += 1
                assert any(t in norwegian.lower() for t in nav_terms), (term, norwegian)
    assert checked > 30


def test_every_text_has_both_languages_and_the_same_fields() -> None:
    import string

    for key, (english, norwegian) in app_labels.TEXT.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(english) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(norwegian) if f}, key
        assert english
        assert norwegian


def test_numbers_in_each_language() -> None:
    fmt, diff = app_labels.format_number, app_labels.format_difference
    assert fmt(0.5842, "share", "en") == "58.4 %"
    assert fmt(0.5842, "share", "nb") == "58,4 %"
    assert fmt(1419.4, "users", "en") == "1,419"
    assert fmt(1419.4, "users", "nb") == "1\u202f419"
    assert fmt(41.1, "days", "nb") == "41,1"
    assert fmt(math.nan, "days", "en") == "–"
    assert diff(0.3903, 0.01126, "share", "en") == "+39.0 pp ± 1.1"
    assert diff(-48.04, 0.6855, "users per caseworker", "nb") == "-48,0 ± 0,69"


# ------------------------------------------------------------------ launcher


def test_launcher_is_safe_by_default(monkeypatch: pytest.MonkeyPatch, page_file: Path) -> None:
    """capacity app serves 127.0.0.1, headless, without usage statistics, with 1 MB
    uploads; the scenario given is checked first and passed on."""
    started: list[list[str]] = []

    class Server:
        def __init__(self, command: list[str]) -> None:
            started.append(command)

        def wait(self) -> int:
            return 0

    monkeypatch.setattr(app_cmd.subprocess, "Popen", Server)
    done = runner.invoke(cli.app, ["app", str(page_file), "--port", "8599", "--workers", "2"])
    assert done.exit_code == 0, done.output
    assert "http://127.0.0.1:8599" in done.output
    (command,) = started
    options = dict(zip(command[5::2], command[6::2], strict=False))
    assert command[1:5] == ["-m", "streamlit", "run", str(app_cmd.APP_SCRIPT)]
    assert options["--server.address"] == "127.0.0.1"
    assert options["--server.headless"] == "true"
    assert options["--browser.gatherUsageStats"] == "false"
    assert options["--server.maxUploadSize"] == "1"
    assert command[command.index("--") + 1 :] == [
        "--workers",
        "2",
        "--scenario",
        str(page_file.resolve()),
    ]


def test_launcher_refuses_bad_input(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(app_cmd.subprocess, "Popen", lambda *a, **k: pytest.fail("started"))
    bad = tmp_path / "bad.toml"
    bad.write_text("[run\n", encoding="utf-8")
    done = runner.invoke(cli.app, ["app", str(bad)])
    assert done.exit_code == 2
    assert "not valid TOML" in done.output
    done = runner.invoke(cli.app, ["app", "--port", "0"])
    assert done.exit_code == 2


def test_launcher_warns_when_exposed(monkeypatch: pytest.MonkeyPatch) -> None:
    class Server:
        def __init__(self, command: list[str]) -> None:
            pass

        def wait(self) -> int:
            return 0

    monkeypatch.setattr(app_cmd.subprocess, "Popen", Server)
    done = runner.invoke(cli.app, ["app", "--host", "0.0.0.0", "--port", "8598"])
    assert done.exit_code == 0, done.output
    assert "without a password" in done.output


# ------------------------------------------------------------------ the page, headless


def _streamlit_testing():
    try:
        from streamlit.testing.v1 import AppTest
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("Streamlit is not installed (pip install -e '.[app]')")
    return AppTest


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch, page_file: Path):
    """The page as ``capacity app page_office.toml --workers 1`` serves it."""
    app_test = _streamlit_testing()
    monkeypatch.setattr(
        sys, "argv", [str(app_cmd.APP_SCRIPT), "--scenario", str(page_file), "--workers", "1"]
    )
    page = app_test.from_file(str(app_cmd.APP_SCRIPT), default_timeout=300)
    page.run()
    assert not page.exception
    return page, f"file:{page_file}"


def test_page_headcount_raises_the_plan_share(page) -> None:
    """More follow-up caseworkers, Run: the card for the share with a plan shows the
    changed office's value above the baseline, in green (significant, higher is better)."""
    at, scenario_id = page
    assert at.title[0].value == "Try the staffing of a NAV office"
    assert at.info[0].value.startswith("No results yet")
    at.number_input(key=f"{scenario_id}|staff.follow.headcount").set_value(3)
    at.number_input(key=f"{scenario_id}|run.replications").set_value(3)
    at.button(key="run").click()
    at.run()
    assert not at.exception
    assert not at.error
    result = at.session_state["outcome"]["result"]
    table = result.summary.set_index("figure")
    assert table.loc["aap_with_valid_plan_share", "ci_low"] > 0
    card = at.metric[0]
    assert card.label.startswith("AAP recipients with a valid activity plan")
    assert card.delta.startswith("+")
    share = table.loc["aap_with_valid_plan_share", "alt_mean"]
    assert card.value == app_labels.format_number(share, "share", "en")
    assert [b.label for b in at.get("download_button")] == [
        app_labels.text(k, "en")
        for k in ("download_comparison", "download_summary", "download_xlsx", "download_toml")
    ]

    at.radio(key="language").set_value("nb")
    at.run()
    assert at.title[0].value == "Prøv bemanningen ved et NAV-kontor"
    assert at.metric[0].label.startswith("AAP-mottakere med gyldig aktivitetsplan")
    assert at.metric[0].value == app_labels.format_number(share, "share", "nb")

    at.number_input(key=f"{scenario_id}|staff.follow.headcount").set_value(2)
    at.run()
    assert at.warning[0].value.startswith("Innstillingene er endret")


def test_page_shows_broken_rules_and_failed_runs(
    page, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A refused change shows the command line's message and disables Run; a run that
    fails shows its error and the page keeps working."""
    at, scenario_id = page
    # 1,000,000 users at the start and 100,000 a week: more than a replication holds.
    at.number_input(key=f"{scenario_id}|initial_state.0.users").set_value(1_000_000)
    at.number_input(key=f"{scenario_id}|streams.aap_claimant.rate_per_week").set_value(1e5)
    at.run()
    assert any("users would enter in one replication" in e.value for e in at.error)
    assert at.button(key="run").disabled

    at.number_input(key=f"{scenario_id}|initial_state.0.users").set_value(120)
    at.run()
    assert not at.error
    assert not at.button(key="run").disabled

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(app_logic, "run_comparison", broken)
    at.button(key="run").click()
    at.run()
    assert not at.exception
    assert at.error[0].value == "The run failed: OSError: disk on fire"
    assert "outcome" not in at.session_state
