"""Velg sone (`/sone`): every zone, for a reader who asked for "the zone page" without
saying which. Keeps the year (`/sone?ar=2020`) for the zone page it leads to."""

from __future__ import annotations

import dash
from dash import html

from .. import urls
from ..components import no_data, page_shell, zone_links
from ..data import current
from ..i18n import t
from ..urls import make_view

PAGE = "sonevalg"


def register(app) -> None:
    dash.register_page(
        __name__,
        path=urls.PAGE_GRAMMAR[PAGE].path,
        name="Velg sone",
        layout=layout,
        title="Velg sone – Samskaping i hjemmetjenesten",
    )


def layout(**query):
    p = current()
    state = urls.parse(PAGE, query, p.known)
    lang, year = state.lang, state.get("ar")
    title = f"{t('choose_zone', lang)} – {t('app_title', lang)}"
    content = [
        html.H1(t("choose_zone", lang)),
        html.P(t("zones_intro", lang), className="lead"),
        zone_links([(z, p.name(z)) for z in p.zone_ids], lang, year),
    ]
    if not p.years:
        content.append(no_data(lang))
    view = make_view(PAGE, lang, title=title, ar=year)
    return page_shell(content, lang, PAGE, p.dataset, view)
