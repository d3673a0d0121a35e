"""The overview at many zones: a paged table, flagged zones first, bounded flag lists.

The fixture store has five zones; a page size of two makes three pages of them. The sample
(13 zones) and any store that fits one page show the table as before: one page, no pager,
ordered by zone.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from dash import html

from dashboard import urls
from dashboard.app import create_app
from dashboard.data import current
from dashboard.pages import overview as page
from dashboard.views.overview import overview
from tests.unit.test_guard import callback_outputs
from tests.unit.test_pages import by_type, find, plain_nodes, plain_text, texts


def test_ovp001_the_table_shows_one_page_of_zones_and_says_which(ui_prepared):
    model = overview(ui_prepared, 2021, "nb", "sone", False, page=2, page_size=2)
    assert [r.zone_id for r in model.rows] == ["saupstad", "spongdal"]
    assert (model.page, model.pages, model.total, model.first) == (2, 3, 5, 3)
    last = overview(ui_prepared, 2021, "nb", "sone", False, page=99, page_size=2)
    assert [r.zone_id for r in last.rows] == ["tiller"] and last.page == 3
    whole = overview(ui_prepared, 2021, "nb", "sone", False)
    assert whole.pages == 1 and len(whole.rows) == 5 and whole.total == 5
    # Every zone's flags still count for the summary, not only the page's.
    assert whole.summary.groups == model.summary.groups


@pytest.fixture
def paged_app(ui_settings):
    app = create_app(ui_settings.with_overrides(overview_page_size=2))
    with app.server.test_request_context("/"):
        yield app


def test_ovp002_a_paged_overview_starts_with_the_flagged_zones(paged_app):
    layout = page.layout(ar="2021")
    rows = find(layout, className="sticky-col")
    names = [texts(r) for r in rows if r.scope == "row"][:-1]  # the median row last
    # Saupstad (negative spiral, overspend) and Tiller carry the most severe flags.
    assert names[0] == "Saupstad" and len(names) == 2
    pager = find(layout, className="pager")[0]
    assert "Side 1 av 3" in texts(pager)
    assert [b.children for b in by_type(pager, "Button")] == ["1", "2", "3"]
    store = find(layout, id=page.SORT)[0]
    assert store.data == {"sorter": "flagg", "retning": "synkende"}
    # Asked for by name, the zone order stays, on the page asked for.
    by_zone = page.layout(ar="2021", sorter="sone", side="3")
    names = [texts(r) for r in find(by_zone, className="sticky-col") if r.scope == "row"]
    assert names[:-1] == ["Tiller"]
    store = find(by_zone, id=page.SORT)[0]
    assert store.data == {"sorter": "sone", "retning": "stigende", "side": 3}


def test_ovp003_page_buttons_move_and_a_sort_or_year_starts_again(paged_app):
    p = current()
    state = {"sorter": "sone", "retning": "stigende"}
    _flags, table, _notes, new_state, view = page.update_view(p, 2021, state, None, "nb", page=2)
    body = next(props for kind, props in plain_nodes(table) if kind == "Tbody")
    assert plain_text(body["children"][0]).startswith("Saupstad")
    assert new_state == {**state, "side": 2}
    # Paged, the table starts by flags, so the address names the zone order it keeps.
    assert view["href"] == "/?ar=2021&sorter=sone&retning=stigende&side=2"
    assert "Side 2 av 3" in plain_text(table)
    _f, _t, _n, new_state, view = page.update_view(p, 2021, new_state, "oppfolging", "nb")
    assert new_state == {"sorter": "oppfolging", "retning": "synkende"}
    assert "side=" not in view["href"]


def test_ovp004_one_page_looks_as_before(ui_app):
    p = current()
    _flags, table, _notes, state, view = page.update_view(p, 2021, None, None, "nb")
    assert state == {"sorter": "sone", "retning": "stigende"} and view["href"] == "/?ar=2021"
    assert not any(props.get("className") == "pager" for _k, props in plain_nodes(table))
    layout = page.layout(ar="2021")
    assert not find(layout, className="pager")


def test_ovp005_the_page_number_is_part_of_the_url_grammar():
    known = urls.Known(("a",), (2021,), 2021)
    assert urls.parse("oversikt", {"side": "4"}, known).get("side") == 4
    for stale in ("0", "-1", "x", "1e9"):
        assert urls.parse("oversikt", {"side": stale}, known).get("side") == 1
    assert urls.href("oversikt", "nb", ar=2021, side=3) == "/?ar=2021&side=3"
    urls.SORT_STATE.check({"sorter": "sone", "retning": "stigende", "side": 2}, known)
    for bad in (0, -1, "2", 2.5, True):
        with pytest.raises(urls.Invalid):
            urls.SORT_STATE.check({"sorter": "sone", "side": bad}, known)


def _overview_body(client, pages: list, state: dict) -> dict:
    output, outputs = callback_outputs(client, "ovw-table.children")
    buttons = [
        {"id": {"type": page.SORT_BUTTON, "col": "sone"}, "property": "n_clicks", "value": None}
    ]
    return {
        "output": output,
        "outputs": outputs,
        "inputs": [
            {"id": "ovw-year", "property": "data", "value": 2021},
            buttons,
            [
                {"id": {"type": page.PAGE_BUTTON, "page": n}, "property": "n_clicks", "value": 1}
                for n in pages
            ],
            {"id": page.COLUMNS, "property": "data", "value": None},
        ],
        "state": [
            {"id": page.SORT, "property": "data", "value": state},
            {"id": {"type": "view", "page": "oversikt"}, "property": "data", "value": {}},
        ],
        "changedPropIds": [json.dumps({"page": pages[-1], "type": page.PAGE_BUTTON}) + ".n_clicks"]
        if pages
        else ["ovw-year.data"],
    }


def test_ovp006_the_guard_refuses_page_numbers_no_pager_could_send(paged_app):
    client = paged_app.server.test_client()
    assert client.get("/").status_code == 200
    state = {"sorter": "sone", "retning": "stigende"}
    fine = client.post("/_dash-update-component", json=_overview_body(client, [1, 2, 3], state))
    assert fine.status_code == 200, fine.data[:300]
    answer = json.loads(fine.data)["response"]
    assert answer["ovw-sort-state"]["data"] == {**state, "side": 3}
    for pages, bad_state in (
        ([0], state),
        (["2"], state),
        ([1, 1], state),
        ([1], {**state, "side": -4}),
        (list(range(1, 200)), state),
    ):
        refused = client.post(
            "/_dash-update-component", json=_overview_body(client, pages, bad_state)
        )
        assert refused.status_code in (400, 413), (pages, bad_state)


def test_ovp007_a_flag_carried_by_many_zones_names_a_few_and_counts_the_rest(
    paged_app, monkeypatch
):
    p = current()
    model = overview(p, 2019, "nb", "sone", False)
    group = max(model.summary.zone_groups, key=lambda g: len(g.zones))
    assert len(group.zones) == 2  # in 2019 two zones of the fixture share a flag
    monkeypatch.setattr(page, "FLAG_ZONES_NAMED", 1)
    flags = html.Div(page.flag_section(p, model, "nb"))
    named = [n.children for n in by_type(flags, "Link")]
    assert p.name(group.zones[0][0]) in named and p.name(group.zones[1][0]) not in named
    assert f"og {len(group.zones) - 1} soner til" in texts(flags)
    english = texts(html.Div(page.flag_section(p, overview(p, 2019, "en"), "en")))
    assert f"and {len(group.zones) - 1} more zones" in english


def test_ovp008_the_pager_is_a_labelled_nav_that_marks_the_current_page(paged_app):
    for lang, label, button in (("nb", "Sider i tabellen", "Side"), ("en", "Pages of", "Page")):
        layout = page.layout(ar="2021", side="2", lang=lang)
        nav = find(layout, className="pager")
        assert len(nav) == 1 and type(nav[0]).__name__ == "Nav"
        assert getattr(nav[0], "aria-label").startswith(label)
        buttons = by_type(nav[0], "Button")
        assert [getattr(b, "aria-current", None) for b in buttons] == [None, "page", None]
        assert [getattr(b, "aria-label") for b in buttons] == [
            f"{button} {n} {'av' if lang == 'nb' else 'of'} 3" for n in (1, 2, 3)
        ]
        status = find(nav[0], className="pager-status")[0]
        assert status.role == "status" and f"{button} 2" in texts(status)


def test_ovp009_the_address_of_a_page_gives_back_the_same_table(paged_app):
    from urllib.parse import parse_qsl, urlsplit

    p = current()
    for state, page_number in (
        ({"sorter": "sone", "retning": "stigende"}, 2),
        ({"sorter": "flagg", "retning": "synkende"}, 3),
        ({"sorter": "oppfolging", "retning": "synkende"}, 1),
    ):
        _f, table, _n, new_state, view = page.update_view(p, 2021, state, None, "en", page_number)
        query = dict(parse_qsl(urlsplit(view["href"]).query))
        layout = page.layout(**query)
        assert find(layout, id=page.SORT)[0].data == new_state, view["href"]
        rows = [texts(r) for r in find(layout, className="sticky-col") if r.scope == "row"]
        sent = [
            plain_text(props.get("children"))
            for _kind, props in plain_nodes(table)
            if props.get("className") == "sticky-col" and props.get("scope") == "row"
        ]
        assert rows[:-1] == sent[:-1] and len(rows) > 1, view["href"]  # the median row last


def test_ovp010_the_export_of_a_paged_overview_has_every_zone_in_the_page_s_order(paged_app):
    client = paged_app.server.test_client()
    shown = page.layout(ar="2021")
    href = find(shown, id={"type": "shell-link", "name": "export-csv"})[0].href
    rows = csv.reader(io.StringIO(client.get(href).data.decode("utf-8-sig")), delimiter=";")
    zones = [r[0] for r in list(rows)[1:]]
    assert sorted(zones) == ["heimdal", "nardo", "saupstad", "spongdal", "tiller"]
    # The same order as the table, which starts with the flagged zones when it has pages.
    flags_first = overview(current(), 2021, "nb", "flagg", True, page_size=5)
    assert zones == [r.zone_id for r in flags_first.rows]


def test_ovp011_the_spiral_history_names_the_latest_runs_and_counts_the_rest(ui_prepared):
    from dashboard.views import flags

    p = ui_prepared.__class__.build(
        ui_prepared.dataset, ui_prepared.settings.with_overrides(flag_spiral_years=1)
    )
    runs = flags.spiral_runs(p)
    assert len(runs) == 2  # any year of inntrekk is a run of one year
    latest = [max(runs, key=lambda r: (r[2], r[1]))]
    text = flags.spiral_history(p, "nb", named=1)
    named = [r for r in runs if f"{p.name(r[0])} ({r[1]}–{r[2]})" in text]
    assert sorted(named) == sorted(latest)
    assert "og 1 til" in text
    assert "and 1 more" in flags.spiral_history(p, "en", named=1)
    # Few enough, every run is named as before, and nothing is counted.
    whole = flags.spiral_history(p, "nb", named=len(runs))
    assert " til" not in whole and all(f"({a}–{b})" in whole for _z, a, b in runs)


def test_ovp012_hiding_columns_keeps_the_page_and_the_page_keeps_hidden_columns(paged_app):
    p = current()
    state = {"sorter": "sone", "retning": "stigende", "side": 2}
    shown = ["undersokelse", "brukerrad", "prosjekter", "avtale", "risiko"]  # no "okonomi"
    _flags, table, _notes, kept, view = page.update_view(
        p, 2021, state, None, "nb", page=None, shown=shown
    )
    said = json.dumps(table, ensure_ascii=False)
    assert kept["side"] == 2 and "Side 2 av 3" in said
    assert "Økonomi" not in said and "Brukerråd" in said
    assert "side=2" in view["href"] and "skjul=okonomi" in view["href"]
    # A page button keeps the hidden groups hidden.
    _flags, table, _notes, kept, view = page.update_view(
        p, 2021, kept, None, "nb", page=3, shown=shown
    )
    assert kept["side"] == 3 and "Økonomi" not in json.dumps(table, ensure_ascii=False)
