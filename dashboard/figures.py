"""Figure builders: plain frames in, `go.Figure` out. No Dash, no data access.

Conventions every builder follows:
- Numbers on axes use the page's decimal and thousands marks (`separators`), shares are
  drawn in percent with the locale's own `%` suffix, amounts with the locale's `kr`/`NOK`.
- Hover texts are the Babel-formatted strings the frame carries; a withheld survey score
  has no point, so no hover can reveal it, and is marked ":" in words instead.
- Meaning never rests on colour alone: the median is dashed with diamond markers, deficits
  carry a hatch pattern and a minus sign, radical projects a hatch pattern.
- The light template "none" keeps each figure small and fast to serialise.

Each builder comes in two forms: `*_spec` returns the plain JSON-ready dict that Dash sends
to the browser, `*_figure` the same as a validated `go.Figure`. The callbacks send specs,
because plotly's validation costs milliseconds per trace on every request; the tests build
the figures, so an invalid property still fails there.
"""

from __future__ import annotations

import functools

import pandas as pd
import plotly.graph_objects as go

from .i18n import fmt_kr, fmt_pct, is_missing, plotly_separators, t
from .metrics import METRICS, Metric

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
INK = "#1a1a1a"
MUTED = "#4d4d4d"
GRID = "#d0d0d0"
ZONE = "#1f5fa8"  # the zone the page is about
MEDIAN = "#1a1a1a"
PREVIOUS = "#6b6b6b"
SURPLUS = "#2e7d32"
DEFICIT = "#b3261e"
RADICAL = "#7b3fa0"
CONSERVATIVE = "#1f5fa8"
BAND = "rgba(31, 95, 168, 0.10)"
NOTE = "#8a5a00"  # notes on a chart: a dark amber square star, 4.6:1 on white
# Distinct at 3:1 against white, each paired with its own marker and dash.
PALETTE = [
    "#1f5fa8",
    "#b3261e",
    "#2e7d32",
    "#7b3fa0",
    "#8a5a00",
    "#00707a",
    "#c2185b",
    "#37474f",
    "#5d4037",
    "#0d47a1",
    "#827717",
    "#4a148c",
    "#bf360c",
]
SYMBOLS = [
    "circle",
    "square",
    "triangle-up",
    "x",
    "star",
    "hexagon",
    "cross",
    "triangle-down",
    "pentagon",
    "hourglass",
    "bowtie",
    "diamond-tall",
    "star-square",
]
DASHES = [
    "solid",
    "dot",
    "dashdot",
    "longdash",
    "solid",
    "dot",
    "dashdot",
    "longdash",
    "solid",
    "dot",
    "dashdot",
    "longdash",
    "solid",
]

# The metrics the fixed charts draw (the others take theirs from their caller).
RESULT = METRICS["result_pct"]
RADICAL_COUNT = METRICS["projects_radical"]
SCORE = METRICS["survey_tjenestekvalitet"]

# Meeting mode: white and yellow on black.
DARK_BG = "#000000"
DARK_INK = "#ffffff"
DARK_ACCENT = "#ffd54f"
DARK_BAR = "#9ecbff"


def _affix(sample: str) -> tuple[str, str]:
    """The text before and after the digits of a Babel-formatted zero ('0 kr' -> '', ' kr')."""
    head, _, tail = sample.partition("0")
    return head, tail


def axis_format(metric: Metric, lang: str, values=()) -> dict:
    """Tick format for a metric's axis, in the locale's words; whole-number metrics get
    whole-number ticks only (never 4, 5, 5, 6, 6)."""
    if metric.unit == "share":
        return {"ticksuffix": _affix(fmt_pct(0, lang, 0))[1], "tickformat": ",.0f"}
    if metric.unit == "kr":
        prefix, suffix = _affix(fmt_kr(0, lang))
        return {"tickprefix": prefix, "ticksuffix": suffix, "tickformat": ",.0f"}
    if metric.unit == "score":
        return {"tickformat": ".1f"}
    if metric.integer:
        return {"tickformat": ",d", "tick0": 0, "dtick": integer_step(values)}
    return {"tickformat": ",.1f" if metric.decimals else ",d"}


def integer_step(values) -> int:
    """The tick step for whole numbers: 1, 2, 5, 10, 20, 50 … so that about 2–6 ticks show."""
    numbers = [abs(float(v)) for v in values if not is_missing(v)]
    top = max(numbers, default=1.0)
    step = 1
    while top / step > 6:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if top / step <= 6:
                break
    return max(step, 1)


def _listed(values) -> list:
    # A pandas column is read element by element far slower than a list.
    return values.tolist() if isinstance(values, pd.Series) else list(values)


def scaled(values, metric: Metric) -> list:
    """Shares are drawn in percent; the rest as they are. Nulls stay null (a gap)."""
    factor = 100 if metric.unit == "share" else 1
    return [None if is_missing(v) else float(v) * factor for v in _listed(values)]


def full_range(metric: Metric, values) -> list | None:
    """The axis range a comparison uses: the metric's whole scale when it has one (survey
    1–6, risk 1–5, shares 0–100 %), centred on zero for signed values, else from zero."""
    if metric.scale is not None:
        low, high = scaled(metric.scale, metric)
        pad = (high - low) * 0.04
        return [low - pad, high + pad]
    numbers = [v for v in scaled(values, metric) if v is not None]
    if metric.signed:
        peak = max([abs(v) for v in numbers] + [1e-9]) * 1.15
        return [-peak, peak]
    return None


def _as_figure(spec_builder):
    """The `go.Figure` twin of a spec builder."""

    @functools.wraps(spec_builder)
    def build(*args, **kwargs) -> go.Figure:
        return go.Figure(spec_builder(*args, **kwargs))

    return build


def _axis(dark: bool) -> dict:
    ink = DARK_INK if dark else INK
    return {
        "gridcolor": "#555555" if dark else GRID,
        "linecolor": ink,
        "tickcolor": ink,
        "zerolinecolor": ink if dark else MUTED,
        "automargin": True,
        "showline": True,
        "ticks": "outside",
        "tickfont": {"color": ink},
    }


def base_layout(lang: str, height: int = 300, dark: bool = False, **extra) -> dict:
    ink = DARK_INK if dark else INK
    layout = {
        "template": "none",
        "separators": plotly_separators(lang),
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 36, "b": 10},
        "font": {"family": FONT, "size": 22 if dark else 14, "color": ink},
        "paper_bgcolor": DARK_BG if dark else "#ffffff",
        "plot_bgcolor": DARK_BG if dark else "#ffffff",
        "xaxis": _axis(dark),
        "yaxis": _axis(dark),
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        "hoverlabel": {"font": {"family": FONT, "size": 14}},
        "bargap": 0.35,
    }
    layout.update(extra)
    return layout


def empty_spec(lang: str) -> dict:
    return {"data": [], "layout": base_layout(lang, height=120)}


def _hover(name: str, texts) -> list[str]:
    return [f"{name}: {v}" for v in _listed(texts)]


def _years(frame: pd.DataFrame) -> list[str]:
    return [str(y) for y in _listed(frame["year"])]


def _year_axis(frame: pd.DataFrame) -> dict:
    return {"type": "category", "categoryorder": "array", "categoryarray": _years(frame)}


def _median_trace(frame: pd.DataFrame, metric: Metric, lang: str, name: str | None = None) -> dict:
    label = name or t("median_all", lang)
    return {
        "type": "scatter",
        "x": _years(frame),
        "y": scaled(frame["median"], metric),
        "name": label,
        "mode": "lines+markers",
        "line": {"color": MEDIAN, "dash": "dash", "width": 2},
        "marker": {"symbol": "diamond", "size": 9},
        "customdata": _hover(label, frame["median_text"]),
        "hovertemplate": "%{x}<br>%{customdata}<extra></extra>",
    }


def history_spec(frame: pd.DataFrame, metric: Metric, lang: str, zone: str) -> dict:
    """The zone's value per year as bars, the median of all zones as a dashed line."""
    bars = {
        "type": "bar",
        "x": _years(frame),
        "y": scaled(frame["value"], metric),
        "name": zone,
        "marker": {"color": ZONE},
        "customdata": _hover(zone, frame["value_text"]),
        "hovertemplate": "%{x}<br>%{customdata}<extra></extra>",
    }
    layout = base_layout(lang)
    layout["xaxis"].update(_year_axis(frame))
    values = [*frame["value"], *frame["median"]]
    layout["yaxis"].update(axis_format(metric, lang, values), rangemode="tozero")
    if metric.scale is not None and metric.unit != "share":
        layout["yaxis"].update(range=[0, metric.scale[1] + 0.2])
    return {"data": [bars, _median_trace(frame, metric, lang)], "layout": layout}


def budget_spec(frame: pd.DataFrame, lang: str, zone: str, limit: float = 0.03) -> dict:
    """The year's result as a share of its budget, inside or outside the ±3 % band.

    Deficits are red, hatched and below zero; the band is shaded and named in the legend.
    """
    values = scaled(frame["value"], RESULT)
    negative = [v is not None and v < 0 for v in values]
    years = _years(frame)
    texts = [f"{r} · {c}" for r, c in zip(frame["result_text"], frame["carry_text"], strict=True)]
    bars = {
        "type": "bar",
        "x": years,
        "y": values,
        "name": zone,
        "marker": {
            "color": [DEFICIT if n else SURPLUS for n in negative],
            "pattern": {
                "shape": ["/" if n else "" for n in negative],
                "fgcolor": "#ffffff",
                "fillmode": "overlay",
            },
        },
        "text": list(frame["value_text"]),
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": _hover(zone, texts),
        "hovertemplate": "%{x}<br>%{customdata}<extra></extra>",
    }
    band = limit * 100
    edge = {
        "type": "scatter",
        "x": years + years[::-1],
        "y": [band] * len(years) + [-band] * len(years),
        "fill": "toself",
        "fillcolor": BAND,
        "line": {"color": ZONE, "width": 1, "dash": "dot"},
        "name": t("fig_band", lang),
        "hoverinfo": "skip",
        "mode": "lines",
    }
    peak = max([abs(v) for v in values if v is not None] + [band]) * 1.3
    layout = base_layout(lang, height=320)
    layout["xaxis"].update(_year_axis(frame))
    layout["yaxis"].update(axis_format(RESULT, lang), range=[-peak, peak], zeroline=True)
    return {"data": [edge, bars, _median_trace(frame, RESULT, lang)], "layout": layout}


def projects_spec(frame: pd.DataFrame, lang: str, zone: str) -> dict:
    """Active projects per year, conservative and radical stacked; the median of radical."""
    years = _years(frame)
    conservative = {
        "type": "bar",
        "x": years,
        "y": scaled(frame["conservative"], RADICAL_COUNT),
        "name": t("m_projects_conservative", lang),
        "marker": {"color": CONSERVATIVE},
    }
    radical = {
        "type": "bar",
        "x": years,
        "y": scaled(frame["value"], RADICAL_COUNT),
        "name": t("m_projects_radical", lang),
        "marker": {
            "color": RADICAL,
            "pattern": {"shape": "x", "fgcolor": "#ffffff", "fillmode": "overlay"},
        },
    }
    layout = base_layout(lang, barmode="stack")
    layout["xaxis"].update(_year_axis(frame))
    totals = [
        (0 if is_missing(c) else c) + (0 if is_missing(r) else r)
        for c, r in zip(frame["conservative"], frame["value"], strict=True)
    ]
    layout["yaxis"].update(axis_format(RADICAL_COUNT, lang, totals), rangemode="tozero")
    name = f"{t('median_all', lang)}: {t('m_projects_radical', lang).lower()}"
    median = _median_trace(frame, RADICAL_COUNT, lang, name)
    return {"data": [conservative, radical, median], "layout": layout}


def survey_spec(frame: pd.DataFrame, lang: str, zone: str, year: int, threshold: int) -> dict:
    """Each theme's score this year (filled circle), the year before (ring), the median
    (diamond). A withheld score has no marker, only ': fewer than N answers'."""
    themes = list(frame["theme"])

    def dots(column: str, name: str, symbol: str, color: str, size: int) -> dict:
        return {
            "type": "scatter",
            "x": scaled(frame[column], SCORE),
            "y": themes,
            "name": name,
            "mode": "markers",
            "marker": {
                "symbol": symbol,
                "color": color,
                "size": size,
                "line": {"color": color, "width": 2},
            },
            "customdata": _hover(name, frame[f"{column}_text"]),
            "hovertemplate": "%{y}<br>%{customdata}<extra></extra>",
        }

    traces = [
        dots("previous", f"{zone} {year - 1}", "circle-open", PREVIOUS, 13),
        dots("median", f"{t('median_all', lang)} {year}", "diamond", MEDIAN, 11),
        dots("value", f"{zone} {year}", "circle", ZONE, 15),
    ]
    numbers = [v for trace in traces for v in trace["x"] if v is not None]
    low = min([*numbers, 4.0]) - 0.3
    # On the right edge, where scores of 6 are rare, so the median diamonds stay visible.
    notes = [
        {
            "x": 1,
            "xref": "paper",
            "y": theme,
            "xanchor": "right",
            "showarrow": False,
            "text": f": {t('suppressed_reason', lang, n=threshold)}",
            "font": {"color": INK, "size": 14},
            "bgcolor": "#ffffff",
        }
        for theme, hidden in zip(themes, frame["suppressed"], strict=True)
        if hidden
    ]
    layout = base_layout(lang, height=330, annotations=notes)
    layout["xaxis"].update(axis_format(SCORE, lang), range=[low, 6.05], dtick=0.5)
    layout["yaxis"].update(autorange="reversed", showgrid=True)
    return {"data": traces, "layout": layout}


def with_note_markers(spec: dict, markers: dict[str, str], lang: str) -> dict:
    """A year chart with the notes written about it: a marker above each year that has
    notes, on an axis of its own over the chart (so it never changes the chart's scale),
    hover showing the notes (`markers`: year category -> hover text, already escaped).

    Only years on the chart's own category axis get a marker; the spec is copied, never
    changed (specs are kept per data version and shared)."""
    xaxis = spec.get("layout", {}).get("xaxis", {})
    categories = [str(c) for c in xaxis.get("categoryarray", [])]
    years = [y for y in categories if y in markers]
    if not years:
        return spec
    trace = {
        "type": "scatter",
        "x": years,
        "y": [1] * len(years),
        "yaxis": "y2",
        "name": t("dlg_chart_legend", lang),
        "mode": "markers",
        "marker": {"symbol": "star-square", "size": 14, "color": NOTE, "line": {"width": 0}},
        "customdata": [markers[y] for y in years],
        "hovertemplate": "%{x}<br>%{customdata}<extra></extra>",
        "hoverlabel": {"align": "left"},
    }
    layout = {
        **spec["layout"],
        "yaxis2": {
            "overlaying": "y",
            "range": [0, 1.08],
            "visible": False,
            "fixedrange": True,
        },
    }
    return {"data": [*spec["data"], trace], "layout": layout}


def _series_style(index: int, is_median: bool) -> dict:
    if is_median:
        return {
            "line": {"color": MEDIAN, "dash": "dash", "width": 2},
            "marker": {"symbol": "diamond", "size": 8, "color": MEDIAN},
        }
    color = PALETTE[index % len(PALETTE)]
    return {
        "line": {
            "color": color,
            "dash": DASHES[index % len(DASHES)],
            "width": 3 if index == 0 else 2,
        },
        "marker": {"symbol": SYMBOLS[index % len(SYMBOLS)], "size": 9, "color": color},
    }


def compare_spec(
    frame: pd.DataFrame, panels: list[tuple[str, str, str]], lang: str, columns: int = 3
) -> dict:
    """Small multiples: one chart per indicator, one line per zone, the median dashed.

    `frame`: series (zone name or the median's label), is_median, metric, year, value, text.
    `panels`: (metric key, title, metric) in reading order. Each chart is drawn on its
    metric's full scale where it has one (survey 1–6, risk 1–5, shares 0–100 %), so a
    difference of 0,1 never fills the height; counts and amounts start at zero.
    """
    rows = -(-len(panels) // columns)
    gap_x, gap_y = 0.07, 0.55 / max(rows, 1) / 2
    width, height = (1 - gap_x * (columns - 1)) / columns, (1 - gap_y * (rows - 1)) / rows
    layout = base_layout(
        lang, height=max(260 * rows, 300), margin={"l": 10, "r": 10, "t": 70, "b": 10}
    )
    del layout["xaxis"], layout["yaxis"]
    series = list(dict.fromkeys(frame["series"]))
    medians = set(frame.loc[frame["is_median"], "series"])
    years = [str(y) for y in sorted(frame["year"].unique())]
    points: dict[tuple[str, str], list] = {}
    for row in frame.itertuples(index=False):
        points.setdefault((row.metric, row.series), []).append(row)
    annotations, traces = [], []
    for i, (key, title, metric) in enumerate(panels):
        row, col = divmod(i, columns)
        x0, y1 = col * (width + gap_x), 1 - row * (height + gap_y)
        suffix = "" if i == 0 else str(i + 1)
        layout[f"xaxis{suffix}"] = {
            **_axis(False),
            "domain": [x0, x0 + width],
            "anchor": f"y{suffix}",
            "type": "category",
            "categoryorder": "array",
            "categoryarray": years,
        }
        values = [p.value for name in series for p in points.get((key, name), [])]
        axis_range = full_range(metric, values)
        layout[f"yaxis{suffix}"] = {
            **_axis(False),
            **axis_format(metric, lang, values),
            "domain": [max(y1 - height, 0.0), min(y1, 1.0)],
            "anchor": f"x{suffix}",
            **({"range": axis_range} if axis_range else {"rangemode": "tozero"}),
        }
        annotations.append(
            {
                "text": f"<b>{title}</b>",
                "x": x0,
                "y": y1,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 14},
            }
        )
        for j, name in enumerate(series):
            found = points.get((key, name), [])
            traces.append(
                {
                    "type": "scatter",
                    "x": [str(p.year) for p in found],
                    "y": scaled([p.value for p in found], metric),
                    "name": name,
                    "legendgroup": name,
                    "showlegend": i == 0,
                    "mode": "lines+markers",
                    "connectgaps": False,
                    "xaxis": f"x{suffix}",
                    "yaxis": f"y{suffix}",
                    "customdata": _hover(name, [p.text for p in found]),
                    "hovertemplate": f"{title} %{{x}}<br>%{{customdata}}<extra></extra>",
                    **_series_style(j, name in medians),
                }
            )
    layout["annotations"] = annotations
    layout["legend"] = {
        "orientation": "h",
        "x": 0,
        "y": 1 + 60 / layout["height"],
        "yanchor": "bottom",
    }
    return {"data": traces, "layout": layout}


def bare_bar() -> go.Figure:
    """The benchmark's yardstick: the smallest useful plotly figure."""
    return go.Figure(go.Bar(x=["a"], y=[1]))


history_figure = _as_figure(history_spec)
budget_figure = _as_figure(budget_spec)
projects_figure = _as_figure(projects_spec)
survey_figure = _as_figure(survey_spec)
compare_figure = _as_figure(compare_spec)
