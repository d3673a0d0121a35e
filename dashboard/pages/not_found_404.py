"""The page for an address no page has (`/sone/x/y`, `/finnes-ikke`): the app's frame in the
chosen language, with the way on: the overview and every zone.

Dash's router shows the layout of a registered page whose module is named `not_found_404`
for any path it cannot match. The status the browser gets is set by the server
(web/status.py): 404 for such an address, while the app itself is served as usual.
"""

from __future__ import annotations

import dash
from dash import dcc, html

from .. import urls
from ..components import page_shell, zone_links
from ..data import current
from ..i18n import lang_of, t
from ..urls import make_view

PAGE = "ikke-funnet"


def register(app) -> None:
    dash.register_page(
        __name__,
        path=urls.PAGE_GRAMMAR[PAGE].path,
        name="Fant ikke siden",
        layout=layout,
        title="Fant ikke siden – Samskaping i hjemmetjenesten",
    )


def ways_on(p, lang: str, year: int | None = None) -> list:
    """The overview and every zone: where a reader who got lost can go."""
    return [
        html.P(dcc.Link(t("nf_overview", lang), href=urls.href("oversikt", lang, ar=year))),
        html.H2(t("zones_list", lang), id="zones-heading"),
        zone_links([(z, p.name(z)) for z in p.zone_ids], lang, year),
    ]


def address_kept(view: dict) -> dict:
    """A view that leaves the address bar as the reader typed it (see components' sync)."""
    return {**view, "href": ""}


def layout(lang=None, **_query):
    p = current()
    lang = lang_of(lang)
    title = f"{t('nf_title', lang)} – {t('app_title', lang)}"
    content = [
        html.H1(t("nf_title", lang)),
        html.P(t("nf_text", lang), className="lead"),
        *ways_on(p, lang),
    ]
    return page_shell(
        content, lang, PAGE, p.dataset, address_kept(make_view(PAGE, lang, title=title))
    )
