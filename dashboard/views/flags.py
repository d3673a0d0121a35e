"""The flags a head of home care acts on: each with its stated rule and severity, here only.

A rule reads one zone's row for one year and, when it fires, says why in words (the detail).
Thresholds are settings (DASHBOARD_FLAG_*), and every rule's text states its threshold, so
the page says exactly when a flag is raised. A flag carried by more than
DASHBOARD_FLAG_COMMON_PCT of the zones with data is not a signal about a zone: the overview
shows it once, as a note for the whole municipality, instead of on each zone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..data import Prepared, index_part
from ..i18n import LANGS, fmt_number, fmt_pct, t
from ..metrics import SURVEY_KEYS
from ..settings import Settings
from .common import few_zones, is_suppressed, table_name, zones_word

HIGH, MEDIUM, LOW = 3, 2, 1
SEVERITY_KEYS = {HIGH: "severity_high", MEDIUM: "severity_medium", LOW: "severity_low"}


@dataclass(frozen=True)
class FlagRule:
    kind: str
    severity: int
    table: str  # the stored table the rule reads (its coverage decides what is said)
    icon: str  # a shape beside the words, never the only sign
    # (row, settings, threshold, lang) -> the detail in words when the flag is raised
    fires: Callable[[dict, Settings, int, str], str | None]
    threshold: Callable[[Settings], object] = lambda s: None

    def label(self, lang: str) -> str:
        return t(f"flag_{self.kind}", lang)

    def rule(self, settings: Settings, lang: str) -> str:
        return t(f"rule_{self.kind}", lang, threshold=self.threshold_text(settings, lang))

    def threshold_text(self, settings: Settings, lang: str) -> str:
        value = self.threshold(settings)
        if isinstance(value, float):
            return fmt_pct(value, lang, 0)
        return "" if value is None else fmt_number(value, lang)


def _spiral(row, s, threshold, lang):
    streak = row.get("inntrekk_streak")
    if streak is not None and streak >= s.flag_spiral_years:
        return t("flag_spiral_text", lang, n=int(streak))
    return None


def _overspend(row, s, threshold, lang):
    share = row.get("result_pct")
    if share is not None and share < -s.flag_overspend_pct / 100:
        return t("flag_overspend_text", lang, share=fmt_pct(share, lang, 1, signed=True))
    return None


def _no_council(row, s, threshold, lang):
    # Null means no council data that year; zero means the council met without the zone.
    meetings, reps = row.get("council_meetings"), row.get("council_representatives")
    if (meetings is not None and meetings == 0) or (reps is not None and reps == 0):
        return t("flag_no_council_text", lang)
    return None


def _low_followup(row, s, threshold, lang):
    rate = row.get("council_followup_rate")
    if rate is not None and rate < s.flag_followup_pct / 100:
        return t(
            "flag_low_followup_text",
            lang,
            share=fmt_pct(rate, lang, 0),
            followed=fmt_number(row.get("council_followed_up"), lang),
            inputs=fmt_number(row.get("council_inputs"), lang),
        )
    return None


def _low_risk(row, s, threshold, lang):
    risk = row.get("risk_tolerance")
    if risk is not None and risk <= s.flag_risk_at_most:
        return t("flag_low_risk_text", lang, risk=fmt_number(risk, lang))
    return None


def _targets(row, s, threshold, lang):
    measured, reached = row.get("goals_measured"), row.get("goals_reached")
    if measured and reached is not None and reached / measured < s.flag_targets_pct / 100:
        return t("flag_targets_text", lang, reached=int(reached), measured=int(measured))
    return None


def _no_radical(row, s, threshold, lang):
    radical = row.get("projects_radical")
    return t("flag_no_radical_text", lang) if radical is not None and radical == 0 else None


def _suppressed(row, s, threshold, lang):
    if any(is_suppressed(row, key) for key in SURVEY_KEYS):
        return t("flag_suppressed_text", lang, n=threshold)
    return None


RULES: tuple[FlagRule, ...] = (
    FlagRule("spiral", HIGH, "economy", "▼", _spiral, lambda s: s.flag_spiral_years),
    FlagRule("overspend", HIGH, "economy", "▼", _overspend, lambda s: s.flag_overspend_pct / 100),
    FlagRule("no_council", MEDIUM, "council_meetings", "■", _no_council),
    FlagRule(
        "low_followup",
        MEDIUM,
        "council_meetings",
        "■",
        _low_followup,
        lambda s: s.flag_followup_pct / 100,
    ),
    FlagRule("low_risk", MEDIUM, "risk_tolerance", "◆", _low_risk, lambda s: s.flag_risk_at_most),
    FlagRule("targets", MEDIUM, "goals", "●", _targets, lambda s: s.flag_targets_pct / 100),
    FlagRule("no_radical", LOW, "projects", "◇", _no_radical),
    FlagRule("suppressed", LOW, "survey", "○", _suppressed),
)
RULES_BY_KIND = {r.kind: r for r in RULES}
FLAG_KINDS = tuple(r.kind for r in RULES)


@dataclass(frozen=True)
class Flag:
    kind: str
    severity: int
    icon: str
    label: str
    detail: str
    rule: str

    @property
    def text(self) -> str:
        return f"{self.label}: {self.detail}"


def flags_for(p: Prepared, zone_id: str, year: int | None, lang: str) -> list[Flag]:
    """Every flag one zone carries in one year, the most severe first."""
    # Asked for by each panel of a zone and for every zone by the overview's order and
    # summary: worked out with the index, for every zone, year and language.
    found = p.part("flags").get((zone_id, year, lang))
    if found is None:  # no row that zone and year: nothing to flag
        return _flags_for(p, zone_id, year, lang)
    return list(found)


def _flags_for(
    p: Prepared, zone_id: str, year: int | None, lang: str, texts: dict | None = None
) -> list[Flag]:
    """`texts`: each rule's (label, rule text) in `lang`, when the caller has them."""
    row = p.row(zone_id, year)
    if row is None:
        return []
    found = []
    for rule in RULES:
        detail = rule.fires(row, p.settings, p.dataset.threshold, lang)
        if detail is not None:
            label, rule_text = (
                texts[rule.kind] if texts else (rule.label(lang), rule.rule(p.settings, lang))
            )
            found.append(Flag(rule.kind, rule.severity, rule.icon, label, detail, rule_text))
    return sorted(found, key=lambda f: -f.severity)


@index_part("flags")
def _every_flag(p: Prepared) -> dict[tuple[str, int, str], list[Flag]]:
    """(zone, year, language) -> the zone's flags, for every zone with a row that year."""
    found = {}
    for lang in LANGS:
        texts = {r.kind: (r.label(lang), r.rule(p.settings, lang)) for r in RULES}
        for year in p.years:
            for zone_id in p.zones_in(year):
                found[zone_id, year, lang] = _flags_for(p, zone_id, year, lang, texts)
    return found


@dataclass
class FlagGroup:
    """One kind of flag in one year: the zones carrying it and what is said about them."""

    rule: FlagRule
    label: str
    rule_text: str
    zones: list[tuple[str, str]]  # (zone id, detail)
    of: int  # zones with data for the rule's table that year
    common: bool  # carried by most zones: one note for the municipality
    note: str = ""  # the municipality-wide note, or how few zones it is based on


@dataclass
class FlagSummary:
    year: int | None
    groups: list[FlagGroup] = field(default_factory=list)

    @property
    def zone_groups(self) -> list[FlagGroup]:
        return [g for g in self.groups if not g.common]

    @property
    def common(self) -> list[FlagGroup]:
        return [g for g in self.groups if g.common]

    @property
    def common_kinds(self) -> set[str]:
        return {g.rule.kind for g in self.common}


def _with_data(p: Prepared, table: str, year: int | None) -> int:
    coverage = p.coverage.get((table, year))
    return coverage.have if coverage is not None else len(p.zones_in(year))


def flag_summary(p: Prepared, year: int | None, lang: str) -> FlagSummary:
    """Per kind of flag, the zones carrying it this year; common ones become one note.
    Shared by every view of the version: never change it."""
    found = p.part("flag_summaries").get((year, lang))
    return found if found is not None else _flag_summary(p, year, lang)


@index_part("flag_summaries")
def _every_summary(p: Prepared) -> dict[tuple[int, str], FlagSummary]:
    return {(year, lang): _flag_summary(p, year, lang) for lang in LANGS for year in p.years}


def _flag_summary(p: Prepared, year: int | None, lang: str) -> FlagSummary:
    carried: dict[str, list[tuple[str, str]]] = {}
    for zone_id in p.zones_in(year):
        for flag in flags_for(p, zone_id, year, lang):
            carried.setdefault(flag.kind, []).append((zone_id, flag.detail))
    summary = FlagSummary(year)
    share = p.settings.flag_common_pct / 100
    for rule in RULES:
        zones = carried.get(rule.kind)
        if not zones:
            continue
        of = max(_with_data(p, rule.table, year), len(zones))
        common = of >= 3 and len(zones) > share * of
        group = FlagGroup(rule, rule.label(lang), rule.rule(p.settings, lang), zones, of, common)
        if common:
            group.note = t(
                "flag_common_note",
                lang,
                count=len(zones),
                zones=zones_word(of, lang),
                label=rule.label(lang),
                year=year,
            )
        elif few_zones(p, year, of):
            group.note = t(
                "flag_few_zones",
                lang,
                zones=zones_word(of, lang),
                table=table_name(rule.table, lang),
            )
        summary.groups.append(group)
    return summary


def severity_score(flags: list[Flag], common: set[str]) -> int:
    """How urgent a zone is on the overview: its flags' severities (common ones left out)."""
    return sum(f.severity for f in flags if f.kind not in common)


def spiral_runs(p: Prepared) -> list[tuple[str, int, int]]:
    """Every run of DASHBOARD_FLAG_SPIRAL_YEARS or more years with inntrekk."""
    return list(p.part("spiral_runs"))


@index_part("spiral_runs")
def _spiral_runs(p: Prepared) -> list[tuple[str, int, int]]:
    runs = []
    least = p.settings.flag_spiral_years
    rows = p.rows  # read directly: at 400 zones and 10 years this walks 4 000 rows
    for zone_id in p.zone_ids:
        for year in p.zone_years(zone_id):
            streak = rows[zone_id, year].get("inntrekk_streak") or 0
            if streak < least:
                continue
            after = rows.get((zone_id, year + 1))
            following = (after.get("inntrekk_streak") if after is not None else None) or 0
            if following <= streak:
                runs.append((zone_id, year - int(streak) + 1, year))
    return runs


SPIRALS_NAMED = 10  # runs the overview's history names; the rest are counted


def spiral_history(p: Prepared, lang: str, named: int = SPIRALS_NAMED) -> str:
    """'Inntrekk to år på rad eller mer, alle år: Saupstad (2018–2020), …' or ''.

    With more than `named` runs (hundreds on a large municipality), the latest `named` are
    named, in the zones' order, and the rest counted."""
    runs = spiral_runs(p)
    if not runs:
        return ""
    kept = runs
    if len(runs) > named:
        latest = set(sorted(runs, key=lambda r: (-r[2], -r[1]))[:named])
        kept = [r for r in runs if r in latest]
    items = ", ".join(
        t("ovw_spiral_item", lang, zone=p.name(z), first=a, last=b) for z, a, b in kept
    )
    if len(kept) < len(runs):
        items = f"{items} {t('ovw_spiral_more', lang, n=len(runs) - len(kept))}"
    return t("ovw_spiral_history", lang, n=p.settings.flag_spiral_years, items=items)
