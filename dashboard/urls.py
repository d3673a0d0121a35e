"""Every view's state lives in its URL. This module reads and writes those URLs.

A view is a small JSON-able dict, kept in a `dcc.Store` on each page:
`{"page": "sone", "zone": "heimdal", "lang": "nb", "query": {"ar": 2021}, "title": "…"}`.
Only the keys a page knows are kept (`QUERY_KEYS`), so a shared link cannot smuggle in state;
`lang` is left out when it is the default, so Norwegian links stay short.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from .i18n import DEFAULT_LANG, lang_of

PAGES = ("oversikt", "sone", "sammenlign", "mote", "import")
PATHS = {
    "oversikt": "/",
    "sone": "/sone/{zone}",
    "sammenlign": "/sammenlign",
    "mote": "/mote",
    "import": "/import",
}
QUERY_KEYS: dict[str, tuple[str, ...]] = {
    "oversikt": ("ar", "sorter", "retning"),
    "sone": ("ar",),
    "sammenlign": ("soner", "ar"),
    "mote": ("visning", "ar", "lysbilde", "auto"),
    "import": (),
}
# Pages whose data can be downloaded (the export route accepts these as `side`).
EXPORT_SIDES = ("oversikt", "sone", "sammenlign", "mote")
EXPORT_FORMATS = ("xlsx", "csv")


def make_view(page: str, lang: str, zone: str | None = None, title: str = "", **query) -> dict:
    kept = {k: query[k] for k in QUERY_KEYS.get(page, ()) if query.get(k) not in (None, "", [])}
    if isinstance(kept.get("soner"), list | tuple):
        kept["soner"] = ",".join(kept["soner"])
    view = {"page": page, "zone": zone, "lang": lang_of(lang), "query": kept, "title": title}
    view["href"] = view_href(view)
    return view


def _encode(query: dict, lang: str, page: str | None = None) -> str:
    # One canonical order per page, so the same view always has the same link.
    order = QUERY_KEYS.get(page or "", ())
    keys = sorted(query, key=lambda k: order.index(k) if k in order else len(order))
    items = [(k, str(query[k])) for k in keys if query[k] not in (None, "")]
    if lang != DEFAULT_LANG:
        items.append(("lang", lang))
    return f"?{urlencode(items, safe=',')}" if items else ""


def path_of(page: str, zone: str | None = None) -> str:
    path = PATHS[page]
    return path.format(zone=quote(zone or "", safe="")) if "{zone}" in path else path


def view_href(view: dict) -> str:
    query = view.get("query", {})
    return path_of(view["page"], view.get("zone")) + _encode(query, view["lang"], view["page"])


def lang_href(view: dict) -> str:
    """The same view in the other language."""
    other = "en" if view["lang"] == "nb" else "nb"
    return view_href({**view, "lang": other})


def nav_href(target: str, view: dict, default_zone: str | None) -> str:
    """A menu link that keeps the language, the year and the zone the user is looking at."""
    query = view.get("query", {})
    keep = {"ar": query.get("ar")} if "ar" in QUERY_KEYS[target] else {}
    zone = view.get("zone") or (query.get("soner") or "").split(",")[0] or default_zone
    if target == "sammenlign" and zone:
        keep["soner"] = zone
    return path_of(target, zone) + _encode(keep, view["lang"], target)


def export_href(fmt: str, side: str, year: int | None, zones: list[str] | tuple, lang: str) -> str:
    """The download URL for the data behind a page (the route itself is the server's)."""
    query = {"format": fmt, "side": side, "ar": year, "soner": ",".join(zones) or None}
    items = [(k, str(v)) for k, v in query.items() if v not in (None, "")]
    items.append(("lang", lang))
    return f"/eksport?{urlencode(items, safe=',')}"


def view_export(view: dict) -> tuple[str, int | None, list[str]]:
    """(side, year, zones) the export links of a view ask for."""
    query = view.get("query", {})
    zones = [view["zone"]] if view.get("zone") else []
    zones += [z for z in str(query.get("soner") or "").split(",") if z and z not in zones]
    year = query.get("ar")
    return view["page"], int(year) if year not in (None, "") else None, zones


def shell_hrefs(view: dict, default_zone: str | None) -> dict[str, str]:
    """Every link in the page shell that depends on the view: menu, language, export."""
    hrefs = {f"nav-{p}": nav_href(p, view, default_zone) for p in PAGES}
    hrefs["brand"] = hrefs["nav-oversikt"]
    hrefs["lang"] = lang_href(view)
    side, year, zones = view_export(view)
    if side in EXPORT_SIDES:
        for fmt in EXPORT_FORMATS:
            hrefs[f"export-{fmt}"] = export_href(fmt, side, year, zones, view["lang"])
    return hrefs


def parse_list(value: object) -> list[str]:
    """'a,b, c' or ['a', 'b'] -> ['a', 'b', 'c'], without blanks or repeats."""
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    return list(dict.fromkeys(str(i).strip() for i in items if str(i).strip()))


def parse_int(
    value: object, default: int | None = None, low: int | None = None, high: int | None = None
) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    if (low is not None and number < low) or (high is not None and number > high):
        return default
    return number
