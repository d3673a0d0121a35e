"""Words and number formats for the two languages the dashboard speaks.

Norwegian bokmål is the default; English is a switch kept in the URL (`lang=en`). Every
number, amount, share and date goes through Babel with the locale's own patterns, so a
Norwegian reader sees `1 234 567 kr`, `4,7` and `−3,2 %` (with the real minus sign).
Charts get the same separators through plotly's `separators` (see `plotly_separators`).
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

import pandas as pd
from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    format_currency,
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
    get_plus_sign_symbol,
)

LANGS = ("nb", "en")
DEFAULT_LANG = "nb"
LOCALES = {"nb": "nb_NO", "en": "en_GB"}

# Statistics Norway's symbols: ":" for a value withheld to protect few respondents.
SUPPRESSED = ":"
MISSING = "–"


def lang_of(value: object, default: str = DEFAULT_LANG) -> str:
    """The language asked for in a URL or setting, falling back to the default."""
    text = str(value or "").strip().lower()
    return text if text in LANGS else (default if default in LANGS else DEFAULT_LANG)


# ---------------------------------------------------------------- words

STRINGS: dict[str, tuple[str, str]] = {
    # shell
    "app_title": ("Samskaping i hjemmetjenesten", "Co-creation in home-care services"),
    "app_subtitle": ("Trondheim kommune", "City of Trondheim"),
    "skip_link": ("Hopp til hovedinnholdet", "Skip to main content"),
    "nav_label": ("Hovedmeny", "Main menu"),
    "nav_oversikt": ("Oversikt", "Overview"),
    "nav_sone": ("Sone", "Zone"),
    "nav_sammenlign": ("Sammenlign", "Compare"),
    "nav_mote": ("Møtemodus", "Meeting mode"),
    "nav_import": ("Importer data", "Import"),
    "current_page": ("(denne siden)", "(current page)"),
    "lang_switch": ("English", "Norsk"),
    "lang_switch_label": ("Språk", "Language"),
    "sample_badge": ("Eksempeldata", "Sample data"),
    "sample_text": (
        "Tallene er oppdiktet for å vise dashbordet. De beskriver ingen virkelig enhet.",
        "The numbers are invented to show the dashboard. They describe no real unit.",
    ),
    "export_label": ("Last ned dataene bak denne siden:", "Download the data behind this page:"),
    "export_xlsx": ("Last ned Excel", "Download Excel"),
    "export_csv": ("Last ned CSV", "Download CSV"),
    "footer_sources": ("Datakilder", "Data sources"),
    "footer_no_sources": ("Ingen data er importert ennå.", "No data has been imported yet."),
    "source_item": ("{file} (importert {date})", "{file} (imported {date})"),
    "source_note": ("Kilde: {items}.", "Source: {items}."),
    "source_none": ("Kilde: ingen importerte data.", "Source: no imported data."),
    "legend_title": ("Tegnforklaring", "Key"),
    "legend_suppressed": (
        ": = skjult fordi færre enn {n} svarte",
        ": = withheld because fewer than {n} answered",
    ),
    "legend_missing": ("– = ingen data", "– = no data"),
    "suppressed_reason": ("færre enn {n} svar", "fewer than {n} answers"),
    "empty_year": ("Ingen data for valgt år", "No data for the selected year"),
    "empty_store": (
        "Ingen data er importert ennå. Gå til «Importer data» for å laste opp eksportene.",
        "No data has been imported yet. Go to “Import” to upload the exports.",
    ),
    "show_table": ("Vis tallene som tabell", "Show the numbers as a table"),
    "year": ("År", "Year"),
    "choose_year": ("Velg år", "Choose year"),
    "choose_zone": ("Velg sone", "Choose zone"),
    "zone": ("Sone", "Zone"),
    "median": ("Median", "Median"),
    "median_all": ("Median alle soner", "Median of all zones"),
    "rank": ("Rangering", "Rank"),
    "rank_of": ("{rank}. av {n}", "{rank} of {n}"),
    "this_year": ("Valgt år", "Selected year"),
    "last_year": ("Året før", "Year before"),
    "yes": ("Ja", "Yes"),
    "no": ("Nei", "No"),
    "and": ("og", "and"),
    "none": ("ingen", "none"),
    # overview
    "ovw_title": ("Oversikt over sonene", "Overview of the zones"),
    "ovw_intro": (
        "Alle soner side om side for valgt år, med medianen for kommunen. Klikk på en "
        "kolonneoverskrift for å sortere, og på et sonenavn for å se sonen.",
        "All zones side by side for the selected year, with the municipal median. Select a "
        "column heading to sort, and a zone name to open the zone.",
    ),
    "ovw_flags_title": ("Dette bør følges opp", "What to follow up"),
    "ovw_no_flags": ("Ingen flagg for {year}.", "No flags for {year}."),
    "ovw_table_caption": (
        "Nøkkeltall per sone {year}. Sortert etter {column}, {direction}.",
        "Key figures per zone {year}. Sorted by {column}, {direction}.",
    ),
    "ovw_flags_col": ("Flagg", "Flags"),
    "sort_asc": ("stigende", "ascending"),
    "sort_desc": ("synkende", "descending"),
    "sort_by": ("Sorter etter {column}", "Sort by {column}"),
    "group_survey": ("Brukerundersøkelse (1–6)", "User survey (1–6)"),
    "group_council": ("Brukerråd", "User council"),
    "group_budget": ("Økonomi", "Budget"),
    "group_risk": ("Risiko", "Risk"),
    "group_projects": ("Samskapingsprosjekter", "Co-creation projects"),
    # flags
    "flag_spiral": ("Negativ spiral", "Negative spiral"),
    "flag_spiral_text": (
        "inntrekk {n} år på rad",
        "budget claw-back {n} years running",
    ),
    "flag_no_council": ("Ingen i brukerrådet", "No one at the user council"),
    "flag_no_council_text": (
        "ingen deltakelse i brukerrådsmøter",
        "no attendance at user council meetings",
    ),
    "flag_no_radical": ("Ingen radikal samskaping", "No radical co-creation"),
    "flag_no_radical_text": ("ingen radikale prosjekter", "no radical projects"),
    "flag_suppressed": ("Skjult brukerundersøkelse", "Survey withheld"),
    "flag_suppressed_text": ("færre enn {n} svar", "fewer than {n} answers"),
    "flag_summary": ("{flag}: {zones}.", "{flag}: {zones}."),
    # zone page
    "zone_title": ("Sone {zone}", "Zone {zone}"),
    "zone_intro": (
        "Fem paneler for enhetslederen: hvert viser valgt år mot sonens egne tidligere år "
        "og mot de andre sonene (rangering og median).",
        "Five panels for the unit leader: each shows the selected year against the zone's "
        "own earlier years and against the other zones (rank and median).",
    ),
    "zone_unknown": ("Ukjent sone: {zone}", "Unknown zone: {zone}"),
    "zone_print": ("Skriv ut", "Print"),
    "panel_council": ("Brukerråd", "User council"),
    "panel_budget": ("Budsjett og ±3 %-regelen", "Budget and the ±3 % rule"),
    "panel_risk": ("Risikovilje", "Risk tolerance"),
    "panel_projects": ("Samskapingsprosjekter", "Co-creation projects"),
    "panel_survey": ("Brukerundersøkelse", "User survey"),
    "projects_list": ("Sonens samskapingsprosjekter", "The zone's co-creation projects"),
    "projects_none": ("Ingen prosjekter registrert for sonen.", "No projects registered."),
    "col_project": ("Prosjekt", "Project"),
    "col_years": ("Periode", "Period"),
    "col_status": ("Status", "Status"),
    "col_ladder": ("Samskapingsstigen", "Co-creation ladder"),
    "col_initiator": ("Initiert av", "Initiated by"),
    "col_entry": ("Inngang", "Entry"),
    "col_values": ("Verdiformer", "Forms of value"),
    "col_partners": ("Partnere", "Partners"),
    "active_in": ("aktiv {year}", "active {year}"),
    # compare
    "cmp_title": ("Sammenlign soner", "Compare zones"),
    "cmp_intro": (
        "Din sone mot valgte soner og medianen for alle soner, indikator for indikator, "
        "over årene.",
        "Your zone against chosen zones and the median of all zones, indicator by "
        "indicator, over the years.",
    ),
    "cmp_own": ("Din sone", "Your zone"),
    "cmp_others": ("Sammenlign med", "Compare with"),
    "cmp_year_note": ("Året som teksten og tabellen fremhever", "Year the text highlights"),
    "cmp_figure_summary": (
        "{count} små diagrammer, ett per indikator, med én linje per sone og medianen "
        "stiplet. Tallene står i tabellen under.",
        "{count} small charts, one per indicator, with one line per zone and the median "
        "dashed. The numbers are in the table below.",
    ),
    "cmp_sentences_title": ("Indikator for indikator", "Indicator by indicator"),
    "cmp_table_caption": (
        "Alle indikatorer per år for de valgte sonene og medianen",
        "Every indicator per year for the chosen zones and the median",
    ),
    "cmp_indicator": ("Indikator", "Indicator"),
    # meeting
    "mote_title": ("Møtemodus", "Meeting mode"),
    "mote_deck_soner": ("Én side per sone", "One slide per zone"),
    "mote_deck_paneler": ("Én side per panel", "One slide per panel"),
    "mote_help": (
        "Piltastene blar. Hjem og End går til første og siste side.",
        "The arrow keys move. Home and End go to the first and last slide.",
    ),
    "mote_prev": ("Forrige", "Previous"),
    "mote_next": ("Neste", "Next"),
    "mote_position": ("Side {n} av {total}", "Slide {n} of {total}"),
    "mote_intro_title": ("Nettverksmøte {year}", "Network meeting {year}"),
    "mote_intro_text": (
        "Nøkkeltall for alle soner. Bla med piltastene.",
        "Key figures for every zone. Move with the arrow keys.",
    ),
    "mote_switch_deck": ("Bytt til: {deck}", "Switch to: {deck}"),
    "mote_timer": ("Automatisk bla hvert {n}. sekund", "Advancing every {n} seconds"),
    "mote_exit": ("Avslutt møtemodus", "Leave meeting mode"),
    # budget words
    "underspend": ("mindreforbruk", "underspend"),
    "overspend": ("merforbruk", "overspend"),
    "balance": ("balanse", "balance"),
    "top_up": ("påplussing", "budget top-up"),
    "claw_back": ("inntrekk", "claw-back"),
    "band": ("±3 % av lønnskostnadene", "±3 % of wage costs"),
    "result_of_wages": ("Resultat i % av lønnskostnader", "Result as % of wage costs"),
    "within_band": ("innenfor grensen", "within the limit"),
    "outside_band": ("utenfor grensen", "outside the limit"),
    "conservative": ("konservativ", "conservative"),
    "radical": ("radikal", "radical"),
    "top_down": ("top-down", "top-down"),
    "bottom_up": ("bottom-up", "bottom-up"),
    "early": ("tidlig", "early"),
    "late": ("sen inngang", "late entry"),
}


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang`, with `{placeholders}` filled in."""
    nb, en = STRINGS[key]
    text = en if lang == "en" else nb
    return text.format(**values) if values else text


# Where long words in narrow table headings may break (a soft hyphen shows only when used).
SOFT_BREAKS = {
    "Informasjon": "Infor\u00admasjon",
    "Serviceinnstilling": "Service\u00adinnstilling",
    "Brukermedvirkning": "Bruker\u00admedvirkning",
    "Forutsigbarhet": "Forutsig\u00adbarhet",
    "Tjenestekvalitet": "Tjeneste\u00adkvalitet",
    "Samhandling": "Sam\u00adhandling",
    "brukerrådet": "bruker\u00adrådet",
    "Risikovilje": "Risiko\u00advilje",
    "Konservative": "Konser\u00advative",
    "Information": "Infor\u00admation",
    "participation": "partici\u00adpation",
    "Predictability": "Predict\u00adability",
    "Coordination": "Coordin\u00adation",
    "tolerance": "toler\u00adance",
    "Conservative": "Conser\u00advative",
}


def soft_hyphens(text: str) -> str:
    """A heading with soft hyphens in its long words, for narrow table columns."""
    for whole, broken in SOFT_BREAKS.items():
        text = text.replace(whole, broken)
    return text


# ---------------------------------------------------------------- numbers


def is_missing(value: object) -> bool:
    """None, NaN, NaT or pandas.NA: no value to show."""
    if isinstance(value, list | tuple | dict | set):
        return False
    return bool(pd.isna(value))


@lru_cache(maxsize=64)
def _pattern(kind: str, lang: str, decimals: int, signed: bool) -> str:
    """A Babel number pattern from the locale's own, with the locale's minus sign.

    Babel keeps the ASCII hyphen from a pattern's implicit negative form; an explicit
    negative subpattern with the locale's minus symbol gives Norwegian its U+2212.
    """
    loc = LOCALES[lang]
    locale = Locale.parse(loc)
    if kind == "percent":
        base = locale.percent_formats[None].pattern
    elif kind == "currency" and lang == "nb":
        base = locale.currency_formats["standard"].pattern
    elif kind == "currency":
        # CLDR's currency spacing puts a no-break space between a letter symbol and digits
        # ("NOK 1,234"); Babel does not apply that rule, so the pattern carries it.
        base = "¤\u00a0#,##0"
    else:
        base = locale.decimal_formats[None].pattern
    base = re.sub(r"\.[0#]+", "", base.split(";")[0])
    if decimals:
        base = re.sub(r"0(?=[^0]*$)", "0." + "0" * decimals, base, count=1)
    plus = get_plus_sign_symbol(loc) if signed else ""
    return f"{plus}{base};{get_minus_sign_symbol(loc)}{base}"


def _clean(value: float, decimals: int) -> float:
    # Avoid "−0,0": a value that rounds to zero is shown as zero.
    rounded = round(float(value), decimals)
    return 0.0 if rounded == 0 else rounded


@lru_cache(maxsize=65536)
def _format(kind: str, value: float, lang: str, decimals: int, signed: bool) -> str:
    # Babel takes tens of microseconds a number; pages show the same numbers again and again.
    pattern = _pattern(kind, lang, decimals, signed)
    if kind == "percent":
        return format_percent(value, format=pattern, locale=LOCALES[lang])
    if kind == "currency":
        return format_currency(
            value, "NOK", format=pattern, locale=LOCALES[lang], currency_digits=False
        )
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def fmt_number(value: object, lang: str, decimals: int = 0, signed: bool = False) -> str:
    """`1 234 567`, `4,7`; `–` for no value."""
    if is_missing(value):
        return MISSING
    return _format("decimal", _clean(value, decimals), lang, decimals, signed)


def fmt_score(value: object, lang: str) -> str:
    """A survey score on the 1-6 scale, always with one decimal: `4,7`."""
    return fmt_number(value, lang, decimals=1)


def fmt_kr(value: object, lang: str, signed: bool = False) -> str:
    """`1 234 567 kr` / `NOK 1,234,567`, whole kroner."""
    if is_missing(value):
        return MISSING
    return _format("currency", _clean(value, 0), lang, 0, signed)


def fmt_pct(value: object, lang: str, decimals: int = 1, signed: bool = False) -> str:
    """A share (0.032) as `3,2 %`; `−3,2 %` for negatives."""
    if is_missing(value):
        return MISSING
    return _format("percent", _clean(value, decimals + 2), lang, decimals, signed)


def fmt_date(value: object, lang: str) -> str:
    """`26. nov. 2025` / `26 Nov 2025`."""
    if is_missing(value):
        return MISSING
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    day = value.date() if isinstance(value, datetime) else value
    return format_date(day, format="medium", locale=LOCALES[lang])


def plotly_separators(lang: str) -> str:
    """Plotly's `separators`: decimal mark then thousands mark, from the locale."""
    loc = LOCALES[lang]
    return get_decimal_symbol(loc) + get_group_symbol(loc)


# ---------------------------------------------------------------- domain vocabulary

# Stored values are the Norwegian words of the exports; English pages translate them.
VOCAB_EN: dict[str, str] = {
    # survey themes
    "Informasjon": "Information",
    "Serviceinnstilling": "Service attitude",
    "Brukermedvirkning": "User participation",
    "Forutsigbarhet": "Predictability",
    "Tjenestekvalitet": "Service quality",
    "Samhandling": "Coordination",
    # project status
    "Planlagt": "Planned",
    "Pågår": "Ongoing",
    "Avsluttet": "Completed",
    "Implementert": "Implemented",
    "Avbrutt": "Stopped",
    # ladder
    "Samarbeid mellom profesjonelle og brukere": "Professionals and users together",
    "Borgere som frivillige": "Citizens as volunteers",
    "Borgere i problemløsning": "Citizens in problem solving",
    "Likeverdig samarbeid": "Equal partnership",
    # initiators
    "Enheten": "The unit",
    "Ansatte": "Staff",
    "Brukere og pårørende": "Users and relatives",
    "Innbyggere": "Citizens",
    "Frivillige": "Volunteers",
    "Brukerråd": "User council",
    "Politikere": "Politicians",
    "Helse- og velferdsdirektør": "Health and welfare director",
    "Kommunalsjef": "Municipal health head",
    "Universitetskommunen": "University-municipality partnership",
    "Staten": "The state",
    # entry
    "Tidlig": "Early",
    "Sent": "Late",
    # value forms
    "Demokratisk verdi": "Democratic value",
    "Effektivitet og kvalitet": "Efficiency and quality",
    "Innovasjon": "Innovation",
    "Offentlig verdi": "Public value",
}


def word(value: object, lang: str) -> str:
    """A stored Norwegian category word in the page's language."""
    if is_missing(value):
        return MISSING
    text = str(value)
    return VOCAB_EN.get(text, text) if lang == "en" else text


def words(value: object, lang: str, sep: str = ";") -> str:
    """A stored list ('a; b') with each item in the page's language."""
    if is_missing(value) or not str(value).strip():
        return MISSING
    return ", ".join(word(item.strip(), lang) for item in str(value).split(sep) if item.strip())


# ---------------------------------------------------------------- sentences and labels

STRINGS.update(
    {
        # metric labels (short, for table headings and axes)
        "m_survey_respondents": ("Antall svar", "Answers"),
        "m_council_meetings": ("Møter i brukerrådet", "Council meetings"),
        "m_council_representatives": ("Brukerrepresentanter til stede", "Representatives"),
        "m_council_inputs": ("Innspill", "Inputs"),
        "m_council_followed_up": ("Innspill fulgt opp", "Inputs followed up"),
        "m_council_followup_rate": ("Andel innspill fulgt opp", "Share of inputs followed up"),
        "m_council_decisions": ("Politiske vedtak", "Political decisions"),
        "m_budget": ("Budsjett", "Budget"),
        "m_actual": ("Regnskap", "Accounts"),
        "m_wage_costs": ("Lønnskostnader", "Wage costs"),
        "m_result": ("Resultat", "Result"),
        "m_result_pct": ("Resultat i % av budsjett", "Result as % of budget"),
        "m_result_wage_pct": ("Resultat i % av lønnskostnader", "Result as % of wage costs"),
        "m_carry_over": ("Overføring til neste år", "Carried to next year"),
        "m_inntrekk_streak": ("År på rad med inntrekk", "Years running with claw-back"),
        "m_risk_tolerance": ("Risikovilje (1–5)", "Risk tolerance (1–5)"),
        "m_error_quota": ("Tabbekvote", "Room to fail"),
        "m_experiments_started": ("Forsøk startet", "Experiments started"),
        "m_experiments_stopped": ("Forsøk avsluttet", "Experiments stopped"),
        "m_development_funds": ("Utviklingsmidler", "Development funds"),
        "m_projects_active": ("Aktive prosjekter", "Active projects"),
        "m_projects_conservative": ("Konservative prosjekter", "Conservative projects"),
        "m_projects_radical": ("Radikale prosjekter", "Radical projects"),
        "m_projects_top_down": ("Initiert top-down", "Initiated top-down"),
        "m_projects_bottom_up": ("Initiert bottom-up", "Initiated bottom-up"),
        "m_projects_late_entry": ("Sen inngang", "Late entry"),
        "rank_phrase": ("nr. {rank} av {n} soner", "rank {rank} of {n} zones"),
        "median_phrase": ("medianen for alle soner er {median}", "the median is {median}"),
        # panel sentences
        "s_council": (
            "I {year} fulgte {zone} opp {rate} av innspillene i brukerrådet ({followed} av "
            "{inputs}), mot en median på {median} for alle soner: {rank}.",
            "In {year}, {zone} followed up {rate} of its inputs to the user council ({followed} "
            "of {inputs}), against a median of {median} for all zones: {rank}.",
        ),
        "s_council_absent": (
            "I {year} deltok ingen fra {zone} i brukerrådet.",
            "In {year}, no one from {zone} attended the user council.",
        ),
        "s_council_no_inputs": (
            "I {year} kom det ingen innspill fra {zone} i brukerrådet ({meetings} møter).",
            "In {year}, {zone} brought no inputs to the user council ({meetings} meetings).",
        ),
        "s_budget": (
            "I {year} hadde {zone} {kind} på {result} ({share} av lønnskostnadene, {band} på "
            "±3 %), som gir {carry_kind} på {carry} neste år.",
            "In {year}, {zone} had an {kind} of {result} ({share} of wage costs, {band} of "
            "±3 %), giving a {carry_kind} of {carry} next year.",
        ),
        "s_budget_even": (
            "I {year} gikk {zone} i balanse: ingen påplussing eller inntrekk neste år.",
            "In {year}, {zone} broke even: no top-up or claw-back next year.",
        ),
        "s_spiral": (
            "Negativ spiral: inntrekk {n} år på rad.",
            "Negative spiral: claw-back {n} years running.",
        ),
        "s_risk": (
            "{zone} vurderte sin risikovilje til {risk} av 5 i {year}, mot en median på "
            "{median}: {rank}.",
            "{zone} rated its risk tolerance {risk} of 5 in {year}, against a median of "
            "{median}: {rank}.",
        ),
        "s_projects": (
            "Aktive samskapingsprosjekter i {zone} i {year}: {active} (konservative: {cons}, "
            "radikale: {rad}; initiert ovenfra, top-down: {td}, nedenfra, bottom-up: {bu}).",
            "Active co-creation projects in {zone} in {year}: {active} (conservative: {cons}, "
            "radical: {rad}; initiated from above, top-down: {td}, from below, bottom-up: {bu}).",
        ),
        "s_radical_who": (
            "Radikale prosjekter {year}: {items}.",
            "Radical projects {year}: {items}.",
        ),
        "s_radical_none": (
            "Ingen radikale prosjekter i {year}.",
            "No radical projects in {year}.",
        ),
        "s_survey": (
            "I {year} svarte {n} brukere i {zone}; sonen lå over medianen på {above} av {shown} "
            "tema og høyest på {best} ({score}).",
            "In {year}, {n} users in {zone} answered; the zone was above the median on {above} "
            "of {shown} themes and highest on {best} ({score}).",
        ),
        "s_survey_suppressed": (
            "Resultatene for {zone} i {year} vises ikke: færre enn {threshold} svar.",
            "The results for {zone} in {year} are withheld: fewer than {threshold} answers.",
        ),
        "survey_no_prev": ("ingen tall året før", "no figures the year before"),
        "theme": ("Tema", "Theme"),
        "radical_by": ("Radikale, initiert av", "Radical, initiated by"),
        "next_year": ("neste år", "next year"),
        # figure labels
        "fig_band": ("Grense ±3 %", "Limit ±3 %"),
        "fig_prev_year": ("Året før", "Year before"),
        "ovw_spiral_history": (
            "Inntrekk to år på rad eller mer, alle år: {items}.",
            "Claw-back two years running or more, all years: {items}.",
        ),
        "ovw_spiral_item": ("{zone} ({first}–{last})", "{zone} ({first}–{last})"),
        "ovw_table_title": ("Alle soner {year}", "All zones {year}"),
        "cmp_sentence": (
            "{metric} {year}: {values}; median {median}.",
            "{metric} {year}: {values}; median {median}.",
        ),
        "cmp_zone_value": ("{zone} {value}", "{zone} {value}"),
        "cmp_no_value": ("{zone} ingen data", "{zone} no data"),
        "cmp_suppressed": ("{zone} : ({reason})", "{zone} : ({reason})"),
        "mote_zone_lead": (
            "{zone} i {year}, mot medianen for alle soner.",
            "{zone} in {year}, against the median of all zones.",
        ),
        "mote_fact_context": ("median {median} · {rank}", "median {median} · {rank}"),
        "mote_panel_lead": (
            "{metric} {year}: median {median}; høyest {top} ({top_value}), lavest {bottom} "
            "({bottom_value}).",
            "{metric} {year}: median {median}; highest {top} ({top_value}), lowest {bottom} "
            "({bottom_value}).",
        ),
        "mote_pause": ("Pause", "Pause"),
        "mote_resume": ("Fortsett", "Resume"),
        "mote_slide": ("lysbilde", "slide"),
        "mote_deck_label": ("Lysbilder", "Slides"),
        "ovw_zone_link": ("Åpne sonen {zone}", "Open zone {zone}"),
    }
)
