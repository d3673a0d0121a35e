"""The overview's per-version parts: every zone's flags per year and language, each year's
flag summary and the runs of negative spirals are worked out once, with the index, and a
view built from them is exactly the view worked out from the rows.
"""

from __future__ import annotations

import json

import pytest

from dashboard import data
from dashboard.data import Prepared, build_dataset
from dashboard.i18n import LANGS
from dashboard.pages import overview as page
from dashboard.store.repository import Store
from dashboard.urls import FLAG_SORT, ZONE_SORT
from dashboard.views import flags
from dashboard.views.overview import overview

SORTS = (ZONE_SORT, FLAG_SORT, "oppfolging")


@pytest.fixture(scope="module")
def sample_dataset(ui_sample_settings):
    store = Store(ui_sample_settings)
    store.ensure_ready(load_sample=True)
    return build_dataset(store)


def _without_parts(monkeypatch, dataset, settings) -> Prepared:
    """A Prepared whose flags and summaries are worked out from the rows on every call (the
    way they were before they became parts of the index)."""
    with monkeypatch.context() as patch:
        patch.setitem(data.INDEX_PARTS, "flags", lambda p: {})
        patch.setitem(data.INDEX_PARTS, "flag_summaries", lambda p: {})
        return Prepared.build(dataset, settings)


def _every_view(p: Prepared, pages: int):
    for lang in LANGS:
        for year in p.years:
            for sort in SORTS:
                for descending in (False, True):
                    for number in range(1, pages + 1):
                        p.forget_views()
                        model = overview(p, year, lang, sort, descending, number)
                        rendered = page._rendered(p, year, lang, sort, descending, number)
                        yield model, json.dumps(rendered[1:], sort_keys=True)


@pytest.mark.parametrize("size", [50, 2], ids=["one page", "paged"])
@pytest.mark.parametrize("store", ["fixture", "sample"])
def test_ovi001_views_from_the_index_parts_are_the_views_from_the_rows(
    store, size, monkeypatch, request
):
    if store == "sample":
        dataset, settings = (
            request.getfixturevalue("sample_dataset"),
            request.getfixturevalue("ui_sample_settings"),
        )
    else:
        dataset, settings = (
            request.getfixturevalue("ui_dataset"),
            request.getfixturevalue("ui_settings"),
        )
    settings = settings.with_overrides(overview_page_size=size)
    indexed = Prepared.build(dataset, settings)
    direct = _without_parts(monkeypatch, dataset, settings)
    assert direct.part("flags") == {} and indexed.part("flags")
    pages = -(-len(indexed.zone_ids) // size)
    compared = 0
    for (model, rendered), (model_before, rendered_before) in zip(
        _every_view(indexed, pages), _every_view(direct, pages), strict=True
    ):
        assert model == model_before
        assert rendered == rendered_before
        compared += 1
    assert compared == len(LANGS) * len(indexed.years) * len(SORTS) * 2 * pages
    for lang in LANGS:
        assert flags.spiral_history(indexed, lang) == flags.spiral_history(direct, lang)
        for year in indexed.years:
            assert flags.flag_summary(indexed, year, lang) == flags._flag_summary(
                direct, year, lang
            )
            for zone_id in indexed.zone_ids:
                assert flags.flags_for(indexed, zone_id, year, lang) == flags._flags_for(
                    direct, zone_id, year, lang
                )


def test_ovi002_flags_and_spirals_are_worked_out_once_per_version(
    ui_dataset, ui_settings, monkeypatch
):
    calls = {"flags": 0, "spirals": 0}
    flags_for, rows = flags._flags_for, Prepared.zone_years

    def counted_flags(*args, **kwargs):
        calls["flags"] += 1
        return flags_for(*args, **kwargs)

    def counted_years(self, zone_id):  # the spiral runs walk every zone's years
        calls["spirals"] += 1
        return rows(self, zone_id)

    monkeypatch.setattr(flags, "_flags_for", counted_flags)
    monkeypatch.setattr(Prepared, "zone_years", counted_years)
    p = Prepared.build(ui_dataset, ui_settings.with_overrides(overview_page_size=2))
    built = dict(calls)
    # Once per zone with a row, year and language; the runs once per zone.
    assert built["flags"] == len(LANGS) * sum(len(p.zones_in(y)) for y in p.years)
    assert built["spirals"] == len(p.zone_ids)
    # First views (the finished views forgotten) of every year, order and page.
    for lang in LANGS:
        for year in p.years:
            for sort in SORTS:
                for number in (1, 2, 3):
                    p.forget_views()
                    page._rendered(p, year, lang, sort, True, number)
    assert calls == built
    # A zone and year without a row has no flags, and asking costs no index part.
    assert flags.flags_for(p, "no-such-zone", p.years[-1], "nb") == []
