"""The unit agreement's goals and the quality indicators: are we reaching our targets?

Per zone and year, each goal (and each quality indicator with a target) with its target,
result, which way is better, a status said in words and with a symbol, and the trend since
the year before. The status rule is the one in `indicators.goal_status`, stated on the page:
reached when the result is at least as good as the target; close when it misses by at most
DASHBOARD_TARGET_CLOSE_PCT of the target; not reached otherwise; not measured without a
result.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..data import Prepared
from ..i18n import MISSING, fmt_number, fmt_pct, t
from ..metrics import METRICS
from .common import TableView, fmt, row_source

STATUS_SYMBOLS = {"reached": "✓", "close": "≈", "not_reached": "✗", "not_measured": "○"}


@dataclass(frozen=True)
class TargetRow:
    kind: str  # goal | quality
    goal: str
    indicator: str
    target: str
    result: str
    direction: str
    status: str
    status_text: str  # symbol and word: "✓ nådd"
    trend: str
    source: str


def _number(value: object, lang: str) -> str:
    """A goal's own number: whole when whole, else with its decimals (up to two)."""
    if value is None:
        return MISSING
    number = float(value)
    if number.is_integer():
        return fmt_number(number, lang)
    return fmt_number(number, lang, 1 if round(number, 1) == number else 2)


def _value(record: dict, key: str, lang: str) -> str:
    value = record.get(key)
    metric = METRICS.get(record.get("metric") or "")
    if metric is not None and value is not None:
        return fmt(metric, value, lang, signed=False)
    if record.get("kind") == "quality" and value is not None and 0 < value <= 1:
        return fmt_pct(value, lang, 0)
    return _number(value, lang)


def _trend(record: dict, year: int, lang: str) -> str:
    now, before = record.get("actual"), record.get("previous")
    if now is None or before is None:
        return MISSING
    previous = _value({**record, "actual": before}, "actual", lang)
    if now == before:
        return t("trend_same", lang, year=year - 1, value=previous)
    better = (now > before) == (record.get("direction") != "lower")
    key = "trend_better" if better else "trend_worse"
    return t(key, lang, year=year - 1, value=previous)


def status_text(status: str, lang: str) -> str:
    return f"{STATUS_SYMBOLS[status]} {t(f'status_{status}', lang)}"


def target_rows(p: Prepared, zone_id: str, year: int, lang: str) -> tuple[list[TargetRow], int]:
    """The listed goals and quality indicators (up to the list limit) and how many in all."""
    found, total = [], 0
    for kind, lists in (("goal", p.dataset.goals), ("quality", p.dataset.quality)):
        part = lists.get((zone_id, year))
        if part is None:
            continue
        total += part.total
        for record in part.rows:
            record = {**record, "kind": kind}
            found.append(
                TargetRow(
                    kind,
                    record.get("goal") or MISSING,
                    record.get("indicator") or MISSING,
                    _value(record, "target", lang),
                    _value(record, "actual", lang),
                    t(f"direction_{record.get('direction') or 'higher'}", lang),
                    record["status"],
                    status_text(record["status"], lang),
                    _trend(record, year, lang),
                    row_source(record, lang),
                )
            )
    return found, total


def status_rule(p: Prepared, lang: str) -> str:
    return t("status_rule", lang, close=fmt_number(p.settings.target_close_pct, lang))


def targets_table(p: Prepared, zone_id: str, year: int, lang: str) -> TableView:
    rows, total = target_rows(p, zone_id, year, lang)
    columns = [
        t(k, lang)
        for k in (
            "col_indicator",
            "col_goal",
            "col_target",
            "col_result",
            "col_direction",
            "col_status",
            "col_trend",
            "col_source",
        )
    ]
    table = TableView(
        t("targets_caption", lang, year=year),
        columns,
        [
            [r.indicator, r.goal, r.target, r.result, r.direction, r.status_text, r.trend, r.source]
            for r in rows
        ],
    )
    if total > len(rows):
        table.note = t("list_capped", lang, shown=len(rows), total=fmt_number(total, lang))
    return table
