"""Save screenshots of every page at 1920×1080 (and meeting mode) for a reviewer.

    python scripts/screenshots.py [--db PATH] [--out screenshots]

Starts the app on loopback with the bundled sample data (a fresh temporary database unless
--db is given) and drives Debian's Chromium headless. Pages are captured whole (full page);
meeting mode is captured as the wall screen shows it, exactly 1920×1080.
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
from tests.integration.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT  # noqa: E402

# (file name, path, full page?)
SHOTS = [
    ("01-oversikt", "/", True),
    ("02-oversikt-en-2020-sortert", "/?ar=2020&sorter=resultat&retning=stigende&lang=en", True),
    ("03-sone-heimdal", "/sone/heimdal", True),
    ("04-sone-nardo-en", "/sone/nardo?lang=en", True),
    ("05-sone-spongdal-2017-skjult", "/sone/spongdal?ar=2017", True),
    ("06-sone-klabu-2018-tom", "/sone/klabu?ar=2018", True),
    ("07-sammenlign", "/sammenlign?soner=heimdal,nardo,ostbyen&ar=2021", True),
    ("08-mote-start", "/mote", False),
    ("09-mote-sone", "/mote?lysbilde=4", False),
    ("10-mote-panel-budsjett", "/mote?visning=paneler&lysbilde=3", False),
    ("11-mote-panel-undersokelse-en", "/mote?visning=paneler&lysbilde=6&ar=2017&lang=en", False),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database file or URL (default: a fresh temporary one)")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
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
                page = browser.new_page(viewport=VIEWPORT)
                for name, path, full in SHOTS:
                    page.goto(base + path)
                    page.wait_for_selector("#innhold h1, #mote-deck")
                    page.wait_for_load_state("networkidle")
                    page.wait_for_timeout(300)  # let plotly finish drawing
                    target = args.out / f"{name}.png"
                    page.screenshot(path=str(target), full_page=full)
                    print(target)
                # The zone page as it prints (A4 PDF) for a leader's paper copy.
                page.goto(base + "/sone/heimdal")
                page.wait_for_selector(".panel-grid")
                page.wait_for_load_state("networkidle")
                # As the "Skriv ut" button does: charts narrowed to paper width first.
                page.evaluate("document.documentElement.classList.add('printing')")
                page.wait_for_timeout(800)
                page.emulate_media(media="print")
                pdf = args.out / "12-sone-heimdal-utskrift.pdf"
                page.pdf(path=str(pdf), format="A4", print_background=True)
                page.screenshot(path=str(args.out / "12-sone-heimdal-utskrift.png"), full_page=True)
                print(pdf)
                browser.close()
        finally:
            stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
