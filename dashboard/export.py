"""The data behind each page as a spreadsheet: pure functions from a Dataset to files.

Headers are the UI's own labels (Norwegian by default). Suppressed survey scores are left
out: the indicator table already holds them as null, so they arrive here as empty cells.
Text cells that a spreadsheet would read as a formula are neutralised (OWASP's advice for
CSV injection), so opening an export never runs anything.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pandas as pd

from .data import Dataset
from .indicators import COLUMNS
from .panels import METRICS

SIDES = ("oversikt", "sone", "sammenlign", "mote")
FORMATS = ("xlsx", "csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

PROJECT_COLUMNS = {
    "project_id": ("Prosjekt-ID", "Project ID"),
    "name": ("Prosjekt", "Project"),
    "zones": ("Enheter", "Zones"),
    "start_year": ("Startår", "Start year"),
    "end_year": ("Sluttår", "End year"),
    "status": ("Status", "Status"),
    "ladder_level": ("Nivå på samskapingsstigen", "Ladder level"),
    "ladder_class": ("Samskaping", "Co-creation"),
    "initiator": ("Initiert av", "Initiated by"),
    "initiator_class": ("Top-down / bottom-up", "Top-down / bottom-up"),
    "entry": ("Inngang", "Entry"),
    "partners": ("Partnere", "Partners"),
    "value_forms": ("Verdiformer", "Value forms"),
}
_KEY_LABELS = {
    "zone_id": ("Enhets-ID", "Zone ID"),
    "zone": ("Enhet", "Zone"),
    "year": ("År", "Year"),
}


@dataclass(frozen=True)
class ExportRequest:
    side: str
    year: int | None
    zones: tuple[str, ...]
    lang: str
    fmt: str

    @classmethod
    def from_query(cls, args, dataset: Dataset) -> ExportRequest:
        """Only known keys and values are accepted; anything else falls back to a default."""
        side = args.get("side", "oversikt")
        side = side if side in SIDES else "oversikt"
        fmt = args.get("format", "xlsx")
        fmt = fmt if fmt in FORMATS else "xlsx"
        lang = "en" if args.get("lang") == "en" else "nb"
        try:
            year = int(args.get("ar", ""))
        except ValueError:
            year = None
        if year not in dataset.years:
            year = dataset.latest_year()
        known = set(dataset.zones["id"]) if not dataset.zones.empty else set()
        zones = tuple(z for z in str(args.get("soner", "")).split(",") if z in known)
        return cls(side, year, zones, lang, fmt)


def indicator_label(column: str, lang: str) -> str:
    if column in _KEY_LABELS:
        return _KEY_LABELS[column][1 if lang == "en" else 0]
    metric = METRICS.get(column)
    return metric.label(lang) if metric else column


def export_tables(dataset: Dataset, request: ExportRequest) -> dict[str, pd.DataFrame]:
    """The tables behind the page, already filtered and labelled: sheet name -> frame."""
    table = dataset.indicators
    if request.side in {"oversikt", "mote"}:
        rows = table[table["year"] == request.year]
    elif request.side == "sone":
        rows = table[table["zone_id"].isin(request.zones[:1] or table["zone_id"].head(1))]
    else:  # sammenlign: the chosen zones over every year
        rows = table[table["zone_id"].isin(request.zones)] if request.zones else table
    en = request.lang == "en"
    indicators = rows[COLUMNS].rename(columns=lambda c: indicator_label(c, request.lang))
    tables = {("Indicators" if en else "Indikatorer"): indicators.reset_index(drop=True)}
    if request.side == "sone" and not dataset.projects.empty:
        zone = rows["zone_id"].iloc[0] if not rows.empty else None
        projects = dataset.projects
        mine = projects[projects["zones"].str.split(";").apply(lambda ids: zone in ids)]
        frame = mine[list(PROJECT_COLUMNS)].rename(
            columns={k: v[1 if en else 0] for k, v in PROJECT_COLUMNS.items()}
        )
        tables["Projects" if en else "Prosjekter"] = frame.reset_index(drop=True)
    return tables


def neutralise(value: object) -> object:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [neutralise(c) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def to_xlsx(tables: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    # strings_to_formulas=False: XlsxWriter writes every string as text, never as a formula.
    with pd.ExcelWriter(
        buffer,
        engine="xlsxwriter",
        engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}},
    ) as writer:
        for name, frame in tables.items():
            _safe(frame).to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            sheet.freeze_panes(1, 0)
            sheet.set_column(0, max(len(frame.columns) - 1, 0), 18)
    return buffer.getvalue()


def to_csv(frame: pd.DataFrame, lang: str) -> bytes:
    """Semicolon and decimal comma in Norwegian, as a Norwegian Excel opens it; UTF-8 BOM."""
    sep, decimal = (",", ".") if lang == "en" else (";", ",")
    text = _safe(frame).to_csv(
        index=False, sep=sep, decimal=decimal, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"
    )
    return ("\ufeff" + text).encode("utf-8")


def export_file(dataset: Dataset, request: ExportRequest) -> tuple[bytes, str, str]:
    """(content, file name, MIME type) for the request."""
    tables = export_tables(dataset, request)
    parts = ["samskaping", request.side]
    if request.side in {"sone", "sammenlign"} and request.zones:
        parts.append("-".join(request.zones[:4]))
    if request.side in {"oversikt", "mote"} and request.year:
        parts.append(str(request.year))
    stem = "-".join(parts)
    if request.fmt == "csv":
        return to_csv(next(iter(tables.values())), request.lang), f"{stem}.csv", "text/csv"
    return (
        to_xlsx(tables),
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
