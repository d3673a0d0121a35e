"""The fast paths of issue 10 give exactly what the plain paths gave.

Speed itself is measured by the scripts in bench/ (ratios printed, never asserted); these
tests pin down that a faster way of reading or building something changed nothing a page or
an export shows.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import select

from dashboard import data
from dashboard.settings import SAMPLE_DIR
from dashboard.store.db import FACT_TABLES


def _read_with_sqlalchemy(store, name: str) -> pd.DataFrame:
    table = FACT_TABLES[name]
    with store.engine.connect() as conn:
        result = conn.execute(select(table).where(table.c.superseded_by.is_(None)))
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def test_spd001_store_reads_every_table_as_sqlalchemy_types_it(store):
    """The driver-cursor read gives the frame SQLAlchemy's typed rows gave: dates as
    `date`, booleans as `bool`, the same dtypes; and empty tables keep their columns."""
    empty = {name: _read_with_sqlalchemy(store, name) for name in FACT_TABLES}
    for name, expected in empty.items():
        got = store.current(name)
        assert list(got.columns) == list(expected.columns)
        assert got.empty and (got.dtypes == expected.dtypes).all(), name
    for path in sorted(SAMPLE_DIR.glob("*.xlsx")):
        assert store.import_path(path).outcome == "imported"
    checked = set()
    for name in FACT_TABLES:
        expected, got = _read_with_sqlalchemy(store, name), store.current(name)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        for column in got.columns:
            kinds = {type(v) for v in got[column] if v is not None}
            if kinds & {date, bool}:
                checked |= kinds & {date, bool}
    meetings = store.current("council_meetings")
    assert isinstance(meetings["date"].iloc[0], date)
    assert meetings["chaired"].dtype == bool
    assert checked == {date, bool}


def _records_one_by_one(frame: pd.DataFrame) -> list[dict]:
    return [{k: data.plain(v) for k, v in r.items()} for r in frame.to_dict("records")]


def test_spd002_rows_as_dicts_column_by_column_match_cell_by_cell():
    frame = pd.DataFrame(
        {
            "name": ["a", None, "c", "d"],
            "count": [1, 2, 3, 4],
            "share": [0.5, math.nan, math.inf, -1.0],
            "year": pd.array([2020, None, 2021, 2022], dtype="Int64"),
            "flag": [True, False, True, False],
            "day": [date(2021, 1, 1), None, date(2021, 3, 1), None],
            "mixed": [np.int64(3), np.float64(2.5), pd.NA, "x"],
            "text": pd.array(["x", None, "z", "w"], dtype="str"),
        }
    )
    got = data._records(frame)
    assert got == _records_one_by_one(frame)
    assert [type(v) for v in got[0].values()] == [str, int, float, int, bool, date, int, str]
    assert got[1]["year"] is None and got[2]["share"] is None and got[1]["text"] is None
    assert data._records(frame.iloc[:0]) == []


def _through_plotly(value):
    """What `plain` gave before it walked the tree: a round trip through plotly's encoder."""
    import json

    from plotly.io.json import to_json_plotly

    return json.loads(to_json_plotly(value))


def _same_for_the_browser(value):
    """A tree with `children: null` left out: Dash writes it for some components built
    without children and not for others, and the renderer reads both as no children."""
    if isinstance(value, dict):
        return {
            k: _same_for_the_browser(v)
            for k, v in value.items()
            if not (k == "children" and v is None)
        }
    if isinstance(value, list):
        return [_same_for_the_browser(v) for v in value]
    return value


def test_spd003_callback_answers_built_as_json_match_the_components(ui_app):
    """Every page callback builds its answer directly as JSON (`components.JSON`); that is
    exactly what Dash would send for the same pieces built as components, and the walk that
    replaced plotly's encoder gives what the encoder gave (NaN and infinities as null)."""
    from dashboard.components import DASH, JSON, data_table, facts_list, plain
    from dashboard.data import current
    from dashboard.i18n import t
    from dashboard.pages import compare, overview, zone
    from dashboard.views.compare import compare as compare_view
    from dashboard.views.zone import zone_panels

    p = current()
    reason = t("suppressed_reason", "nb", n=p.dataset.threshold)
    for zone_id in p.zone_ids:
        for year in p.years:
            for lang in ("nb", "en"):
                for view in zone_panels(p, zone_id, year, lang):
                    pairs = [
                        (data_table(view.table, reason), data_table(view.table, reason, b=JSON)),
                        (facts_list(view.facts, reason), facts_list(view.facts, reason, JSON)),
                        (zone.note_items(view, lang), zone.note_items(view, lang, JSON)),
                    ]
                    if view.key in zone.LISTINGS:
                        pairs.append(
                            (
                                zone.listing(view, zone_id, year, lang),
                                zone.listing(view, zone_id, year, lang, JSON),
                            )
                        )
                    for built, as_json in pairs:
                        assert plain(built) == _through_plotly(built)
                        assert _same_for_the_browser(plain(built)) == plain(as_json)
                payload = zone._payload(p, zone_id, year, lang)
                assert payload == _through_plotly(payload)
    for year in p.years:
        for sort in ("sone", "flagg", "oppfolging"):
            for descending in (False, True):
                args = (p, year, "nb", sort, descending)
                built = list(overview.render(*args)[1:])
                assert plain(built) == _through_plotly(built)
                assert _same_for_the_browser(plain(built)) == list(overview._rendered(*args)[1:])
        model = compare_view(p, "heimdal", ["nardo", "tiller"], year, "en")
        built = list(compare.render(model, "en", p.dataset.threshold))
        as_json = list(compare.render(model, "en", p.dataset.threshold, JSON))
        assert plain(built) == _through_plotly(built)
        assert _same_for_the_browser(plain(built)) == plain(as_json)
    nan = {"x": [1.0, float("nan"), float("inf")], "y": (np.float64(2.5), np.int64(3))}
    assert plain(nan) == _through_plotly(nan) == {"x": [1.0, None, None], "y": [2.5, 3]}
    assert plain(DASH.Td("a", title="b")) == plain(JSON.Td("a", title="b"))


def test_spd004_answers_are_encoded_by_orjson_and_say_what_the_json_engine_says(ui_app):
    """orjson (a dependency for this) makes plotly's encoder, which Dash sends every callback
    answer and layout through, several times faster; what the browser gets must not change:
    the same JSON as plotly's own json engine, NaN and infinities as null, components too."""
    import json

    import plotly.io as pio
    from _plotly_utils.optional_imports import get_module
    from plotly.io.json import to_json_plotly

    from dashboard.data import current
    from dashboard.pages import compare, overview, zone
    from dashboard.views.compare import compare as compare_view

    # plotly's "auto" engine is orjson when it can be imported: so it is for every answer.
    assert get_module("orjson") is not None and pio.json.config.default_engine == "auto"
    p = current()
    answers = []
    for year in p.years:
        answers.append(zone._payload(p, "saupstad", year, "nb"))
        answers.append(list(overview._rendered(p, year, "en", "flagg", True)[1:]))
        answers.append(list(overview.render(p, year, "nb", "sone", False)[1:]))  # components
        model = compare_view(p, "heimdal", ["nardo", "tiller"], year, "nb")
        answers.append(list(compare.render(model, "nb", p.dataset.threshold)))
    answers.append(overview.layout(ar=str(p.years[-1])))
    answers.append({"x": [1.0, float("nan"), float("inf")], "y": (np.float64(2.5), np.int64(3))})
    for answer in answers:
        fast = to_json_plotly(answer, engine="orjson")
        assert json.loads(fast) == json.loads(to_json_plotly(answer, engine="json"))
