"""Section 5, face validity: the model moves the way people who know the office expect.

Paired comparisons (common random numbers, as ``capacity compare``) of more staff and
of the generalist organisation against ``office_2011``, and, within each replication of
``office_2011_reorganised``, a figure in one window against another. Each is a
direction: the interval of the difference must leave out 0 on the expected side.
"""

from __future__ import annotations

import numpy as np

from capacity.model import figure_catalogue
from capacity.validation.checks import Check, Outcome
from capacity.validation.sections.evidence import Evidence, note_number, outcome
from capacity.validation.sections.published import STUDY

__all__ = ["SECTION", "checks", "over_time_checks"]

SECTION = "Face validity"
"""The section's name in the report."""


def checks(evidence: Evidence) -> list[Outcome]:
    """The paired comparisons with ``office_2011`` (more staff, generalists), then the
    comparisons over time within the replay (:func:`over_time_checks`)."""
    section = SECTION
    more = "office_2011_more_staff"
    generalist = "office_2011_generalist"
    rows = [
        (more, "caseload_follow_up_mean", "More staff: smaller caseloads", -1),
        (more, "wait_follow_up_days_mean", "More staff: follow-up contacts wait less", -1),
        (more, "wait_renewal_days_mean", "More staff: plan renewals wait less", -1),
        (more, "aap_with_valid_plan_share", "More staff: more recipients with a valid plan", 1),
        (
            generalist,
            "aap_with_valid_plan_share",
            "Generalists: fewer recipients with a valid plan (production falls)",
            -1,
        ),
        (
            generalist,
            "follow_up_contacts_overdue_share",
            "Generalists: more follow-up contacts overdue",
            1,
        ),
        (
            generalist,
            "handoffs_per_week",
            "Generalists: fewer hand-offs between caseworkers (one caseworker per user)",
            -1,
        ),
    ]
    sources = {
        more: "expected direction: more people for the same work",
        generalist: f"{STUDY}: generalists 'can't keep production up ... the portfolio "
        "gets too big'; specialised teams hand users over",
    }
    units = {
        spec.name: spec.unit for spec in figure_catalogue(evidence.runs["office_2011"].scenario)
    }
    outcomes = []
    for label, figure, text, sign in rows:
        paired = evidence.runs[label].replications
        base = evidence.column("office_2011", figure)[:paired]
        alt = evidence.column(label, figure)
        check = Check(
            f"face.{label}.{figure}",
            section,
            f"{text}: {figure}, alternative - office_2011",
            label,
            units[figure],
            None if sign < 0 else 0.0,
            0.0 if sign < 0 else None,
            0.0,
            sources[label],
            strict=True,
        )
        outcomes.append(
            outcome(
                check,
                alt - base,
                f"base {note_number(np.nanmean(base))}, alternative {note_number(np.nanmean(alt))}",
            )
        )
    return outcomes + over_time_checks(evidence)


def over_time_checks(evidence: Evidence) -> list[Outcome]:
    """Within each replication of the replay: a figure in one window against another
    (after against before the reorganisation, during against before the wave)."""
    label = "office_2011_reorganised"
    rows = [
        (
            "reorganisation_1_tasks_done_per_week",
            "after",
            "before",
            "Specialising: more tasks finished a week in the four weeks after than before",
            1,
            f"{STUDY}: the offices specialised because generalists 'can't keep production up'",
        ),
        (
            "sick_leave_wave_tasks_done_per_week",
            "during",
            "before",
            "Sick-leave wave: fewer tasks finished a week while a quarter of the staff is away",
            -1,
            f"{STUDY}: 'because we happen to be ill, applications take too long and pile up'",
        ),
    ]
    outcomes = []
    for stem, later, earlier, text, sign, source in rows:
        first = evidence.column(label, f"{stem}_{earlier}")
        second = evidence.column(label, f"{stem}_{later}")
        check = Check(
            f"face.{label}.{stem}_{later}",
            SECTION,
            f"{text}: {stem}, {later} - {earlier}",
            label,
            "tasks per week" if stem.endswith("per_week") else "tasks",
            None if sign < 0 else 0.0,
            0.0 if sign < 0 else None,
            0.0,
            source,
            strict=True,
        )
        outcomes.append(
            outcome(
                check,
                second - first,
                f"{earlier} {note_number(np.nanmean(first))}, "
                f"{later} {note_number(np.nanmean(second))}",
            )
        )
    return outcomes
