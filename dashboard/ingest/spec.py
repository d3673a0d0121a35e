"""The data contract (shared/DATA-CONTRACT.md) as data: one spec per sheet kind.

This is the only place that knows sheet names, column headers, aliases, value kinds and
rules. The generic importer (importer.py) reads these specs; the store builds its tables from
them. Adding a column to an export is one `Col(...)` line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import values as v
from .values import CellProblem, Kind

# ---------------------------------------------------------------- vocabularies

THEMES = {
    "Informasjon": "informasjon",
    "Serviceinnstilling": "serviceinnstilling",
    "Brukermedvirkning": "brukermedvirkning",
    "Påvirkningsmulighet": "brukermedvirkning",
    "Brukermedvirkning/påvirkningsmulighet": "brukermedvirkning",
    "Brukermedvirkning / påvirkningsmulighet": "brukermedvirkning",
    "Forutsigbarhet": "forutsigbarhet",
    "Tjenestekvalitet": "tjenestekvalitet",
    "Samhandling": "samhandling",
}
THEME_IDS = list(dict.fromkeys(THEMES.values()))
THEME_LABELS = {
    "informasjon": "Informasjon",
    "serviceinnstilling": "Serviceinnstilling",
    "brukermedvirkning": "Brukermedvirkning",
    "forutsigbarhet": "Forutsigbarhet",
    "tjenestekvalitet": "Tjenestekvalitet",
    "samhandling": "Samhandling",
}

STATUSES = {s: s for s in ("Planlagt", "Pågår", "Avsluttet", "Implementert", "Avbrutt")}

LADDER_LABELS = {
    1: "Samarbeid mellom profesjonelle og brukere",
    2: "Borgere som frivillige",
    3: "Borgere i problemløsning",
    4: "Likeverdig samarbeid",
}
CONSERVATIVE, RADICAL = "konservativ", "radikal"

BOTTOM_UP = ("Enheten", "Ansatte", "Brukere og pårørende", "Innbyggere", "Frivillige")
TOP_DOWN = (
    "Brukerråd",
    "Politikere",
    "Helse- og velferdsdirektør",
    "Kommunalsjef",
    "Universitetskommunen",
    "Staten",
)
INITIATOR_CLASS = {**{i: "bottom-up" for i in BOTTOM_UP}, **{i: "top-down" for i in TOP_DOWN}}

ENTRY = {"Tidlig": "Tidlig", "Sent": "Sent", "Sen": "Sent"}
VALUE_FORMS = {
    s: s for s in ("Demokratisk verdi", "Effektivitet og kvalitet", "Innovasjon", "Offentlig verdi")
}
DIRECTIONS = {
    "Høyere er bedre": "higher",
    "Lavere er bedre": "lower",
    "Higher": "higher",
    "Lower": "lower",
    "Higher is better": "higher",
    "Lower is better": "lower",
}

# Quality indicators whose values are shares; "85", "85 %" and "0,85" all mean 85 %.
PERCENT_INDICATORS = {"andel brukere med primærkontakt"}

TOTAL_LABELS = (
    "Totalt",
    "Total",
    "Sum",
    "Trondheim kommune",
    "Kommunen totalt",
    "Hjemmetjenesten totalt",
    "Alle enheter",
)

# Generic sheet names, each also with a number after it ("Ark1", "Sheet 2"): such a sheet is
# recognised by its header row instead of its name.
GENERIC_SHEET_NAMES = ("Ark", "Sheet", "Blad", "Data", "Tabell", "Table")
HEADER_SEARCH_ROWS = 15
# A project may be planned to end this many years after the last year allowed for data.
PLANNED_YEARS_AHEAD = 10


# ---------------------------------------------------------------- special kinds


def _parse_ladder(raw: object) -> tuple[int | None, str]:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        level = v.int_range(1, 4)(raw)
        return level, CONSERVATIVE if level <= 2 else RADICAL
    key = v.fold(raw)
    for level, label in LADDER_LABELS.items():
        if key in {
            str(level),
            v.fold(f"nivå {level}"),
            v.fold(label),
            f"{level} {v.fold(label)}",
            f"{level}. {v.fold(label)}",
        }:
            return level, CONSERVATIVE if level <= 2 else RADICAL
    if key in {"konservativ", "konservativ samskaping", "conservative"}:
        return None, CONSERVATIVE
    if key in {"radikal", "radikal samskaping", "radical"}:
        return None, RADICAL
    raise CellProblem()


LADDER = Kind(
    "ladder",
    _parse_ladder,
    "nivå 1–4 (tall eller navn), «Konservativ» eller «Radikal»",
    "level 1-4 (number or name), 'Konservativ' or 'Radikal'",
)


def _initiator_parser() -> Callable[[object], tuple[str, str]]:
    aliases = {name: name for name in INITIATOR_CLASS}
    aliases.update(
        {
            "Enhet": "Enheten",
            "Brukere": "Brukere og pårørende",
            "Helse- og velferdsdirektøren": "Helse- og velferdsdirektør",
            "Brukerrådet": "Brukerråd",
            "Staten/nasjonalt": "Staten",
        }
    )
    parse_label = v.label_parser(aliases)

    def parse(raw: object) -> tuple[str, str]:
        label = parse_label(raw)
        return label, INITIATOR_CLASS[label]

    return parse


INITIATOR = Kind(
    "initiator",
    _initiator_parser(),
    "en av: " + ", ".join(INITIATOR_CLASS),
    "one of: " + ", ".join(INITIATOR_CLASS),
)

# Zone kinds are resolved by the importer against the zone reference table.
ZONE = Kind("zone", v.parse_text, "en kjent enhet (sone)", "a known unit (zone)")
ZONE_LIST = Kind(
    "zone_list",
    v.parse_text,
    "én eller flere kjente enheter, skilt med ;",
    "one or more known units, separated by ;",
)


# ---------------------------------------------------------------- spec classes


@dataclass(frozen=True)
class Col:
    """One column: where it is stored, what its header is called, how its cells read."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    kind: Kind = v.TEXT
    required: bool = True
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    # Years past the settings' window a year column may reach (a planned end year).
    years_ahead: int = 0
    # A kind whose parser returns a tuple stores it in several fields.
    fields: tuple[str, ...] = ()
    sql: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    @property
    def stored_fields(self) -> tuple[str, ...]:
        return self.fields or (self.field,)


@dataclass(frozen=True)
class Rule:
    """A rule across columns of one row. `check(row)` is False when the rule is broken."""

    blame: str  # the field whose cell the message points at
    check: Callable[[dict], bool]
    nb: str
    en: str
    warning: bool = False
    code: str = "rule_violation"


@dataclass(frozen=True)
class SheetSpec:
    kind: str  # stable key, e.g. "survey"
    table: str  # where the rows are stored
    title_nb: str
    title_en: str
    sheet_names: tuple[str, ...]
    columns: tuple[Col, ...]
    row_key: tuple[str, ...]  # unique within a file; a repeat is an error naming both rows
    replace_key: tuple[str, ...]  # a newer file replaces stored rows with these values
    rules: tuple[Rule, ...] = ()
    derive: Callable[[dict], None] | None = None
    derived_fields: tuple[tuple[str, str], ...] = ()  # (field, sql type)
    # Wide layout: these columns are one value per theme, melted into (melt_to, value_field).
    melt: tuple[str, ...] = ()
    melt_to: str = ""
    melt_value: str = ""
    require_any: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[Col, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, field_name: str) -> Col:
        return next(c for c in self.columns if c.field == field_name)


YEAR_COL = Col("year", "År", ("Ar", "Year", "Aar"), v.YEAR)
ZONE_COL = Col("zone_id", "Enhet", ("Sone", "Hjemmetjeneste", "Zone", "Unit"), ZONE)


def _council_derive(row: dict) -> None:
    row["year"] = row["date"].year


def _quality_derive(row: dict) -> None:
    for value_field, pct_field in (("value", "value_is_percent"), ("target", "target_is_percent")):
        value = row.get(value_field)
        if value is None:
            continue
        if v.norm(row["indicator"]) in PERCENT_INDICATORS and not row[pct_field] and value > 1:
            row[value_field] = value / 100.0
            row[pct_field] = True
        row.pop(pct_field, None)


def _key_text(text: str) -> str:
    # str.split() also splits on non-breaking spaces, so this matches how labels are matched.
    return " ".join(text.split()).casefold()


def project_key(project_id: str | None, name: str, start_year: int) -> str:
    if project_id:
        return f"id:{_key_text(project_id)}"
    return f"navn:{_key_text(name)}|{start_year}"


def _project_derive(row: dict) -> None:
    row["project_key"] = project_key(row.get("project_id"), row["name"], row["start_year"])
    row["entry_late"] = row.get("entry") == "Sent"


SURVEY_COLUMNS = (
    YEAR_COL,
    ZONE_COL,
    Col("theme", "Tema", ("Theme", "Dimensjon"), v.one_of("theme", THEMES)),
    Col("score", "Snitt", ("Gjennomsnitt", "Score", "Resultat"), v.SCORE, min=1.0, max=6.0),
    Col("respondents", "Antall svar", ("Antall", "N", "Respondents"), v.COUNT),
)

SURVEY_WIDE_COLUMNS = (
    YEAR_COL,
    ZONE_COL,
    SURVEY_COLUMNS[4],
    *(
        Col(
            theme_id,
            label,
            tuple(k for k, t in THEMES.items() if t == theme_id and k != label),
            v.SCORE,
            required=False,
            min=1.0,
            max=6.0,
        )
        for theme_id, label in THEME_LABELS.items()
    ),
)

_SURVEY_NAMES = ("Brukerundersøkelse", "Brukerundersokelse", "Brukerundersøkelsen", "User survey")

SPECS: tuple[SheetSpec, ...] = (
    SheetSpec(
        kind="survey",
        table="survey",
        title_nb="Brukerundersøkelse",
        title_en="User survey",
        sheet_names=_SURVEY_NAMES,
        columns=SURVEY_COLUMNS,
        row_key=("year", "zone_id", "theme"),
        replace_key=("year", "zone_id"),
    ),
    SheetSpec(
        kind="survey_wide",
        table="survey",
        title_nb="Brukerundersøkelse (bred)",
        title_en="User survey (wide)",
        sheet_names=_SURVEY_NAMES,
        columns=SURVEY_WIDE_COLUMNS,
        row_key=("year", "zone_id", "theme"),
        replace_key=("year", "zone_id"),
        melt=tuple(THEME_LABELS),
        melt_to="theme",
        melt_value="score",
        require_any=tuple(THEME_LABELS),
    ),
    SheetSpec(
        kind="council",
        table="council_meetings",
        title_nb="Brukerråd",
        title_en="User councils",
        sheet_names=("Brukerråd", "Brukerrad", "Brukerrådsmøter", "User councils"),
        columns=(
            Col("date", "Dato", ("Møtedato", "Date"), v.DATE),
            Col("council", "Brukerråd", ("Råd", "Council")),
            ZONE_COL,
            Col(
                "representatives",
                "Brukerrepresentanter",
                ("Representanter til stede", "Representatives"),
                v.COUNT,
            ),
            Col("inputs", "Innspill", ("Saker fra brukere", "Inputs"), v.COUNT),
            Col("followed_up", "Innspill fulgt opp", ("Fulgt opp", "Followed up"), v.COUNT),
            Col(
                "decisions",
                "Politiske vedtak",
                ("Vedtak", "Political decisions"),
                v.COUNT,
                required=False,
            ),
            Col("chaired", "Møteleder", ("Leder møtet", "Chair"), v.YESNO, required=False),
        ),
        row_key=("date", "council", "zone_id"),
        replace_key=("year", "zone_id"),
        rules=(
            Rule(
                "followed_up",
                lambda r: r["followed_up"] <= r["inputs"],
                "«Innspill fulgt opp» kan ikke være større enn «Innspill».",
                "'Innspill fulgt opp' cannot be larger than 'Innspill'.",
            ),
            Rule(
                "decisions",
                lambda r: r.get("decisions") is None or r["decisions"] <= r["followed_up"],
                "«Politiske vedtak» kan ikke være større enn «Innspill fulgt opp».",
                "'Politiske vedtak' cannot be larger than 'Innspill fulgt opp'.",
            ),
        ),
        derive=_council_derive,
        derived_fields=(("year", "int"),),
    ),
    SheetSpec(
        kind="quality",
        table="quality_indicators",
        title_nb="Kvalitetsindikatorer",
        title_en="Quality indicators",
        sheet_names=("Kvalitetsindikatorer", "Indikatorer", "Quality indicators"),
        columns=(
            YEAR_COL,
            ZONE_COL,
            Col("indicator", "Indikator", ("Indicator",)),
            Col(
                "value",
                "Verdi",
                ("Value", "Resultat"),
                v.PERCENT_OR_SCORE,
                fields=("value", "value_is_percent"),
            ),
            Col(
                "target",
                "Mål",
                ("Målverdi", "Target"),
                v.PERCENT_OR_SCORE,
                required=False,
                fields=("target", "target_is_percent"),
            ),
        ),
        row_key=("year", "zone_id", "indicator"),
        replace_key=("year", "zone_id"),
        derive=_quality_derive,
    ),
    SheetSpec(
        kind="economy",
        table="economy",
        title_nb="Økonomi",
        title_en="Budget",
        sheet_names=("Økonomi", "Okonomi", "Budsjett og regnskap", "Budget"),
        columns=(
            YEAR_COL,
            ZONE_COL,
            # At least 1 krone: the result percentage divides by the budget, so a budget of
            # 1e-300 would make it infinite.
            Col("budget", "Budsjett", ("Revidert budsjett", "Budget"), v.AMOUNT, min=1),
            Col("actual", "Regnskap", ("Forbruk", "Actual"), v.AMOUNT, min=0),
            Col(
                "wage_costs",
                "Lønnskostnader",
                ("Lønn", "Wage costs"),
                v.AMOUNT,
                min=0,
                min_exclusive=True,
            ),
        ),
        row_key=("year", "zone_id"),
        replace_key=("year", "zone_id"),
        rules=(
            Rule(
                "wage_costs",
                lambda r: r["wage_costs"] <= r["actual"] * 1.5,
                "",
                "",
                warning=True,
                code="wage_above_actual",
            ),
        ),
    ),
    SheetSpec(
        kind="risk",
        table="risk_tolerance",
        title_nb="Risikovilje",
        title_en="Risk tolerance",
        sheet_names=("Risikovilje", "Risiko", "Risk tolerance"),
        columns=(
            YEAR_COL,
            ZONE_COL,
            Col(
                "risk_tolerance",
                "Risikovilje",
                ("Egenvurdert risikovilje", "Risk tolerance"),
                v.integer_between(1, 5),
            ),
            Col("error_quota", "Tabbekvote", ("Rom for å feile", "Error quota"), v.YESNO),
            Col(
                "experiments_started",
                "Forsøk startet",
                ("Piloter startet", "Experiments started"),
                v.COUNT,
            ),
            Col(
                "experiments_stopped",
                "Forsøk avsluttet",
                ("Forsøk avsluttet uten videreføring", "Experiments stopped"),
                v.COUNT,
            ),
            Col(
                "development_funds",
                "Utviklingsmidler",
                ("Midler til utvikling", "Development funds"),
                v.AMOUNT,
                required=False,
                min=0,
            ),
        ),
        row_key=("year", "zone_id"),
        replace_key=("year", "zone_id"),
    ),
    SheetSpec(
        kind="projects",
        table="projects",
        title_nb="Samskapingsprosjekter",
        title_en="Co-creation projects",
        sheet_names=("Samskapingsprosjekter", "Samskaping", "Prosjekter", "Co-creation projects"),
        columns=(
            Col("project_id", "Prosjekt-ID", ("ID", "Project ID", "ProsjektID"), required=False),
            Col("name", "Prosjekt", ("Prosjektnavn", "Navn", "Project")),
            Col("zones", "Enhet", ("Enheter", "Sone", "Hjemmetjeneste", "Zone", "Unit"), ZONE_LIST),
            Col("start_year", "Startår", ("Start", "Start year"), v.YEAR),
            Col(
                "end_year",
                "Sluttår",
                ("Slutt", "End year"),
                v.YEAR,
                required=False,
                years_ahead=PLANNED_YEARS_AHEAD,
            ),
            Col("status", "Status", (), v.one_of("status", STATUSES)),
            Col(
                "ladder",
                "Samskapingsform",
                ("Form", "Nivå", "Type"),
                LADDER,
                fields=("ladder_level", "ladder_class"),
            ),
            Col(
                "initiator",
                "Initiert av",
                ("Initiativtaker", "Initiated by"),
                INITIATOR,
                fields=("initiator", "initiator_class"),
            ),
            Col(
                "entry",
                "Inngang",
                ("Enhetens inngang", "Entry"),
                v.one_of("entry", ENTRY),
                required=False,
            ),
            Col(
                "partners",
                "Partnere",
                ("Samarbeidspartnere", "Partners"),
                v.TEXT_LIST,
                required=False,
            ),
            Col(
                "value_forms",
                "Verdi",
                ("Verdiformer", "Value"),
                v.one_of("value_forms", VALUE_FORMS, listed=True),
                required=False,
            ),
        ),
        row_key=("project_key",),
        replace_key=("project_key",),
        rules=(
            Rule(
                "end_year",
                lambda r: r.get("end_year") is None or r["end_year"] >= r["start_year"],
                "«Sluttår» kan ikke være før «Startår».",
                "'Sluttår' cannot be before 'Startår'.",
            ),
        ),
        derive=_project_derive,
        derived_fields=(("project_key", "text"), ("entry_late", "bool")),
    ),
    SheetSpec(
        kind="goals",
        table="goals",
        title_nb="Mål og indikatorer",
        title_en="Goals and indicators",
        sheet_names=("Mål og indikatorer", "Mål", "Goals", "Mal og indikatorer"),
        columns=(
            YEAR_COL,
            ZONE_COL,
            Col("goal", "Mål", ("Goal",)),
            Col("indicator", "Indikator", ("Indicator",)),
            Col("target", "Målverdi", ("Target",), v.SCORE),
            Col("actual", "Resultat", ("Actual",), v.SCORE, required=False),
            Col(
                "direction",
                "Retning",
                ("Direction",),
                v.one_of("direction", DIRECTIONS),
                required=False,
            ),
        ),
        row_key=("year", "zone_id", "goal", "indicator"),
        replace_key=("year", "zone_id"),
    ),
)

SPECS_BY_KIND = {s.kind: s for s in SPECS}
TABLES = tuple(dict.fromkeys(s.table for s in SPECS))


def sql_type_of(col: Col, field_name: str) -> str:
    """The storage type of one stored field, from its value kind."""
    if field_name.endswith("_class") or field_name in {"initiator"}:
        return "text"
    if field_name.endswith("_is_percent"):
        return "bool"
    return {
        "year": "int",
        "count": "int",
        "amount": "float",
        "score": "float",
        "percent": "float",
        "date": "date",
        "yesno": "bool",
        "ladder": "int",
        "int1-5": "int",
    }.get(col.kind.name, "text")


def table_fields(table: str) -> dict[str, str]:
    """Every stored field of a table (across the layouts that feed it) with its type."""
    fields: dict[str, str] = {}
    for spec in SPECS:
        if spec.table != table:
            continue
        for col in spec.columns:
            if spec.melt and col.field in spec.melt:
                continue
            for name in col.stored_fields:
                if name.endswith("_is_percent"):
                    continue  # folded into the value by _quality_derive
                fields.setdefault(name, sql_type_of(col, name))
        if spec.melt:
            fields.setdefault(spec.melt_to, "text")
            fields.setdefault(spec.melt_value, "float")
        for name, typ in spec.derived_fields:
            fields.setdefault(name, typ)
    return fields
