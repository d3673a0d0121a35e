"""The URL grammar: every page's state, parsed and written in one place, `/eksport` included.

A page's state is its path and query (`/sone/heimdal?ar=2021&lang=en`). For every page this
module knows which keys exist, what each may hold and in which order they are written, and
it is read three ways:

- `parse` (page layouts, the export route): a bookmark may be stale or hand-edited, so a
  value the page does not know falls back to its default. Lists are de-duplicated and capped
  to the zones that exist; years fall back to the default year.
- `Param.check` (callbacks, through web/callback_guard.py): the page itself can only send
  values from its own buttons, so anything else is hostile and the request is refused (4xx)
  before any work is done.
- `href` and `make_view`: the one way links and views are written.

A *view* is the small JSON-able dict a page keeps in its `dcc.Store`:
`{"page": "sone", "zone": "heimdal", "lang": "nb", "query": {"ar": 2021}, "title": …, "href": …}`.
It travels through the browser, so it is never trusted for more than its language: whatever
needs the rest parses it again (`parse_view`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from .i18n import DEFAULT_LANG, LANGS, lang_of
from .metrics import BY_SLUG, METRICS, OVERVIEW_COLUMNS, OVERVIEW_GROUPS

# The contract's window for years (§3): no page state names a year outside it.
YEAR_WINDOW = (2000, 2100)
MAX_TEXT = 200  # a zone id, a slug: far shorter than this
MAX_SLIDES = 1000  # a deck's slides: an opening, a few more, and at most two per zone


class Invalid(ValueError):
    """A value a page could never have sent."""


@dataclass(frozen=True)
class Known:
    """What the server knows: the zones of the reference table and the years with data."""

    zones: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    default_year: int | None = None


# ---------------------------------------------------------------- value kinds


def _scalar(raw: object) -> object:
    # A repeated query key (`?ar=1&ar=2`) arrives as a list: a scalar never takes one.
    return None if isinstance(raw, list | tuple | dict) else raw


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class Param:
    """One kind of value in a page's state."""

    def parse(self, raw: object, known: Known) -> object:
        raise NotImplementedError

    def check(self, value: object, known: Known) -> None:
        raise NotImplementedError

    def text(self, value: object) -> str | None:
        return None if value in (None, "", [], ()) else str(value)


class Year(Param):
    def parse(self, raw, known):
        raw = _scalar(raw)
        try:
            year = int(str(raw).strip())
        except (TypeError, ValueError):
            return known.default_year
        return year if year in known.years else known.default_year

    def check(self, value, known):
        low, high = YEAR_WINDOW
        if value is not None and not (_is_int(value) and low <= value <= high):
            raise Invalid(f"year {value!r:.40} is not a year between {low} and {high}")


class Zone(Param):
    def parse(self, raw, known):
        raw = _scalar(raw)
        return raw if isinstance(raw, str) and raw in known.zones else None

    def check(self, value, known):
        if value is not None and not (isinstance(value, str) and value in known.zones):
            raise Invalid(f"zone {value!r:.40} is not a known zone")


class Zones(Param):
    """A list of zones: `a,b,c` in a URL, a list in a callback; no repeats, known only."""

    def parse(self, raw, known):
        items = raw if isinstance(raw, list | tuple) else str(raw or "").split(",")
        # Capped before any work: a list can never hold more zones than there are.
        cap = max(len(known.zones), 1)
        found: list[str] = []
        for item in items[: cap * 4]:
            item = str(item).strip()
            if item in known.zones and item not in found:
                found.append(item)
        return found[:cap]

    def check(self, value, known):
        if value is None:
            return
        if not isinstance(value, list):
            raise Invalid("zones must be a list")
        if len(value) > len(known.zones):
            raise Invalid(f"{len(value)} zones, but only {len(known.zones)} exist")
        if len(set(map(str, value))) != len(value):
            raise Invalid("a zone is repeated")
        for item in value:
            Zone().check(item, known)

    def text(self, value):
        if isinstance(value, str):  # a view keeps its list as written in the URL
            return value or None
        return ",".join(value) if value else None


@dataclass(frozen=True)
class Choice(Param):
    values: tuple[str, ...]
    default: str | None = None

    def parse(self, raw, known):
        raw = _scalar(raw)
        return raw if raw in self.values else self.default

    def check(self, value, known):
        if value is not None and value not in self.values:
            raise Invalid(f"{value!r:.40} is not one of {self.values}")


@dataclass(frozen=True)
class Number(Param):
    low: int
    high: int
    default: int | None = None

    def parse(self, raw, known):
        raw = _scalar(raw)
        try:
            number = int(str(raw).strip())
        except (TypeError, ValueError):
            return self.default
        return number if self.low <= number <= self.high else self.default

    def check(self, value, known):
        if value is not None and not (_is_int(value) and self.low <= value <= self.high):
            raise Invalid(f"{value!r:.40} is not a whole number from {self.low} to {self.high}")


@dataclass(frozen=True)
class Text(Param):
    """Free text of bounded length (Dash's router sends the path and query as text)."""

    max_length: int = MAX_TEXT

    def parse(self, raw, known):
        raw = _scalar(raw)
        return raw if isinstance(raw, str) and len(raw) <= self.max_length else None

    def check(self, value, known):
        if value is not None and not (isinstance(value, str) and len(value) <= self.max_length):
            raise Invalid(f"text longer than {self.max_length} characters")


@dataclass(frozen=True)
class Record(Param):
    """A small dict of named params (a page's sort state)."""

    fields: Mapping[str, Param]

    def parse(self, raw, known):
        raw = raw if isinstance(raw, dict) else {}
        return {k: p.parse(raw.get(k), known) for k, p in self.fields.items()}

    def check(self, value, known):
        if value is None:
            return
        if not isinstance(value, dict) or not set(value) <= set(self.fields):
            raise Invalid(f"a record with keys {tuple(self.fields)} was expected")
        for key, param in self.fields.items():
            param.check(value.get(key), known)


@dataclass(frozen=True)
class Choices(Param):
    """A set of values from a fixed list: `a,b` in a URL, a list in a callback; kept in the
    list's own order, so one set has one URL whatever order it was chosen in."""

    values: tuple[str, ...]

    def parse(self, raw, known):
        items = raw if isinstance(raw, list | tuple) else str(raw or "").split(",")
        wanted = {str(item).strip() for item in items[: len(self.values) * 4]}
        return [v for v in self.values if v in wanted]

    def check(self, value, known):
        if value is None:
            return
        if not isinstance(value, list) or len(value) > len(self.values):
            raise Invalid(f"a short list of {self.values} was expected")
        if len(set(map(str, value))) != len(value):
            raise Invalid("a value is repeated")
        for item in value:
            if item not in self.values:
                raise Invalid(f"{item!r:.40} is not one of {self.values}")

    def text(self, value):
        if isinstance(value, str):
            return value or None
        return ",".join(value) if value else None


class ViewStore(Param):
    """A page's view store: only its language is ever read, so only its shape is checked."""

    def parse(self, raw, known):
        return lang_of(raw.get("lang")) if isinstance(raw, dict) else DEFAULT_LANG

    def check(self, value, known):
        if value is None:
            return
        if not isinstance(value, dict):
            raise Invalid("a view must be a record")
        if value.get("lang") is not None and value.get("lang") not in LANGS:
            raise Invalid("unknown language")


@dataclass(frozen=True)
class Clicks(Param):
    """`n_clicks` of a button: a count the browser keeps."""

    def parse(self, raw, known):
        return raw if _is_int(raw) and raw >= 0 else None

    def check(self, value, known):
        if value is not None and not (_is_int(value) and 0 <= value <= 10**9):
            raise Invalid("n_clicks must be a small whole number")


# ---------------------------------------------------------------- the pages

ZONE_SORT, FLAG_SORT = "sone", "flagg"
SORTS = (ZONE_SORT, FLAG_SORT, *(METRICS[k].slug for k in OVERVIEW_COLUMNS))
DESC, ASC = "synkende", "stigende"
DIRECTIONS = (ASC, DESC)
# The meeting's decks: the story (opening, what changed, the panels, a discussion slide per
# flagged zone, sources), one slide per zone, one slide per panel.
DECKS = ("gjennomgang", "soner", "paneler")
STORY, ZONE_DECK, PANEL_DECK = DECKS
# The order of the zones in a deck: most severe flags first, or by name.
ORDERS = ("flagg", "alfabetisk")
# The overview's column groups as a user can hide them (`skjul=okonomi,risiko`).
GROUP_SLUGS = {
    "group_survey": "undersokelse",
    "group_council": "brukerrad",
    "group_budget": "okonomi",
    "group_risk": "risiko",
    "group_projects": "prosjekter",
    "group_goals": "avtale",
}
EXPORT_SIDES = ("oversikt", "sone", "sammenlign", "mote")
EXPORT_FORMATS = ("xlsx", "csv")
EXPORT_TABLES = ("indikatorer", "prosjekter", "mal", "medianer", "notater")
# The kinds of event the audit log filters on (store/audit.py GROUPS; a test keeps them equal).
AUDIT_GROUPS = ("login", "import", "note", "followup", "users", "audit")

YEAR = Year()
ZONE = Zone()
ZONES = Zones()
LANG = Choice(LANGS, DEFAULT_LANG)
SORT = Choice(SORTS, ZONE_SORT)
DIRECTION = Choice(DIRECTIONS, ASC)
PAGE_NUMBER = Number(1, 100_000, 1)  # a page of the overview's table
SORT_STATE = Record({"sorter": SORT, "retning": DIRECTION, "side": PAGE_NUMBER})
HIDDEN_GROUPS = Choices(tuple(GROUP_SLUGS[g] for g, _ in OVERVIEW_GROUPS))
VIEW = ViewStore()
CLICKS = Clicks()


@dataclass(frozen=True)
class PageGrammar:
    path: str
    query: dict[str, Param] = field(default_factory=dict)


PAGE_GRAMMAR: dict[str, PageGrammar] = {
    "oversikt": PageGrammar(
        "/",
        {
            "ar": YEAR,
            "sorter": SORT,
            "retning": DIRECTION,
            "side": PAGE_NUMBER,
            "skjul": HIDDEN_GROUPS,
        },
    ),
    "sone": PageGrammar("/sone/{zone}", {"ar": YEAR}),
    "sammenlign": PageGrammar("/sammenlign", {"soner": ZONES, "ar": YEAR}),
    "mote": PageGrammar(
        "/mote",
        {
            "visning": Choice(DECKS, DECKS[0]),
            "ar": YEAR,
            "rekkefolge": Choice(ORDERS, ORDERS[0]),
            "lysbilde": Number(1, MAX_SLIDES, 1),
            "auto": Number(0, 3600, 0),
        },
    ),
    "import": PageGrammar("/import"),
    # The audit log: not in the menu (administrators only), but a page with links all the same.
    "logg": PageGrammar(
        "/logg",
        {
            "hvem": Text(100),
            "hva": Choice(AUDIT_GROUPS),
            "fra": Text(20),
            "til": Text(20),
            "side": Number(1, 1_000_000, 1),
        },
    ),
    # Not in the menu: the zone chooser, the all-zones report, and the page for an address
    # that does not exist (its own path is only where its language link leads).
    "sonevalg": PageGrammar("/sone", {"ar": YEAR}),
    "rapport": PageGrammar("/rapport", {"ar": YEAR}),
    "ikke-funnet": PageGrammar("/404"),
    "eksport": PageGrammar(
        "/eksport",
        {
            "format": Choice(EXPORT_FORMATS, "xlsx"),
            "side": Choice(EXPORT_SIDES, "oversikt"),
            "tabell": Choice(EXPORT_TABLES, "indikatorer"),
            "ar": YEAR,
            "soner": ZONES,
            "sorter": SORT,
            "retning": DIRECTION,
        },
    ),
}
PAGES = ("oversikt", "sone", "sammenlign", "mote", "import")  # the menu, in its order
VIEW_PAGES = (*PAGES, "logg", "sonevalg", "rapport", "ikke-funnet")  # every page with a view
QUERY_KEYS: dict[str, tuple[str, ...]] = {p: tuple(g.query) for p, g in PAGE_GRAMMAR.items()}


@dataclass(frozen=True)
class State:
    """A page's parsed state: every key of its grammar, with a known value or its default."""

    page: str
    lang: str
    zone: str | None
    query: dict

    def get(self, key: str, default=None):
        value = self.query.get(key)
        return default if value is None else value


def parse(page: str, raw: Mapping, known: Known, zone: object = None) -> State:
    """The state of `page` from a query (a dict, a werkzeug MultiDict, Dash's kwargs)."""
    grammar = PAGE_GRAMMAR[page]
    values = {
        key: param.parse(_all(raw, key) if isinstance(param, Zones) else raw.get(key), known)
        for key, param in grammar.query.items()
    }
    return State(page, lang_of(_scalar(raw.get("lang"))), ZONE.parse(zone, known), values)


def page_of_path(path: str, zones: Collection[str]) -> tuple[str, str | None] | None:
    """The page an address shows and its zone, or None when no page has that address (Dash
    serves its app for every path; this says which of them deserve a 404 status). Slashes
    at either end do not matter, as they do not to Dash's router."""
    parts = [part for part in str(path).strip("/").split("/")]
    if parts == [""]:
        return ("oversikt", None)
    if len(parts) == 2 and parts[0] == "sone":
        return ("sone", parts[1]) if parts[1] in zones else None
    for page in VIEW_PAGES:
        if page not in ("oversikt", "sone", "ikke-funnet") and parts == [
            PAGE_GRAMMAR[page].path.strip("/")
        ]:
            return (page, None)
    return None


def _all(raw: Mapping, key: str):
    """Every value of a list key: `soner=a,b` or `soner=a&soner=b`."""
    if hasattr(raw, "getlist"):
        return ",".join(raw.getlist(key)[:64])
    return raw.get(key)


# ---------------------------------------------------------------- writing links


def path_of(page: str, zone: str | None = None) -> str:
    path = PAGE_GRAMMAR[page].path
    return path.format(zone=quote(zone or "", safe="")) if "{zone}" in path else path


def query_string(page: str, query: Mapping, lang: str, always_lang: bool = False) -> str:
    """`?ar=2021&lang=en`: the keys in the grammar's order, empty values left out."""
    grammar = PAGE_GRAMMAR[page].query
    items = []
    for key, param in grammar.items():
        text = param.text(query.get(key))
        if text is not None:
            items.append((key, text))
    if always_lang or lang != DEFAULT_LANG:
        items.append(("lang", lang))
    return f"?{urlencode(items, safe=',')}" if items else ""


def href(page: str, lang: str, zone: str | None = None, **query) -> str:
    return path_of(page, zone) + query_string(page, query, lang_of(lang))


def make_view(page: str, lang: str, zone: str | None = None, title: str = "", **query) -> dict:
    """A view as the page stores it; `query` holds only the grammar's keys with values."""
    grammar = PAGE_GRAMMAR[page].query
    kept = {}
    for key in grammar:
        value = query.get(key)
        if value in (None, "", [], ()):
            continue
        kept[key] = ",".join(value) if isinstance(value, list | tuple) else value
    view = {"page": page, "zone": zone, "lang": lang_of(lang), "query": kept, "title": title}
    view["href"] = view_href(view)
    return view


def view_href(view: dict) -> str:
    return path_of(view["page"], view.get("zone")) + query_string(
        view["page"], view.get("query", {}), view["lang"]
    )


def parse_view(view: object, known: Known) -> dict | None:
    """A view that came back from the browser, parsed again: nothing in it is trusted."""
    if not isinstance(view, dict) or view.get("page") not in VIEW_PAGES:
        return None
    page = view["page"]
    query = view.get("query") if isinstance(view.get("query"), dict) else {}
    state = parse(page, query, known, view.get("zone"))
    values = {k: v for k, v in state.query.items() if k in query}
    return make_view(page, lang_of(view.get("lang")), state.zone, **values)


def lang_href(view: dict) -> str:
    """The same view in the other language."""
    other = "en" if view["lang"] == "nb" else "nb"
    return view_href({**view, "lang": other})


def nav_href(target: str, view: dict, default_zone: str | None) -> str:
    """A menu link that keeps the language, the year and the zone the user is looking at."""
    query = view.get("query", {})
    keep = {"ar": query.get("ar")} if "ar" in QUERY_KEYS[target] else {}
    zone = view.get("zone") or (str(query.get("soner") or "")).split(",")[0] or default_zone
    if target == "sammenlign" and zone:
        keep["soner"] = [zone]
    return path_of(target, zone if target == "sone" else None) + query_string(
        target, keep, view["lang"]
    )


def export_href(
    fmt: str,
    side: str,
    year: int | None,
    zones: list[str] | tuple,
    lang: str,
    table: str | None = None,
    sort: str | None = None,
    direction: str | None = None,
) -> str:
    """The download URL for the data behind a page (the route itself is the server's)."""
    query = {
        "format": fmt,
        "side": side,
        "tabell": table,
        "ar": year,
        "soner": list(zones),
        "sorter": sort,
        "retning": direction,
    }
    return path_of("eksport") + query_string("eksport", query, lang, always_lang=True)


def view_export(view: dict) -> dict:
    """The export parameters of a view: side, year, zones, and the overview's sort."""
    query = view.get("query", {})
    zones = [view["zone"]] if view.get("zone") else []
    zones += [z for z in str(query.get("soner") or "").split(",") if z and z not in zones]
    year = query.get("ar")
    return {
        "side": view["page"],
        "year": int(year) if year not in (None, "") else None,
        "zones": zones,
        "sort": query.get("sorter"),
        "direction": query.get("retning"),
    }


def shell_hrefs(view: dict, default_zone: str | None) -> dict[str, str]:
    """Every link in the page shell that depends on the view: menu, language, export."""
    hrefs = {f"nav-{p}": nav_href(p, view, default_zone) for p in PAGES}
    hrefs["brand"] = hrefs["nav-oversikt"]
    hrefs["lang"] = lang_href(view)
    year = view.get("query", {}).get("ar")
    hrefs["report"] = path_of("rapport") + query_string("rapport", {"ar": year}, view["lang"])
    if view["page"] in EXPORT_SIDES:
        params = view_export(view)
        for fmt in EXPORT_FORMATS:
            hrefs[f"export-{fmt}"] = export_href(
                fmt,
                params["side"],
                params["year"],
                params["zones"],
                view["lang"],
                sort=params["sort"],
                direction=params["direction"],
            )
    return hrefs


def sort_metric(slug: str | None):
    """The metric an overview sort slug names (None for the zone and flag columns)."""
    metric = BY_SLUG.get(slug or "")
    return metric if metric is not None and metric.key in OVERVIEW_COLUMNS else None
