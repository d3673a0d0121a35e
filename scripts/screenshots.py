"""Save screenshots of every page at the four screen sizes our users have (and meeting mode
at the projector sizes) for a reviewer.

    python scripts/screenshots.py [--db PATH] [--out screenshots] [--sizes 1280x720,...]

Starts the app on loopback with the bundled sample data (a fresh temporary database unless
--db is given) and drives Debian's Chromium headless. Pages are captured whole (full page),
each at 1280×720 and 1366×768 (projector, small laptop), 1920×1080 (desktop) and 390×844
(phone); meeting mode is captured as the wall screen shows it, exactly the viewport, at the
three projector sizes. The zone page and the all-zones report are also printed to A4 PDF.
Files: `screenshots/<size>/<nn>-<name>.png`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.app import serve_in_thread  # noqa: E402
from dashboard.settings import database_url_from, get_settings  # noqa: E402

# The same Debian Chromium and flags as the browser tests.
from tests.integration.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PAGE_SIZES = ("1280x720", "1366x768", "1920x1080", "390x844")
MEETING_SIZES = ("1280x720", "1366x768", "1920x1080")

# (file name, path)
PAGES = [
    ("01-oversikt", "/"),
    ("02-oversikt-en-2020-sortert", "/?ar=2020&sorter=resultat&retning=stigende&lang=en"),
    ("03-sone-heimdal", "/sone/heimdal"),
    ("04-sone-nardo-en", "/sone/nardo?lang=en"),
    ("05-sone-spongdal-2017-skjult", "/sone/spongdal?ar=2017"),
    ("06-sone-klabu-2018-tom", "/sone/klabu?ar=2018"),
    ("07-sammenlign", "/sammenlign?soner=heimdal,nardo,ostbyen&ar=2021"),
    ("08-rapport", "/rapport?ar=2021"),
    ("09-sonevalg", "/sone"),
    ("10-ikke-funnet", "/sone/atlantis"),
    ("11-import", "/import"),
]
# Meeting mode: the story deck's kinds of slide, and the plainer decks.
MEETING = [
    ("20-mote-apning", "/mote"),
    ("21-mote-endringer", "/mote?lysbilde=2"),
    ("22-mote-budsjett", "/mote?lysbilde=4"),
    ("23-mote-samtale", "/mote?lysbilde=10"),
    ("24-mote-kilder-en", "/mote?lysbilde=99&lang=en"),
    ("25-mote-sone", "/mote?visning=soner&lysbilde=2"),
    ("26-mote-panel-undersokelse-en", "/mote?visning=paneler&lysbilde=6&ar=2017&lang=en"),
]
PRINTS = [("30-sone-heimdal-utskrift", "/sone/heimdal"), ("31-rapport-utskrift", "/rapport")]


def _size(text: str) -> dict:
    width, height = (int(part) for part in text.split("x"))
    return {"width": width, "height": height}


def _shoot(page, base: str, path: str, target: Path, full: bool) -> None:
    page.goto(base + path)
    page.wait_for_selector("#innhold h1, #mote-deck")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # let plotly finish drawing
    page.screenshot(path=str(target), full_page=full)
    print(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database file or URL (default: a fresh temporary one)")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument(
        "--sizes",
        type=lambda text: [s for s in text.split(",") if s],
        default=list(PAGE_SIZES),
        help="comma-separated WIDTHxHEIGHT (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        url = database_url_from(args.db) if args.db else f"sqlite:///{Path(tmp) / 'shots.sqlite'}"
        settings = get_settings(database_url=url, cache_type="SimpleCache")
        base, stop = serve_in_thread(settings)
        args.out.mkdir(parents=True, exist_ok=True)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for size in args.sizes:
                    folder = args.out / size
                    folder.mkdir(parents=True, exist_ok=True)
                    page = browser.new_page(viewport=_size(size))
                    for name, path in PAGES:
                        _shoot(page, base, path, folder / f"{name}.png", full=True)
                    if size in MEETING_SIZES:
                        for name, path in MEETING:
                            _shoot(page, base, path, folder / f"{name}.png", full=False)
                    page.close()
                # Paper: as the "Skriv ut" button does, charts narrowed to paper width first.
                page = browser.new_page(viewport=_size("1280x720"))
                for name, path in PRINTS:
                    page.goto(base + path)
                    page.wait_for_selector("#innhold h1")
                    page.wait_for_load_state("networkidle")
                    page.evaluate("document.documentElement.classList.add('printing')")
                    page.wait_for_timeout(800)
                    page.emulate_media(media="print")
                    pdf = args.out / f"{name}.pdf"
                    page.pdf(path=str(pdf), format="A4", print_background=True)
                    print(pdf)
                    page.emulate_media(media="screen")
                browser.close()
        finally:
            stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
