"""The words of the web page in English and Norwegian (bokmål), and numbers written the
way each language writes them.

The Norwegian labels use NAV's own terms (:data:`GLOSSARY`); the tests check that a
label naming one of these things in English names it with NAV's term in Norwegian.
"""

from __future__ import annotations

import math

__all__ = [
    "FIGURES",
    "GLOSSARY",
    "LANGUAGES",
    "SERIES_TITLES",
    "TASK_NAMES",
    "TEXT",
    "UNITS",
    "FigureLabel",
    "format_difference",
    "format_number",
    "text",
]

LANGUAGES: dict[str, str] = {"en": "English", "nb": "Norsk bokmål"}
"""Languages of the page: code -> the language's own name."""

GLOSSARY: dict[str, tuple[str, ...]] = {
    "user": ("bruker",),
    "caseworker": ("veileder", "saksbehandler"),
    "reception": ("mottak",),
    "work ability assessment": ("arbeidsevnevurdering",),
    "self-assessment": ("egenvurdering",),
    "work assessment allowance": ("arbeidsavklaringspenger",),
    "aap": ("aap",),
    "activity plan": ("aktivitetsplan",),
    "follow-up": ("oppfølging",),
    "employment status card": ("meldekort",),
    "decision": ("vedtak",),
    "rejection": ("avslag",),
    "back office": ("nav forvaltning",),
    "disability benefit": ("uføretrygd", "uførepensjon"),
    "sickness benefit": ("sykepenger",),
    "qualification programme": ("kvalifiseringsprogram",),
    "financial assistance": ("økonomisk sosialhjelp",),
    "generalist model": ("generalistmodell",),
    "specialisation": ("spesialisering",),
    "caseload": ("portefølje",),
    "processing time": ("saksbehandlingstid",),
}
"""English term used in code and output -> NAV's Norwegian term (lower case; a
Norwegian label must contain one of them, in any inflection that starts with it)."""

TEXT: dict[str, tuple[str, str]] = {
    "title": ("Try the staffing of a NAV office", "Prøv bemanningen ved et NAV-kontor"),
    "intro": (
        "Choose a scenario, change the office on the left and press Run. The changed "
        "office is compared with the scenario as it is (the baseline): the same users "
        "arrive with the same needs in both, so the difference comes from the change.",
        "Velg et scenario, endre kontoret til venstre og trykk Kjør. Det endrede kontoret "
        "sammenlignes med scenarioet slik det er (utgangspunktet): de samme brukerne kommer "
        "med de samme behovene i begge, så forskjellen skyldes endringen.",
    ),
    "language": ("Language / Språk", "Language / Språk"),
    "scenario": ("Scenario", "Scenario"),
    "scenario_help": (
        "A scenario that comes with the program, or the file given when the page was started.",
        "Et scenario som følger med programmet, eller filen som ble gitt da siden ble startet.",
    ),
    "upload": ("…or upload a scenario file (.toml)", "…eller last opp en scenariofil (.toml)"),
    "upload_help": (
        "A scenario file as capacity run reads it, at most {limit} bytes. It is read as "
        "data only and checked like a file given to capacity run; 'base' may name only a "
        "scenario that comes with the program.",
        "En scenariofil slik capacity run leser den, høyst {limit} byte. Den leses bare som "
        "data og kontrolleres som en fil gitt til capacity run; 'base' kan bare vise til et "
        "scenario som følger med programmet.",
    ),
    "scenario_invalid": ("This scenario cannot be used:", "Dette scenarioet kan ikke brukes:"),
    "scenario_about": ("About the scenario", "Om scenarioet"),
    "section_staff": ("Caseworkers per team", "Veiledere per team"),
    "headcount": ("Team {team} (people)", "Team {team} (personer)"),
    "headcount_help": (
        "People in the team; allowed {low} to {high}. Tasks: {tasks}.",
        "Personer i teamet; tillatt {low} til {high}. Oppgaver: {tasks}.",
    ),
    "section_org": ("Organisation", "Organisering"),
    "model": ("Organisation model", "Organiseringsmodell"),
    "model_generalist": (
        "generalist model: one caseworker per user for every task",
        "generalistmodell: én veileder per bruker for alle oppgaver",
    ),
    "model_specialised": (
        "specialisation: each team does its own tasks",
        "spesialisering: hvert team gjør sine egne oppgaver",
    ),
    "model_split_aap": (
        "specialisation with AAP split: work ability assessment and activity plan in one "
        "team, follow-up in another",
        "spesialisering med delt AAP: arbeidsevnevurdering og aktivitetsplan i ett team, "
        "oppfølging i et annet",
    ),
    "cap": (
        "Caseload cap (users per caseworker; 0: no cap)",
        "Tak på porteføljen (brukere per veileder; 0: uten tak)",
    ),
    "cap_help": (
        "The most users one caseworker may hold; allowed {low} to {high}, or 0 for no cap. "
        "A user who needs a caseworker waits while everyone is at the cap.",
        "Flest brukere én veileder kan ha; tillatt {low} til {high}, eller 0 for uten tak. "
        "En bruker som trenger en veileder, venter mens alle er ved taket.",
    ),
    "caseload_work": (
        "Who does the tasks of a caseworker's users",
        "Hvem gjør oppgavene til veilederens brukere",
    ),
    "caseload_work_personal": (
        "personal caseloads: each caseworker does the tasks of their own users",
        "egen portefølje: hver veileder gjør oppgavene for sine egne brukere",
    ),
    "caseload_work_team": (
        "team caseloads: the first free colleague in the team does the next task (no caseload cap)",
        "teamportefølje: første ledige kollega i teamet gjør neste oppgave (uten tak på "
        "porteføljen)",
    ),
    "section_inflow": ("Inflow", "Tilstrømming"),
    "rate": ("{stream} (users per week)", "{stream} (brukere per uke)"),
    "rate_help": (
        "New users a week in this stream; allowed {low} to {high}.",
        "Nye brukere per uke i denne strømmen; tillatt {low} til {high}.",
    ),
    "section_start": ("Users at the start and in batches", "Brukere ved start og i grupper"),
    "initial": (
        "At the start: {case_type}, {stage} (users)",
        "Ved start: {case_type}, {stage} (brukere)",
    ),
    "initial_help": (
        "Users already in the office on the first day, such as the recipients converted "
        "to AAP; allowed {low} to {high}.",
        "Brukere som allerede er ved kontoret første dag, som mottakerne som ble konvertert "
        "til AAP; tillatt {low} til {high}.",
    ),
    "batch": ("{stream}, batch on {date} (users)", "{stream}, gruppe {date} (brukere)"),
    "batch_help": (
        "Users arriving together on that date; allowed {low} to {high}.",
        "Brukere som kommer samtidig den dagen; tillatt {low} til {high}.",
    ),
    "section_run": ("Run", "Kjøring"),
    "replications": ("Replications", "Replikasjoner"),
    "replications_help": (
        "How many times the period is played out, for both offices; more give narrower "
        "intervals and take longer. Allowed {low} to {high}.",
        "Hvor mange ganger perioden spilles av, for begge kontorene; flere gir smalere "
        "intervaller og tar lengre tid. Tillatt {low} til {high}.",
    ),
    "run": ("Run", "Kjør"),
    "running": (
        "Simulating: {done} of {total} replications",
        "Simulerer: {done} av {total} replikasjoner",
    ),
    "run_failed": ("The run failed: {error}", "Kjøringen feilet: {error}"),
    "fix_first": (
        "Correct the settings marked in red; then the office can be run.",
        "Rett innstillingene som er merket med rødt; så kan kontoret kjøres.",
    ),
    "scenario_problems": (
        "The changed office breaks a rule:",
        "Det endrede kontoret bryter en regel:",
    ),
    "warning": ("Warning: {message}", "Advarsel: {message}"),
    "no_results": (
        "No results yet: change the office and press Run.",
        "Ingen resultater ennå: endre kontoret og trykk Kjør.",
    ),
    "stale": (
        "The settings have changed since these results were computed; press Run to update them.",
        "Innstillingene er endret siden disse resultatene ble beregnet; trykk Kjør for å "
        "oppdatere dem.",
    ),
    "results": ("Results", "Resultater"),
    "results_note": (
        "{replications} replications of each office, paired (the same users in both). "
        "Key figures over {start} to {end}. The ranges are 95 % confidence intervals.",
        "{replications} replikasjoner av hvert kontor, parvis (de samme brukerne i begge). "
        "Nøkkeltall for {start} til {end}. Intervallene er 95 % konfidensintervaller.",
    ),
    "changes_made": ("Changed: {changes}", "Endret: {changes}"),
    "no_changes": (
        "Nothing changed: the two offices are the same.",
        "Ingenting endret: de to kontorene er like.",
    ),
    "baseline": ("baseline", "utgangspunkt"),
    "changed": ("changed", "endret"),
    "card_interval": (
        "95 % CI {low} – {high}; baseline {base}",
        "95 % KI {low} – {high}; utgangspunkt {base}",
    ),
    "card_maybe_chance": (
        "The difference may be chance (its interval includes 0).",
        "Forskjellen kan være tilfeldig (intervallet inneholder 0).",
    ),
    "card_same": (
        "The same as the baseline in every replication.",
        "Det samme som utgangspunktet i hver replikasjon.",
    ),
    "over_time": ("Over time", "Over tid"),
    "band_note": (
        "Lines: daily mean over the replications; bands: 95 % confidence interval.",
        "Linjer: daglig snitt over replikasjonene; bånd: 95 % konfidensintervall.",
    ),
    "date": ("date", "dato"),
    "warm_up": ("warm-up (not in the key figures)", "innkjøring (ikke med i nøkkeltallene)"),
    "mean": ("mean", "snitt"),
    "largest": ("largest", "største"),
    "downloads": ("Download", "Last ned"),
    "download_comparison": (
        "Key figures against the baseline (CSV)",
        "Nøkkeltall mot utgangspunktet (CSV)",
    ),
    "download_summary": (
        "All key figures of the changed office (CSV)",
        "Alle nøkkeltall for det endrede kontoret (CSV)",
    ),
    "download_xlsx": (
        "Results of the changed office (Excel workbook)",
        "Resultater for det endrede kontoret (Excel-arbeidsbok)",
    ),
    "download_toml": (
        "The changed scenario (TOML file for capacity run)",
        "Det endrede scenarioet (TOML-fil for capacity run)",
    ),
}
"""Page text by key: (English, Norwegian bokmål). ``{name}`` marks a value filled in."""


class FigureLabel:
    """A key figure shown as a card: its name in both languages and which way is
    better (+1: higher is better, -1: lower is better)."""

    __slots__ = ("better", "en", "nb")

    def __init__(self, en: str, nb: str, better: int):
        self.en, self.nb, self.better = en, nb, better

    def name(self, language: str) -> str:
        """The name in ``language`` (``en`` or ``nb``)."""
        return self.nb if language == "nb" else self.en


FIGURES: dict[str, FigureLabel] = {
    "aap_with_valid_plan_share": FigureLabel(
        "AAP recipients with a valid activity plan", "AAP-mottakere med gyldig aktivitetsplan", 1
    ),
    "caseload_follow_up_mean": FigureLabel(
        "Caseload per follow-up caseworker", "Portefølje per veileder i oppfølging", -1
    ),
    "caseload_follow_up_max": FigureLabel(
        "Largest caseload in follow-up", "Største portefølje i oppfølging", -1
    ),
    "aap_decision_days_mean": FigureLabel(
        "Processing time, AAP claim to decision", "Saksbehandlingstid, AAP-krav til vedtak", -1
    ),
    "follow_up_contacts_overdue_share": FigureLabel(
        "Follow-up contacts held too late", "Oppfølgingskontakter holdt for sent", -1
    ),
    "wait_renewal_days_mean": FigureLabel(
        "Wait for a new activity plan", "Ventetid på ny aktivitetsplan", -1
    ),
}
"""The key figures shown as cards, in order (those the scenario defines)."""

UNITS: dict[str, tuple[str, str]] = {
    "share": ("%", "%"),
    "users per caseworker": ("users per caseworker", "brukere per veileder"),
    "users": ("users", "brukere"),
    "days": ("days", "dager"),
    "contacts": ("contacts", "kontakter"),
    "tasks": ("tasks", "oppgaver"),
}
"""Units as the page writes them (shares are shown as per cent)."""

SERIES_TITLES: dict[str, tuple[str, str]] = {
    "aap_with_valid_plan_share": (
        "Share of AAP recipients with a valid activity plan",
        "Andel AAP-mottakere med gyldig aktivitetsplan",
    ),
    "caseload_follow_up": (
        "Caseload per follow-up caseworker, mean and largest",
        "Portefølje per veileder i oppfølging, snitt og største",
    ),
    "queues": (
        "Tasks waiting for a caseworker, per stage: {office}",
        "Oppgaver som venter på en veileder, per ledd: {office}",
    ),
    "overdue_contacts": (
        "Follow-up contacts past their due date",
        "Oppfølgingskontakter over fristen",
    ),
}
"""Titles of the charts over time."""

TASK_NAMES: dict[str, tuple[str, str]] = {
    "reception": ("reception", "mottak"),
    "disability": ("disability benefit case", "sak om uføretrygd"),
    "assessment": ("work ability assessment", "arbeidsevnevurdering"),
    "plan": ("activity plan", "aktivitetsplan"),
    "renewal": ("activity plan renewal", "fornyet aktivitetsplan"),
    "follow_up": ("follow-up contact", "oppfølgingskontakt"),
}
"""Task kinds (the stages of the queue chart)."""


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "nb" else pair[0]


def text(key: str, language: str, **values: object) -> str:
    """The text ``key`` of :data:`TEXT` in ``language`` (``en`` or ``nb``; anything else
    gives English) with ``values`` filled in. Raises KeyError for an unknown key."""
    return _pick(TEXT[key], language).format(**values)


def _grouped(value: float, decimals: int, language: str) -> str:
    written = f"{value:,.{decimals}f}"
    if language == "nb":
        # Norwegian: a (narrow, non-breaking) space between thousands and a decimal comma.
        written = written.replace(",", "\u202f").replace(".", ",")
    return written


def _decimals(value: float) -> int:
    size = abs(value)
    if size >= 100:
        return 0
    if size >= 10:
        return 1
    return 2


def format_number(value: float, unit: str, language: str) -> str:
    """``value`` in ``unit`` as the page shows it: shares as per cent with one decimal,
    other numbers with 0-2 decimals by size; decimal comma and spaced thousands in
    Norwegian. NaN is ``–``."""
    if value is None or math.isnan(value):
        return "–"
    if unit == "share":
        return f"{_grouped(100 * value, 1, language)} %"
    return _grouped(value, _decimals(value), language)


def format_difference(value: float, half_width: float, unit: str, language: str) -> str:
    """A difference with its sign and the half-width of its interval: ``+3.1 ± 0.4``,
    or for shares in percentage points (``+39.0 pp ± 1.1``; Norwegian ``pp`` too)."""
    if value is None or math.isnan(value):
        return "–"
    scale, decimals = (100.0, 1) if unit == "share" else (1.0, _decimals(value))
    # An ASCII minus: the page's cards read the sign to choose the arrow.
    sign = "+" if value > 0 else ("-" if value < 0 else "±")
    body = _grouped(abs(value) * scale, decimals, language)
    suffix = " pp" if unit == "share" else ""
    if half_width is None or math.isnan(half_width):
        return f"{sign}{body}{suffix}"
    # The half-width to two significant digits, and never fewer decimals than the value.
    spread = half_width * scale
    digits = 1 - math.floor(math.log10(spread)) if spread > 0 else 0
    half = _grouped(spread, min(3, max(decimals, digits)), language)
    return f"{sign}{body}{suffix} ± {half}"
