"""Combining replications: order, shapes, summary statistics, warnings, progress."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from capacity.experiment import SUMMARY_COLUMNS, run_experiment
from capacity.experiment import runner as runner_module
from capacity.experiment.runner import summary_rows
from capacity.model import ReplicationResult, figure_catalogue
from capacity.scenario import Scenario


def _fake_replication(scenario: Scenario, replication: int, record_events: bool = False):
    """Every figure equals replication + 1, except the first, which is NaN in
    replication 0; warnings overlap between replications."""
    names = [spec.name for spec in figure_catalogue(scenario)]
    figures = {name: float(replication + 1) for name in names}
    figures[names[0]] = math.nan if replication == 0 else 10.0
    timeseries = pd.DataFrame(
        {"day": [0, 1], "date": ["2010-03-01", "2010-03-02"], "x": [replication, replication]}
    )
    events = pd.DataFrame({"user": [replication]}) if record_events else None
    warnings = ("a", "b") if replication % 2 == 0 else ("b", "c")
    return ReplicationResult(replication, figures, timeseries, events, warnings)


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace the model by :func:`_fake_replication` (sequential runs only)."""
    monkeypatch.setattr(runner_module, "run_replication", _fake_replication)


@pytest.mark.usefixtures("fake_model")
def test_summary_statistics_from_known_values(tiny: Scenario) -> None:
    """Five replications give values 1..5 for each figure, so mean 3 and the interval
    3 ± 1.963243 (t_{0.975,4} * sqrt(2.5) / sqrt(5)), cut at 1 for shares; the first
    figure is NaN in one
    replication and 10 in the other four, so it counts 4 replications, mean 10, width 0."""
    result = run_experiment(tiny, replications=5)
    summary = result.summary
    assert tuple(summary.columns) == SUMMARY_COLUMNS
    assert list(summary["name"]) == [spec.name for spec in figure_catalogue(tiny)]
    assert list(summary["unit"]) == [spec.unit for spec in figure_catalogue(tiny)]
    first = summary.iloc[0]
    assert (first["mean"], first["ci_low"], first["ci_high"]) == (10.0, 10.0, 10.0)
    assert first["replications"] == 4
    rest = summary.iloc[1:]
    assert (rest["replications"] == 5).all()
    shares = rest["unit"] == "share"
    assert shares.any()
    others = rest[~shares]
    assert others["mean"].to_numpy() == pytest.approx(3.0)
    assert others["ci_low"].to_numpy() == pytest.approx(3.0 - 1.9632431614775572)
    assert others["ci_high"].to_numpy() == pytest.approx(3.0 + 1.9632431614775572)
    # Shares cannot exceed 1, so (with these made-up values) their mean and interval
    # are cut there.
    for column in ("mean", "ci_low", "ci_high"):
        assert rest.loc[shares, column].to_numpy() == pytest.approx(1.0)


@pytest.mark.usefixtures("fake_model")
def test_intervals_are_cut_at_zero(tiny: Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    """Values 0, 0, 0, 0, 5 (mean 1, half-width t_{0.975,4} * sqrt(5) / sqrt(5) =
    2.776445) would give a negative lower bound; no figure can be negative, so it is 0."""

    def skewed(scenario: Scenario, replication: int, record_events: bool = False):
        base = _fake_replication(scenario, replication, record_events)
        value = 5.0 if replication == 4 else 0.0
        return ReplicationResult(
            replication, dict.fromkeys(base.figures, value), base.timeseries, None, ()
        )

    monkeypatch.setattr(runner_module, "run_replication", skewed)
    summary = run_experiment(tiny, replications=5).summary
    waits = summary[summary["unit"] == "days"]
    assert waits["mean"].to_numpy() == pytest.approx(1.0)
    assert waits["ci_low"].to_numpy() == pytest.approx(0.0)
    assert waits["ci_high"].to_numpy() == pytest.approx(1.0 + 2.7764451051977987)


@pytest.mark.usefixtures("fake_model")
def test_tables_are_stacked_in_replication_order(tiny: Scenario) -> None:
    """Three replications of a two-day series: six rows, replications 0,0,1,1,2,2, and
    ``replication`` is the first column; figures has one row per replication."""
    result = run_experiment(tiny, replications=3, record_events=True)
    assert list(result.timeseries.columns) == ["replication", "day", "date", "x"]
    assert list(result.timeseries["replication"]) == [0, 0, 1, 1, 2, 2]
    assert list(result.timeseries["x"]) == [0, 0, 1, 1, 2, 2]
    assert result.events is not None
    assert list(result.events.columns) == ["replication", "user"]
    assert list(result.events["replication"]) == [0, 1, 2]
    assert list(result.figures["replication"]) == [0, 1, 2]
    assert list(result.figures.columns[1:]) == [s.name for s in figure_catalogue(tiny)]
    assert result.replications == 3


@pytest.mark.usefixtures("fake_model")
def test_warnings_are_deduplicated_in_order(tiny: Scenario) -> None:
    """Warnings (a, b), (b, c), (a, b) become (a, b, c): each once, first seen first."""
    assert run_experiment(tiny, replications=3).warnings == ("a", "b", "c")


@pytest.mark.usefixtures("fake_model")
def test_events_absent_unless_recorded(tiny: Scenario) -> None:
    """Without record_events the events table is None."""
    assert run_experiment(tiny, replications=2).events is None


@pytest.mark.usefixtures("fake_model")
def test_progress_reports_each_replication(tiny: Scenario) -> None:
    """Four replications call progress(1, 4) .. progress(4, 4), in that order."""
    calls: list[tuple[int, int]] = []
    run_experiment(tiny, replications=4, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_replications_default_to_the_scenario(tiny: Scenario) -> None:
    """The tiny scenario asks for 2 replications; the time series has 2 * 30 days rows."""
    result = run_experiment(tiny)
    assert result.replications == 2
    assert len(result.timeseries) == 2 * 30
    assert result.started_at is not None
    assert result.finished_at is not None
    assert result.finished_at >= result.started_at
    assert result.wall_seconds >= 0


def test_worker_count_does_not_change_results(tiny: Scenario) -> None:
    """Replications are deterministic and re-ordered, so 1 and 2 workers give equal tables."""
    one = run_experiment(tiny, replications=3, workers=1, record_events=True)
    two = run_experiment(tiny, replications=3, workers=2, record_events=True)
    pd.testing.assert_frame_equal(one.summary, two.summary)
    pd.testing.assert_frame_equal(one.timeseries, two.timeseries)
    pd.testing.assert_frame_equal(one.figures, two.figures)
    assert one.events is not None
    assert two.events is not None
    pd.testing.assert_frame_equal(one.events, two.events)
    assert one.warnings == two.warnings


@pytest.mark.parametrize(("replications", "workers"), [(0, 1), (2, 0)])
def test_counts_below_one_are_refused(tiny: Scenario, replications: int, workers: int) -> None:
    """Zero replications or zero workers cannot run: a ScenarioError (a ValueError)
    naming the setting and its range."""
    with pytest.raises(ValueError, match="must be a whole number 1"):
        run_experiment(tiny, replications=replications, workers=workers)


def test_package_alias(tiny: Scenario) -> None:
    """capacity.run is run_experiment."""
    import capacity

    assert capacity.run is run_experiment


def test_a_mean_a_rounding_error_past_its_bound_is_cut_with_its_interval(
    tiny: Scenario,
) -> None:
    """A share summed in floating point can come out at 1 + 4e-15 in every replication (a
    saturated team's utilisation): the mean is cut at 1 like its interval, so it lies
    inside it (a chart's error bars would otherwise be negative)."""
    over = 1.0 + 4e-15
    rows = {row[0]: row for row in summary_rows(tiny, {"aap_with_valid_plan_share": [over] * 3})}
    _, unit, mean, low, high, count = rows["aap_with_valid_plan_share"]
    assert unit == "share"
    assert (mean, high, count) == (1.0, 1.0, 3)
    assert low <= mean <= high


def test_the_folder_holds_what_recomputes_every_interval(tiny: Scenario, tmp_path: Path) -> None:
    """figures.csv has every replication's key figures: its mean and Student-t interval
    of a figure (t_{0.975,2} = 4.302653) are summary.csv's to the digits written."""
    folder = run_experiment(tiny, replications=3).save(tmp_path)
    figures = pd.read_csv(folder / "figures.csv")
    summary = pd.read_csv(folder / "summary.csv").set_index("name")
    assert list(figures["replication"]) == [0, 1, 2]
    values = figures["wait_assessment_days_mean"]
    half = 4.302652729911275 * values.std(ddof=1) / math.sqrt(3)
    row = summary.loc["wait_assessment_days_mean"]
    assert row["mean"] == pytest.approx(values.mean(), rel=1e-9)
    assert row["ci_low"] == pytest.approx(max(0.0, values.mean() - half), rel=1e-9)
    assert row["ci_high"] == pytest.approx(values.mean() + half, rel=1e-9)
