"""The web page of ``capacity app``: a Streamlit script.

Pick a scenario (bundled, given to ``capacity app``, or uploaded), change the office
with the controls on the left, run it against the scenario as it is (paired: the same
users in both), read the key figures and the charts over time, and download the
results and the changed scenario. The work is done by
:mod:`capacity.interfaces.web.logic`; this script only lays it out, in the language
chosen on the page (:mod:`capacity.interfaces.web.labels`).

Started by ``capacity app`` as ``streamlit run page.py -- --scenario S --workers N``.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import Any

import streamlit as st

from capacity.experiment import ComparisonResult
from capacity.interfaces.web import labels as words
from capacity.interfaces.web import logic
from capacity.outputs.plots import png_bytes, series_figure
from capacity.scenario import Scenario, ScenarioError
from capacity.scenario.loading import MAX_SCENARIO_BYTES
from capacity.scenario.schema import TASKS

Say = Callable[..., str]

_BASELINE_STYLE = {"color": "tab:gray"}
_CHANGED_STYLE = {"color": "tab:blue"}
_OUTCOME = "outcome"


def _widget(control: logic.Control, scenario_id: str, say: Say, language: str) -> Any:
    key = f"{scenario_id}|{control.path}"
    label = say(control.label, **control.values)
    if control.kind == "choice":
        # A choice box keeps showing its options in the language it was made in, so there
        # is one per language; the choice itself is kept under the language-free key.
        chosen = st.sidebar.selectbox(
            label,
            control.options,
            index=control.options.index(st.session_state.get(key, control.value)),
            format_func=lambda option: say(f"{control.label}_{option}"),
            key=f"{key}|{language}",
        )
        st.session_state[key] = chosen
        return chosen
    help_text = say(control.help, **control.values)
    if control.kind == "float":
        return st.sidebar.number_input(
            label,
            min_value=float(control.low),
            max_value=float(control.high),
            value=float(control.value),
            step=1.0,
            format="%.2f",
            key=key,
            help=help_text,
        )
    return st.sidebar.number_input(
        label,
        min_value=int(control.low),
        max_value=int(control.high),
        value=int(control.value),
        step=1,
        key=key,
        help=help_text,
    )


def _choose_scenario(settings: logic.PageSettings, say: Say) -> tuple[str, Scenario] | None:
    choices = logic.bundled_choices(settings.scenario)
    default = "office_2011" if settings.scenario is None and "office_2011" in choices else None
    name = st.sidebar.selectbox(
        say("scenario"),
        choices,
        index=choices.index(default) if default else 0,
        key="scenario",
        help=say("scenario_help"),
    )
    upload = st.sidebar.file_uploader(
        say("upload"),
        type=["toml"],
        key="upload",
        help=say("upload_help", limit=MAX_SCENARIO_BYTES),
    )
    raw = upload.getvalue() if upload is not None else None
    try:
        base = logic.load_choice(name, raw, upload.name if upload is not None else "upload")
    except ScenarioError as error:
        st.error(say("scenario_invalid") + "\n\n" + "\n".join(f"- {p}" for p in error.problems))
        return None
    return logic.scenario_key(name, raw), base


def _controls(
    base: Scenario, scenario_id: str, say: Say, language: str
) -> tuple[Scenario | None, dict[str, Any], int]:
    """Lays out the controls; returns the changed scenario (None when a rule is broken,
    with the messages shown next to the controls), the changes and the replications."""
    controls = logic.controls_for(base)
    shown: dict[str, Any] = {}
    slots = {}
    for section in ("staff", "org", "inflow", "start"):
        members = [c for c in controls if c.section == section]
        if not members:
            continue
        st.sidebar.subheader(say(f"section_{section}"))
        for control in members:
            shown[control.path] = _widget(control, scenario_id, say, language)
            slots[control.path] = st.sidebar.empty()
    st.sidebar.subheader(say("section_run"))
    replications = int(_widget(logic.replications_control(base), scenario_id, say, language))
    changes = logic.changes_from(controls, shown)
    try:
        changed = logic.changed_scenario(base, changes)
    except ScenarioError as error:
        by_control, general = logic.problems_by_control(error, controls)
        for path, messages in by_control.items():
            slots[path].error("\n\n".join(messages))
        if general:
            st.error(say("scenario_problems") + "\n\n" + "\n".join(f"- {p}" for p in general))
        return None, changes, replications
    for message in changed.compiled.warnings:
        st.sidebar.warning(say("warning", message=message))
    return changed, changes, replications


def _run(
    base: Scenario, changed: Scenario, replications: int, workers: int, say: Say
) -> ComparisonResult | None:
    total = 2 * replications
    bar = st.progress(0.0, text=say("running", done=0, total=total))

    def report(done: int, count: int) -> None:
        bar.progress(done / count, text=say("running", done=done, total=count))

    try:
        return logic.run_comparison(
            base, changed, replications=replications, workers=workers, progress=report
        )
    except ScenarioError as error:
        st.error(say("run_failed", error="; ".join(error.problems)))
    except Exception as error:
        # Whatever went wrong, the page reports it and keeps working.
        st.error(say("run_failed", error=f"{type(error).__name__}: {error}"))
    finally:
        bar.empty()
    return None


def _in_percent(band: Any) -> Any:
    scaled = band.copy()
    scaled[["mean", "ci_low", "ci_high"]] *= 100.0
    return scaled


def _chart(
    result: ComparisonResult,
    columns: list[tuple[str, str, dict[str, str]]],
    *,
    title: str,
    unit: str,
    language: str,
    say: Say,
    offices: tuple[int, ...] = (0, 1),
) -> bytes | None:
    """One chart of daily bands as PNG bytes (None when no series has a value):
    ``columns`` are (time-series column, line label suffix, extra style), each drawn for
    each office in ``offices``."""
    share = unit == "share"
    names = (say("baseline"), say("changed"))
    styles = (_BASELINE_STYLE, _CHANGED_STYLE)
    bands, line_styles = {}, {}
    for column, suffix, extra in columns:
        found = logic.series_bands(result, column, highest=1.0 if share else float("inf"))
        for office in offices:
            band = found[office]
            if band is None:
                continue
            label = f"{names[office]}{suffix}" if len(offices) > 1 else suffix or names[office]
            bands[label] = _in_percent(band) if share else band
            line_styles[label] = {**(styles[office] if len(offices) > 1 else {}), **extra}
    if not bands:
        return None
    figure = series_figure(
        bands,
        title=title,
        unit=words.UNITS.get(unit, (unit, unit))[1 if language == "nb" else 0],
        warm_up_days=result.scenarios[0].run.warm_up_days,
        styles=line_styles,
        x_label=say("date"),
        warm_up_label=say("warm_up"),
    )
    return png_bytes(figure)


def _charts(result: ComparisonResult, language: str, say: Say) -> list[bytes]:
    titles = {key: pair[1 if language == "nb" else 0] for key, pair in words.SERIES_TITLES.items()}
    name = result.scenarios[0].run.name
    drawn = [
        _chart(
            result,
            [("aap_with_valid_plan_share", "", {})],
            title=f"{name}: {titles['aap_with_valid_plan_share']}",
            unit="share",
            language=language,
            say=say,
        ),
        _chart(
            result,
            [
                ("caseload_follow_up_mean", f", {say('mean')}", {}),
                ("caseload_follow_up_max", f", {say('largest')}", {"linestyle": "--"}),
            ],
            title=f"{name}: {titles['caseload_follow_up']}",
            unit="users per caseworker",
            language=language,
            say=say,
        ),
        _chart(
            result,
            [("overdue_contacts", "", {})],
            title=f"{name}: {titles['overdue_contacts']}",
            unit="contacts",
            language=language,
            say=say,
        ),
    ]
    task_names = {t: pair[1 if language == "nb" else 0] for t, pair in words.TASK_NAMES.items()}
    for office, office_name in ((0, say("baseline")), (1, say("changed"))):
        drawn.append(
            _chart(
                result,
                [(f"queue_{task}", task_names[task], {}) for task in TASKS],
                title=f"{name}: {titles['queues'].format(office=office_name)}",
                unit="tasks",
                language=language,
                say=say,
                offices=(office,),
            )
        )
    return [png for png in drawn if png is not None]


def _cards(result: ComparisonResult, language: str, say: Say) -> None:
    shown = logic.cards(result)
    columns = st.columns(3)
    for number, card in enumerate(shown):
        label = words.FIGURES[card.figure].name(language)
        unit = words.UNITS.get(card.unit, (card.unit, card.unit))[1 if language == "nb" else 0]
        # No difference in any replication: no arrow, a plain statement below.
        same = card.difference == 0 and not card.half_width
        with columns[number % 3]:
            st.metric(
                f"{label} ({unit})",
                words.format_number(card.mean, card.unit, language),
                delta=None
                if same
                else words.format_difference(card.difference, card.half_width, card.unit, language),
                # A difference that may be chance is not coloured as good or bad.
                delta_color=("normal" if card.better > 0 else "inverse")
                if card.significant
                else "off",
                border=True,
            )
            st.caption(
                say(
                    "card_interval",
                    low=words.format_number(card.low, card.unit, language),
                    high=words.format_number(card.high, card.unit, language),
                    base=words.format_number(card.base_mean, card.unit, language),
                )
            )
            if same:
                st.caption(say("card_same"))
            elif not card.significant:
                st.caption(say("card_maybe_chance"))


def _downloads(result: ComparisonResult, language: str, say: Say) -> None:
    name = result.scenarios[1].run.name
    st.subheader(say("downloads"))
    left, right = st.columns(2)
    with left:
        st.download_button(
            say("download_comparison"),
            logic.comparison_csv(result, language),
            file_name=f"{name}-comparison.csv",
            mime="text/csv",
            on_click="ignore",
            key="download_comparison",
        )
        st.download_button(
            say("download_summary"),
            logic.summary_csv(result, language),
            file_name=f"{name}-summary.csv",
            mime="text/csv",
            on_click="ignore",
            key="download_summary",
        )
    with right:
        st.download_button(
            say("download_xlsx"),
            # Built only when asked for: a workbook of a long run takes seconds.
            lambda: logic.workbook_file(result),
            file_name=f"{name}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
            key="download_xlsx",
        )
        st.download_button(
            say("download_toml"),
            logic.toml_file(result),
            file_name=f"{name}.toml",
            mime="application/toml",
            on_click="ignore",
            key="download_toml",
        )


def _results(outcome: dict[str, Any], language: str, say: Say) -> None:
    result: ComparisonResult = outcome["result"]
    run = result.scenarios[0].run
    start = run.start_date + dt.timedelta(days=run.warm_up_days)
    st.header(say("results"))
    st.caption(
        say(
            "results_note",
            replications=result.replications,
            start=start.isoformat(),
            end=(run.end_date - dt.timedelta(days=1)).isoformat(),
        )
    )
    changes = outcome["changes"]
    if changes:
        listed = ", ".join(f"{path} = {value}" for path, value in changes.items())
        st.write(say("changes_made", changes=listed))
    else:
        st.write(say("no_changes"))
    _cards(result, language, say)
    for message in result.warnings:
        st.warning(say("warning", message=message))

    st.subheader(say("over_time"))
    st.caption(say("band_note"))
    # Drawing takes a second a chart and the page runs again on every click: each
    # result's charts are drawn once per language and kept with it.
    charts = outcome.setdefault("charts", {})
    if language not in charts:
        charts[language] = _charts(result, language, say)
    for png in charts[language]:
        st.image(png)
    _downloads(result, language, say)


def main(argv: list[str]) -> None:
    """Lay out the page (Streamlit runs this script again on every interaction)."""
    settings = logic.page_settings(argv)
    st.set_page_config(page_title="capacity", layout="wide")
    language = st.sidebar.radio(
        words.TEXT["language"][0],
        list(words.LANGUAGES),
        format_func=lambda code: words.LANGUAGES[code],
        horizontal=True,
        key="language",
    )

    def say(key: str, **values: object) -> str:
        return words.text(key, language, **values)

    st.title(say("title"))
    st.write(say("intro"))
    chosen = _choose_scenario(settings, say)
    if chosen is None:
        return
    scenario_id, base = chosen
    with st.expander(say("scenario_about")):
        st.write(f"**{base.run.name}**: {base.run.description}")
    changed, changes, replications = _controls(base, scenario_id, say, language)
    if changed is None:
        st.sidebar.error(say("fix_first"))
    clicked = st.sidebar.button(say("run"), type="primary", disabled=changed is None, key="run")
    current = {"key": scenario_id, "changes": changes, "replications": replications}
    if clicked and changed is not None:
        result = _run(base, changed, replications, settings.workers, say)
        if result is not None:
            st.session_state[_OUTCOME] = {**current, "result": result}
    outcome = st.session_state.get(_OUTCOME)
    if outcome is None:
        st.info(say("no_results"))
        return
    if any(outcome[k] != v for k, v in current.items()):
        st.warning(say("stale"))
    _results(outcome, language, say)


if __name__ == "__main__":
    # Under ``streamlit run page.py -- ARGS`` the arguments follow the script's path;
    # otherwise (Streamlit's test runner) the process's own arguments are not the page's.
    main(sys.argv[1:] if sys.argv and sys.argv[0].endswith("page.py") else [])
