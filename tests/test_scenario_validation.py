"""Scenario validation: every problem is reported with its dotted path, what was given
and what is allowed; the bundled scenarios are valid."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from capacity.model.entities import geometric_from_uniform
from capacity.scenario import (
    ScenarioError,
    bundled_scenarios,
    load_scenario,
    parse_scenario,
    parse_value,
    scenario_to_toml,
    with_changes,
)
from capacity.scenario.distributions import Empirical, Gamma, Lognormal, Triangular
from capacity.scenario.loading import BUNDLED_DIR as BUNDLED
from capacity.scenario.loading import read_scenario_data

BASE = read_scenario_data("office_2011")


def _problems(**edits) -> list[str]:
    data = copy.deepcopy(BASE)
    for path, value in edits.items():
        node = data
        parts = path.split("__")
        for part in parts[:-1]:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[parts[-1]] = value
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "test")
    return info.value.problems


def test_every_bundled_scenario_is_valid() -> None:
    """Every bundled scenario loads without error, the checks' scenarios among them."""
    names = bundled_scenarios()
    assert {
        "office_2011",
        "office_2011_generalist",
        "office_2011_reorganised",
        "rural_4500",
        "mmc_check",
        "tandem_check",
        "loop_check",
    } <= set(names)
    for name in names:
        load_scenario(name)


def test_unknown_key_is_named() -> None:
    (problem,) = _problems(staff__follow_up__head_count=3)
    assert problem.startswith("staff.follow_up.head_count: unknown key")


def test_negative_rate_names_field_value_and_bound() -> None:
    (problem,) = _problems(streams__aap_claimant__rate_per_week=-2)
    assert problem.startswith("streams.aap_claimant.rate_per_week:")
    assert "greater than or equal to 0" in problem
    assert "-2" in problem


def test_shares_not_summing_to_one() -> None:
    (problem,) = _problems(
        streams__job_seeker__effort_group_shares={"standard": 0.5, "situational": 0.2}
    )
    assert problem.startswith("streams.job_seeker.effort_group_shares:")
    assert "sum to 1" in problem


def test_date_outside_horizon() -> None:
    (problem,) = _problems(streams__aap_claimant__batches=[{"date": "2013-01-01", "users": 5}])
    assert problem.startswith("streams.aap_claimant.batches.0.date:")
    assert "outside the horizon 2010-03-01 .. 2011-07-01" in problem


def test_all_problems_are_reported_at_once() -> None:
    problems = _problems(run__horizon_days=0, staff__reception__fte=2.0)
    assert {p.split(":")[0] for p in problems} == {"run.horizon_days", "staff.reception.fte"}


def test_task_pattern_and_coverage_rules() -> None:
    (bad,) = _problems(staff__follow_up__tasks=["aap.followup"])
    assert bad.startswith("staff.follow_up.tasks.0: 'aap.followup'")
    assert "follow_up" in bad
    uncovered = _problems(staff__follow_up__tasks=["aap.follow_up", "aap.renewal"])
    assert any("no team does 'aap.disability'" in p for p in uncovered)


def test_split_aap_needs_follow_up_in_its_own_team() -> None:
    problems = _problems(
        staff__assessment_plan__tasks=["aap.assessment", "aap.plan", "aap.follow_up"],
        staff__follow_up__tasks=["aap.renewal", "aap.disability"],
    )
    assert any(p.startswith("organisation.model: split_aap") for p in problems)


def test_bad_distribution_name_lists_the_allowed_ones() -> None:
    (problem,) = _problems(case_types__aap__plan__work_hours={"dist": "normal", "mean": 1})
    assert problem.startswith("case_types.aap.plan.work_hours:")
    assert "lognormal" in problem


@pytest.mark.parametrize(
    "dist",
    [
        Lognormal(mean=2.0, cv=0.5),
        Gamma(mean=3.0, cv=0.8),
        Triangular(low=1, mode=2, high=6),
        Empirical(values=[1, 2, 10], weights=[1, 1, 2]),
    ],
)
def test_distributions_have_their_stated_mean(dist) -> None:
    """200,000 draws: the sample mean is within 1 % of the stated mean (5.75 for the
    empirical case: (1 + 2 + 2 * 10) / 4)."""
    rng = np.random.default_rng(7)
    assert dist.sample_many(rng, 200_000).mean() == pytest.approx(dist.mean, rel=0.01)


def test_cards_to_first_flag_are_geometric() -> None:
    """Drawing the number of cards up to the first flagged one from one uniform has the
    geometric mean 1 / p (p = 0.05: 20 cards) and P(1) = p."""
    rng = np.random.default_rng(3)
    draws = np.array([geometric_from_uniform(u, 0.05) for u in rng.random(100_000)])
    assert draws.mean() == pytest.approx(20, rel=0.02)
    assert (draws == 1).mean() == pytest.approx(0.05, abs=0.003)


def test_wrong_types_are_refused_not_converted() -> None:
    """'7' is not a headcount, true is not an FTE, 400.0 is not a whole number of days."""
    problems = _problems(
        staff__follow_up__headcount="7", staff__follow_up__fte=True, run__horizon_days=400.0
    )
    assert {p.split(":")[0] for p in problems} == {
        "staff.follow_up.headcount",
        "staff.follow_up.fte",
        "run.horizon_days",
    }


def test_dates_may_be_quoted() -> None:
    data = copy.deepcopy(BASE)
    data["run"]["start_date"] = "2010-03-01"
    assert parse_scenario(data).run.start_date.isoformat() == "2010-03-01"


def test_offered_users_beyond_the_limit_are_refused() -> None:
    """100,000 a week for 487 days (6,957,143) plus the other streams' 38 a week
    (2,644) and the 1,650 initial users: 6,961,437 users, more than the 2 million one
    replication may hold."""
    (problem,) = _problems(streams__aap_claimant__rate_per_week=100_000)
    assert "about 6,961,437 users" in problem


def test_a_base_file_is_merged_but_distributions_and_shares_are_replaced(tmp_path) -> None:
    """A variant replaces a distribution (another dist type) and a shares table whole,
    and changes one headcount; everything else comes from the base."""
    (tmp_path / "v.toml").write_text(
        'base = "office_2011"\n[run]\nname = "v"\n'
        '[case_types.aap.reception]\nwork_hours = { dist = "fixed", value = 0.5 }\n'
        "[streams.aap_claimant]\neffort_group_shares = { standard = 1.0 }\n"
        "[staff.follow_up]\nheadcount = 9\n",
        encoding="utf-8",
    )
    variant = load_scenario(tmp_path / "v.toml")
    base = load_scenario("office_2011")
    assert variant.case_types["aap"].reception.work_hours.mean == 0.5
    assert dict(variant.streams["aap_claimant"].effort_group_shares) == {"standard": 1.0}
    assert variant.staff["follow_up"].headcount == 9
    assert variant.staff["follow_up"].tasks == base.staff["follow_up"].tasks
    assert variant.case_types["aap"].plan == base.case_types["aap"].plan


def test_a_missing_or_circular_base_is_named(tmp_path) -> None:
    (tmp_path / "a.toml").write_text('base = "nowhere.toml"\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "a.toml")
    assert info.value.problems[0].startswith("base: 'nowhere.toml' cannot be used")
    (tmp_path / "b.toml").write_text('base = "b.toml"\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "b.toml")


def test_a_folder_is_not_a_scenario(tmp_path) -> None:
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario(tmp_path)


def test_changes_by_dotted_path() -> None:
    """with_changes sets fields by their paths and validates the result; an unknown path
    names the allowed fields."""
    base = load_scenario("office_2011")
    changed = with_changes(
        base,
        {
            "staff.follow_up.headcount": 9,
            "organisation.model": "specialised",
            "initial_state.0.users": parse_value("100"),
        },
    )
    assert changed.staff["follow_up"].headcount == 9
    assert changed.organisation.model == "specialised"
    assert changed.initial_state[0].users == 100
    assert base.staff["follow_up"].headcount == 7  # the original is unchanged
    with pytest.raises(ScenarioError) as info:
        with_changes(base, {"staff.follow_up.head_count": 9})
    assert "'head_count' is not a field of staff.follow_up" in info.value.problems[0]
    with pytest.raises(ScenarioError) as info:
        with_changes(base, {"staff.follow_up.headcount": -1})
    assert info.value.problems[0].startswith("staff.follow_up.headcount:")


def test_scenario_written_back_as_toml_loads_unchanged(tmp_path) -> None:
    for name in bundled_scenarios():
        scenario = load_scenario(name)
        (tmp_path / "s.toml").write_text(scenario_to_toml(scenario), encoding="utf-8")
        assert load_scenario(tmp_path / "s.toml") == scenario


def test_small_rules_name_their_field() -> None:
    """A weekday listed twice, NaN as a rate, and a plan share for users before
    follow-up are each refused with their path."""
    assert _problems(calendar__working_weekdays=["mon", "mon"])[0].startswith(
        "calendar.working_weekdays: each weekday may be listed once"
    )
    assert _problems(streams__aap_claimant__rate_per_week=float("nan"))[0].startswith(
        "streams.aap_claimant.rate_per_week: Input should be a finite number"
    )
    data_path = "initial_state__0__stage"
    problems = _problems(**{data_path: "plan"})
    assert problems[0].startswith("initial_state.0.with_valid_plan_share: applies only")


def test_sweep_specifications_refuse_non_numbers_and_run_settings() -> None:
    from capacity.experiment.vary import parse_variation, scenarios_for_points

    for spec in (
        "staff.follow_up.headcount=inf:inf",
        "staff.follow_up.headcount=nan:1",
        "staff.follow_up.headcount=0:1:1e-300",
    ):
        with pytest.raises(ScenarioError):
            parse_variation(spec)
    assert parse_variation("staff.follow_up.headcount=6:9").values == (6, 7, 8, 9)
    with pytest.raises(ScenarioError, match="run settings cannot be varied"):
        scenarios_for_points(load_scenario("office_2011"), [{"run.horizon_days": 100}])


def test_a_folder_named_like_a_bundled_scenario_does_not_hide_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Running from a folder that holds results/rural_4500/ (or a folder rural_4500)
    still finds the bundled scenario by its bare name."""
    from capacity.scenario import load_scenario

    (tmp_path / "rural_4500").mkdir()
    monkeypatch.chdir(tmp_path)
    assert load_scenario("rural_4500").run.name == "rural_4500"


def test_a_scenario_file_may_start_with_a_byte_order_mark(tmp_path: Path) -> None:
    from capacity.scenario import load_scenario

    text = (BUNDLED / "mmc_check.toml").read_text(encoding="utf-8")
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_scenario(path) == load_scenario("mmc_check")
