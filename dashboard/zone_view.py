"""The zone page's five panels as plain data: user council, budget and the ±3 % rule, risk
tolerance, co-creation projects and the user survey.

Each panel compares the chosen year with the zone's own earlier years and with the other
zones (rank and median), says in one sentence what its chart shows, and carries the
numbers for a table and the series for its chart (see figures.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .i18n import MISSING, fmt_kr, fmt_number, fmt_pct, is_missing, t, word, words
from .indicators import CARRY_OVER_LIMIT, SURVEY_COLUMNS
from .ingest.spec import LADDER_LABELS
from .panels import (
    METRICS,
    Flag,
    Prepared,
    TableView,
    flags_for,
    is_suppressed,
    rank_text,
    shown,
)

PANELS = ("council", "budget", "risk", "projects", "survey")
PANEL_TITLES = {
    "council": "panel_council",
    "budget": "panel_budget",
    "risk": "panel_risk",
    "projects": "panel_projects",
    "survey": "panel_survey",
}
# Which stored table feeds each panel: its source note names that table's files.
PANEL_SOURCES = {
    "council": "council_meetings",
    "budget": "economy",
    "risk": "risk_tolerance",
    "projects": "projects",
    "survey": "survey",
}
# The one number each panel is ranked on, and the column that says the panel has data.
PANEL_HEADLINE = {
    "council": "council_followup_rate",
    "budget": "result_wage_pct",
    "risk": "risk_tolerance",
    "projects": "projects_radical",
    "survey": "survey_tjenestekvalitet",
}
PANEL_PRESENCE = {
    "council": "council_meetings",
    "budget": "result",
    "risk": "risk_tolerance",
    "projects": "projects_active",
    "survey": "survey_respondents",
}
PRESENCE_BY_HEADLINE = {PANEL_HEADLINE[k]: PANEL_PRESENCE[k] for k in PANELS}


# ---------------------------------------------------------------- zone panels


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
    projects: TableView | None = None
    flags: list[Flag] = field(default_factory=list)


def panel_years(prepared: Prepared, zone_id: str, key: str) -> list[int]:
    """The zone's years with data for the panel that `key` heads (other years are blank)."""
    presence = PRESENCE_BY_HEADLINE.get(key, key)
    return [
        y for y in prepared.zone_years(zone_id) if prepared.value(zone_id, y, presence) is not None
    ]


def _history_frame(prepared: Prepared, zone_id: str, key: str, lang: str) -> pd.DataFrame:
    """Year, value and median of one metric for the zone's years, with formatted texts."""
    metric = METRICS[key]
    records = []
    for year in panel_years(prepared, zone_id, key):
        row = prepared.row(zone_id, year)
        value, median = row.get(key), prepared.median(year, key)
        records.append(
            {
                "year": year,
                "value": value,
                "median": median,
                "value_text": shown(row, key, lang),
                "median_text": metric.fmt(median, lang),
                "suppressed": is_suppressed(row, key),
            }
        )
    return pd.DataFrame(
        records,
        columns=["year", "value", "median", "value_text", "median_text", "suppressed"],
    )


def _headline_facts(prepared: Prepared, zone_id: str, year: int, key: str, lang: str):
    metric = METRICS[key]
    row, before = prepared.row(zone_id, year), prepared.row(zone_id, year - 1)
    signed = metric.key == "result_wage_pct"  # a result reads as +/−, like in the sentence
    return [
        (f"{metric.label(lang)} {year}", shown(row, key, lang, signed)),
        (f"{t('last_year', lang)} ({year - 1})", shown(before, key, lang, signed)),
        (f"{t('median_all', lang)} {year}", metric.fmt(prepared.median(year, key), lang)),
        (t("rank", lang), rank_text(prepared.rank(zone_id, year, key), lang)),
    ]


def _year_table(
    prepared: Prepared, zone_id: str, caption: str, keys: list[str], headline: str, lang: str
) -> TableView:
    metric = METRICS[headline]
    columns = [t("year", lang), *(METRICS[k].label(lang) for k in keys)]
    columns += [f"{t('median', lang)}: {metric.label(lang)}", t("rank", lang)]
    rows = []
    for year in panel_years(prepared, zone_id, headline):
        row = prepared.row(zone_id, year)
        rows.append(
            [
                str(year),
                *(shown(row, k, lang) for k in keys),
                metric.fmt(prepared.median(year, headline), lang),
                rank_text(prepared.rank(zone_id, year, headline), lang),
            ]
        )
    return TableView(caption, columns, rows)


def _panel_view(
    p: Prepared,
    zone_id: str,
    year: int,
    lang: str,
    row: dict,
    panel: str,
    sentence: str,
    extra: list[str],
    table_keys: list[str],
    **more,
) -> PanelView:
    """A panel whose facts, table and chart follow its headline metric (all but budget and
    survey): headline facts plus `extra`, a year table of `table_keys`, the history chart."""
    key = PANEL_HEADLINE[panel]
    facts = _headline_facts(p, zone_id, year, key, lang)
    facts += [(METRICS[k].label(lang), shown(row, k, lang)) for k in extra]
    table = _year_table(p, zone_id, t(PANEL_TITLES[panel], lang), table_keys, key, lang)
    series = _history_frame(p, zone_id, key, lang)
    return PanelView(panel, "", sentence, facts, table, "", False, series, **more)


def _council(p: Prepared, zone_id: str, year: int, lang: str, row: dict) -> PanelView:
    name = p.name(zone_id)
    key = "council_followup_rate"
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
            median=METRICS[key].fmt(p.median(year, key), lang),
            rank=rank_text(p.rank(zone_id, year, key), lang),
        )
    extra = ["council_meetings", "council_representatives", "council_inputs", "council_decisions"]
    keys = [*extra[:3], "council_followed_up", key, "council_decisions"]
    return _panel_view(p, zone_id, year, lang, row, "council", sentence, extra, keys)


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


def _result_words(result: float | None, lang: str) -> str:
    """'mindreforbruk 1 832 397 kr' / 'merforbruk 3 249 497 kr' / '–'."""
    return amount_words(result, lang, ("underspend", "overspend"))


def _budget(p: Prepared, zone_id: str, year: int, lang: str, row: dict) -> PanelView:
    name, key = p.name(zone_id), "result_wage_pct"
    result, carry, share = row.get("result"), row.get("carry_over"), row.get(key)
    if not result:
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
            share=fmt_pct(share, lang, signed=True),
            band=t("within_band" if inside else "outside_band", lang),
            carry_kind=t("top_up" if carry > 0 else "claw_back", lang),
            carry=fmt_kr(abs(carry), lang),
        )
    flags = [f for f in flags_for(row, p.dataset.threshold, lang) if f.kind == "spiral"]
    facts = _headline_facts(p, zone_id, year, key, lang)
    facts += [
        (t("m_result", lang), _result_words(result, lang)),
        (f"{t('m_carry_over', lang)} ({year + 1})", carry_words(carry, lang)),
        (t("m_inntrekk_streak", lang), shown(row, "inntrekk_streak", lang)),
    ]
    table = _year_table(
        p,
        zone_id,
        t("panel_budget", lang),
        ["budget", "actual", "wage_costs", "result", key, "carry_over", "inntrekk_streak"],
        key,
        lang,
    )
    # Say the carry-over in words in the table too, not by its sign alone.
    carry_col = table.columns.index(METRICS["carry_over"].label(lang))
    for cells, year_ in zip(table.rows, panel_years(p, zone_id, key), strict=True):
        cells[carry_col] = carry_words(p.value(zone_id, year_, "carry_over"), lang)
    frame = _history_frame(p, zone_id, key, lang)
    frame["carry_text"] = [
        carry_words(p.value(zone_id, y, "carry_over"), lang) for y in frame["year"]
    ]
    frame["result_text"] = [
        _result_words(p.value(zone_id, y, "result"), lang) for y in frame["year"]
    ]
    return PanelView("budget", "", sentence, facts, table, "", False, frame, flags=flags)


def _risk(p: Prepared, zone_id: str, year: int, lang: str, row: dict) -> PanelView:
    key = "risk_tolerance"
    sentence = t(
        "s_risk",
        lang,
        zone=p.name(zone_id),
        risk=shown(row, key, lang),
        year=year,
        median=METRICS[key].fmt(p.median(year, key), lang),
        rank=rank_text(p.rank(zone_id, year, key), lang),
    )
    extra = ["error_quota", "experiments_started", "experiments_stopped", "development_funds"]
    return _panel_view(p, zone_id, year, lang, row, "risk", sentence, extra, [key, *extra])


def zone_project_list(p: Prepared, zone_id: str, year: int) -> list[dict]:
    """The zone's projects (records), those active in `year` first, then newest first."""
    mine = [
        {
            **r,
            "active": r["start_year"] <= year and (r["end_year"] is None or r["end_year"] >= year),
        }
        for r in p.projects_of(zone_id)
    ]
    return sorted(mine, key=lambda r: (not r["active"], -r["start_year"], r["name"]))


def _period(start: object, end: object) -> str:
    return f"{int(start)}–{'' if is_missing(end) else int(end)}"


def _ladder(level: object, klass: object, lang: str) -> str:
    kind = t("radical" if klass == "radikal" else "conservative", lang)
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
    listing = zone_project_list(p, zone_id, year)
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
        )
    ]
    columns.insert(2, t("active_in", lang, year=year).capitalize())
    rows = []
    for r in listing:
        rows.append(
            [
                r["name"],
                _period(r["start_year"], r["end_year"]),
                t("yes" if r["active"] else "no", lang),
                word(r["status"], lang),
                _ladder(r["ladder_level"], r["ladder_class"], lang),
                _initiator(r["initiator"], r["initiator_class"], lang),
                word(r["entry"], lang),
                words(r["value_forms"], lang),
            ]
        )
    return TableView(t("projects_list", lang), columns, rows)


def _projects(p: Prepared, zone_id: str, year: int, lang: str, row: dict) -> PanelView:
    name = p.name(zone_id)
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
    radical = [
        r
        for r in zone_project_list(p, zone_id, year)
        if r["active"] and r["ladder_class"] == "radikal"
    ]
    if radical:
        items = [
            f"{r['name']} ({_initiator(r['initiator'], r['initiator_class'], lang, inline=True)})"
            for r in radical
        ]
        notes = [t("s_radical_who", lang, year=year, items="; ".join(items))]
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
    view = _panel_view(
        p,
        zone_id,
        year,
        lang,
        row,
        "projects",
        sentence,
        extra,
        keys,
        notes=notes,
        projects=projects_table(p, zone_id, year, lang),
    )
    frame = view.series
    frame["conservative"] = [p.value(zone_id, y, "projects_conservative") for y in frame["year"]]
    return view


def survey_frame(p: Prepared, zone_id: str, year: int, lang: str) -> pd.DataFrame:
    """Per theme: this year, the year before and the median, with what to show for each."""
    row, before = p.row(zone_id, year), p.row(zone_id, year - 1)
    records = []
    for key in SURVEY_COLUMNS:
        metric = METRICS[key]
        median = p.median(year, key)
        records.append(
            {
                "theme": metric.label(lang),
                "value": None if row is None else row.get(key),
                "previous": None if before is None else before.get(key),
                "median": median,
                "value_text": shown(row, key, lang),
                "previous_text": shown(before, key, lang),
                "median_text": metric.fmt(median, lang),
                "suppressed": is_suppressed(row, key),
                "rank_text": rank_text(p.rank(zone_id, year, key), lang),
            }
        )
    return pd.DataFrame(records)


def _survey(p: Prepared, zone_id: str, year: int, lang: str, row: dict) -> PanelView:
    name, threshold = p.name(zone_id), p.dataset.threshold
    frame = survey_frame(p, zone_id, year, lang)
    visible = frame[~frame["suppressed"] & frame["value"].notna()]
    if visible.empty:
        sentence = t("s_survey_suppressed", lang, zone=name, year=year, threshold=threshold)
    else:
        best = visible.loc[visible["value"].astype(float).idxmax()]
        above = int((visible["value"].astype(float) > visible["median"].astype(float)).sum())
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
    key = PANEL_HEADLINE["survey"]
    facts = _headline_facts(p, zone_id, year, key, lang)
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
            r.theme,
            r.value_text,
            r.previous_text,
            r.median_text,
            MISSING if r.suppressed else r.rank_text,
        ]
        for r in frame.itertuples()
    ]
    table = TableView(t("panel_survey", lang), columns, rows)
    notes = [t("legend_suppressed", lang, n=threshold)] if frame["suppressed"].any() else []
    return PanelView("survey", "", sentence, facts, table, "", False, frame, notes)


_BUILDERS = {
    "council": _council,
    "budget": _budget,
    "risk": _risk,
    "projects": _projects,
    "survey": _survey,
}


def zone_panel(
    prepared: Prepared, zone_id: str, year: int | None, key: str, lang: str
) -> PanelView:
    """One panel of the zone page; an empty state when the zone has no such data that year."""
    title = t(PANEL_TITLES[key], lang)
    source = prepared.sources_note((PANEL_SOURCES[key],), lang)
    row = prepared.row(zone_id, year)
    if row is None or row.get(PANEL_PRESENCE[key]) is None:
        return PanelView(
            key, title, t("empty_year", lang), [], TableView(title, [], []), source, True
        )
    view = _BUILDERS[key](prepared, zone_id, year, lang, row)
    view.title, view.source = title, source
    return view


def zone_panels(prepared: Prepared, zone_id: str, year: int | None, lang: str) -> list[PanelView]:
    return [zone_panel(prepared, zone_id, year, key, lang) for key in PANELS]
