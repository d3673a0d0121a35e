"""Logg (`/logg`): the audit trail, for administrators only.

The request is refused on the server before this page is built (web/auth.py's gate: a
redirect to the login form, or 403 for someone logged in without the right), and the
layout asks again, since Dash's router can ask for any path's layout. The filters are a
plain GET form (who, what, from, to), so a filtered view is a link; the table shows one
page of PAGE_SIZE entries, newest first, and pages on with links. The export
(`/logg/eksport`, xlsx or csv, the same filters) holds at most EXPORT_MAX entries, text
neutralised for spreadsheets, and is itself written to the audit trail.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import dash
import pandas as pd
from dash import dcc, html
from flask import Response, request

from .. import urls
from ..components import page_shell
from ..data import get_dataset, get_store
from ..i18n import fmt_number, t
from ..rights import AUDIT
from ..store import audit
from ..store.audit import AuditFilter, AuditLog
from ..urls import make_view
from ..web.identity import allowed, no_access_response, record

PAGE = "logg"
PATH = "/logg"
EXPORT_PATH = "/logg/eksport"
PAGE_SIZE = 50
EXPORT_MAX = 100_000
WHO_MAX = 100


def register(app) -> None:
    dash.register_page(
        __name__,
        path=PATH,
        name="Hendelseslogg",
        order=10,
        layout=layout,
        title="Hendelseslogg – Samskaping i hjemmetjenesten",
    )
    app.server.add_url_rule(EXPORT_PATH, "audit_export", export_view)


# ---------------------------------------------------------------- pure parts

try:
    OSLO = ZoneInfo("Europe/Oslo")
except Exception:  # no time-zone database on the machine: UTC is still right
    OSLO = UTC


def parse_day(value: object) -> date | None:
    """A date typed or picked: 2025-03-01 (what a date field sends) or 1.3.2025."""
    text = str(value or "").strip()[:20]
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.replace("/", ".").split(".")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            return None
    return None


def oslo_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=OSLO).astimezone(UTC)


class LogQuery:
    """The filters and page of a /logg address, read by the URL grammar (urls.py "logg"):
    unknown kinds and pages out of range fall back to their defaults, text longer than the
    grammar allows is dropped; dates that cannot be read are said back and not used."""

    def __init__(self, args):
        state = urls.parse(PAGE, args, urls.Known())
        self.lang = state.lang
        self.who = (state.get("hvem") or "").strip()
        self.what = state.get("hva") or ""
        self.bad_dates: list[str] = []
        self.since = self._day(state.get("fra") or "")
        self.until = self._day(state.get("til") or "")
        self.page = state.get("side", 1)

    def _day(self, text: str) -> date | None:
        day = parse_day(text)
        if text.strip() and day is None:
            self.bad_dates.append(text.strip()[:20])
        return day

    def filter(self) -> AuditFilter:
        return AuditFilter(
            who=self.who,
            actions=audit.GROUPS.get(self.what, ()),
            since=oslo_midnight(self.since) if self.since else None,
            until=oslo_midnight(self.until + timedelta(days=1)) if self.until else None,
        )

    def query(self, page: int | None = None, **extra) -> dict:
        values = {
            "hvem": self.who,
            "hva": self.what,
            "fra": self.since.isoformat() if self.since else "",
            "til": self.until.isoformat() if self.until else "",
            "side": page if page and page > 1 else "",
            **extra,
        }
        return {k: v for k, v in values.items() if v not in ("", None)}


def action_label(action: str, lang: str) -> str:
    return t(f"log_action_{action}", lang) if action in audit.ACTIONS else action


def detail_text(detail: dict) -> str:
    """The details as one line of text: `key: value; …` (values as JSON where not text)."""
    parts = []
    for key, value in detail.items():
        if value in (None, "", [], {}):
            continue
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}: {shown}")
    return "; ".join(parts)


def local_time(value: datetime) -> datetime:
    return value.astimezone(OSLO)


def entry_cells(entry, lang: str) -> list[str]:
    when = local_time(entry.at)
    return [
        when.strftime("%d.%m.%Y %H:%M:%S") if lang == "nb" else when.strftime("%Y-%m-%d %H:%M:%S"),
        entry.actor_name or "–",
        entry.actor,
        action_label(entry.action, lang),
        entry.zone or "",
        entry.target or "",
        detail_text(entry.detail),
        entry.address or "",
    ]


COLUMNS = (
    "log_col_when",
    "log_col_who",
    "log_col_user",
    "log_col_what",
    "log_col_zone",
    "log_col_target",
    "log_col_detail",
    "log_col_address",
)


def audit_frame(entries, lang: str) -> pd.DataFrame:
    """The entries as a table with the page's own headings (for the export)."""
    headers = [t(c, lang) for c in COLUMNS]
    return pd.DataFrame([entry_cells(e, lang) for e in entries], columns=headers)


# ---------------------------------------------------------------- layout


def _filters(q: LogQuery, lang: str) -> list:
    """The kind of event as links (each keeps the other filters), then a GET form for who
    and the period: a filtered view is an address like any other."""
    kinds = [("", t("log_everything", lang))]
    kinds += [(key, t(f"log_group_{key}", lang)) for key in audit.GROUPS]
    links = []
    for key, label in kinds:
        current = key == q.what
        extra = {"aria-current": "true"} if current else {}
        query = {**q.query(), "hva": key}
        links.append(
            html.Li(
                html.A(
                    label,
                    href=_href(PATH, {k: v for k, v in query.items() if v}, lang),
                    className="chip" + (" chip-current" if current else ""),
                    **extra,
                )
            )
        )
    hidden = [dcc.Input(type="hidden", name="hva", value=q.what)] if q.what else []
    if lang == "en":
        hidden.append(dcc.Input(type="hidden", name="lang", value="en"))

    def field(label_key: str, control) -> html.Div:
        parts = [html.Label(t(label_key, lang), htmlFor=control.id), control]
        return html.Div(parts, className="log-field")

    def day_input(element_id: str, name: str, value: date | None):
        return dcc.Input(
            id=element_id,
            name=name,
            type="text",
            value=value.isoformat() if value else "",
            placeholder=t("log_date_format", lang),
            maxLength=20,
            autoComplete="off",
        )

    form = html.Form(
        html.Fieldset(
            [
                html.Legend(t("log_filters", lang)),
                field(
                    "log_who",
                    dcc.Input(
                        id="log-who",
                        name="hvem",
                        type="search",
                        value=q.who,
                        maxLength=WHO_MAX,
                        autoComplete="off",
                    ),
                ),
                field("log_from", day_input("log-from", "fra", q.since)),
                field("log_to", day_input("log-to", "til", q.until)),
                *hidden,
                html.Button(t("log_show", lang), type="submit", className="button"),
                html.A(
                    t("log_reset", lang),
                    href=PATH + ("?lang=en" if lang == "en" else ""),
                    className="log-reset",
                ),
            ],
            className="log-filters",
        ),
        method="get",
        action=PATH,
    )
    return [
        html.Nav(
            [html.H2(t("log_what", lang), id="log-what"), html.Ul(links, className="chips")],
            **{"aria-labelledby": "log-what"},
            className="log-kinds",
        ),
        form,
    ]


def _href(path: str, query: dict, lang: str) -> str:
    items = dict(query)
    if lang == "en":
        items["lang"] = "en"
    return path + (f"?{urlencode(items)}" if items else "")


def log_content(q: LogQuery, lang: str, log: AuditLog) -> list:
    flt = q.filter()
    total = log.count(flt)
    last_page = max(1, -(-total // PAGE_SIZE))
    page = min(q.page, last_page)
    entries = log.entries(flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    parts: list = _filters(q, lang)
    for bad in q.bad_dates:
        parts.append(html.P(t("log_bad_date", lang, value=bad), className="notice", role="alert"))
    if not entries:
        parts.append(html.P(t("log_none", lang), className="empty-state", role="status"))
    else:
        first = (page - 1) * PAGE_SIZE + 1
        parts.append(
            html.P(
                t(
                    "log_showing",
                    lang,
                    first=fmt_number(first, lang),
                    last=fmt_number(first + len(entries) - 1, lang),
                    total=fmt_number(total, lang),
                ),
                role="status",
            )
        )
        title = t("log_title", lang)
        table = html.Table(
            [
                html.Caption(title, className="visually-hidden"),
                html.Thead(html.Tr([html.Th(t(c, lang), scope="col") for c in COLUMNS])),
                html.Tbody([html.Tr([html.Td(v) for v in entry_cells(e, lang)]) for e in entries]),
            ],
            className="data-table text-table log-table",
        )
        parts.append(
            html.Div(
                table,
                className="table-scroll",
                tabIndex="0",
                role="region",
                **{"aria-label": title},
            )
        )
        links = []
        if page > 1:
            links.append(html.A(t("log_newer", lang), href=_href(PATH, q.query(page - 1), lang)))
        if page < last_page:
            links.append(html.A(t("log_older", lang), href=_href(PATH, q.query(page + 1), lang)))
        if links:
            parts.append(
                html.Nav(links, className="log-pages", **{"aria-label": t("log_pages", lang)})
            )
    parts.append(
        html.P(
            [
                t("log_download", lang),
                " ",
                html.A("Excel", href=_href(EXPORT_PATH, q.query(format="xlsx"), lang)),
                html.Span(" · ", **{"aria-hidden": "true"}),
                html.A("CSV", href=_href(EXPORT_PATH, q.query(format="csv"), lang)),
                " ",
                t("log_export_cap", lang, n=fmt_number(EXPORT_MAX, lang)),
            ],
            className="export-links",
        )
    )
    return parts


def layout(lang=None, **query):
    q = LogQuery({**query, "lang": lang})
    lang = q.lang
    dataset = get_dataset()
    title = f"{t('log_title', lang)} – {t('app_title', lang)}"
    view = make_view(PAGE, lang, title=title, **q.query(q.page))
    if not allowed(AUDIT):
        content = [html.H1(t("log_title", lang)), html.P(t("log_no_access", lang))]
        return page_shell(content, lang, PAGE, dataset, view)
    content = [
        html.H1(t("log_title", lang)),
        html.P(t("log_intro", lang), className="lead"),
        html.Section(log_content(q, lang, AuditLog(get_store().engine)), className="panel"),
    ]
    return page_shell(content, lang, PAGE, dataset, view)


# ---------------------------------------------------------------- export


def export_view():
    """GET /logg/eksport: the filtered log as xlsx or csv (administrators only)."""
    from ..export import to_csv, to_xlsx

    if not allowed(AUDIT):  # the gate refused already; this is the route's own word
        return no_access_response()
    q = LogQuery(request.args)
    lang = q.lang
    flt = q.filter()
    entries = list(AuditLog(get_store().engine).iter_entries(flt, cap=EXPORT_MAX))
    frame = audit_frame(entries, lang)
    record(audit.AUDIT_EXPORTED, detail={"filters": q.query(), "rows": len(entries)})
    stem = "hendelseslogg" if lang == "nb" else "audit-log"
    if request.args.get("format") == "csv":
        content, name, mime = to_csv(frame, lang), f"{stem}.csv", "text/csv"
    else:
        sheet = "Audit log" if lang == "en" else "Hendelseslogg"
        content = to_xlsx({sheet: frame})
        name = f"{stem}.xlsx"
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        content,
        mimetype=mime,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
