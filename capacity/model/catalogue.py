"""The names, units and definitions of every key figure and daily measure.

One place for the vocabulary of results: the model fills these names, the outputs write
them, and README documents them from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from capacity.model.disturbances import disturbance_specs
from capacity.model.result import FigureSpec

if TYPE_CHECKING:
    from capacity.scenario.schema import Scenario

__all__ = [
    "AAP_EXIT_REASONS",
    "COHORT_YEARS",
    "DAYS_PER_YEAR",
    "EXIT_REASONS",
    "STOCK_STAGES",
    "cohort_figure",
    "cohort_years",
    "figure_catalogue",
    "timeseries_columns",
]

EXIT_REASONS: tuple[str, ...] = (
    "work",
    "disability",
    "sanction",
    "other",
    "max_period",
    "job_seeker",
    "rejected",
    "completed",
)
"""Why users leave: the four exit hazards, the end of the maximum benefit period, job
seeker status at the maximum period, a rejected claim, and the end of the pathway (last
stage done). A sanction also follows repeated missed meetings."""

AAP_EXIT_REASONS: tuple[str, ...] = tuple(r for r in EXIT_REASONS if r != "rejected")
"""Why AAP recipients leave: every exit reason but a rejected claim (a rejected claimant
never received the benefit)."""

DAYS_PER_YEAR = 365.25
"""Days in a year, as the per-year figures count them."""

COHORT_YEARS: tuple[int, ...] = (1, 2, 3, 4)
"""Years after the grant at which the share still on AAP is reported (the maximum
period was four years from 2010 and three from 2018)."""

STOCK_STAGES: tuple[str, ...] = (
    "reception",
    "assessment",
    "decision",
    "plan",
    "follow_up",
    "disability",
)
"""Where a user in the office can be; ``disability`` is a case being prepared."""


def figure_catalogue(scenario: Scenario) -> list[FigureSpec]:
    """Every key figure of a replication of ``scenario``, in report order.

    Stocks (users, caseload, shares of users) are averaged over the days of the
    observation window (after warm-up); flows (waits, decision times, exits) count the
    events that happen in it.
    """
    f = FigureSpec
    specs = [
        f("users_arrived", "users", "Users who arrived in the observation window."),
        f("users_in_office_mean", "users", "Users in the office, daily mean."),
        f(
            "aap_recipients_mean",
            "users",
            "AAP recipients (positive decision or converted, not yet exited), daily mean.",
        ),
        f(
            "aap_with_valid_plan_share",
            "share",
            "Share of AAP recipients with a valid activity plan, daily mean.",
        ),
        f(
            "caseload_follow_up_mean",
            "users per caseworker",
            "Users held per caseworker in "
            "the teams doing AAP follow-up (all follow-up if no AAP), daily mean.",
        ),
        f(
            "caseload_follow_up_max",
            "users",
            "Largest caseload of any such caseworker, daily mean of the daily maximum.",
        ),
        f(
            "aap_decision_days_mean",
            "days",
            "AAP claim to decision (arrival to decision in "
            "the back office), mean over decisions in the window.",
        ),
        f("aap_decision_days_p90", "days", "90th percentile of the same."),
        f(
            "aap_decided_within_35_days_share",
            "share",
            "Share of AAP decisions made within "
            "35 days of the claim (the five-week result target).",
        ),
        f("aap_rejection_share", "share", "Share of AAP decisions that reject the claim."),
        f(
            "disability_applications_per_week",
            "cases per week",
            "Disability benefit cases that left the office for the back office, per week.",
        ),
        f(
            "disability_case_days_mean",
            "days",
            "From the decision to apply for disability "
            "benefit until the prepared case left the office, mean.",
        ),
        f(
            "follow_up_contacts_overdue_share",
            "share",
            "Share of follow-up contacts due in the window that were not held by their due date.",
        ),
        f(
            "overdue_contacts_mean",
            "contacts",
            "Follow-up contacts past their due date and not yet held, daily mean.",
        ),
        f(
            "follow_up_without_caseworker_mean",
            "users",
            "Users in follow-up held by no caseworker (waiting for one, e.g. under a caseload "
            "cap), daily mean.",
        ),
        f(
            "aap_time_on_aap_days_mean",
            "days",
            "Length of AAP spells that ended in the "
            "window, mean (spells cut short by the horizon are not counted).",
        ),
        f(
            "aap_processing_days_mean",
            "days",
            "AAP processing time: from the complete claim (the work ability assessment "
            "done, with the doctor's statement and the self-assessment in) to the decision, "
            "mean over decisions in the window. NAV's published processing times run from "
            "a complete claim.",
        ),
        f("aap_processing_days_p90", "days", "90th percentile of the same."),
        f(
            "aap_processed_within_35_days_share",
            "share",
            "Share of AAP decisions made within 35 days of the complete claim (the "
            "five-week target counted as NAV counts processing time).",
        ),
        *(
            f(
                cohort_figure(years),
                "share",
                f"Of the AAP spells that started (the benefit granted) in the window, the "
                f"share still running {years} year{'s' if years > 1 else ''} after the "
                "start: Kaplan-Meier estimate, with the spells still running at the "
                "horizon as censored; empty past the longest follow-up. Only with a "
                "window at least that long.",
            )
            for years in cohort_years(scenario)
        ),
        *(
            [
                f(
                    "aap_spell_days_mean_granted",
                    "days",
                    "Mean length of the AAP spells that started in the window "
                    "(Kaplan-Meier, spells still running at the horizon censored); empty "
                    "while the longest observed spell is still running, as its length is "
                    "then unknown. Only with a window of a year or more.",
                )
            ]
            if cohort_years(scenario)
            else []
        ),
        f(
            "aap_spells_per_month_end_stock",
            "spells per recipient",
            "AAP spells running at some time in the window (those running at its start "
            "and those granted in it) over the mean number of recipients at the month "
            "ends in it: for a one-year window, NAV's recipients during the year over "
            "recipients at month end.",
        ),
        f(
            "handoffs_per_week",
            "hand-offs per week",
            "Users handed from one team to another, per week.",
        ),
        f(
            "no_shows_per_week",
            "meetings per week",
            "Meetings (assessment, plan, renewal, follow-up) the user missed, per week.",
        ),
        f(
            "meetings_missed_share",
            "share",
            "Share of meetings started by a caseworker that the user missed (each attempt "
            "counts; a missed meeting is booked again).",
        ),
        f(
            "reentries_per_year",
            "users per year",
            "Users who came back as new claimants after leaving, per year (they also count "
            "as arrivals).",
        ),
    ]
    specs += [
        f(
            "backlog_tasks_mean",
            "tasks",
            "Tasks waiting in any queue (the backlog), daily mean.",
        ),
        f(
            "backlog_age_days_mean",
            "days",
            "Mean age of the tasks in the backlog (time since each could first be done), "
            "daily mean.",
        ),
        f("tasks_done_per_week", "tasks per week", "Caseworker tasks finished, per week."),
        f(
            "caseworkers_employed_mean",
            "caseworkers",
            "Caseworkers employed (after hires and leavers), daily mean.",
        ),
    ]
    for name in scenario.compiled.team_order:
        specs.append(
            f(
                f"utilisation_{name}",
                "share",
                f"Share of team '{name}''s case-work hours on duty spent working on tasks "
                "(empty while the team does not exist).",
            )
        )
    for name, task in team_tasks(scenario):
        specs.append(
            f(
                f"work_hours_per_week_{name}_{task}",
                "hours per week",
                f"Hours per week team '{name}' spent on {task} tasks in the window "
                "(caseworker time, missed meetings included).",
            )
        )
    for task in scenario.compiled.task_names:
        specs.append(
            f(
                f"wait_{task}_days_mean",
                "days",
                f"Wait of a {task} task from when it "
                "could be done until a caseworker started it, mean.",
            )
        )
        specs.append(f(f"wait_{task}_days_p90", "days", f"90th percentile of the {task} wait."))
        specs.append(
            f(
                f"waited_{task}_share",
                "share",
                f"Share of {task} tasks that waited at all before a caseworker started "
                "them (P(wait) of queueing theory).",
            )
        )
    specs += declared_work_specs(scenario)
    for reason in EXIT_REASONS:
        specs.append(
            f(
                f"exits_per_year_{reason}",
                "users per year",
                f"Exits for reason '{reason}', per year of the window.",
            )
        )
    for reason in AAP_EXIT_REASONS:
        specs.append(
            f(
                f"aap_exits_per_year_{reason}",
                "recipients per year",
                f"Exits of AAP recipients (the benefit started) for reason '{reason}', per "
                "year of the window.",
            )
        )
    specs += disturbance_specs(scenario)
    return specs


def declared_kinds(scenario: Scenario) -> dict[str, bool]:
    """Each declared kind of work (task name, in the order first declared) -> whether
    some case type gives it a deadline."""
    kinds: dict[str, bool] = {}
    for ct in scenario.case_types.values():
        for kind in ct.work:
            kinds[kind.name] = kinds.get(kind.name, False) or kind.deadline_days is not None
    return kinds


def declared_work_specs(scenario: Scenario) -> list[FigureSpec]:
    """The figures of the declared kinds of work: how often each arose, and the share
    started within its deadline."""
    specs = []
    for name, deadline in declared_kinds(scenario).items():
        specs.append(
            FigureSpec(
                f"{name}_per_week",
                "tasks per week",
                f"Pieces of {name} work that arose in the window, per week.",
            )
        )
        if deadline:
            specs.append(
                FigureSpec(
                    f"{name}_within_deadline_share",
                    "share",
                    f"Of the pieces of {name} work whose deadline fell in the window, the "
                    "share a caseworker had started by it.",
                )
            )
    return specs


def cohort_years(scenario: Scenario) -> tuple[int, ...]:
    """The years of :data:`COHORT_YEARS` that fit in the observation window: a spell
    granted in the window can be followed that long only if the window is that long."""
    window = scenario.run.horizon_days - scenario.run.warm_up_days
    return tuple(years for years in COHORT_YEARS if years * DAYS_PER_YEAR <= window)


def cohort_figure(years: int) -> str:
    """Name of the figure of the share of spells still running ``years`` years after
    the grant."""
    return f"aap_on_aap_after_{years}_year{'s' if years > 1 else ''}_share"


def team_tasks(scenario: Scenario) -> list[tuple[str, str]]:
    """(team, task name) for every task each effective team does under some
    organisation model, teams in :attr:`~capacity.scenario.compiled.CompiledScenario.team_order`
    and tasks in :attr:`~capacity.scenario.compiled.CompiledScenario.task_names` order."""
    done: dict[str, set[str]] = {}
    for layout in scenario.compiled.layouts.values():
        for team in layout.teams:
            done.setdefault(team.name, set()).update(k.split(".", 1)[1] for k in team.task_kinds)
    return [
        (name, task)
        for name in scenario.compiled.team_order
        for task in scenario.compiled.task_names
        if task in done.get(name, ())
    ]


def timeseries_columns(scenario: Scenario) -> list[str]:
    """Columns of the daily time series, in order (values at the end of each day).

    ``arrived_total`` and ``exited_total`` count from time 0 (initial users count as
    arrived), so ``arrived_total == users_in_office + exited_total`` on every row;
    ``reentered_total`` counts the returning users among the arrivals.
    ``caseworkers_busy + caseworkers_idle == caseworkers_on_duty``, counted at 12:00.
    ``backlog_tasks`` is the sum of the ``queue_*`` columns; ``tasks_done`` counts tasks
    finished during the day; ``utilisation_<team>`` is empty on days the team does not
    exist (before or after a reorganisation).
    """
    columns = ["day", "date", "arrived_total", "exited_total", "reentered_total"]
    columns += ["users_in_office"]
    columns += [f"in_{stage}" for stage in STOCK_STAGES]
    columns += [f"queue_{task}" for task in scenario.compiled.task_names]
    columns += [
        "aap_recipients",
        "aap_with_valid_plan_share",
        "caseload_follow_up_mean",
        "caseload_follow_up_max",
        "overdue_contacts",
        "follow_up_without_caseworker",
        "caseworkers_on_duty",
        "caseworkers_busy",
        "caseworkers_idle",
        "caseworkers_employed",
        "backlog_tasks",
        "backlog_age_days_mean",
        "tasks_done",
    ]
    columns += [f"utilisation_{name}" for name in scenario.compiled.team_order]
    return columns
