"""Words and number formats for the two languages the dashboard speaks.

Norwegian bokmål is the default; English is a switch kept in the URL (`lang=en`). Every
number, amount, share and date goes through Babel with the locale's own patterns, so a
Norwegian reader sees `1 234 567 kr`, `4,7` and `−3,2 %` (with the real minus sign).
Charts get the same separators through plotly's `separators` (see `plotly_separators`).
"""

from __future__ import annotations

import logging
import math
import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
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

log = logging.getLogger(__name__)

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
    # ------------------------------------------------------------ shell
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
    "sample_badge": ("Eksempeldata", "Sample data"),
    "sample_text": (
        "Tallene er oppdiktet for å vise dashbordet. De beskriver ingen virkelig enhet.",
        "The numbers are invented to show the dashboard. They describe no real unit.",
    ),
    "export_label": ("Last ned dataene bak denne siden:", "Download the data behind this page:"),
    "export_xlsx": ("Last ned Excel", "Download Excel"),
    "export_csv": ("Last ned CSV", "Download CSV"),
    "list_export": ("Hele listen:", "The whole list:"),
    "list_capped": (
        "Viser {shown} av {total}. Hele listen er i eksporten.",
        "Showing {shown} of {total}. The export has the whole list.",
    ),
    # ------------------------------------------------------------ the all-zones report
    "rep_title": ("Årsrapport for alle soner {year}", "Annual report for all zones {year}"),
    "rep_intro": (
        "Alle sonene i {year}: flaggene, nøkkeltallene mot medianen og hva hvert tema viser. "
        "Skrevet ut får hver sone sin egen del.",
        "Every zone in {year}: the flags, the key figures against the median and what each "
        "theme shows. Printed, each zone gets its own part.",
    ),
    "rep_link": (
        "Årsrapport for alle soner, for utskrift",
        "Annual report for all zones, for printing",
    ),
    "rep_municipality": ("Kommunen", "The municipality"),
    "rep_zone_flags": ("Flagg", "Flags"),
    "rep_no_zone_flags": ("Ingen flagg.", "No flags."),
    "rep_key_figures": ("Nøkkeltall", "Key figures"),
    "rep_themes": ("Tema for tema", "Theme by theme"),
    "rep_zone_page": ("Sonens side", "The zone's page"),
    "printed": ("Skrevet ut {date}", "Printed {date}"),
    # ------------------------------------------------------------ no page, no data
    "nf_title": ("Fant ikke siden", "Page not found"),
    "nf_text": (
        "Det finnes ingen side på denne adressen. Kanskje lenken er gammel eller skrevet feil.",
        "There is no page at this address. Perhaps the link is old or mistyped.",
    ),
    "nf_overview": ("Gå til oversikten over sonene", "Go to the overview of the zones"),
    "no_data_title": ("Ingen data ennå", "No data yet"),
    "no_data_admin": (
        "Ingen filer er importert. Last opp kvalitetsrapporten og enhetsavtalene, så fylles "
        "sidene med tall.",
        "No files have been imported. Upload the quality report and the unit agreements, and "
        "the pages fill with figures.",
    ),
    "no_data_viewer": (
        "Ingen filer er importert ennå. Be administratoren av dashbordet om å importere "
        "kvalitetsrapporten og enhetsavtalene.",
        "No files have been imported yet. Ask the dashboard's administrator to import the "
        "quality report and the unit agreements.",
    ),
    "no_data_import": ("Gå til Importer data", "Go to Import data"),
    "no_data_login": (
        "Administrator? Logg inn under Importer data",
        "Administrator? Log in at Import data",
    ),
    # ------------------------------------------------------------ sources
    "source_item": ("{file} (importert {date})", "{file} (imported {date})"),
    "source_note": ("Kilde: {items}.", "Source: {items}."),
    "source_none": ("Kilde: ingen importerte data.", "Source: no imported data."),
    "and_more_files": ("og {n} filer til", "and {n} more files"),
    "source_rows": ("{file}, {sheet}, rad {rows}", "{file}, {sheet}, row {rows}"),
    "and_more_rows": ("(og {n} rader til)", "(and {n} more rows)"),
    "source_of_table": ("Kilde: {source}.", "Source: {source}."),
    "source_register": (
        "Prosjektregisteret (kilden til hvert prosjekt står i prosjektlisten)",
        "The project register (each project's source is in the project list)",
    ),
    "col_source": ("Kilde", "Source"),
    "table_survey": ("brukerundersøkelse", "user survey"),
    "table_council_meetings": ("brukerråd", "user council"),
    "table_economy": ("økonomi", "budget"),
    "table_risk_tolerance": ("risikovilje", "risk tolerance"),
    "table_goals": ("mål i enhetsavtalen", "unit agreement goals"),
    "table_quality_indicators": ("kvalitetsindikatorer", "quality indicators"),
    "table_projects": ("prosjektregisteret", "the project register"),
    # ------------------------------------------------------------ common words
    "legend_title": ("Tegnforklaring", "Key"),
    "legend_suppressed": (
        ": = skjult fordi færre enn {n} svarte",
        ": = withheld because fewer than {n} answered",
    ),
    "legend_missing": ("– = ingen data", "– = no data"),
    "legend_better": (
        "bedre enn medianen (grønn; på brukerundersøkelsen med mer enn {survey} og på andeler "
        "med mer enn {points} prosentpoeng)",
        "better than the median (green; on the survey by more than {survey}, on shares by "
        "more than {points} percentage points)",
    ),
    "legend_worse": (
        "svakere enn medianen (rød, med samme grenser)",
        "worse than the median (red, by the same margins)",
    ),
    "legend_band": (
        "resultatet er utenfor ±3 %-grensen (gul)",
        "the result is outside the ±3 % limit (yellow)",
    ),
    "legend_trend": (
        "▲ ▼ under «Endring»: hvor mange tall som ble bedre og svakere siden året før",
        "▲ ▼ under “Change”: how many figures got better and worse since the year before",
    ),
    "suppressed_reason": ("færre enn {n} svar", "fewer than {n} answers"),
    "empty_year": ("Ingen data for valgt år", "No data for the selected year"),
    "show_table": ("Vis tallene som tabell", "Show the numbers as a table"),
    "year": ("År", "Year"),
    "choose_year": ("Velg år", "Choose year"),
    "choose_zone": ("Velg sone", "Choose zone"),
    "zone": ("Sone", "Zone"),
    "median": ("Median", "Median"),
    "median_all": ("Median alle soner", "Median of all zones"),
    "rank": ("Rangering", "Rank"),
    "rank_phrase": ("nr. {rank} av {zones}", "rank {rank} of {zones}"),
    "rank_tied": ("delt {first}.–{last}. av {zones}", "tied {first}–{last} of {zones}"),
    "one_zone": ("{n} sone", "{n} zone"),
    "n_zones": ("{n} soner", "{n} zones"),
    "last_year": ("Året før", "Year before"),
    "yes": ("Ja", "Yes"),
    "no": ("Nei", "No"),
    "and": ("og", "and"),
    "and_more": ("og {n} til", "and {n} more"),
    "count_of": ("{part} av {whole}", "{part} of {whole}"),
    "year_partial": ("{year} (delvis)", "{year} (partial)"),
    "partial_note": (
        "{year} er ufullstendig: {items}. Medianer og rangeringer gjelder bare sonene med "
        "tall, og tallene sammenlignes ikke med medianen.",
        "{year} is incomplete: {items}. Medians and ranks cover only the zones with figures, "
        "and the figures are not compared with the median.",
    ),
    "partial_item": ("{table} for {have} av {of} soner", "{table} for {have} of {of} zones"),
    "zone_joined": (
        "{zone} ble en del av Trondheim {date}, og har ingen tall for årene før.",
        "{zone} became part of Trondheim on {date} and has no figures for the years before.",
    ),
    # ------------------------------------------------------------ overview
    "ovw_title": ("Oversikt over sonene", "Overview of the zones"),
    "ovw_intro": (
        "Alle soner side om side for valgt år. Flaggene sier hvem som bør følges opp og "
        "hvorfor; tegnene i cellene sammenligner med medianen for kommunen. Klikk på en "
        "kolonneoverskrift for å sortere, og på et sonenavn for å se sonen.",
        "All zones side by side for the selected year. The flags say who needs attention and "
        "why; the marks in the cells compare with the municipal median. Select a column "
        "heading to sort, and a zone name to open the zone.",
    ),
    "ovw_flags_title": ("Dette bør følges opp", "What to follow up"),
    "ovw_no_flags": ("Ingen flagg for {year}.", "No flags for {year}."),
    "ovw_common_title": ("Felles for kommunen", "Across the municipality"),
    "ovw_table_caption": (
        "Nøkkeltall per sone {year}. Sortert etter {column}, {direction}.",
        "Key figures per zone {year}. Sorted by {column}, {direction}.",
    ),
    "ovw_table_title": ("Alle soner {year}", "All zones {year}"),
    "ovw_table_region": ("Tabellen over alle soner", "The table of all zones"),
    "ovw_columns": ("Velg kolonner", "Choose columns"),
    "ovw_columns_legend": (
        "Vis disse kolonnegruppene (sonen står alltid først)",
        "Show these column groups (the zone always comes first)",
    ),
    "ovw_pages_label": ("Sider i tabellen", "Pages of the table"),
    "ovw_page_status": (
        "Side {page} av {pages}: sone {first}–{last} av {total}.",
        "Page {page} of {pages}: zones {first}–{last} of {total}.",
    ),
    "ovw_page_button": ("Side {page} av {pages}", "Page {page} of {pages}"),
    "ovw_flag_more": (
        "og {n} soner til (tabellen sortert etter flagg viser alle)",
        "and {n} more zones (the table sorted by flags shows them all)",
    ),
    "ovw_flags_col": ("Flagg", "Flags"),
    "ovw_trend_col": ("Endring siden {year}", "Change since {year}"),
    "trend_text": (
        "{better} tall bedre og {worse} svakere enn i {year}",
        "{better} figures better and {worse} worse than in {year}",
    ),
    "cue_better": ("bedre enn medianen", "better than the median"),
    "cue_worse": ("svakere enn medianen", "worse than the median"),
    "cue_over": ("merforbruk utover −3 %-grensen", "overspend beyond the −3 % limit"),
    "cue_under": (
        "mindreforbruk utover +3 %-grensen: ikke alt overføres",
        "underspend beyond the +3 % limit: not all of it is carried over",
    ),
    "sort_asc": ("stigende", "ascending"),
    "sort_desc": ("synkende", "descending"),
    "sort_by": ("Sorter etter {column}", "Sort by {column}"),
    "group_survey": ("Brukerundersøkelse (1–6)", "User survey (1–6)"),
    "group_council": ("Brukerråd", "User council"),
    "group_budget": ("Økonomi", "Budget"),
    "group_risk": ("Risiko", "Risk"),
    "group_projects": ("Samskapingsprosjekter", "Co-creation projects"),
    "group_goals": ("Enhetsavtale", "Unit agreement"),
    "ovw_spiral_history": (
        "Inntrekk {n} år på rad eller mer, alle år: {items}.",
        "Claw-back {n} years running or more, all years: {items}.",
    ),
    "ovw_spiral_item": ("{zone} ({first}–{last})", "{zone} ({first}–{last})"),
    "ovw_spiral_more": (
        "og {n} til (de siste er nevnt)",
        "and {n} more (the latest are named)",
    ),
    # ------------------------------------------------------------ flags
    "severity_high": ("høy", "high"),
    "severity_medium": ("middels", "medium"),
    "severity_low": ("lav", "low"),
    "severity_said": ("Alvorlighet: {level}.", "Severity: {level}."),
    "flag_spiral": ("Negativ spiral", "Negative spiral"),
    "flag_spiral_text": ("inntrekk {n} år på rad", "budget claw-back {n} years running"),
    "rule_spiral": (
        "Regel: inntrekk {threshold} år på rad eller mer.",
        "Rule: claw-back {threshold} years running or more.",
    ),
    "flag_overspend": ("Merforbruk over grensen", "Overspend beyond the limit"),
    "flag_overspend_text": ("resultat {share} av budsjettet", "result {share} of budget"),
    "rule_overspend": (
        "Regel: merforbruk på mer enn {threshold} av budsjettet det året.",
        "Rule: an overspend of more than {threshold} of the year's budget.",
    ),
    "flag_no_council": ("Ingen i brukerrådet", "No one at the user council"),
    "flag_no_council_text": (
        "ingen deltakelse i brukerrådsmøter",
        "no attendance at user council meetings",
    ),
    "rule_no_council": (
        "Regel: brukerrådet møttes, men ingen fra sonen deltok.",
        "Rule: the user council met, but no one from the zone attended.",
    ),
    "flag_low_followup": ("Lite fulgt opp i brukerrådet", "Little council input followed up"),
    "flag_low_followup_text": (
        "{share} av innspillene fulgt opp ({followed} av {inputs})",
        "{share} of the inputs followed up ({followed} of {inputs})",
    ),
    "rule_low_followup": (
        "Regel: under {threshold} av brukerrådets innspill fulgt opp.",
        "Rule: under {threshold} of the user council's inputs followed up.",
    ),
    "flag_low_risk": ("Lav risikovilje", "Low risk tolerance"),
    "flag_low_risk_text": ("risikovilje {risk} av 5", "risk tolerance {risk} of 5"),
    "rule_low_risk": (
        "Regel: egenvurdert risikovilje {threshold} eller lavere på skalaen 1–5.",
        "Rule: a self-rated risk tolerance of {threshold} or lower on the 1–5 scale.",
    ),
    "flag_targets": ("Mål ikke nådd", "Targets not reached"),
    "flag_targets_text": (
        "{reached} av {measured} målte mål nådd",
        "{reached} of {measured} measured goals reached",
    ),
    "rule_targets": (
        "Regel: under {threshold} av de målte målene i enhetsavtalen nådd.",
        "Rule: under {threshold} of the unit agreement's measured goals reached.",
    ),
    "flag_no_radical": ("Ingen radikal samskaping", "No radical co-creation"),
    "flag_no_radical_text": ("ingen radikale prosjekter", "no radical projects"),
    "rule_no_radical": (
        "Regel: ingen aktive samskapingsprosjekter på nivå 3 eller 4.",
        "Rule: no active co-creation projects at level 3 or 4.",
    ),
    "flag_suppressed": ("Skjult brukerundersøkelse", "Survey withheld"),
    "flag_suppressed_text": ("færre enn {n} svar", "fewer than {n} answers"),
    "rule_suppressed": (
        "Regel: minst ett tema har for få svar til å vises.",
        "Rule: at least one theme has too few answers to be shown.",
    ),
    "flag_common_note": (
        "{label} i {year}: {count} av {zones}. Det gjelder de fleste sonene, så det står her "
        "én gang for kommunen, ikke som flagg på hver sone.",
        "{label} in {year}: {count} of {zones}. Most zones have it, so it is said here once "
        "for the municipality, not as a flag on each zone.",
    ),
    "flag_few_zones": (
        "Bygger bare på {zones} med tall for {table}.",
        "Based only on {zones} with figures for {table}.",
    ),
    # ------------------------------------------------------------ zone page
    "zone_title": ("Sone {zone}", "Zone {zone}"),
    "zone_intro": (
        "Ett panel per tema for enhetslederen: hvert viser valgt år mot sonens egne tidligere "
        "år og mot de andre sonene (rangering og median).",
        "One panel per theme for the unit leader: each shows the selected year against the "
        "zone's own earlier years and against the other zones (rank and median).",
    ),
    "zone_not_found": ("Fant ingen sone «{zone}»", "No zone called “{zone}”"),
    "zone_not_found_text": (
        "Det finnes ingen sone med dette navnet i dashbordet. Velg en av sonene under.",
        "The dashboard has no zone by this name. Choose one of the zones below.",
    ),
    "zones_intro": (
        "Hver sone har sin egen side: brukerråd, budsjett, risikovilje, prosjekter, "
        "brukerundersøkelse og mål, år for år og mot de andre sonene.",
        "Each zone has its own page: user council, budget, risk tolerance, projects, user "
        "survey and goals, year by year and against the other zones.",
    ),
    "zones_list": ("Sonene", "The zones"),
    "zone_print": ("Skriv ut", "Print"),
    "panel_council": ("Brukerråd", "User council"),
    "panel_budget": ("Budsjett og ±3 %-regelen", "Budget and the ±3 % rule"),
    "panel_risk": ("Risikovilje", "Risk tolerance"),
    "panel_projects": ("Samskapingsprosjekter", "Co-creation projects"),
    "panel_survey": ("Brukerundersøkelse", "User survey"),
    "panel_targets": ("Mål og kvalitet", "Goals and quality"),
    "projects_list": ("Sonens samskapingsprosjekter", "The zone's co-creation projects"),
    "projects_capped": (
        "Viser {shown} av {total} prosjekter: de aktive i {year} først, så de nyeste.",
        "Showing {shown} of {total} projects: those active in {year} first, then the newest.",
    ),
    "listing_none_projects": (
        "Ingen prosjekter registrert for sonen.",
        "No projects registered for the zone.",
    ),
    "listing_none_targets": (
        "Ingen mål eller kvalitetsindikatorer for sonen dette året.",
        "No goals or quality indicators for the zone this year.",
    ),
    "col_project": ("Prosjekt", "Project"),
    "col_years": ("Periode", "Period"),
    "col_status": ("Status", "Status"),
    "col_ladder": ("Samskapingsstigen", "Co-creation ladder"),
    "col_initiator": ("Initiert av", "Initiated by"),
    "col_entry": ("Inngang", "Entry"),
    "col_values": ("Verdiformer", "Forms of value"),
    "col_indicator": ("Indikator", "Indicator"),
    "col_goal": ("Mål", "Goal"),
    "col_target": ("Målverdi", "Target"),
    "col_result": ("Resultat", "Result"),
    "col_direction": ("Retning", "Direction"),
    "col_trend": ("Utvikling", "Trend"),
    "active_in": ("aktiv {year}", "active {year}"),
    "targets_caption": (
        "Mål og kvalitetsindikatorer {year}",
        "Goals and quality indicators {year}",
    ),
    "status_reached": ("nådd", "reached"),
    "status_close": ("nær", "close"),
    "status_not_reached": ("ikke nådd", "not reached"),
    "status_not_measured": ("ikke målt", "not measured"),
    "status_rule": (
        "Slik leses statusen: ✓ nådd når resultatet er minst like godt som målverdien "
        "(høyere eller lavere, etter retningen); ≈ nær når det bommer med høyst {close} % av "
        "målverdien; ✗ ikke nådd når det bommer med mer; ○ ikke målt når resultatet mangler.",
        "How the status reads: ✓ reached when the result is at least as good as the target "
        "(higher or lower, by the direction); ≈ close when it misses by at most {close} % of "
        "the target; ✗ not reached when it misses by more; ○ not measured without a result.",
    ),
    "direction_higher": ("høyere er bedre", "higher is better"),
    "direction_lower": ("lavere er bedre", "lower is better"),
    "trend_better": ("↑ bedre enn {year} ({value})", "↑ better than {year} ({value})"),
    "trend_worse": ("↓ svakere enn {year} ({value})", "↓ worse than {year} ({value})"),
    "trend_same": ("= som {year} ({value})", "= as in {year} ({value})"),
    "kind_goal": ("Mål", "Goal"),
    "kind_quality": ("Kvalitetsindikator", "Quality indicator"),
    "carry_cap": (
        "Tak for overføring (3 % av lønnskostnadene)",
        "Cap on carry-over (3 % of wage costs)",
    ),
    # budget words
    "underspend": ("mindreforbruk", "underspend"),
    "overspend": ("merforbruk", "overspend"),
    "balance": ("balanse", "balance"),
    "top_up": ("påplussing", "budget top-up"),
    "claw_back": ("inntrekk", "claw-back"),
    "within_band": ("innenfor grensen", "within the limit"),
    "outside_band": ("utenfor grensen", "outside the limit"),
    "conservative": ("konservativ", "conservative"),
    "radical": ("radikal", "radical"),
    "top_down": ("top-down", "top-down"),
    "bottom_up": ("bottom-up", "bottom-up"),
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
        "I {year} hadde {zone} {kind} på {result} ({share} av budsjettet, {band} på ±3 %), "
        "som gir {carry_kind} på {carry} neste år.",
        "In {year}, {zone} had an {kind} of {result} ({share} of budget, {band} of ±3 %), "
        "giving a {carry_kind} of {carry} next year.",
    ),
    "s_budget_even": (
        "I {year} gikk {zone} i balanse: ingen påplussing eller inntrekk neste år.",
        "In {year}, {zone} broke even: no top-up or claw-back next year.",
    ),
    "s_budget_unknown": (
        "Resultatet for {zone} i {year} kan ikke vises: tallene i kilden er ikke gyldige.",
        "The result for {zone} in {year} cannot be shown: the figures in the source are not valid.",
    ),
    "s_cap_overspend": (
        "Merforbruket var {result}, men inntrekket er begrenset til {limit} av "
        "lønnskostnadene ({cap}): de resterende {rest} trekkes ikke inn.",
        "The overspend was {result}, but the claw-back is capped at {limit} of wage costs "
        "({cap}): the remaining {rest} is not clawed back.",
    ),
    "s_cap_underspend": (
        "Mindreforbruket var {result}, men påplussingen er begrenset til {limit} av "
        "lønnskostnadene ({cap}): de resterende {rest} overføres ikke.",
        "The underspend was {result}, but the top-up is capped at {limit} of wage costs "
        "({cap}): the remaining {rest} is not carried over.",
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
    "s_radical_who": ("Radikale prosjekter {year}: {items}.", "Radical projects {year}: {items}."),
    "s_radical_none": ("Ingen radikale prosjekter i {year}.", "No radical projects in {year}."),
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
    "s_targets": (
        "I {year} nådde {zone} {reached} av {measured} målte mål i enhetsavtalen ({close} "
        "nær, {unmeasured} ikke målt), mot en median på {median} nådd for alle soner: {rank}.",
        "In {year}, {zone} reached {reached} of {measured} measured goals of its unit "
        "agreement ({close} close, {unmeasured} not measured), against a median of {median} "
        "reached for all zones: {rank}.",
    ),
    "s_targets_unmeasured": (
        "Ingen av målene for {zone} i {year} er målt ennå.",
        "None of the goals for {zone} in {year} has been measured yet.",
    ),
    "theme": ("Tema", "Theme"),
    "fig_band": ("Grense ±3 %", "Limit ±3 %"),
    # ------------------------------------------------------------ compare
    "cmp_title": ("Sammenlign soner", "Compare zones"),
    "cmp_intro": (
        "Din sone mot valgte soner og medianen for alle soner, indikator for indikator, "
        "over årene.",
        "Your zone against chosen zones and the median of all zones, indicator by "
        "indicator, over the years.",
    ),
    "cmp_own": ("Din sone", "Your zone"),
    "cmp_chart_region": ("Diagrammene", "The charts"),
    "cmp_others": ("Sammenlign med", "Compare with"),
    "cmp_figure_summary": (
        "{count} små diagrammer, ett per indikator, med én linje per sone og medianen "
        "stiplet. Tallene står i tabellen under.",
        "{count} small charts, one per indicator, with one line per zone and the median "
        "dashed. The numbers are in the table below.",
    ),
    "cmp_scales": (
        "Aksene følger hver indikators hele skala: brukerundersøkelsen 1–6, risikovilje 1–5, "
        "andeler 0–100 %; antall og beløp starter på 0, og resultatet er sentrert på 0.",
        "The axes follow each indicator's whole scale: the user survey 1–6, risk tolerance "
        "1–5, shares 0–100%; counts and amounts start at 0, and the result is centred on 0.",
    ),
    "cmp_sentences_title": ("Indikator for indikator", "Indicator by indicator"),
    "cmp_table_caption": (
        "Alle indikatorer per år for de valgte sonene og medianen",
        "Every indicator per year for the chosen zones and the median",
    ),
    "cmp_indicator": ("Indikator", "Indicator"),
    "cmp_sentence": (
        "{metric} {year}: {values}; median {median}.",
        "{metric} {year}: {values}; median {median}.",
    ),
    "cmp_zone_value": ("{zone} {value}", "{zone} {value}"),
    "cmp_no_value": ("{zone} ingen data", "{zone} no data"),
    "cmp_suppressed": ("{zone} : ({reason})", "{zone} : ({reason})"),
    "cmp_not_member": (
        "{zone} var ikke en del av Trondheim i {year}",
        "{zone} was not part of Trondheim in {year}",
    ),
    # ------------------------------------------------------------ meeting mode
    "mote_title": ("Møtemodus", "Meeting mode"),
    "mote_deck_gjennomgang": (
        "Møtet: endringer, tema og samtale",
        "The meeting: changes, themes, discussion",
    ),
    "mote_deck_soner": ("Én side per sone", "One slide per zone"),
    "mote_deck_paneler": ("Én side per panel", "One slide per panel"),
    "mote_order_flagg": ("Mest flagget først", "Most flagged first"),
    "mote_order_alfabetisk": ("Alfabetisk", "Alphabetical"),
    "mote_deck_label": ("Lysbilder", "Slides"),
    "mote_controls": ("Styring av møtet", "Meeting controls"),
    "mote_help": (
        "Piltastene og Page Up/Down blar, Hjem og End går til første og siste side, F slår "
        "fullskjerm av og på, Esc går ut av fullskjerm.",
        "The arrow keys and Page Up/Down move, Home and End go to the first and last slide, "
        "F switches full screen on and off, Esc leaves full screen.",
    ),
    "mote_prev": ("Forrige", "Previous"),
    "mote_next": ("Neste", "Next"),
    "mote_pause": ("Pause", "Pause"),
    "mote_resume": ("Fortsett", "Resume"),
    "mote_position": ("Side {n} av {total}", "Slide {n} of {total}"),
    "mote_year_menu": ("År {year}", "Year {year}"),
    "mote_auto": ("Bla automatisk", "Advance automatically"),
    "mote_auto_menu": ("Bla automatisk: {state}", "Advance: {state}"),
    "mote_left_out": ("… {zones} til mellom disse", "… {zones} more between these"),
    "mote_auto_off": ("av", "off"),
    "mote_auto_every": ("hvert {n}. sekund", "every {n} seconds"),
    "mote_auto_seconds": ("{n} s", "{n} s"),
    "mote_view_menu": ("Visning", "View"),
    "mote_deck_choice": ("Lysbildene", "The slides"),
    "mote_order_choice": ("Rekkefølgen på sonene", "The order of the zones"),
    "mote_fullscreen": ("Fullskjerm", "Full screen"),
    "mote_fullscreen_off": ("Avslutt fullskjerm", "Leave full screen"),
    "mote_exit": ("Avslutt møtemodus", "Leave meeting mode"),
    "mote_clock": ("Klokken", "Time"),
    "mote_elapsed": ("Tid i møtet", "Time in the meeting"),
    "mote_intro_title": ("Nettverksmøte {year}", "Network meeting {year}"),
    "mote_complete": (
        "{complete} av {zones} har komplette tall for {year}.",
        "{complete} of {zones} have complete figures for {year}.",
    ),
    "mote_agenda": ("I dag", "Today"),
    "mote_agenda_changes": ("Hva som har endret seg siden {year}", "What has changed since {year}"),
    "mote_agenda_panels": (
        "{n} tema, alle soner side om side",
        "{n} themes, all zones side by side",
    ),
    "mote_agenda_discuss": ("Samtale om {zones}", "Discussion: {zones}"),
    "mote_changes_title": ("Endringer siden {year}", "Changes since {year}"),
    "mote_changes_lead": (
        "{year} mot {before}: de største endringene, og flaggene som kom og gikk.",
        "{year} against {before}: the largest moves, and the flags that came and went.",
    ),
    "mote_changes_none": (
        "Ingen tall for {year} å sammenligne med.",
        "No figures for {year} to compare with.",
    ),
    "mote_moves": ("Største endringer", "Largest moves"),
    "mote_move": (
        "{zone}: {metric} {before} → {now} ({way})",
        "{zone}: {metric} {before} → {now} ({way})",
    ),
    "mote_better": ("bedre", "better"),
    "mote_worse": ("svakere", "worse"),
    "mote_no_moves": ("Ingen store endringer.", "No large moves."),
    "mote_new_flags": ("Nye flagg", "New flags"),
    "mote_no_new": ("Ingen nye flagg.", "No new flags."),
    "mote_gone_flags": ("Flagg som er borte", "Flags resolved"),
    "mote_no_gone": ("Ingen flagg er borte.", "No flags resolved."),
    "mote_flag_line": ("{zone}: {flag}", "{zone}: {flag}"),
    "mote_discuss_all": ("Samtale: hele kommunen", "Discussion: the whole municipality"),
    "mote_discuss_all_lead": (
        "Det de fleste sonene har felles i {year}.",
        "What most zones share in {year}.",
    ),
    "mote_discuss_title": ("Samtale: {zone}", "Discussion: {zone}"),
    "mote_discuss_lead": (
        "Flaggene for {zone} i {year}, og spørsmål å snakke om.",
        "The flags for {zone} in {year}, and questions to talk about.",
    ),
    "mote_questions": ("Spørsmål", "Questions"),
    "mote_followups": ("Åpne oppfølgingspunkter", "Open follow-ups"),
    "mote_no_followups": ("Ingen registrert ennå.", "Nothing recorded yet."),
    "q_radical": (
        "Hva skal til for at vi starter ett radikalt samskapingsprosjekt selv i år?",
        "What would it take for us to start one radical co-creation project ourselves this year?",
    ),
    "q_council": (
        "Hva ber brukerrådet vårt om, og hva ble det av innspillene?",
        "What does our user council ask for, and what became of its input?",
    ),
    "q_fund": (
        "Kan neste års påplussing, eller en liten tabbekvote, finansiere et forsøk? Hva kan gå "
        "galt?",
        "Could next year's top-up, or a small room to fail, fund a trial? What may fail?",
    ),
    "q_topdown": (
        "Hvilket top-down-prosjekt kunne vi ha blitt med i tidligere, og hvordan?",
        "Which top-down project could we have joined earlier, and how?",
    ),
    "q_learn": (
        "Hva lærte vi i år som en annen sone kan bruke?",
        "What did we learn this year that another zone could use?",
    ),
    "mote_sources_title": ("Kilder", "Sources"),
    "mote_sources_lead": (
        "Tallene for {year} kommer fra disse filene.",
        "The figures for {year} come from these files.",
    ),
    "mote_sources_study": (
        "Spørsmålene bygger på studien av hvordan enhetslederne i hjemmetjenesten kan fremme "
        "samskaping (2020).",
        "The questions build on the study of how the home-care unit leaders can promote "
        "co-creation (2020).",
    ),
    "mote_zone_lead": (
        "{zone} i {year}, mot medianen for alle soner.",
        "{zone} in {year}, against the median of all zones.",
    ),
    "mote_fact_context": ("median {median} · {rank}", "median {median} · {rank}"),
    "mote_panel_lead": (
        "{metric} {year}: median {median}; høyest: {top}; lavest: {bottom}.",
        "{metric} {year}: median {median}; highest: {top}; lowest: {bottom}.",
    ),
    "mote_panel_all_equal": (
        "{metric} {year}: alle {zones} har {value}.",
        "{metric} {year}: all {zones} have {value}.",
    ),
    "mote_end_named": ("{zones} ({value})", "{zones} ({value})"),
    "mote_end_counted": ("{zones} har {value}", "{zones} have {value}"),
    # ------------------------------------------------------------ metric labels
    "m_survey_respondents": ("Antall svar", "Answers"),
    "m_survey_informasjon": ("Informasjon", "Information"),
    "m_survey_serviceinnstilling": ("Serviceinnstilling", "Service attitude"),
    "m_survey_brukermedvirkning": ("Brukermedvirkning", "User participation"),
    "m_survey_forutsigbarhet": ("Forutsigbarhet", "Predictability"),
    "m_survey_tjenestekvalitet": ("Tjenestekvalitet", "Service quality"),
    "m_survey_samhandling": ("Samhandling", "Coordination"),
    "m_council_meetings": ("Møter i brukerrådet", "Council meetings"),
    "m_council_representatives": ("Brukerrepresentanter til stede", "Representatives"),
    "m_council_inputs": ("Innspill", "Inputs"),
    "m_council_followed_up": ("Innspill fulgt opp", "Inputs followed up"),
    "m_council_followup_rate": ("Andel innspill fulgt opp", "Share of inputs followed up"),
    "m_council_decisions": ("Politiske vedtak", "Political decisions"),
    "m_council_chaired": ("Møter ledet av sonen", "Meetings chaired by the zone"),
    "m_budget": ("Budsjett", "Budget"),
    "m_actual": ("Regnskap", "Accounts"),
    "m_wage_costs": ("Lønnskostnader", "Wage costs"),
    "m_result": ("Resultat", "Result"),
    "m_result_pct": ("Resultat i % av budsjett", "Result as % of budget"),
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
    "m_goals_count": ("Mål i enhetsavtalen", "Goals in the agreement"),
    "m_goals_measured": ("Mål målt", "Goals measured"),
    "m_goals_reached": ("Mål nådd, antall", "Goals reached, count"),
    "m_goals_close": ("Mål nær", "Goals close"),
    "m_goals_reached_share": ("Mål nådd (av målte)", "Goals reached (of measured)"),
    "m_quality_primary_contact": (
        "Andel brukere med primærkontakt",
        "Users with a primary contact",
    ),
    "m_quality_helpers": ("Ulike hjelpere siste 14 dager", "Different helpers, last 14 days"),
    # ------------------------------------------------------------ exports
    "cell_cut": (
        " […avkortet: cellen hadde {n} tegn]",
        " […cut: the cell had {n} characters]",
    ),
    "note_sheet": ("Ark", "Sheet"),
    "note_cell": ("Celle", "Cell"),
    "note_text": ("Merknad", "Note"),
    "note_cut": (
        "Avkortet: teksten hadde {n} tegn, men en Excel-celle tar høyst {limit}. "
        "CSV-eksporten har hele teksten.",
        "Cut: the text had {n} characters, but an Excel cell holds at most {limit}. "
        "The CSV export has the whole text.",
    ),
    # ------------------------------------------------------------ what an import changed
    "change_rows": ("{n} rader", "{n} rows"),
    "change_row": ("{n} rad", "{n} row"),
    "change_for": ("for {years} ({zones})", "for {years} ({zones})"),
    "change_replaced": ("{n} erstattet", "{n} replaced"),
    "change_link_overview": ("Oversikt {year}", "Overview {year}"),
    # ------------------------------------------------------------ import page
    "imp_title": ("Importer data", "Import data"),
    "imp_intro": (
        "Last opp kvalitetsrapporten og enhetsavtalene som Excel-filer (.xlsx eller .xlsm). Hver "
        "fil importeres helt eller ikke i det hele tatt.",
        "Upload the quality report and the unit agreements as Excel files (.xlsx or .xlsm). Each "
        "file is imported whole or not at all.",
    ),
    "imp_upload_title": ("Last opp filer", "Upload files"),
    "imp_drop": ("Dra filer hit, eller ", "Drag files here, or "),
    "imp_choose": ("velg filer", "choose files"),
    "imp_limit": (
        "Høyst {mb} MB per fil og per opplasting. Filene i én opplasting får til sammen {seconds}"
        " sekunder.",
        "At most {mb} MB per file and per upload. The files of one upload get {seconds} seconds "
        "together.",
    ),
    "imp_login_needed": (
        "Du må være logget inn som administrator for å importere eller angre.",
        "You must be logged in as administrator to import or undo.",
    ),
    "imp_login": ("Logg inn", "Log in"),
    "imp_logout": ("Logg ut", "Log out"),
    "imp_disabled": (
        "Import i nettleseren er slått av: ingen administratorpassord er satt "
        "(DASHBOARD_ADMIN_SECRET). Bruk kommandolinjen: python -m dashboard import FIL.",
        "Importing in the browser is switched off: no administrator password is set "
        "(DASHBOARD_ADMIN_SECRET). Use the command line: python -m dashboard import FILE.",
    ),
    "imp_forbidden": (
        "Ikke utført: du er ikke (lenger) logget inn som administrator. Logg inn og prøv "
        "igjen; ingenting er endret.",
        "Not done: you are not (or no longer) logged in as administrator. Log in and try "
        "again; nothing was changed.",
    ),
    "imp_expired": (
        "Ikke utført: siden har vært åpen for lenge (mer enn {minutes} minutter), og skjemaet "
        "på den er utløpt. Last den på nytt før du importerer eller angrer. Ingenting er endret.",
        "Not done: the page has been open too long (more than {minutes} minutes), and the form "
        "on it has expired. Reload it before you import or undo. Nothing was changed.",
    ),
    "imp_reload": ("Last siden på nytt", "Reload the page"),
    "imp_bad_upload": (
        "Opplastingen kunne ikke leses. Last siden på nytt og prøv igjen.",
        "The upload could not be read. Reload the page and try again.",
    ),
    "imp_outcome_imported": ("Importert", "Imported"),
    "imp_outcome_unchanged": (
        "Uendret (samme fil er importert før)",
        "Unchanged (same file already imported)",
    ),
    "imp_outcome_rejected": ("Avvist – ingenting er lagret", "Rejected – nothing was stored"),
    "imp_outcome_undone": ("Angret", "Undone"),
    "imp_status": (
        "{done} av {total} importert eller uendret, {rejected} avvist.",
        "{done} of {total} imported or unchanged, {rejected} rejected.",
    ),
    "imp_sheets_caption": ("Hva filen «{name}» ga", "What the file '{name}' gave"),
    "imp_col_sheet": ("Ark", "Sheet"),
    "imp_col_kind": ("Tolket som", "Read as"),
    "imp_col_rows": ("Rader", "Rows"),
    "imp_col_skipped": ("Hoppet over", "Skipped"),
    "imp_col_years": ("År", "Years"),
    "imp_col_zones": ("Enheter", "Units"),
    "imp_not_recognised": ("ikke kjent igjen", "not recognised"),
    "imp_errors_caption": ("Feil i «{name}»", "Errors in '{name}'"),
    "imp_warnings_caption": ("Advarsler og rader som er hoppet over", "Warnings and skipped rows"),
    "imp_col_file": ("Fil", "File"),
    "imp_col_cell": ("Celle", "Cell"),
    "imp_col_column": ("Kolonne", "Column"),
    "imp_col_value": ("Verdi", "Value"),
    "imp_col_problem": ("Feil", "Problem"),
    "imp_col_expected": ("Forventet", "Expected"),
    "imp_more_errors": (
        "… og {n} til. Last ned feillisten for å se dem.",
        "… and {n} more. Download the error list to see them.",
    ),
    "imp_download_errors": ("Last ned feillisten (Excel)", "Download the error list (Excel)"),
    "imp_history_title": ("Importhistorikk", "Import history"),
    "imp_history_empty": ("Ingen importer ennå.", "No imports yet."),
    "imp_col_batch": ("Nr.", "No."),
    "imp_col_hash": ("SHA-256 (start)", "SHA-256 (start)"),
    "imp_col_when": ("Tidspunkt", "Time"),
    "imp_col_source": ("Kilde", "Source"),
    "imp_col_outcome": ("Utfall", "Outcome"),
    "imp_col_errors": ("Feil", "Errors"),
    "imp_col_warnings": ("Advarsler", "Warnings"),
    "imp_source_cli": ("kommandolinje", "command line"),
    "imp_source_web": ("nettleser", "browser"),
    "imp_source_sample": ("eksempeldata", "sample data"),
    "imp_undo": ("Angre siste import", "Undo the latest import"),
    "imp_undo_confirm": (
        "Angre import nr. {batch} ({file})? Radene den erstattet kommer tilbake slik de var.",
        "Undo import no. {batch} ({file})? The rows it replaced come back as they were.",
    ),
    "imp_undone": (
        "Import nr. {batch} ({file}) er angret: {removed} fjernet, {restored} tilbakeført.",
        "Import no. {batch} ({file}) is undone: {removed} removed, {restored} restored.",
    ),
    "imp_too_big": (
        "Ingenting er lastet opp: filene er til sammen for store ({sizes}). Én opplasting kan "
        "være på høyst {mb} MB. Last opp færre filer om gangen.",
        "Nothing was uploaded: the files are too large together ({sizes}). One upload may be at "
        "most {mb} MB. Upload fewer files at a time.",
    ),
    "imp_working": (
        "Importerer {files} … Det kan ta opptil {seconds} sekunder.",
        "Importing {files} … This may take up to {seconds} seconds.",
    ),
    "imp_outcome_timeout": ("Tidsavbrutt – ingenting er lagret", "Timed out – nothing was stored"),
    "imp_outcome_crashed": (
        "Stoppet uventet – ingenting er lagret",
        "Stopped unexpectedly – nothing was stored",
    ),
    "imp_outcome_not_attempted": (
        "Ikke forsøkt – ingenting er lagret",
        "Not attempted – nothing was stored",
    ),
    "imp_status_timeout": ("{n} tidsavbrutt", "{n} timed out"),
    "imp_status_not_attempted": ("{n} ikke forsøkt", "{n} not attempted"),
    "imp_more_than_kept": (
        "Feillisten har de første {kept} av {total} feil: rett dem og importer på nytt.",
        "The error list has the first {kept} of {total} errors: fix them and import again.",
    ),
    "imp_download_errors_of": (
        "Last ned feillisten for import nr. {batch} ({file})",
        "Download the error list of import no. {batch} ({file})",
    ),
    "imp_download_short": ("Feilliste", "Error list"),
    "imp_history_more": (
        "Viser de {shown} nyeste av {total}. Hele historikken: python -m dashboard history.",
        "Showing the newest {shown} of {total}. The whole history: python -m dashboard history.",
    ),
    "imp_col_changes": ("Endringer", "Changes"),
    "imp_changes": ("Hva endret seg", "What changed"),
    "imp_changes_of": (
        "Hva endret seg med import nr. {batch} ({file})",
        "What changed with import no. {batch} ({file})",
    ),
    "imp_changes_none": ("Importen endret ingen rader.", "The import changed no rows."),
    "imp_undo_batch": ("Angre import nr. {batch} ({file})", "Undo import no. {batch} ({file})"),
    # ------------------------------------------------------------ notes and follow-ups
    "dlg_title": ("Notater", "Notes"),
    "dlg_general": ("Generelt", "General"),
    "dlg_kind_note": ("Notat", "Note"),
    "dlg_kind_followup": ("Oppfølging", "Follow-up"),
    "dlg_status_open": ("Åpen", "Open"),
    "dlg_status_in_progress": ("Under arbeid", "In progress"),
    "dlg_status_done": ("Ferdig", "Done"),
    "dlg_byline": ("{name}, {date}", "{name}, {date}"),
    "dlg_edited": ("endret av {name} {date}", "edited by {name} on {date}"),
    "dlg_due": ("frist {date}", "due {date}"),
    "dlg_notes_count": ("Notater ({n}):", "Notes ({n}):"),
    "dlg_more": ("… og {n} til", "… and {n} more"),
    "dlg_chart_legend": ("Notat", "Note"),
    "dlg_col_zone": ("Enhet", "Zone"),
    "dlg_col_year": ("År", "Year"),
    "dlg_col_panel": ("Panel", "Panel"),
    "dlg_col_kind": ("Type", "Kind"),
    "dlg_col_text": ("Tekst", "Text"),
    "dlg_col_status": ("Status", "Status"),
    "dlg_col_due": ("Frist", "Due date"),
    "dlg_col_author": ("Skrevet av", "Written by"),
    "dlg_col_written": ("Skrevet", "Written"),
    "dlg_col_changed_by": ("Sist endret av", "Last edited by"),
    "dlg_col_changed": ("Sist endret", "Last edited"),
    "dlg_this_note": ("notatet", "the note"),
    "dlg_this_followup": ("oppfølgingen", "the follow-up"),
    "dlg_edit": ("Endre", "Edit"),
    "dlg_delete": ("Slett", "Delete"),
    "dlg_delete_confirm": (
        "Slette dette? «{text}» Det blir borte fra sidene, men finnes i historikken.",
        "Delete this? '{text}' It disappears from the pages but stays in the history.",
    ),
    "dlg_set_in_progress": ("Sett i gang", "Mark in progress"),
    "dlg_set_done": ("Merk som ferdig", "Mark as done"),
    "dlg_set_open": ("Åpne igjen", "Reopen"),
    "dlg_none": ("Ingen notater for dette året ennå.", "No notes for this year yet."),
    "dlg_login": ("Logg inn for å skrive notater", "Log in to write notes"),
    "dlg_save": ("Lagre notat", "Save note"),
    "dlg_save_followup": ("Lagre som oppfølging", "Save as follow-up"),
    "dlg_save_edit": ("Lagre endringen", "Save the change"),
    "dlg_cancel": ("Avbryt endringen", "Cancel the edit"),
    "dlg_due_label": (
        "Frist (valgfri, bare for oppfølginger)",
        "Due date (optional, follow-ups only)",
    ),
    "dlg_due_hint": ("Skriv datoen som åååå-mm-dd.", "Write the date as yyyy-mm-dd."),
    "dlg_hint": (
        "Ren tekst, høyst {n} tegn. Notatet gjelder {year}.",
        "Plain text, at most {n} characters. The note is about {year}.",
    ),
    "dlg_editing": (
        "Du endrer teksten over. Lagre endringen eller avbryt.",
        "You are editing the text above. Save the change or cancel.",
    ),
    "dlg_expired": (
        "Ikke lagret: skjemaet er utløpt. Last siden på nytt og prøv igjen.",
        "Not saved: the form has expired. Reload the page and try again.",
    ),
    "dlg_saved": ("Notatet er lagret.", "The note is saved."),
    "dlg_saved_followup": ("Oppfølgingen er lagret.", "The follow-up is saved."),
    "dlg_saved_edit": ("Endringen er lagret.", "The change is saved."),
    "dlg_deleted": (
        "Slettet. Det finnes fortsatt i historikken.",
        "Deleted. It is still in the history.",
    ),
    "dlg_status_set": ("Ny status: {status}.", "New status: {status}."),
    "dlg_zone_title": ("Notater og oppfølginger", "Notes and follow-ups"),
    "dlg_open_followups": ("Åpne oppfølginger", "Open follow-ups"),
    "dlg_no_followups": ("Ingen åpne oppfølginger.", "No open follow-ups."),
    "dlg_general_notes": ("Notater om sonen {year}", "Notes on the zone, {year}"),
    "dlg_general_label": ("Nytt notat om sonen, {year}", "New note on the zone, {year}"),
    "dlg_panel_notes": ("Notater {year}", "Notes {year}"),
    "dlg_panel_label": ("Nytt notat om {panel}, {year}", "New note on {panel}, {year}"),
    "dlg_other_years": (
        "Notater fra andre år: {n} (i tabellen og som merker i diagrammet).",
        "Notes from other years: {n} (in the table and as markers in the chart).",
    ),
    "dlg_mote_title": ("Oppfølginger og notater", "Follow-ups and notes"),
    "dlg_mote_notes": ("Notater {year}", "Notes {year}"),
    "dlg_mote_label": ("Skriv et notat om {zone}, {year}", "Write a note on {zone}, {year}"),
    "dlg_mote_refresh": (
        "Notater fra andre skjermer kommer til innen {n} sekunder.",
        "Notes from other screens appear within {n} seconds.",
    ),
    "dlg_ovw_badge": ("Oppfølging: {n}", "Follow-up: {n}"),
    "dlg_ovw_badge_said": ("{n} åpne oppfølginger", "{n} open follow-ups"),
    "acc_logged_in": ("Innlogget som {name}", "Logged in as {name}"),
    "acc_logout": ("Logg ut", "Log out"),
    "acc_login": ("Logg inn", "Log in"),
    "acc_label": ("Innlogging", "Login"),
    # ------------------------------------------------------------ audit log (/logg)
    "log_action_login": ("Innlogging", "Login"),
    "log_action_login_failed": ("Mislykket innlogging", "Failed login"),
    "log_action_login_refused": ("Innlogging avvist (ingen tilgang)", "Login refused (no access)"),
    "log_action_logout": ("Utlogging", "Logout"),
    "log_action_import": ("Import", "Import"),
    "log_action_undo": ("Angret import", "Import undone"),
    "log_action_note_created": ("Notat skrevet", "Note written"),
    "log_action_note_edited": ("Notat endret", "Note edited"),
    "log_action_note_deleted": ("Notat slettet", "Note deleted"),
    "log_action_followup_created": ("Oppfølging opprettet", "Follow-up opened"),
    "log_action_followup_edited": ("Oppfølging endret", "Follow-up edited"),
    "log_action_followup_status": ("Oppfølging fikk ny status", "Follow-up status changed"),
    "log_action_followup_deleted": ("Oppfølging slettet", "Follow-up deleted"),
    "log_action_user_created": ("Bruker opprettet", "User created"),
    "log_action_user_disabled": ("Bruker deaktivert", "User disabled"),
    "log_action_user_enabled": ("Bruker aktivert", "User enabled"),
    "log_action_role_changed": ("Roller endret", "Roles changed"),
    "log_action_password_set": ("Nytt passord", "New password"),
    "log_action_sessions_ended": ("Økter avsluttet", "Sessions ended"),
    "log_action_audit_exported": ("Loggen lastet ned", "Log downloaded"),
    "log_group_login": ("Innlogging og utlogging", "Logins and logouts"),
    "log_group_import": ("Import og angring", "Imports and undo"),
    "log_group_note": ("Notater", "Notes"),
    "log_group_followup": ("Oppfølginger", "Follow-ups"),
    "log_group_users": ("Brukere og roller", "Users and roles"),
    "log_group_audit": ("Nedlastinger av loggen", "Downloads of the log"),
    "log_title": ("Hendelseslogg", "Audit log"),
    "log_intro": (
        "Hvem gjorde hva, når og fra hvilken adresse: innlogginger, importer, angring, "
        "notater, oppfølginger og endringer av brukere og roller. Loggen kan ikke endres.",
        "Who did what, when and from which address: logins, imports, undo, notes, "
        "follow-ups and changes to users and roles. The log cannot be changed.",
    ),
    "log_filters": ("Filtrer", "Filter"),
    "log_who": ("Hvem (navn eller bruker-ID)", "Who (name or user id)"),
    "log_what": ("Hva slags hendelser", "What kind of events"),
    "log_everything": ("Alt", "Everything"),
    "log_from": ("Fra og med dato", "From date"),
    "log_to": ("Til og med dato", "To date (inclusive)"),
    "log_date_format": ("åååå-mm-dd", "yyyy-mm-dd"),
    "log_show": ("Vis", "Show"),
    "log_reset": ("Nullstill filtrene", "Clear the filters"),
    "log_bad_date": (
        "«{value}» er ikke en dato (åååå-mm-dd eller dd.mm.åååå). Filteret er ikke brukt.",
        "'{value}' is not a date (yyyy-mm-dd or dd.mm.yyyy). The filter is not used.",
    ),
    "log_showing": (
        "Viser {first}–{last} av {total} hendelser, nyeste først.",
        "Showing {first}–{last} of {total} events, newest first.",
    ),
    "log_none": ("Ingen hendelser passer filtrene.", "No events match the filters."),
    "log_newer": ("← Nyere", "← Newer"),
    "log_older": ("Eldre →", "Older →"),
    "log_pages": ("Sider i loggen", "Pages of the log"),
    "log_download": ("Last ned det som passer filtrene:", "Download what matches the filters:"),
    "log_export_cap": ("(høyst {n} hendelser, nyeste først)", "(at most {n} events, newest first)"),
    "log_col_when": ("Tidspunkt", "Time"),
    "log_col_who": ("Hvem", "Who"),
    "log_col_user": ("Bruker-ID", "User id"),
    "log_col_what": ("Hva", "What"),
    "log_col_zone": ("Sone", "Zone"),
    "log_col_target": ("Gjelder", "Concerns"),
    "log_col_detail": ("Detaljer", "Details"),
    "log_col_address": ("Adresse", "Address"),
    "log_no_access": (
        "Hendelsesloggen er bare for administratorer.",
        "The audit log is for administrators only.",
    ),
    "log_link": ("Hendelseslogg", "Audit log"),
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
    """Rounded half away from zero, as people round (3,5 is 4, 4,5 is 5, 2,25 is 2,3), not
    to even as Python and Babel do; "−0,0" never shows: a value that rounds to zero is 0."""
    exact = Decimal(repr(float(value)))
    rounded = float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    return 0.0 if rounded == 0 else rounded


def _unshowable(value: object, kind: str) -> bool:
    """True (and a warning logged) for a value no page can show: not finite, or beyond
    what Babel can format. The page shows "–" for it instead of failing for everyone."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        log.warning("cannot format %r as %s", value, kind)
        return True
    if not math.isfinite(number) or abs(number) >= 1e24:
        log.warning("cannot format %r as %s: out of range", value, kind)
        return True
    return False


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


@lru_cache(maxsize=65536)
def _plain_number(kind: str, value: float, lang: str, decimals: int, signed: bool) -> str:
    # A page formats a few hundred numbers, mostly the same ones as the page before: the
    # checks, the rounding and Babel once per number.
    places = decimals + 2 if kind == "percent" else decimals
    return _format(kind, _clean(value, places), lang, decimals, signed)


def _quick(value: object) -> bool:
    """A plain, finite, formattable int or float (not a bool, NaN or numpy scalar)."""
    kind = value.__class__
    return (kind is float or kind is int) and math.isfinite(value) and abs(value) < 1e24


def fmt_number(value: object, lang: str, decimals: int = 0, signed: bool = False) -> str:
    """`1 234 567`, `4,7`; `–` for no value."""
    if _quick(value):
        return _plain_number("decimal", value, lang, decimals, signed)
    if is_missing(value) or _unshowable(value, "number"):
        return MISSING
    return _format("decimal", _clean(value, decimals), lang, decimals, signed)


def fmt_score(value: object, lang: str) -> str:
    """A survey score on the 1-6 scale, always with one decimal: `4,7`."""
    return fmt_number(value, lang, decimals=1)


def fmt_kr(value: object, lang: str, signed: bool = False) -> str:
    """`1 234 567 kr` / `NOK 1,234,567`, whole kroner."""
    if _quick(value):
        return _plain_number("currency", value, lang, 0, signed)
    if is_missing(value) or _unshowable(value, "kroner"):
        return MISSING
    return _format("currency", _clean(value, 0), lang, 0, signed)


def fmt_pct(value: object, lang: str, decimals: int = 1, signed: bool = False) -> str:
    """A share (0.032) as `3,2 %`; `−3,2 %` for negatives."""
    if _quick(value):
        return _plain_number("percent", value, lang, decimals, signed)
    if is_missing(value) or _unshowable(value, "share"):
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
