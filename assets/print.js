/* Printing a zone page (on paper or as PDF). The print stylesheet (style.css) hides the
   controls and unfolds the tables; charts need their width set before the page is laid out
   for paper, because plotly draws at a fixed size:
   - the "Skriv ut" button narrows the charts to paper width (the `printing` class), lets
     them redraw, then opens the print dialog;
   - printing from the browser's menu (Ctrl+P) gives no time to redraw, so wide charts are
     scaled down with CSS zoom instead, and restored afterwards. */
(function () {
    const PAPER_WIDTH = 640; // px: A4 at 96 dpi inside 14 mm margins, with a little air
    const REDRAW_MS = 600;

    function graphs() {
        return Array.from(document.querySelectorAll(".chart .dash-graph"));
    }
    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        printing: {
            print: function (clicks) {
                if (clicks) {
                    document.documentElement.classList.add("printing");
                    window.setTimeout(function () { window.print(); }, REDRAW_MS);
                }
                return window.dash_clientside.no_update;
            },
        },
    });
    window.addEventListener("beforeprint", function () {
        graphs().forEach(function (graph) {
            const svg = graph.querySelector(".main-svg");
            const width = svg ? svg.getBoundingClientRect().width : 0;
            graph.style.zoom = width > PAPER_WIDTH ? String(PAPER_WIDTH / width) : "";
        });
    });
    window.addEventListener("afterprint", function () {
        document.documentElement.classList.remove("printing");
        graphs().forEach(function (graph) { graph.style.zoom = ""; });
    });
})();
