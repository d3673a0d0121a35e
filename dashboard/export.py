"""The data behind each page as a spreadsheet: xlsx or csv, from the same view state.

- The request is parsed by the URL grammar (`urls.parse("eksport", …)`), like every page.
- Headers are the UI's own labels in the page's language; yes/no is Ja/Nei; shares are
  numbers with a per cent format in xlsx and per cent values rounded to the metric's
  decimals in csv (the header says "(%)"); the overview's sort is kept; every row names its
  source (file, sheet, Excel row).
- The tables: `indikatorer` (one row per zone and year), `prosjekter` (all of a zone's
  projects: the zone page lists only the first ones), `mal` (the unit agreements' goals
  and the quality indicators with their status) and `medianer` (the municipal medians per
  year). An xlsx holds every table that applies to the page, a csv the one asked for.
- Suppressed survey scores are left out: the indicator table already holds them as null.
- An xlsx string is always a string (XlsxWriter's `strings_to_formulas=False`), so it is
  written as is, with no apostrophe; text a spreadsheet would run as a formula is
  neutralised in csv only (OWASP's advice). A cell longer than Excel's 32 767 characters is
  cut with a visible marker and listed on a "Merknader" sheet; csv keeps it whole.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xlsxwriter

from . import urls
from .data import Dataset, Prepared, get_store, plain, prepared_for, quality_rows
from .i18n import t
from .indicators import GOAL_STATUSES, goal_rows
from .metrics import CATALOGUE, METRICS, Metric
from .views.common import partial_note, zone_year_sources
from .views.overview import default_sort, overview

SIDES = urls.EXPORT_SIDES
FORMATS = urls.EXPORT_FORMATS
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_CELL_LIMIT = 32_767

_KEY_LABELS = {
    "zone_id": ("Enhets-ID", "Zone ID"),
    "zone": ("Enhet", "Zone"),
    "year": ("År", "Year"),
    "source": ("Kilde", "Source"),
}
PROJECT_COLUMNS = {
    "project_id": ("Prosjekt-ID", "Project ID", "text"),
    "name": ("Prosjekt", "Project", "text"),
    "zones": ("Enheter", "Zones", "text"),
    "start_year": ("Startår", "Start year", "int"),
    "end_year": ("Sluttår", "End year", "int"),
    "status": ("Status", "Status", "text"),
    "ladder_level": ("Nivå på samskapingsstigen", "Ladder level", "int"),
    "ladder_class": ("Samskaping", "Co-creation", "text"),
    "initiator": ("Initiert av", "Initiated by", "text"),
    "initiator_class": ("Top-down / bottom-up", "Top-down / bottom-up", "text"),
    "entry": ("Inngang", "Entry", "text"),
    "entry_late": ("Sen inngang", "Late entry", "bool"),
    "partners": ("Partnere", "Partners", "text"),
    "value_forms": ("Verdiformer", "Value forms", "text"),
}
GOAL_COLUMNS = {
    "year": ("År", "Year", "int"),
    "zone": ("Enhet", "Zone", "text"),
    "kind": ("Type", "Kind", "text"),
    "goal": ("Mål", "Goal", "text"),
    "indicator": ("Indikator", "Indicator", "text"),
    "target": ("Målverdi", "Target", "number"),
    "actual": ("Resultat", "Result", "number"),
    "direction": ("Retning", "Direction", "text"),
    "status": ("Status", "Status", "text"),
    "previous": ("Resultat året før", "Result the year before", "number"),
}
SHEETS = {
    "indikatorer": ("Indikatorer", "Indicators"),
    "prosjekter": ("Prosjekter", "Projects"),
    "mal": ("Mål og kvalitet", "Goals and quality"),
    "medianer": ("Medianer", "Medians"),
    "notater": ("Notater og oppfølginger", "Notes and follow-ups"),
    "notes": ("Merknader", "Notes"),
}


@dataclass(frozen=True)
class ExportRequest:
    side: str
    year: int | None
    zones: tuple[str, ...]
    lang: str
    fmt: str
    table: str = "indikatorer"
    sort: str | None = urls.ZONE_SORT  # None: the order the overview starts with
    direction: str = urls.ASC

    @classmethod
    def from_query(cls, args, dataset: Dataset) -> ExportRequest:
        """Parsed by the URL grammar: unknown keys and values fall back to a default."""
        state = urls.parse("eksport", args, prepared_for(dataset).known)
        return cls(
            state.get("side"),
            state.get("ar"),
            tuple(state.get("soner", [])),
            state.lang,
            state.get("format"),
            state.get("tabell"),
            # No order named: the one the overview starts with (see `_zones_of`).
            state.get("sorter") if args.get("sorter") is not None else None,
            state.get("retning"),
        )


@dataclass(frozen=True)
class Column:
    header: str
    kind: str  # text | int | number | share | kr | bool
    decimals: int = 0


@dataclass
class Table:
    """A sheet: typed columns and plain rows (None for an empty cell), or, for a long
    table, the same as a frame (`data`) so that it is written column by column."""

    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    data: pd.DataFrame | None = None

    def frame(self) -> pd.DataFrame:
        headers = [c.header for c in self.columns]
        if self.data is not None:
            return self.data.set_axis(headers, axis=1)
        return pd.DataFrame(self.rows, columns=headers)


def _label(key: str, lang: str) -> str:
    if key in _KEY_LABELS:
        return _KEY_LABELS[key][1 if lang == "en" else 0]
    return t(METRICS[key].label, lang)


def indicator_label(column: str, lang: str) -> str:
    """The header of an indicator column (the UI's own label)."""
    return _label(column, lang) if column in _KEY_LABELS or column in METRICS else column


def _metric_column(metric: Metric, lang: str) -> Column:
    kind = {"share": "share", "kr": "kr", "bool": "bool"}.get(metric.unit)
    if kind is None:
        kind = "int" if metric.integer else "number"
    # A median of whole numbers may be a half: those columns keep one decimal.
    decimals = max(metric.decimals, 1 if metric.integer and kind == "int" else 0)
    return Column(t(metric.label, lang), kind, decimals)


def _zones_of(p: Prepared, request: ExportRequest, year: int | None) -> list[str]:
    if request.side == "oversikt":
        sort, descending = request.sort, request.direction == urls.DESC
        if sort is None:
            sort, descending = default_sort(p, year)
        # Every zone, in the table's order: the export is not paged.
        everyone = max(len(p.zones_in(year)), 1)
        model = overview(p, year, request.lang, sort, descending, page_size=everyone)
        return [row.zone_id for row in model.rows]
    if request.side == "mote":
        return p.zones_in(year)
    if request.side == "sone":
        return list(request.zones[:1] or p.zone_ids[:1])
    return list(request.zones) or list(p.zone_ids)


def indicator_table(p: Prepared, request: ExportRequest) -> Table:
    """One row per zone and year the page shows, in the page's order."""
    lang = request.lang
    metrics = list(CATALOGUE)
    columns = [
        Column(_label("zone_id", lang), "text"),
        Column(_label("zone", lang), "text"),
        Column(_label("year", lang), "int"),
        *(_metric_column(m, lang) for m in metrics),
        Column(_label("source", lang), "text"),
    ]
    table = Table(columns)
    one_year = request.side in {"oversikt", "mote"}
    years = [request.year] if one_year else p.years
    for zone_id in _zones_of(p, request, request.year):
        for year in years:
            row = p.row(zone_id, year)
            if row is None:
                continue
            table.rows.append(
                [
                    zone_id,
                    p.name(zone_id),
                    year,
                    *(row.get(m.key) for m in metrics),
                    zone_year_sources(p, zone_id, year, _TABLES, lang),
                ]
            )
    return table


def median_table(p: Prepared, request: ExportRequest) -> Table:
    """The municipal median of every number, per year the page shows, over the zones with
    a value (a median of whole numbers may be a half); a partial year says so."""
    lang = request.lang
    metrics = [m for m in CATALOGUE if m.unit != "bool"]
    columns = [
        Column(_label("year", lang), "int"),
        *(_metric_column(m, lang) for m in metrics),
        Column(t("note_text", lang), "text"),
    ]
    table = Table(columns)
    years = [request.year] if request.side in {"oversikt", "mote"} else p.years
    for year in years:
        if year is None or year not in p.medians:
            continue
        table.rows.append(
            [year, *(p.median(year, m.key) for m in metrics), partial_note(p, year, lang) or None]
        )
    return table


_TABLES = ("survey", "council_meetings", "economy", "risk_tolerance", "goals", "quality_indicators")


def _store_table(name: str) -> pd.DataFrame:
    # The full lists are read from the store: the shared dataset keeps only their start.
    return get_store().current(name)


def project_table(p: Prepared, request: ExportRequest) -> Table:
    """All of one zone's projects (or every project), in the page's order: those active in
    the chosen year first, then the newest."""
    lang = request.lang
    en = lang == "en"
    columns = [Column(v[1 if en else 0], v[2]) for v in PROJECT_COLUMNS.values()]
    columns.append(Column(_label("source", lang), "text"))
    table = Table(columns)
    frame = _store_table("projects")
    if frame.empty:
        return table
    zones = request.zones[:1] if request.side == "sone" else request.zones
    if zones:
        wanted = set(zones)
        frame = frame[frame["zones"].str.split(";").map(lambda ids: bool(wanted & set(ids)))]
    year = request.year if request.year is not None else p.known.default_year
    if year is not None:
        end = pd.to_numeric(frame["end_year"])
        active = (frame["start_year"] <= year) & (end.isna() | (end >= year))
        frame = frame.assign(_active=active, _start=-frame["start_year"]).sort_values(
            ["_active", "_start", "name"], ascending=[False, True, True]
        )
    # Column by column: a register of 250 000 projects is exported well inside the timeout.
    files = dict(zip(p.dataset.sources["batch_id"], p.dataset.sources["file_name"], strict=False))
    names = p.names
    out = frame[list(PROJECT_COLUMNS)].copy()
    out["zones"] = frame["zones"].map(
        lambda ids: ", ".join(names.get(z, z) for z in str(ids).split(";"))
    )
    out["_source"] = _sources(frame, files, lang)
    table.data = out.reset_index(drop=True)
    return table


def _sources(frame: pd.DataFrame, files: dict, lang: str) -> pd.Series:
    """'fil.xlsx, Ark, rad 12' for every row of a stored table (see views.common.row_source)."""
    template = t("source_rows", lang, file="\0", sheet="\1", rows="\2")
    head, rest = template.split("\0")
    between, rest = rest.split("\1")
    before_rows, tail = rest.split("\2")
    return (
        head
        + frame["batch_id"].map(files).fillna("?").astype(str)
        + between
        + frame["sheet"].astype(str)
        + before_rows
        + frame["excel_row"].astype(str)
        + tail
    )


def goal_table(p: Prepared, request: ExportRequest) -> Table:
    """The goals and quality indicators with their status, for the page's zones and years."""
    lang = request.lang
    en = lang == "en"
    columns = [Column(v[1 if en else 0], v[2]) for v in GOAL_COLUMNS.values()]
    columns.append(Column(_label("source", lang), "text"))
    table = Table(columns)
    close = p.settings.target_close_pct / 100
    parts = []
    goals = goal_rows(_store_table("goals"), close)
    if not goals.empty:
        parts.append(goals.assign(kind=t("kind_goal", lang)))
    quality = quality_rows(_store_table("quality_indicators"))
    if quality is not None and not quality.empty:
        parts.append(goal_rows(quality, close).assign(kind=t("kind_quality", lang), goal=None))
    if not parts:
        return table
    frame = pd.concat(parts, ignore_index=True)
    zones = _zones_of(p, request, request.year)
    frame = frame[frame["zone_id"].isin(zones)]
    if request.side in {"oversikt", "mote"}:
        frame = frame[frame["year"] == request.year]
    order = {z: i for i, z in enumerate(zones)}
    frame = frame.assign(_order=frame["zone_id"].map(order)).sort_values(
        ["year", "_order", "kind", "excel_row"]
    )
    files = dict(zip(p.dataset.sources["batch_id"], p.dataset.sources["file_name"], strict=False))
    words = {
        "direction": {d: t(f"direction_{d}", lang) for d in ("higher", "lower")},
        "status": {s: t(f"status_{s}", lang) for s in GOAL_STATUSES},
    }
    out = pd.DataFrame(index=frame.index)
    for key in GOAL_COLUMNS:
        out[key] = frame.get(key)
    out["zone"] = frame["zone_id"].map(p.names).fillna(frame["zone_id"])
    for key, mapping in words.items():
        out[key] = frame[key].map(mapping)
    out["_source"] = _sources(frame, files, lang)
    table.data = out.reset_index(drop=True)
    return table


def notes_table(p: Prepared, request: ExportRequest) -> Table:
    """The notes and follow-ups written about the page's zones (issue 11), a sheet of their
    own: every year for a zone and a comparison, the chosen year for the overview and the
    meeting deck, with the follow-ups still open whatever their year."""
    from .store.notes import Notes
    from .views.dialogue import EXPORT_COLUMNS, notes_frame

    lang = request.lang
    kinds = {"dlg_col_year": "int"}
    columns = [Column(t(key, lang), kinds.get(key, "text")) for key in EXPORT_COLUMNS]
    store = Notes.for_store(get_store())
    zones = _zones_of(p, request, request.year)
    if request.side in {"oversikt", "mote"}:
        years = [request.year] if request.year is not None else []
        found = store.list(zones=zones, years=years, limit=NOTES_MAX)
        seen = {n.id for n in found}
        found += [n for n in store.open_followups(zones) if n.id not in seen]
    else:
        found = store.list(zones=zones, limit=NOTES_MAX)
    order = {z: i for i, z in enumerate(zones)}
    found.sort(key=lambda n: (order.get(n.zone_id, 0), n.year, n.id))
    return Table(columns, data=notes_frame(found, p.names, lang))


NOTES_MAX = 2000  # notes in one export (the store's own cap for one question)


def export_tables(dataset: Dataset, request: ExportRequest) -> dict[str, pd.DataFrame]:
    """The tables behind the page as frames (sheet name -> frame), for tests and callers."""
    return {name: table.frame() for name, table in _tables(dataset, request).items()}


def _tables(dataset: Dataset, request: ExportRequest) -> dict[str, Table]:
    p = prepared_for(dataset)
    en = request.lang == "en"
    wanted = (
        [request.table]
        if request.fmt == "csv"
        else [
            "indikatorer",
            *(["prosjekter"] if request.side == "sone" else []),
            "mal",
            "medianer",
            "notater",
        ]
    )
    builders = {
        "indikatorer": indicator_table,
        "prosjekter": project_table,
        "mal": goal_table,
        "medianer": median_table,
        "notater": notes_table,
    }
    return {SHEETS[name][1 if en else 0]: builders[name](p, request) for name in wanted}


# ---------------------------------------------------------------- writing


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe (csv)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_column(values: pd.Series, column: Column, lang: str) -> pd.Series:
    """One column as the csv writes it: Ja/Nei, per cent values, rounded numbers, and text
    that a spreadsheet would run as a formula neutralised."""
    values = values.astype(object).where(values.notna(), None)
    if column.kind == "text":
        return values.map(lambda v: "" if v is None else neutralise(str(v)))
    if column.kind == "bool":
        return values.map(lambda v: "" if v is None else t("yes" if v else "no", lang))
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    numbers = numbers.where(np.isfinite(numbers))
    if column.kind == "share":
        return (numbers * 100).round(column.decimals)
    if column.kind == "kr":
        return numbers.round(0)
    if column.kind == "int":
        whole = numbers.dropna().mod(1).eq(0).all()
        return numbers.astype("Int64") if whole else numbers.round(column.decimals)
    return numbers.round(max(column.decimals, 1) + 1)


def to_csv_table(table: Table, lang: str) -> bytes:
    """Semicolon and decimal comma in Norwegian, as a Norwegian Excel opens it; UTF-8 BOM."""
    sep, decimal = (",", ".") if lang == "en" else (";", ",")
    frame = table.frame()
    out = pd.DataFrame(
        {
            neutralise(f"{c.header} (%)" if c.kind == "share" else c.header): _csv_column(
                frame.iloc[:, i], c, lang
            )
            for i, c in enumerate(table.columns)
        }
    )
    text = out.to_csv(
        index=False, sep=sep, decimal=decimal, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"
    )
    return ("\ufeff" + text).encode("utf-8")


def to_csv(frame: pd.DataFrame, lang: str) -> bytes:
    """A plain frame as csv (every column as text)."""
    return to_csv_table(Table([Column(str(c), "text") for c in frame.columns], data=frame), lang)


class _Book:
    """An xlsx written cell by cell: numbers as numbers with their format, text as text."""

    def __init__(self, buffer, lang: str):
        self.lang = lang
        # strings_to_formulas=False: XlsxWriter writes every string as text, never a formula.
        self.book = xlsxwriter.Workbook(
            buffer,
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "constant_memory": True,
            },
        )
        self.formats = {
            "header": self.book.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
            "kr": self.book.add_format({"num_format": "#,##0"}),
            "share0": self.book.add_format({"num_format": "0 %"}),
            "share1": self.book.add_format({"num_format": "0.0 %"}),
            "number": self.book.add_format({"num_format": "0.0#"}),
            "int": None,  # Excel's General: 4 as 4, a median of 3.5 as 3.5
        }
        self.cut: list[tuple[str, str, int]] = []  # sheet, cell, characters it had

    def sheet(self, name: str, table: Table) -> None:
        sheet = self.book.add_worksheet(name[:31])
        for col, column in enumerate(table.columns):
            sheet.write_string(
                0, col, self._text(name, 0, col, column.header), self.formats["header"]
            )
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, max(len(table.columns) - 1, 0), 18)
        rows = table.data.itertuples(index=False) if table.data is not None else table.rows
        columns = list(enumerate(table.columns))
        for r, row in enumerate(rows, start=1):
            for col, column in columns:
                self._cell(sheet, name, r, col, plain(row[col]), column)

    def _text(self, sheet: str, row: int, col: int, text: str) -> str:
        if len(text) <= XLSX_CELL_LIMIT:
            return text
        marker = t("cell_cut", self.lang, n=len(text))
        self.cut.append((sheet, xlsxwriter.utility.xl_rowcol_to_cell(row, col), len(text)))
        return text[: XLSX_CELL_LIMIT - len(marker)] + marker

    def _cell(self, sheet, name, row, col, value, column: Column) -> None:
        if value is None:
            return
        if column.kind == "bool":
            sheet.write_string(row, col, t("yes" if value else "no", self.lang))
        elif column.kind == "share" and isinstance(value, int | float):
            sheet.write_number(row, col, value, self.formats[f"share{min(column.decimals, 1)}"])
        elif column.kind == "kr" and isinstance(value, int | float):
            sheet.write_number(row, col, value, self.formats["kr"])
        elif column.kind in {"int", "number"} and isinstance(value, int | float):
            sheet.write_number(row, col, value, self.formats[column.kind])
        elif isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(row, col, value)
        else:
            sheet.write_string(row, col, self._text(name, row, col, str(value)))

    def close(self) -> None:
        if self.cut:
            notes = Table(
                [
                    Column(t("note_sheet", self.lang), "text"),
                    Column(t("note_cell", self.lang), "text"),
                    Column(t("note_text", self.lang), "text"),
                ],
                [
                    [sheet, cell, t("note_cut", self.lang, n=n, limit=XLSX_CELL_LIMIT)]
                    for sheet, cell, n in self.cut
                ],
            )
            self.sheet(SHEETS["notes"][1 if self.lang == "en" else 0], notes)
        self.book.close()


def write_xlsx(tables: dict[str, Table], lang: str = "nb") -> bytes:
    buffer = io.BytesIO()
    book = _Book(buffer, lang)
    for name, table in tables.items():
        book.sheet(name, table)
    book.close()
    return buffer.getvalue()


def to_xlsx(tables: dict[str, pd.DataFrame], lang: str = "nb") -> bytes:
    """Plain frames as an xlsx (the import page's error list uses this too)."""
    typed = {}
    for name, frame in tables.items():
        columns = [
            Column(str(c), "number" if pd.api.types.is_numeric_dtype(frame[c]) else "text")
            for c in frame.columns
        ]
        typed[name] = Table(columns, data=frame)
    return write_xlsx(typed, lang)


def export_file(dataset: Dataset, request: ExportRequest) -> tuple[bytes, str, str]:
    """(content, file name, MIME type) for the request."""
    tables = _tables(dataset, request)
    parts = ["samskaping", request.side]
    if request.side in {"sone", "sammenlign"} and request.zones:
        parts.append("-".join(request.zones[:4]))
    if request.side in {"oversikt", "mote"} and request.year:
        parts.append(str(request.year))
    if request.fmt == "csv" and request.table != "indikatorer":
        parts.append(request.table)
    stem = "-".join(parts)
    if request.fmt == "csv":
        return to_csv_table(next(iter(tables.values())), request.lang), f"{stem}.csv", "text/csv"
    return (
        write_xlsx(tables, request.lang),
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
