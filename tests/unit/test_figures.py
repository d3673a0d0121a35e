"""Figure builders are pure: a frame in, a figure out, checked without a browser."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder

from dashboard import figures
from dashboard.metrics import METRICS

SHARE = METRICS["council_followup_rate"]

NBSP = "\u00a0"


def _history(values, medians=None, texts=None):
    years = list(range(2018, 2018 + len(values)))
    medians = medians or [0.5] * len(values)
    return pd.DataFrame(
        {
            "year": years,
            "value": values,
            "median": medians,
            "value_text": texts or [str(v) for v in values],
            "median_text": [str(m) for m in medians],
            "suppressed": [False] * len(values),
        }
    )


def test_fig001_history_shows_zone_bars_and_dashed_median():
    fig = figures.history_figure(_history([0.9, 0.8]), SHARE, "nb", "Heimdal")
    bars, median = fig.data
    assert isinstance(bars, go.Bar) and bars.name == "Heimdal"
    assert list(bars.y) == [90.0, 80.0]  # shares drawn in percent
    assert median.line.dash == "dash" and median.marker.symbol == "diamond"
    assert fig.layout.separators == f",{NBSP}"
    assert fig.layout.yaxis.ticksuffix == f"{NBSP}%"


def test_fig002_english_axes_use_english_marks():
    fig = figures.history_figure(_history([0.9, 0.8]), SHARE, "en", "Heimdal")
    assert fig.layout.separators == ".,"
    assert fig.layout.yaxis.ticksuffix == "%"


def test_fig003_amount_axis_in_kroner():
    assert figures.axis_format(METRICS["budget"], "nb") == {
        "tickprefix": "",
        "ticksuffix": f"{NBSP}kr",
        "tickformat": ",.0f",
    }
    assert figures.axis_format(METRICS["budget"], "en")["tickprefix"] == f"NOK{NBSP}"


def test_fig004_budget_band_and_deficits_not_by_colour_alone():
    frame = _history([-0.04, 0.02], texts=["−4,0 %", "2,0 %"])
    frame["result_text"] = ["−1 kr (merforbruk)", "+1 kr (mindreforbruk)"]
    frame["carry_text"] = ["inntrekk 1 kr", "påplussing 1 kr"]
    fig = figures.budget_figure(frame, "nb", "Saupstad")
    band, bars, _median = fig.data
    assert band.fill == "toself" and max(band.y) == 3.0 and min(band.y) == -3.0
    assert list(bars.marker.pattern.shape) == ["/", ""]  # the deficit is hatched
    assert list(bars.text) == ["−4,0 %", "2,0 %"]
    assert "inntrekk" in bars.customdata[0]


def test_fig005_survey_never_draws_a_withheld_score():
    frame = pd.DataFrame(
        {
            "theme": ["Informasjon", "Samhandling"],
            "value": [None, 4.5],
            "previous": [4.2, 4.4],
            "median": [4.6, 4.7],
            "value_text": [":", "4,5"],
            "previous_text": ["4,2", "4,4"],
            "median_text": ["4,6", "4,7"],
            "suppressed": [True, False],
        }
    )
    fig = figures.survey_figure(frame, "nb", "Spongdal", 2021, 5)
    this_year = next(d for d in fig.data if d.name == "Spongdal 2021")
    assert this_year.x[0] is None and this_year.x[1] == 4.5
    hover = json.dumps(this_year.customdata, ensure_ascii=False)
    assert "Informasjon" not in hover or ":" in hover
    notes = [a.text for a in fig.layout.annotations]
    assert notes == [": færre enn 5 svar"]


def test_fig006_compare_small_multiples_one_axis_per_indicator():
    frame = pd.DataFrame(
        [
            ("Heimdal", False, "a", 2020, 0.5, "50 %"),
            ("Heimdal", False, "b", 2020, 3, "3"),
            ("Median", True, "a", 2020, 0.4, "40 %"),
            ("Median", True, "b", 2020, 2, "2"),
        ],
        columns=["series", "is_median", "metric", "year", "value", "text"],
    )
    panels = [("a", "A", SHARE), ("b", "B", METRICS["council_meetings"])]
    fig = figures.compare_figure(frame, panels, "nb")
    assert len(fig.data) == 4
    assert {d.xaxis for d in fig.data} == {"x", "x2"}
    median = [d for d in fig.data if d.name == "Median"]
    assert all(d.line.dash == "dash" for d in median)
    assert [a.text for a in fig.layout.annotations] == ["<b>A</b>", "<b>B</b>"]


def test_fig008_figures_are_small():
    fig = figures.history_figure(_history([0.9, 0.8, 0.7]), SHARE, "nb", "Heimdal")
    size = len(json.dumps(fig.to_plotly_json(), cls=PlotlyJSONEncoder))
    assert size < 4000  # no template payload in every figure


def test_fig009_every_spec_the_pages_send_is_a_valid_plotly_figure(ui_prepared):
    """Callbacks send plain specs (no validation per request); here plotly checks them all."""
    from dashboard.views.compare import compare
    from dashboard.views.zone import panel_figure, zone_panels

    for lang in ("nb", "en"):
        for zone_id in ui_prepared.zone_ids:
            for year in ui_prepared.years:
                for view in zone_panels(ui_prepared, zone_id, year, lang):
                    go.Figure(panel_figure(view, lang, zone_id, year, 5))
        model = compare(ui_prepared, "heimdal", ["spongdal", "tiller"], 2021, lang)
        go.Figure(figures.compare_spec(model.frame, model.panels, lang))


def test_fig010_whole_number_metrics_get_whole_number_ticks():
    frame = _history([4, 5, 6], medians=[5, 5, 5.5])
    fig = figures.history_figure(frame, METRICS["council_meetings"], "nb", "Heimdal")
    assert fig.layout.yaxis.tickformat == ",d" and fig.layout.yaxis.dtick == 1
    assert fig.layout.yaxis.tick0 == 0
    assert figures.integer_step([0, 2]) == 1
    assert figures.integer_step([120]) == 20  # a handful of ticks, each a whole number


def test_fig011_compare_charts_use_the_full_scale():
    frame = pd.DataFrame(
        [
            ("Heimdal", False, "survey_informasjon", 2020, 4.3, "4,3"),
            ("Heimdal", False, "survey_informasjon", 2021, 4.7, "4,7"),
            ("Heimdal", False, "result_pct", 2021, -0.04, "−4,0 %"),
            ("Heimdal", False, "projects_radical", 2021, 2, "2"),
        ],
        columns=["series", "is_median", "metric", "year", "value", "text"],
    )
    keys = ["survey_informasjon", "result_pct", "projects_radical"]
    fig = figures.compare_figure(frame, [(k, k, METRICS[k]) for k in keys], "nb")
    low, high = fig.layout.yaxis.range
    assert low < 1 and 6 < high < 6.5  # 4,3–4,7 does not fill the height
    assert fig.layout.yaxis2.range[0] == -fig.layout.yaxis2.range[1]  # centred on zero
    assert fig.layout.yaxis3.rangemode == "tozero" and fig.layout.yaxis3.dtick == 1
