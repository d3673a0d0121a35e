"""The metric catalogue: every number the dashboard shows, with its facts, in one place.

Figures, tables, ranks, medians, flags, exports and the URL grammar all read a metric's facts
from here, so a fact cannot differ between two pages. A metric is one column of the
indicator table (see indicators.COLUMNS).

Fields:
- `key`: the indicator column; `slug`: its name in URLs (short Norwegian).
- `label`: the i18n key of its name (short, for table headings and axes).
- `unit`: score (survey, 1-6), share (0-1, shown in per cent), kr, count, scale (1-5),
  bool (yes/no).
- `decimals`: decimals of a value. A median of whole numbers gets one decimal when it is
  not whole (3,5 meetings), see `median_decimals`.
- `better`: "higher", "lower" or None (neither: not ranked, not coloured).
- `signed`: shown with its sign (+/−): a result, a carry-over.
- `integer`: its values are whole numbers: integer axis ticks, one decimal for half medians.
- `scale`: (low, high) of its full scale, for charts that compare zones on it; None when it
  has none (counts and amounts start at zero; signed values are centred on zero).
- `source`: the stored table it comes from (its sheet is that table's sheet kind).
- `group`: the overview column group it is shown in, or None.
- `band`: compared with the ±3 % band rather than with the median (the budget result).
- `count_of`: shown as "part of whole" from two other columns (3 av 4 mål nådd).
- `margin`: how far from the median a value must be before the overview marks it better or
  worse (0,2 on the survey's 1–6 scale, 5 percentage points of a share); 0: any difference.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ingest.spec import THEME_IDS

SURVEY_THEMES = tuple(THEME_IDS)
# Differences smaller than these are not marked on the overview: on the survey's 1–6 scale
# a tenth is noise between zones, and so are a few percentage points of a share.
SURVEY_MARGIN = 0.2
SHARE_MARGIN = 0.05


@dataclass(frozen=True)
class Metric:
    key: str
    slug: str
    label: str
    unit: str
    decimals: int = 0
    better: str | None = "higher"
    signed: bool = False
    integer: bool = False
    scale: tuple[float, float] | None = None
    source: str = ""
    group: str | None = None
    band: bool = False
    count_of: tuple[str, str] | None = None
    margin: float = 0.0

    def median_decimals(self, value: float | None) -> int:
        """Whole-number metrics show a median like 3,5 with its decimal, 4 without."""
        if self.integer and value is not None and float(value) != int(float(value)):
            return 1
        return self.decimals

    @property
    def ranked(self) -> bool:
        return self.better is not None


def _survey(theme: str) -> Metric:
    return Metric(
        f"survey_{theme}",
        theme,
        f"m_survey_{theme}",
        "score",
        decimals=1,
        scale=(1, 6),
        source="survey",
        group="group_survey",
        margin=SURVEY_MARGIN,
    )


def _count(key, slug, source, better="higher", group=None) -> Metric:
    return Metric(
        key, slug, f"m_{key}", "count", better=better, integer=True, source=source, group=group
    )


CATALOGUE: tuple[Metric, ...] = (
    Metric(
        "survey_respondents",
        "svar",
        "m_survey_respondents",
        "count",
        better=None,
        integer=True,
        source="survey",
    ),
    *(_survey(theme) for theme in SURVEY_THEMES),
    _count("council_meetings", "moter", "council_meetings", group="group_council"),
    _count("council_representatives", "representanter", "council_meetings"),
    _count("council_inputs", "innspill", "council_meetings"),
    _count("council_followed_up", "fulgt-opp", "council_meetings"),
    Metric(
        "council_followup_rate",
        "oppfolging",
        "m_council_followup_rate",
        "share",
        scale=(0, 1),
        source="council_meetings",
        group="group_council",
        margin=SHARE_MARGIN,
    ),
    _count("council_decisions", "vedtak", "council_meetings"),
    _count("council_chaired", "ledet", "council_meetings", better=None),
    Metric("budget", "budsjett", "m_budget", "kr", better=None, source="economy"),
    Metric("actual", "regnskap", "m_actual", "kr", better=None, source="economy"),
    Metric("wage_costs", "lonn", "m_wage_costs", "kr", better=None, source="economy"),
    Metric("result", "resultat-kr", "m_result", "kr", signed=True, source="economy"),
    Metric(
        "result_pct",
        "resultat",
        "m_result_pct",
        "share",
        decimals=1,
        signed=True,
        source="economy",
        group="group_budget",
        band=True,
    ),
    Metric(
        "carry_over",
        "overforing",
        "m_carry_over",
        "kr",
        better=None,
        signed=True,
        source="economy",
        group="group_budget",
    ),
    _count("inntrekk_streak", "inntrekk", "economy", better="lower"),
    Metric(
        "risk_tolerance",
        "risikovilje",
        "m_risk_tolerance",
        "scale",
        integer=True,
        scale=(1, 5),
        source="risk_tolerance",
        group="group_risk",
    ),
    Metric(
        "error_quota",
        "tabbekvote",
        "m_error_quota",
        "bool",
        better=None,
        integer=True,
        source="risk_tolerance",
    ),
    _count("experiments_started", "forsok", "risk_tolerance"),
    _count("experiments_stopped", "forsok-avsluttet", "risk_tolerance", better=None),
    Metric(
        "development_funds",
        "utviklingsmidler",
        "m_development_funds",
        "kr",
        source="risk_tolerance",
    ),
    _count("projects_active", "prosjekter", "projects"),
    _count("projects_conservative", "konservative", "projects", group="group_projects"),
    _count("projects_radical", "radikale", "projects", group="group_projects"),
    _count("projects_top_down", "top-down", "projects", better=None, group="group_projects"),
    _count("projects_bottom_up", "bottom-up", "projects", group="group_projects"),
    _count("projects_late_entry", "sen-inngang", "projects", better="lower"),
    _count("goals_count", "mal-antall", "goals", better=None),
    _count("goals_measured", "mal-malt", "goals", better=None),
    _count("goals_reached", "mal-nadd", "goals"),
    _count("goals_close", "mal-naer", "goals", better=None),
    Metric(
        "goals_reached_share",
        "mal",
        "m_goals_reached_share",
        "share",
        scale=(0, 1),
        source="goals",
        group="group_goals",
        count_of=("goals_reached", "goals_measured"),
        margin=SHARE_MARGIN,
    ),
    Metric(
        "quality_primary_contact",
        "primaerkontakt",
        "m_quality_primary_contact",
        "share",
        scale=(0, 1),
        source="quality_indicators",
    ),
    Metric(
        "quality_helpers",
        "hjelpere",
        "m_quality_helpers",
        "count",
        decimals=1,
        better="lower",
        source="quality_indicators",
    ),
)

METRICS: dict[str, Metric] = {m.key: m for m in CATALOGUE}
BY_SLUG: dict[str, Metric] = {m.slug: m for m in CATALOGUE}
SURVEY_KEYS = tuple(f"survey_{theme}" for theme in SURVEY_THEMES)

# The overview's column groups, in the order the head of home care reads them.
GROUPS = (
    "group_survey",
    "group_council",
    "group_budget",
    "group_risk",
    "group_projects",
    "group_goals",
)
OVERVIEW_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (group, tuple(m.key for m in CATALOGUE if m.group == group)) for group in GROUPS
)
OVERVIEW_COLUMNS = tuple(key for _, keys in OVERVIEW_GROUPS for key in keys)

# The sheet each stored table comes from (the canonical sheet name of its kind).
SOURCE_SHEETS = {
    "survey": ("Brukerundersøkelse", "User survey"),
    "council_meetings": ("Brukerråd", "User councils"),
    "quality_indicators": ("Kvalitetsindikatorer", "Quality indicators"),
    "economy": ("Økonomi", "Budget"),
    "risk_tolerance": ("Risikovilje", "Risk tolerance"),
    "projects": ("Samskapingsprosjekter", "Co-creation projects"),
    "goals": ("Mål og indikatorer", "Goals and indicators"),
}

# Quality indicators the contract names, with what "better" means for each; any other
# indicator is listed with its target as "higher is better", the goals' own default.
QUALITY_INDICATORS = {
    "andel brukere med primærkontakt": ("quality_primary_contact", "higher"),
    "antall ulike hjelpere siste 14 dager": ("quality_helpers", "lower"),
}
