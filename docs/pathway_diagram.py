"""Draw the logic diagram of the office model (docs/pathway.png).

Run from the repository root:

    python docs/pathway_diagram.py            # writes docs/pathway.png
    python docs/pathway_diagram.py out.png    # or another file

The diagram follows capacity/model/pathway.py, followup.py and office.py: the stages a
user passes, where caseworker work is needed (solid boxes) and where the user waits
for something outside the office (dashed), the branches and the exits.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # off-screen: no display needed

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

WORK = "#dbe9f6"  # caseworker work
OUTSIDE = "#fdf1dc"  # waiting outside the office
EXIT = "#eeeeee"
EDGE = "#33475b"


def _box(ax, x, y, w, h, title, lines, face, dashed=False):
    patch = FancyBboxPatch(
        (x, y),
        w,
        h,
        boxstyle="round,pad=0.02,rounding_size=0.08",
        facecolor=face,
        edgecolor=EDGE,
        linewidth=1.4,
        linestyle=(0, (4, 3)) if dashed else "solid",
    )
    ax.add_patch(patch)
    ax.text(x + w / 2, y + h - 0.16, title, ha="center", va="top", fontsize=10, weight="bold")
    ax.text(
        x + w / 2,
        y + h - 0.48,
        "\n".join(lines),
        ha="center",
        va="top",
        fontsize=7.6,
        linespacing=1.35,
    )
    return (x, y, w, h)


def _arrow(ax, start, end, label="", curve=0.0, style="-|>", dashed=False, label_at=0.5, dy=0.12):
    arrow = FancyArrowPatch(
        start,
        end,
        arrowstyle=style,
        mutation_scale=12,
        color=EDGE,
        linewidth=1.2,
        linestyle=(0, (3, 3)) if dashed else "solid",
        connectionstyle=f"arc3,rad={curve}",
    )
    ax.add_patch(arrow)
    if label:
        x = start[0] + (end[0] - start[0]) * label_at
        y = start[1] + (end[1] - start[1]) * label_at + dy
        ax.text(
            x, y, label, ha="center", va="bottom", fontsize=7.2, style="italic", color="#243447"
        )


def right(b, frac=0.5):
    return (b[0] + b[2], b[1] + b[3] * frac)


def left(b, frac=0.5):
    return (b[0], b[1] + b[3] * frac)


def top(b, frac=0.5):
    return (b[0] + b[2] * frac, b[1] + b[3])


def bottom(b, frac=0.5):
    return (b[0] + b[2] * frac, b[1])


def draw(path: Path) -> None:
    """Draw the diagram and save it as a PNG at ``path``."""
    fig, ax = plt.subplots(figsize=(16, 9.9))
    ax.set_xlim(0, 16)
    ax.set_ylim(0, 9.9)
    ax.axis("off")
    ax.text(
        0.1,
        9.85,
        "capacity: the pathway of a user through the office model",
        fontsize=14,
        weight="bold",
        va="top",
    )
    ax.text(
        0.1,
        9.45,
        "A case type uses any ordered subset of the five stages and leaves "
        "after its last one. Blue boxes need caseworker work (tasks); dashed boxes are "
        "waits outside the office.",
        fontsize=9.5,
        va="top",
    )

    y, h = 5.6, 2.4
    arrivals = _box(
        ax,
        0.1,
        y,
        1.95,
        h,
        "Arrivals",
        [
            "streams: Poisson, rate",
            "per week, piecewise",
            "constant (rate_changes)",
            "batches on dates",
            "initial state at time 0",
        ],
        OUTSIDE,
        dashed=True,
    )
    reception = _box(
        ax, 2.35, y, 1.75, h, "1 Reception", ["one front-desk", "task (work_hours)"], WORK
    )
    assessment = _box(
        ax,
        4.4,
        y,
        2.55,
        h,
        "2 Work ability\n   assessment",
        [
            "",
            "first meeting (task); then",
            "doctor's statement and",
            "self-assessment form",
            "awaited in parallel; further",
            "meetings after booking gaps",
        ],
        WORK,
    )
    decision = _box(
        ax,
        7.25,
        y,
        2.15,
        h,
        "3 Decision",
        ["back office: optional", "weekly capacity", "(first come, first", "served), then a delay"],
        OUTSIDE,
        dashed=True,
    )
    plan = _box(
        ax,
        9.7,
        y,
        1.95,
        h,
        "4 Activity plan",
        ["benefit (AAP) starts", "plan made (task),", "valid validity_days"],
        WORK,
    )
    follow = _box(
        ax,
        11.95,
        y,
        3.95,
        h,
        "5 Follow-up",
        [
            "contact due every contact_interval_days",
            "(by effort group), held from",
            "booking_lead_days before; late = overdue",
            "renewal task renewal_lead_days before",
            "expiry; after expiry no valid plan",
            "status card every 14 days; a share",
            "flags an extra contact (task)",
        ],
        WORK,
    )
    for a, b in (
        (arrivals, reception),
        (reception, assessment),
        (assessment, decision),
        (decision, plan),
        (plan, follow),
    ):
        _arrow(ax, right(a, 0.5), left(b, 0.5))
    _arrow(
        ax,
        top(arrivals, 0.6),
        top(follow, 0.4),
        "or straight into the stream's entry_stage / the initial group's stage",
        curve=-0.1,
        dashed=True,
        dy=0.66,
    )

    # Disability case and exits.
    disability = _box(
        ax,
        4.4,
        3.15,
        2.55,
        1.3,
        "Disability case",
        ["prepared (task), then", "sent on to the back office"],
        WORK,
    )
    ex_y, ex_h = 1.95, 0.6
    exit_box = {}
    for name, x, w in (
        ("completed", 2.35, 1.75),
        ("disability", 4.75, 1.85),
        ("rejected", 7.5, 1.65),
        ("work", 11.95, 0.9),
        ("sanction", 12.95, 0.9),
        ("other", 13.95, 0.9),
        ("max_period", 14.95, 0.95),
    ):
        exit_box[name] = _box(ax, x, ex_y, w, ex_h, "", [], EXIT)
        ax.text(
            x + w / 2,
            ex_y + ex_h / 2,
            f"exit:\n{name}" if w < 1.2 else f"exit: {name}",
            ha="center",
            va="center",
            fontsize=8.5,
            weight="bold",
        )
    _arrow(
        ax,
        bottom(reception),
        top(exit_box["completed"]),
        "after the case\ntype's last stage",
        dashed=True,
        label_at=0.5,
        dy=-0.3,
    )
    _arrow(ax, bottom(assessment), top(disability), "disability_share", label_at=0.5, dy=-0.1)
    _arrow(ax, bottom(disability, 0.6), top(exit_box["disability"]))
    _arrow(
        ax,
        bottom(decision, 0.5),
        top(exit_box["rejected"]),
        "rejection_share",
        label_at=0.2,
        dy=0.0,
    )
    for k, name in enumerate(("work", "sanction", "other", "max_period")):
        _arrow(ax, bottom(follow, 0.11 + 0.255 * k), top(exit_box[name]))
    ax.text(
        13.9,
        4.95,
        "competing exit hazards per year (work x close_follow_up_work_multiplier\n"
        "while followed closely; sanction only with a valid plan);\n"
        "max_period: max_period_days after the benefit started",
        ha="center",
        va="top",
        fontsize=7.6,
        style="italic",
        color="#243447",
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 2.5},
        zorder=5,
    )
    _arrow(
        ax,
        bottom(follow, 0.02),
        right(disability, 0.5),
        "hazard: disability",
        curve=-0.12,
        label_at=0.55,
        dy=-0.35,
    )

    # Caseworkers.
    band = FancyBboxPatch(
        (0.1, 0.1),
        15.8,
        1.5,
        boxstyle="round,pad=0.02,rounding_size=0.08",
        facecolor=WORK,
        edgecolor=EDGE,
        linewidth=1.4,
    )
    ax.add_patch(band)
    ax.text(
        0.3, 1.45, "Caseworkers, in teams: they do every task", fontsize=10, weight="bold", va="top"
    )
    columns = [
        [
            "Duty calendar: opening_hour, working days,",
            "Norwegian public holidays, absence spells,",
            "summer rotation; case work per day =",
            "hours_per_day x fte x case_work_share",
        ],
        [
            "A task goes to the user's own caseworker if",
            "their team does it, else to the shared",
            "queue of the first team that does it; taking",
            "it puts the user on that caseload (cap)",
        ],
        [
            "Next task: organisation.priority (overdue",
            "first if asked), then first released;",
            "no pre-emption; work left at closing",
            "resumes at the next opening",
        ],
        [
            "generalist: one pool, a user keeps one caseworker",
            "specialised / split_aap: a move to another",
            "team is a hand-off (+ handoff_hours); work x",
            "(1 + task_switching_penalty x (types - 1))",
        ],
    ]
    for k, lines in enumerate(columns):
        ax.text(0.3 + 3.95 * k, 1.05, "\n".join(lines), fontsize=7.8, va="top", linespacing=1.3)

    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("pathway.png")
    draw(target)
    sys.stdout.write(f"wrote {target}\n")
