"""The plotly.js partial bundle in a real Chromium: every chart drawn, the full plotly.js never
fetched, what crosses the wire compressed and bounded."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

CHART_PAGES = [
    "/sone/heimdal",
    "/sammenlign?soner=heimdal,nardo,ostbyen&ar=2021",
]

# Every trace drawn on the page, and the trace types the loaded plotly.js knows.
TRACES = """() => ({
    drawn: [...document.querySelectorAll('.js-plotly-plot')]
        .flatMap(gd => (gd._fullData || []).map(t => t.type)),
    known: Object.keys(window.Plotly.PlotSchema.get().traces),
    version: window.Plotly.version,
})"""


@pytest.mark.parametrize("path", CHART_PAGES)
def test_dlv030_charts_draw_with_the_partial_bundle_only(ui, path):
    from plotly.offline import get_plotlyjs_version

    requests = []
    ui.page.on("requestfinished", lambda request: requests.append(request))
    page = ui.open(path, ready="#innhold h1, #mote-deck")
    page.wait_for_selector(".js-plotly-plot g.trace path", state="attached")
    found = page.evaluate(TRACES)
    assert found["version"] == get_plotlyjs_version()
    assert found["drawn"], "no chart drawn"
    assert set(found["drawn"]) <= set(found["known"]), found["drawn"]
    urls = [r.url for r in requests]
    assert not [u for u in urls if "package_data/plotly" in u]
    assert [u for u in urls if "vendor/plotly-partial.min.js" in u]


def test_dlv031_a_first_visit_to_the_zone_page_is_compressed_and_small(ui):
    requests = []
    ui.page.on("requestfinished", lambda request: requests.append(request))
    page = ui.open("/sone/heimdal")
    page.wait_for_selector(".js-plotly-plot g.trace path", state="attached")
    page.wait_for_load_state("networkidle")
    scripts = [r for r in requests if r.resource_type == "script"]
    assert scripts
    for request in scripts:
        assert request.response().headers.get("content-encoding") == "br", request.url
    wire = sum(r.sizes()["responseBodySize"] for r in requests)
    # Bounded, not timed: the full plotly.js alone is 1,4 MB gzip-compressed.
    assert wire < 1_000_000, f"{wire} bytes on the wire"
