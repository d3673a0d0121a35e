"""The zone page's panels as plain data, and the registry that names them.

A panel's identity (title, source table, headline metric, builder, figure) is one entry of
`PANELS`, read by the zone page's layout and by its callback alike, and by the meeting
deck's panel slides. Each panel compares the chosen year with the zone's own earlier years
and with the other zones (rank and median), says in one sentence what its chart shows, and
carries its numbers as a table whose every row names its source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from .. import figures
from ..data import Prepared
from ..i18n import MISSING, fmt_kr, fmt_number, fmt_pct, is_missing, t, word, words
from ..indicators import CARRY_OVER_LIMIT
from ..ingest.spec import LADDER_LABELS, RADICAL
from ..metrics import METRICS, SURVEY_KEYS
from . import dialogue
from .common import (
    TableView,
    data_sources,
    is_suppressed,
    median_text,
    membership_note,
    rank_text,
    row_source,
    shown,
    source_text,
    zone_year_sources,
)
from .flags import RULES_BY_KIND, Flag, flags_for
from .targets import status_rule, targets_table

RADICAL_NAMED = 10  # radical projects named in the panel's note before "and N more"


@dataclass
class PanelView:
    key: str
    title: str
    sentence: str
    facts: list[tuple[str, str]]
    table: TableView
    source: str
    empty: bool
    series: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    listing: TableView | None = None  # the projects, the goals: capped, with a note
    flags: list[Flag] = field(default_factory=list)
    empty_text: str = ""
    dialogue: list = field(default_factory=list)  # the notes written about this panel (store)


@dataclass(frozen=True)
class Panel:
    key: str
    title: str  # i18n key
    source: str  # the stored table behind it
    headline: str  # the metric it is ranked and charted on
    presence: str  # the metric whose value says the zone has data that year
    build: Callable[..., PanelView]
    figure: Callable[[PanelView, str, str, int, int], dict]
    listing: str | None = None  # the export table of its list, if it has one
    also: tuple[str, ...] = ()  # other stored tables its numbers come from

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source, *self.also)

    def metric(self):
        return METRICS[self.headline]


# ---------------------------------------------------------------- shared parts


def panel_years(p: Prepared, zone_id: str, panel: Panel) -> list[int]:
    """The zone's years with data for the panel (other years are left out)."""
    return [y for y in p.zone_years(zone_id) if p.value(zone_id, y, panel.presence) is not None]


def history_frame(p: Prepared, zone_id: str, panel: Panel, lang: str) -> pd.DataFrame:
    """Year, value and median of the headline metric for the zone's years, with texts."""
    key = panel.headline
    records = []
    for year in panel_years(p, zone_id, panel):
        row = p.row(zone_id, year)
        records.append(
            {
                "year": year,
                "value": row.get(key),
                "median": p.median(year, key),
                "value_text": shown(row, key, lang),
                "median_text": median_text(p, year, key, lang),
                "suppressed": is_suppressed(row, key),
            }
        )
    return pd.DataFrame(
        records, columns=["year", "value", "median", "value_text", "median_text", "suppressed"]
    )


def headline_facts(p: Prepared, zone_id: str, year: int, panel: Panel, lang: str):
    key, metric = panel.headline, panel.metric()
    row, before = p.row(zone_id, year), p.row(zone_id, year - 1)
    return [
        (f"{t(metric.label, lang)} {year}", shown(row, key, lang)),
        (f"{t('last_year', lang)} ({year - 1})", shown(before, key, lang)),
        (f"{t('median_all', lang)} {year}", median_text(p, year, key, lang)),
        (t("rank", lang), rank_text(p.rank(zone_id, year, key), lang)),
    ]


def year_table(p: Prepared, zone_id: str, panel: Panel, keys: list[str], lang: str):
    """Per year: the panel's numbers, the headline's median and rank, and the source rows."""
    key, metric = panel.headline, panel.metric()
    columns = [t("year", lang), *(t(METRICS[k].label, lang) for k in keys)]
    columns += [
        f"{t('median', lang)}: {t(metric.label, lang)}",
        t("rank", lang),
        t("col_source", lang),
    ]
    rows = []
    for year in panel_years(p, zone_id, panel):
        row = p.row(zone_id, year)
        rows.append(
            [
                str(year),
                *(shown(row, k, lang) for k in keys),
                median_text(p, year, key, lang),
                rank_text(p.rank(zone_id, year, key), lang),
                zone_year_sources(p, zone_id, year, (panel.source,), lang),
            ]
        )
    return TableView(t(panel.title, lang), columns, rows)


def _standard(p, zone_id, year, lang, row, panel, sentence, extra, table_keys, **more):
    """A panel whose facts, table and chart follow its headline metric."""
    facts = headline_facts(p, zone_id, year, panel, lang)
    facts += [(t(METRICS[k].label, lang), shown(row, k, lang)) for k in extra]
    table = year_table(p, zone_id, panel, table_keys, lang)
    series = history_frame(p, zone_id, panel, lang)
    return PanelView(panel.key, "", sentence, facts, table, "", False, series, **more)


def _flags(p: Prepared, zone_id: str, year: int, lang: str, table: str) -> list[Flag]:
    return [f for f in flags_for(p, zone_id, year, lang) if RULES_BY_KIND[f.kind].table == table]


# ---------------------------------------------------------------- the panels


def _council(p: Prepared, zone_id: str, year: int, lang: str, row: dict) -> PanelView:
    panel, name, key = PANELS["council"], p.name(zone_id), "council_followup_rate"
    if (row.get("council_meetings") or 0) == 0 or (row.get("council_representatives") or 0) == 0:
        sentence = t("s_council_absent", lang, year=year, zone=name)
    elif not row.get("council_inputs"):
        sentence = t(
            "s_council_no_inputs",
            lang,
            year=year,
            zone=name,
            meetings=fmt_number(row["council_meetings"], lang),
        )
    else:
        sentence = t(
            "s_council",
            lang,
            year=year,
            zone=name,
            rate=shown(row, key, lang),
            followed=fmt_number(row["council_followed_up"], lang),
            inputs=fmt_number(row["council_inputs"], lang),
            median=median_text(p, year, key, lang),
            rank=rank_text(p.rank(zone_id, year, key), lang),
        )
    extra = ["council_meetings", "council_representatives", "council_inputs", "council_decisions"]
    keys = [*extra[:3], "council_followed_up", key, "council_decisions"]
    flags = _flags(p, zone_id, year, lang, panel.source)
    return _standard(p, zone_id, year, lang, row, panel, sentence, extra, keys, flags=flags)


def amount_words(amount: float | None, lang: str, kinds: tuple[str, str]) -> str:
    """An amount said in words, never by its sign alone: 'påplussing 1 370 797 kr'."""
    if amount is None:
        return MISSING
    if amount == 0:
        return t("balance", lang)
    kind = t(kinds[0] if amount > 0 else kinds[1], lang)
    return f"{kind} {fmt_kr(abs(amount), lang)}"


def carry_words(carry: float | None, lang: str) -> str:
    """'påplussing 1 370 797 kr' / 'inntrekk 2 373 466 kr' / '–'."""
    return amount_words(carry, lang, ("top_up", "claw_back"))


def result_words(result: float | None, lang: str) -> str:
    """'mindreforbruk 1 832 397 kr' / 'merforbruk 3 249 497 kr' / '–'."""
    return amount_words(result, lang, ("underspend", "overspend"))


def cap_note(row: dict, lang: str) -> str:
    """When the carry-over cap (3 % of wage costs) bites: what is not carried, and why."""
    result, carry, wages = row.get("result"), row.get("carry_over"), row.get("wage_costs")
    if result is None or carry is None or wages is None or abs(result) <= abs(carry) + 0.5:
        return ""
    return t(
        "s_cap_overspend" if result < 0 else "s_cap_underspend",
        lang,
        cap=fmt_kr(abs(wages) * CARRY_OVER_LIMIT, lang),
        limit=fmt_pct(CARRY_OVER_LIMIT, lang, 0),
        rest=fmt_kr(abs(result) - abs(carry), lang),
        result=fmt_kr(abs(result), lang),
    )


def _budget(p: Prepared, zone_id: str, year: int, lang: str, row: dict) -> PanelView:
    panel, name, key = PANELS["budget"], p.name(zone_id), "result_pct"
    result, carry, share = row.get("result"), row.get("carry_over"), row.get(key)
    if result is None:  # a value no page can show (left out, with a warning in the log)
        sentence = t("s_budget_unknown", lang, year=year, zone=name)
    elif not result:
        sentence = t("s_budget_even", lang, year=year, zone=name)
    else:
        inside = abs(share) <= CARRY_OVER_LIMIT + 1e-12 if share is not None else True
        sentence = t(
            "s_budget",
            lang,
            year=year,
            zone=name,
            kind=t("underspend" if result > 0 else "overspend", lang),
            result=fmt_kr(abs(result), lang),
            share=shown(row, key, lang),
            band=t("within_band" if inside else "outside_band", lang),
            carry_kind=t("top_up" if (carry or 0) > 0 else "claw_back", lang),
            carry=fmt_kr(abs(carry or 0), lang),
        )
    notes = [n for n in (cap_note(row, lang),) if n]
    facts = headline_facts(p, zone_id, year, panel, lang)
    wages = row.get("wage_costs")
    facts += [
        (t("m_result", lang), result_words(result, lang)),
        (
            t("carry_cap", lang),
            MISSING if wages is None else fmt_kr(abs(wages) * CARRY_OVER_LIMIT, lang),
        ),
        (f"{t('m_carry_over', lang)} ({year + 1})", carry_words(carry, lang)),
        (t("m_inntrekk_streak", lang), shown(row, "inntrekk_streak", lang)),
    ]
    keys = ["budget", "actual", "wage_costs", "result", key, "carry_over", "inntrekk_streak"]
    table = year_table(p, zone_id, panel, keys, lang)
    # Say the carry-over in words in the table too, not by its sign alone.
    carry_col = table.columns.index(t("m_carry_over", lang))
    years = panel_years(p, zone_id, panel)
    for cells, year_ in zip(table.rows, years, strict=True):
        cells[carry_col] = carry_words(p.value(zone_id, year_, "carry_over"), lang)
    frame = history_frame(p, zone_id, panel, lang)
    frame["carry_text"] = [carry_words(p.value(zone_id, y, "carry_over"), lang) for y in years]
    frame["result_text"] = [result_words(p.value(zone_id, y, "result"), lang) for y in years]
    flags = _flags(p, zone_id, year, lang, panel.source)
    return PanelView("budget", "", sentence, facts, table, "", False, frame, notes, flags=flags)


def _risk(p: Prepared, zone_id: str, year: int, lang: str, row: dict) -> PanelView:
    panel, key = PANELS["risk"], "risk_tolerance"
    sentence = t(
        "s_risk",
        lang,
        zone=p.name(zone_id),
        risk=shown(row, key, lang),
        year=year,
        median=median_text(p, year, key, lang),
        rank=rank_text(p.rank(zone_id, year, key), lang),
    )
    extra = ["error_quota", "experiments_started", "experiments_stopped", "development_funds"]
    flags = _flags(p, zone_id, year, lang, panel.source)
    return _standard(
        p, zone_id, year, lang, row, panel, sentence, extra, [key, *extra], flags=flags
    )


def _period(start: object, end: object) -> str:
    return f"{int(start)}–{'' if is_missing(end) else int(end)}"


def _ladder(level: object, klass: object, lang: str) -> str:
    kind = t("radical" if klass == RADICAL else "conservative", lang)
    if is_missing(level):
        return kind
    return f"{int(level)} {word(LADDER_LABELS[int(level)], lang)} ({kind})"


def _initiator(initiator: object, klass: object, lang: str, inline: bool = False) -> str:
    """'Universitetskommunen (top-down)', or with a comma where it sits inside brackets."""
    if is_missing(initiator):
        return MISSING
    side = t("top_down" if klass == "top-down" else "bottom_up", lang)
    return f"{word(initiator, lang)}, {side}" if inline else f"{word(initiator, lang)} ({side})"


def projects_table(p: Prepared, zone_id: str, year: int, lang: str) -> TableView:
    """The zone's projects, those active in `year` first, then the newest: at most the list
    limit of them, with a note saying how many there are and that the export has them all."""
    part = p.dataset.projects.get((zone_id, year))
    columns = [
        t(k, lang)
        for k in (
            "col_project",
            "col_years",
            "col_status",
            "col_ladder",
            "col_initiator",
            "col_entry",
            "col_values",
            "col_source",
        )
    ]
    columns.insert(2, t("active_in", lang, year=year).capitalize())
    rows = [
        [
            r["name"],
            _period(r["start_year"], r["end_year"]),
            t("yes" if r["active"] else "no", lang),
            word(r["status"], lang),
            _ladder(r["ladder_level"], r["ladder_class"], lang),
            _initiator(r["initiator"], r["initiator_class"], lang),
            word(r["entry"], lang),
            words(r["value_forms"], lang),
            row_source(r, lang),
        ]
        for r in (part.rows if part else [])
    ]
    table = TableView(t("projects_list", lang), columns, rows)
    if part is not None and part.total > len(rows):
        table.note = t(
            "projects_capped",
            lang,
            shown=len(rows),
            total=fmt_number(part.total, lang),
            year=year,
        )
    return table


def _projects(p: Prepared, zone_id: str, year: int, lang: str, row: dict) -> PanelView:
    panel, name = PANELS["projects"], p.name(zone_id)
    sentence = t(
        "s_projects",
        lang,
        year=year,
        zone=name,
        active=fmt_number(row.get("projects_active") or 0, lang),
        cons=fmt_number(row.get("projects_conservative") or 0, lang),
        rad=fmt_number(row.get("projects_radical") or 0, lang),
        td=fmt_number(row.get("projects_top_down") or 0, lang),
        bu=fmt_number(row.get("projects_bottom_up") or 0, lang),
    )
    radical = p.dataset.radical.get((zone_id, year))
    if radical is not None and radical.total:
        named = radical.rows[:RADICAL_NAMED]
        items = "; ".join(
            f"{r['name']} ({_initiator(r['initiator'], r['initiator_class'], lang, inline=True)})"
            for r in named
        )
        if radical.total > len(named):
            items = f"{items} {t('and_more', lang, n=fmt_number(radical.total - len(named), lang))}"
        notes = [t("s_radical_who", lang, year=year, items=items)]
    else:
        notes = [t("s_radical_none", lang, year=year)]
    extra = [
        "projects_active",
        "projects_conservative",
        "projects_top_down",
        "projects_bottom_up",
        "projects_late_entry",
    ]
    keys = [*extra[:2], "projects_radical", *extra[2:]]
    view = _standard(
        p,
        zone_id,
        year,
        lang,
        row,
        panel,
        sentence,
        extra,
        keys,
        notes=notes,
        listing=projects_table(p, zone_id, year, lang),
    )
    # The register is one sheet, not per year: each year's rows name the same source.
    view.table.columns[-1] = t("col_source", lang)
    for cells in view.table.rows:
        cells[-1] = t("source_register", lang)
    view.series["conservative"] = [
        p.value(zone_id, y, "projects_conservative") for y in view.series["year"]
    ]
    return view


def survey_frame(p: Prepared, zone_id: str, year: int, lang: str) -> pd.DataFrame:
    """Per theme: this year, the year before and the median, with what to show for each."""
    return pd.DataFrame(survey_records(p, zone_id, year, lang))


def survey_records(p: Prepared, zone_id: str, year: int, lang: str) -> list[dict]:
    """`survey_frame`'s rows, as dicts (the panel reads them without pandas)."""
    row, before = p.row(zone_id, year), p.row(zone_id, year - 1)
    records = []
    for key in SURVEY_KEYS:
        metric = METRICS[key]
        records.append(
            {
                "theme": t(metric.label, lang),
                "value": None if row is None else row.get(key),
                "previous": None if before is None else before.get(key),
                "median": p.median(year, key),
                "value_text": shown(row, key, lang),
                "previous_text": shown(before, key, lang),
                "median_text": median_text(p, year, key, lang),
                "suppressed": is_suppressed(row, key),
                "rank_text": rank_text(p.rank(zone_id, year, key), lang),
            }
        )
    return records


def _survey(p: Prepared, zone_id: str, year: int, lang: str, row: dict) -> PanelView:
    panel, name, threshold = PANELS["survey"], p.name(zone_id), p.dataset.threshold
    records = survey_records(p, zone_id, year, lang)
    visible = [r for r in records if not r["suppressed"] and not is_missing(r["value"])]
    if not visible:
        sentence = t("s_survey_suppressed", lang, zone=name, year=year, threshold=threshold)
    else:
        best = max(visible, key=lambda r: float(r["value"]))  # the first of equal ones
        above = sum(
            1
            for r in visible
            if not is_missing(r["median"]) and float(r["value"]) > float(r["median"])
        )
        sentence = t(
            "s_survey",
            lang,
            year=year,
            n=fmt_number(row.get("survey_respondents"), lang),
            zone=name,
            above=above,
            shown=len(visible),
            best=best["theme"].lower() if lang == "nb" else best["theme"],
            score=best["value_text"],
        )
    facts = headline_facts(p, zone_id, year, panel, lang)
    facts.append((t("m_survey_respondents", lang), shown(row, "survey_respondents", lang)))
    columns = [
        t("theme", lang),
        str(year),
        str(year - 1),
        f"{t('median', lang)} {year}",
        t("rank", lang),
    ]
    rows = [
        [
            r["theme"],
            r["value_text"],
            r["previous_text"],
            r["median_text"],
            MISSING if r["suppressed"] else r["rank_text"],
        ]
        for r in records
    ]
    table = TableView(t("panel_survey", lang), columns, rows)
    # Every theme of one zone and year comes from the same rows of the survey sheet.
    source = p.dataset.provenance.get((zone_id, year, panel.source))
    table.note = t("source_of_table", lang, source=source_text(source, lang))
    withheld = any(r["suppressed"] for r in records)
    notes = [t("legend_suppressed", lang, n=threshold)] if withheld else []
    flags = _flags(p, zone_id, year, lang, panel.source)
    frame = pd.DataFrame(records)
    return PanelView("survey", "", sentence, facts, table, "", False, frame, notes, flags=flags)


def _targets(p: Prepared, zone_id: str, year: int, lang: str, row: dict) -> PanelView:
    panel, key = PANELS["targets"], "goals_reached_share"
    measured = row.get("goals_measured") or 0
    if measured:
        sentence = t(
            "s_targets",
            lang,
            year=year,
            zone=p.name(zone_id),
            reached=fmt_number(row.get("goals_reached"), lang),
            measured=fmt_number(measured, lang),
            close=fmt_number(row.get("goals_close"), lang),
            unmeasured=fmt_number((row.get("goals_count") or 0) - measured, lang),
            median=median_text(p, year, key, lang),
            rank=rank_text(p.rank(zone_id, year, key), lang),
        )
    else:
        sentence = t("s_targets_unmeasured", lang, year=year, zone=p.name(zone_id))
    extra = ["goals_count", "goals_measured", "goals_reached", "goals_close"]
    flags = _flags(p, zone_id, year, lang, panel.source)
    return _standard(
        p,
        zone_id,
        year,
        lang,
        row,
        panel,
        sentence,
        extra,
        [*extra, key],
        notes=[status_rule(p, lang)],
        listing=targets_table(p, zone_id, year, lang),
        flags=flags,
    )


# ---------------------------------------------------------------- figures of the panels


def _history_figure(view: PanelView, lang: str, zone: str, year: int, threshold: int) -> dict:
    return figures.history_spec(view.series, PANELS[view.key].metric(), lang, zone)


def _budget_figure(view: PanelView, lang: str, zone: str, year: int, threshold: int) -> dict:
    return figures.budget_spec(view.series, lang, zone, CARRY_OVER_LIMIT)


def _projects_figure(view: PanelView, lang: str, zone: str, year: int, threshold: int) -> dict:
    return figures.projects_spec(view.series, lang, zone)


def _survey_figure(view: PanelView, lang: str, zone: str, year: int, threshold: int) -> dict:
    return figures.survey_spec(view.series, lang, zone, year, threshold)


PANELS: dict[str, Panel] = {
    panel.key: panel
    for panel in (
        Panel(
            "council",
            "panel_council",
            "council_meetings",
            "council_followup_rate",
            "council_meetings",
            _council,
            _history_figure,
        ),
        Panel("budget", "panel_budget", "economy", "result_pct", "budget", _budget, _budget_figure),
        Panel(
            "risk",
            "panel_risk",
            "risk_tolerance",
            "risk_tolerance",
            "risk_tolerance",
            _risk,
            _history_figure,
        ),
        Panel(
            "projects",
            "panel_projects",
            "projects",
            "projects_radical",
            "projects_active",
            _projects,
            _projects_figure,
            listing="prosjekter",
        ),
        Panel(
            "survey",
            "panel_survey",
            "survey",
            "survey_tjenestekvalitet",
            "survey_respondents",
            _survey,
            _survey_figure,
        ),
        Panel(
            "targets",
            "panel_targets",
            "goals",
            "goals_reached_share",
            "goals_count",
            _targets,
            _history_figure,
            listing="mal",
            also=("quality_indicators",),
        ),
    )
}


def zone_panel(p: Prepared, zone_id: str, year: int | None, key: str, lang: str) -> PanelView:
    """One panel of the zone page; an empty state when the zone has no such data that year
    (saying so when the zone was not yet part of the city)."""
    panel = PANELS[key]
    title = t(panel.title, lang)
    source = data_sources(p, panel.sources, lang)
    row = p.row(zone_id, year)
    # Rows in the store whose values cannot be shown still make a panel (with dashes).
    stored = (zone_id, year, panel.source) in p.dataset.provenance
    if row is None or (row.get(panel.presence) is None and not stored):
        text = membership_note(p, zone_id, year, lang) or t("empty_year", lang)
        return PanelView(
            key, title, text, [], TableView(title, [], []), source, True, empty_text=text
        )
    view = panel.build(p, zone_id, year, lang, row)
    view.title, view.source = title, source
    return view


def zone_panels(
    p: Prepared, zone_id: str, year: int | None, lang: str, notes: tuple = ()
) -> list[PanelView]:
    """Every panel of the zone page; `notes` (the zone's notes in effect, from the store)
    go beside their panel, into its table and onto its chart."""
    views = [zone_panel(p, zone_id, year, key, lang) for key in PANELS]
    grouped = dialogue.by_panel(notes)
    for view in views:
        add_dialogue(view, grouped.get(view.key, []), lang)
    return views


def add_dialogue(view: PanelView, notes: list, lang: str) -> None:
    """The panel's notes, and the same in its table (a column by year, or under a table
    that is not by year) so that a screen reader meets them with the numbers."""
    view.dialogue = list(notes)
    if not notes or view.table is None or not view.table.columns:
        return
    years = dialogue.by_year(notes)
    table = view.table
    if table.columns[0] == t("year", lang):
        table.columns = [*table.columns, t("dlg_title", lang)]
        table.rows = [
            [*row, dialogue.table_cell(years.get(int(row[0]), []), lang)]
            if str(row[0]).isdigit()
            else [*row, ""]
            for row in table.rows
        ]
        listed = {int(row[0]) for row in table.rows if str(row[0]).isdigit()}
        others = [n for y, found in years.items() if y not in listed for n in found]
    else:
        others = list(notes)
    if others:
        said = " ".join(
            f"{n.year}: {dialogue.table_cell([n], lang)}" for n in sorted(others, key=_by_year)
        )
        note = f"{t('dlg_title', lang)}: {said}"
        table.note = f"{table.note} {note}".strip()


def _by_year(note) -> tuple:
    return (note.year, note.id)


def panel_figure(view: PanelView, lang: str, zone: str, year: int | None, threshold: int):
    """The chart of one panel, from its series (a plotly figure spec; see figures.py),
    with a marker at each year that has notes."""
    if view.empty or view.series is None or view.series.empty:
        return figures.empty_spec(lang)
    spec = PANELS[view.key].figure(view, lang, zone, year, threshold)
    if view.dialogue:
        spec = figures.with_note_markers(spec, dialogue.markers(view.dialogue, lang), lang)
    return spec
