/* Printing (the zone page, the all-zones report; on paper or as PDF).

   Charts: plotly draws at a fixed size, so the page is laid out as the paper will be before
   printing (the `printing` class, assets/style.css) and the charts redraw at their column's
   width. The "Skriv ut" button does that, waits for the redraw, then opens the print dialog.
   Printing from the browser's menu (Ctrl+P) gives no time to redraw: charts still wider than
   their column are scaled down with CSS zoom instead, and restored afterwards.

   Page margins: every printed page repeats what #print-head and #print-foot say (the zone,
   the year, the date printed; the sources), through two CSS variables the @page rule reads.
   They are kept in step whenever the page changes, so a PDF made by any means has them. */
(function () {
    // The button waits for the charts' redraw (at least SETTLE_MS, so the layout has taken
    // the paper's widths), but never more than REDRAW_LIMIT_MS on a slow machine.
    const SETTLE_MS = 150;
    const REDRAW_LIMIT_MS = 5000;
    const PRINT_HEIGHT = 210; // px: a chart's height on paper (about 55 mm), two side by side

    // Charts are shorter on paper; their screen height comes back after printing. Resolves
    // when every chart has been redrawn (plotly's relayout also takes the new width).
    function paperCharts(on) {
        if (!window.Plotly) { return Promise.resolve(); }
        const redrawn = [];
        document.querySelectorAll(".chart .js-plotly-plot").forEach(function (gd) {
            if (!gd.layout) { return; }
            if (on && !gd.dataset.screenHeight) {
                gd.dataset.screenHeight = String(gd.layout.height || "");
                redrawn.push(window.Plotly.relayout(gd, {height: PRINT_HEIGHT}));
            } else if (!on && gd.dataset.screenHeight) {
                const height = Number(gd.dataset.screenHeight) || null;
                delete gd.dataset.screenHeight;
                redrawn.push(window.Plotly.relayout(gd, {height: height}));
            }
        });
        return Promise.all(redrawn);
    }

    function pause(ms) {
        return new Promise(function (resolve) { window.setTimeout(resolve, ms); });
    }

    function graphs() {
        return Array.from(document.querySelectorAll(".chart .dash-graph"));
    }

    function quoted(text) { return JSON.stringify(String(text || "").replace(/\s+/g, " ").trim()); }

    let said = {};
    function margins() {
        const root = document.documentElement;
        ["head", "foot"].forEach(function (part) {
            const element = document.getElementById("print-" + part);
            const text = element ? element.textContent : "";
            if (said[part] !== text) {
                said[part] = text;
                root.style.setProperty("--print-" + part, quoted(text));
            }
        });
    }

    function today() {
        // The date of printing, not of loading: a page left open overnight says today.
        const lang = document.documentElement.lang === "en" ? "en-GB" : "nb-NO";
        const date = new Intl.DateTimeFormat(lang, {day: "numeric", month: "short", year: "numeric"})
            .format(new Date());
        document.querySelectorAll("#print-head .print-date[data-template]").forEach(function (span) {
            span.textContent = span.getAttribute("data-template").replace("{date}", date);
        });
        margins();
    }

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        printing: {
            print: function (clicks) {
                if (clicks) {
                    document.documentElement.classList.add("printing");
                    const redrawn = Promise.all([pause(SETTLE_MS), paperCharts(true)]);
                    Promise.race([redrawn, pause(REDRAW_LIMIT_MS)])
                        .catch(function () { return null; })
                        .then(function () { today(); window.print(); });
                }
                return window.dash_clientside.no_update;
            },
        },
    });

    window.addEventListener("beforeprint", function () {
        document.documentElement.classList.add("printing");
        paperCharts(true);
        today();
        graphs().forEach(function (graph) {
            const svg = graph.querySelector(".main-svg");
            const room = graph.parentElement ? graph.parentElement.getBoundingClientRect().width : 0;
            const width = svg ? svg.getBoundingClientRect().width : 0;
            graph.style.zoom = room && width > room + 1 ? String(room / width) : "";
        });
    });
    window.addEventListener("afterprint", function () {
        document.documentElement.classList.remove("printing");
        paperCharts(false);
        graphs().forEach(function (graph) { graph.style.zoom = ""; });
    });

    let queued = false;
    new MutationObserver(function () {
        if (queued) { return; }
        queued = true;
        window.requestAnimationFrame(function () { queued = false; margins(); });
    }).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
})();
