"""Section 4, published figures: the model against figures published for the offices
it stands for."""

from __future__ import annotations

from capacity.model import figure_catalogue
from capacity.validation.checks import Check, Outcome
from capacity.validation.sections.evidence import Evidence, outcome

__all__ = ["SECTION", "STUDY", "checks"]

SECTION = "Published figures"
"""The section's name in the report."""

STUDY = "Uni Rokkansenteret, Notat 12-2011 (the study), spring 2011"
"""The study ``office_2011`` is calibrated to, as the checks cite it."""


def checks(evidence: Evidence) -> list[Outcome]:
    """The study's figures for ``office_2011`` and the national caseload range of
    small offices for ``rural_4500``."""
    section = SECTION
    rows = [
        (
            "office_2011",
            "aap_with_valid_plan_share",
            "Share of AAP recipients with a valid activity plan",
            0.57,
            0.57,
            0.05,
            f"{STUDY}: 'about 57 %' had a plan a year after the conversion "
            "(tolerance: an interview figure)",
        ),
        (
            "office_2011",
            "caseload_follow_up_mean",
            "Users per follow-up caseworker",
            200.0,
            200.0,
            20.0,
            f"{STUDY}: 'some mention up to 200'; NAV resource mapping 2013: up to about 200",
        ),
        (
            "office_2011",
            "aap_rejection_share",
            "Share of AAP claims rejected",
            0.10,
            0.15,
            0.0,
            f"{STUDY}: 'between 10 and 15 %'",
        ),
        (
            "office_2011",
            "disability_applications_per_week",
            "Disability benefit cases sent on per week",
            8.0,
            10.0,
            1.0,
            f"{STUDY}: '8-10 of these cases a week' (tolerance: an interview figure)",
        ),
        (
            "rural_4500",
            "caseload_follow_up_mean",
            "Users per caseworker in a small office",
            30.0,
            50.0,
            0.0,
            "NAV resource mapping 2013 (press): 30-50 users per caseworker at small offices",
        ),
    ]
    units = {
        spec.name: spec.unit for spec in figure_catalogue(evidence.runs["office_2011"].scenario)
    }
    return [
        outcome(
            Check(
                f"published.{label}.{figure}",
                section,
                text,
                label,
                units[figure],
                low,
                high,
                tol,
                src,
            ),
            evidence.column(label, figure),
        )
        for label, figure, text, low, high, tol, src in rows
    ]
