"""Section 1, queueing theory: the model reduced to queues with exact results.

M/M/1 at load 0.8 and M/M/5 at 0.7, 0.9 and 0.95 against Erlang C, the three-station
tandem network against Jackson's theorem, and reception then a follow-up station with a
return loop (team caseloads) against Jackson's theorem with feedback (Erlang C at the
rate lambda / q, 1 / q contacts per user); the exact values come from
:mod:`capacity.validation.exact`.
"""

from __future__ import annotations

from capacity.model.calendar import HOURS_PER_DAY
from capacity.validation import exact
from capacity.validation.checks import Check, Outcome
from capacity.validation.runs import QUEUES, service_rate
from capacity.validation.sections.evidence import Evidence, outcome

__all__ = ["SECTION", "checks", "loop_checks", "mmc_checks", "tandem_checks"]

SECTION = "Queueing theory"
"""The section's name in the report."""

# Tolerances of the queueing checks (full suite). The run lengths of
# capacity.validation.runs give 95 % half-widths of about 6-10 % for the mean wait in
# queue (16 % at load 0.95), 0.01-0.02 for P(wait) and under 0.01 for utilisation; a
# tolerance must exceed the half-width plus the chance error of the mean, so that a
# correct model passes every check with high probability whatever its random streams.
# Hence: the mean wait in queue within 25 % of the exact value (35 % at load 0.95,
# where waits stay correlated for days), P(wait) within 0.03, utilisation within 0.02,
# the time through the tandem network within 10 %. Utilisation and P(wait) are the
# sharp checks of the load and of the queue's behaviour; a wrong server count or
# service rate moves the wait by far more.
_WQ_TOLERANCE = 0.25
_WQ_TOLERANCE_HEAVY = 0.35
_P_WAIT_TOLERANCE = 0.03
_UTILISATION_TOLERANCE = 0.02
_NETWORK_TOLERANCE = 0.10
# Contacts per user in the return loop: geometric with mean 1 / q (coefficient of
# variation sqrt(1 - q), 0.77), averaged over a few thousand users a replication: the
# 95 % half-width is about 1 %; within 5 % of 1 / q. Swapping q and 1 - q (1.67 instead
# of 2.5) or a loop that never closes is far outside.
_CONTACTS_TOLERANCE = 0.05


def checks(evidence: Evidence) -> list[Outcome]:
    """Every check of the section, in report order: the M/M/c queues, the tandem
    network, the return loop.

    Raises:
        ValueError: a queueing scenario is no longer the network its checks assume.
    """
    return mmc_checks(evidence) + tandem_checks(evidence) + loop_checks(evidence)


def mmc_checks(evidence: Evidence) -> list[Outcome]:
    """The M/M/c queues against Erlang C: mean wait in queue, P(wait) and utilisation
    of each queue of :data:`capacity.validation.runs.QUEUES`."""
    section, factor = SECTION, evidence.sizes.tolerance_factor
    outcomes = []
    for queue in QUEUES:
        run = evidence.runs[queue.label]
        mu = service_rate(run.scenario.case_types["mm"].reception.work_hours, queue.label)
        lam = run.scenario.streams["arrivals"].rate_per_week / (7 * HOURS_PER_DAY)
        q = exact.mmc(lam, mu, queue.servers)
        name = f"M/M/{queue.servers} at utilisation {queue.utilisation:g}"
        source = f"Erlang C: lambda {lam:g}/h, mu {mu:g}/h, c {queue.servers}"
        wq_tolerance = _WQ_TOLERANCE_HEAVY if queue.utilisation >= 0.95 else _WQ_TOLERANCE
        outcomes += [
            outcome(
                Check(
                    f"queue.{queue.label}.wq",
                    section,
                    f"{name}: mean wait in queue",
                    queue.label,
                    "hours",
                    q.wq_hours,
                    q.wq_hours,
                    wq_tolerance * q.wq_hours * factor,
                    source,
                ),
                evidence.column(queue.label, "wait_reception_days_mean") * HOURS_PER_DAY,
            ),
            outcome(
                Check(
                    f"queue.{queue.label}.p_wait",
                    section,
                    f"{name}: share of users who wait, P(wait)",
                    queue.label,
                    "share",
                    q.p_wait,
                    q.p_wait,
                    _P_WAIT_TOLERANCE * factor,
                    source,
                ),
                evidence.column(queue.label, "waited_reception_share"),
            ),
            outcome(
                Check(
                    f"queue.{queue.label}.utilisation",
                    section,
                    f"{name}: utilisation of the servers",
                    queue.label,
                    "share",
                    q.utilisation,
                    q.utilisation,
                    _UTILISATION_TOLERANCE * factor,
                    "lambda / (c mu)",
                ),
                evidence.column(queue.label, "utilisation_servers"),
            ),
        ]
    return outcomes


def tandem_checks(evidence: Evidence) -> list[Outcome]:
    """The three-station tandem network (``tandem_check``) against Jackson's theorem:
    each station's mean wait in queue and the mean time through the network.

    Raises:
        ValueError: ``tandem_check`` is no longer a network of M/M/c stations.
    """
    section, factor = SECTION, evidence.sizes.tolerance_factor
    scenario = evidence.runs["tandem_check"].scenario
    case_type = scenario.case_types["tandem"]
    lam = scenario.streams["arrivals"].rate_per_week / (7 * HOURS_PER_DAY)
    works = {
        "reception": case_type.reception.work_hours,
        "assessment": case_type.assessment.work_hours_per_meeting,
        "plan": case_type.plan.work_hours,
    }
    if case_type.assessment.meetings != 1:
        raise ValueError("tandem_check: the assessment must be one meeting to be a station")
    stations = [
        (service_rate(works[stage], "tandem_check"), scenario.staff[stage].headcount)
        for stage in case_type.stages
    ]
    queues, total = exact.tandem(lam, stations)
    outcomes = []
    for k, (stage, q) in enumerate(zip(case_type.stages, queues, strict=True), start=1):
        outcomes.append(
            outcome(
                Check(
                    f"queue.tandem_check.{stage}.wq",
                    section,
                    f"Tandem network, station {k} ({stage}, M/M/{q.servers} at "
                    f"utilisation {q.utilisation:.3g}): mean wait in queue",
                    "tandem_check",
                    "hours",
                    q.wq_hours,
                    q.wq_hours,
                    _WQ_TOLERANCE * q.wq_hours * factor,
                    "Jackson's theorem: each station an M/M/c queue (Erlang C)",
                ),
                evidence.column("tandem_check", f"wait_{stage}_days_mean") * HOURS_PER_DAY,
            )
        )
    outcomes.append(
        outcome(
            Check(
                "queue.tandem_check.w_total",
                section,
                "Tandem network: mean time from arrival to leaving",
                "tandem_check",
                "hours",
                total,
                total,
                _NETWORK_TOLERANCE * total * factor,
                "Jackson's theorem: the sum of the stations' mean times",
            ),
            evidence.column("tandem_check", "check_time_in_office_hours_mean"),
        )
    )
    return outcomes


def loop_checks(evidence: Evidence) -> list[Outcome]:
    """Reception, then a follow-up station with a return loop (``loop_check``) against
    Jackson's theorem with feedback: waits, P(wait), utilisation, contacts per user
    and the mean time through the office.

    Raises:
        ValueError: ``loop_check`` is no longer a network with a return loop.
    """
    section, factor = SECTION, evidence.sizes.tolerance_factor
    label = "loop_check"
    scenario = evidence.runs[label].scenario
    case_type = scenario.case_types["loop"]
    follow = case_type.follow_up
    if (
        case_type.stages != ["reception", "follow_up"]
        or any(days != 0 for days in follow.contact_interval_days.values())
        or scenario.organisation.caseload_work != "team"
    ):
        raise ValueError(
            "loop_check: needs stages reception and follow_up, contact intervals of 0 "
            "and team caseloads to be a network with a return loop"
        )
    lam = scenario.streams["arrivals"].rate_per_week / (7 * HOURS_PER_DAY)
    reception = exact.mmc(
        lam,
        service_rate(case_type.reception.work_hours, label),
        scenario.staff["reception"].headcount,
    )
    mu = service_rate(follow.contact_work_hours, label)
    loop = exact.return_loop(
        lam, mu, scenario.staff["follow_up"].headcount, follow.end_after_contact_share
    )
    station, q = loop.station, loop.end_share
    total = reception.w_hours + loop.time_hours
    name = (
        f"Return loop, station 2 (follow_up, q {q:g}: M/M/{station.servers} at "
        f"lambda / q, utilisation {station.utilisation:.3g})"
    )
    source = (
        f"Jackson's theorem with feedback: Erlang C at lambda / q = "
        f"{station.arrival_rate_per_hour:g}/h, mu {mu:.4g}/h, c {station.servers}; new "
        "and returning contacts see the time average (arrival theorem)"
    )
    rows = [
        (
            "reception.wq",
            f"Return loop, station 1 (reception, M/M/{reception.servers} at utilisation "
            f"{reception.utilisation:.3g}): mean wait in queue",
            "hours",
            reception.wq_hours,
            _WQ_TOLERANCE * reception.wq_hours,
            "Jackson's theorem: each station an M/M/c queue (Erlang C)",
            evidence.column(label, "wait_reception_days_mean") * HOURS_PER_DAY,
        ),
        (
            "follow_up.wq",
            f"{name}: mean wait in queue per contact",
            "hours",
            station.wq_hours,
            _WQ_TOLERANCE * station.wq_hours,
            source,
            evidence.column(label, "wait_follow_up_days_mean") * HOURS_PER_DAY,
        ),
        (
            "follow_up.p_wait",
            f"{name}: share of contacts that wait, P(wait)",
            "share",
            station.p_wait,
            _P_WAIT_TOLERANCE,
            source,
            evidence.column(label, "waited_follow_up_share"),
        ),
        (
            "follow_up.utilisation",
            f"{name}: utilisation of the follow-up team",
            "share",
            station.utilisation,
            _UTILISATION_TOLERANCE,
            "lambda / (q c mu)",
            evidence.column(label, "utilisation_follow_up"),
        ),
        (
            "contacts_per_user",
            "Return loop: follow-up contacts per user (users who arrived in the window "
            "and left by its end)",
            "contacts",
            loop.visits_mean,
            _CONTACTS_TOLERANCE * loop.visits_mean,
            "flow balance: after each contact a user leaves with probability q, so the "
            "contacts are geometric with mean 1 / q",
            evidence.column(label, "check_follow_up_contacts_per_user_mean"),
        ),
        (
            "w_total",
            "Return loop: mean time from arrival to leaving",
            "hours",
            total,
            _NETWORK_TOLERANCE * total,
            "Jackson's theorem: reception's mean time plus 1 / q times the follow-up "
            "station's mean time per contact",
            evidence.column(label, "check_time_in_office_hours_mean"),
        ),
    ]
    return [
        outcome(
            Check(
                f"queue.{label}.{key}",
                section,
                text,
                label,
                unit,
                expected,
                expected,
                tolerance * factor,
                src,
            ),
            values,
        )
        for key, text, unit, expected, tolerance, src, values in rows
    ]
