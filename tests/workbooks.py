"""Building small real .xlsx files for tests, with openpyxl, the way exports look."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import openpyxl

ECONOMY_HEADER = ["År", "Enhet", "Budsjett", "Regnskap", "Lønnskostnader"]
SURVEY_HEADER = ["År", "Enhet", "Tema", "Snitt", "Antall svar"]
COUNCIL_HEADER = [
    "Dato",
    "Brukerråd",
    "Enhet",
    "Brukerrepresentanter",
    "Innspill",
    "Innspill fulgt opp",
    "Politiske vedtak",
    "Møteleder",
]
RISK_HEADER = [
    "År",
    "Enhet",
    "Risikovilje",
    "Tabbekvote",
    "Forsøk startet",
    "Forsøk avsluttet",
    "Utviklingsmidler",
]
PROJECT_HEADER = [
    "Prosjekt-ID",
    "Prosjekt",
    "Enhet",
    "Startår",
    "Sluttår",
    "Status",
    "Samskapingsform",
    "Initiert av",
    "Inngang",
    "Partnere",
    "Verdi",
]
QUALITY_HEADER = ["År", "Enhet", "Indikator", "Verdi", "Mål"]
GOALS_HEADER = ["År", "Enhet", "Mål", "Indikator", "Målverdi", "Resultat", "Retning"]


def write_xlsx(path: Path, sheets: dict[str, list[list]], setup=None) -> Path:
    """Write sheets (name -> rows, first row at A1). `setup(workbook)` may add formatting."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    if setup:
        setup(workbook)
    path = Path(path)
    workbook.save(path)
    return path


def economy_rows(*rows) -> list[list]:
    return [ECONOMY_HEADER, *[list(r) for r in rows]]


def rewrite_member(path: Path, member: str, transform) -> Path:
    """Copy an xlsx with one zip member's bytes changed (for hostile and broken files)."""
    source = zipfile.ZipFile(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                data = transform(data)
            target.writestr(info.filename, data)
    path.write_bytes(buffer.getvalue())
    return path


def bomb(size: int, lie: bool) -> bytes:
    """An xlsx whose sheet inflates to `size` bytes; `lie` shrinks the sizes it declares."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"<row>" + b" " * (1024 * 1024 - 11) + b"</row>"
            for _ in range(size // len(chunk)):
                member.write(chunk)
    data = buffer.getvalue()
    return lie_about_sizes(data) if lie else data


def lie_about_sizes(data: bytes, size: int = 1024, only: str | None = None) -> bytes:
    """Rewrite every declared uncompressed size (central directory and zip64 extra) to
    `size`, or only member `only`'s: what a zip bomb does to slip past a check of the
    declared sizes."""
    data = bytearray(data)
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len, extra_len = struct.unpack_from("<HH", data, pos + 28)
        name = bytes(data[pos + 46 : pos + 46 + name_len]).decode()
        if only is not None and name != only:
            pos = data.find(b"PK\x01\x02", pos + 4)
            continue
        if struct.unpack_from("<I", data, pos + 24)[0] != 0xFFFFFFFF:
            struct.pack_into("<I", data, pos + 24, size)
        extra = pos + 46 + name_len
        end = extra + extra_len
        while extra < end:
            tag, length = struct.unpack_from("<HH", data, extra)
            if tag == 1:
                struct.pack_into("<Q", data, extra + 4, size)
            extra += 4 + length
        pos = data.find(b"PK\x01\x02", pos + 4)
    return bytes(data)


def add_member(data: bytes, name: str, payload: bytes) -> bytes:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(name, payload)
    return buffer.getvalue()


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def add_cells(path: Path, cells: dict[str, object], member: str = "xl/worksheets/sheet1.xml"):
    """Add numeric cells (ref -> value) to a sheet, each in a row element of its own, at the
    end of sheetData: the way a hand-made or hostile file can place cells anywhere."""

    def transform(xml: bytes) -> bytes:
        extra = "".join(
            f'<row r="{ref.lstrip(LETTERS)}"><c r="{ref}"><v>{value}</v></c></row>'
            for ref, value in cells.items()
        )
        return xml.replace(b"</sheetData>", extra.encode() + b"</sheetData>")

    return rewrite_member(path, member, transform)


def move_member(path: Path, old: str, new: str) -> Path:
    """Store a part under another name (a sheet as `.bin`), with its references updated."""
    source = zipfile.ZipFile(path)
    buffer = io.BytesIO()
    old_target = old.removeprefix("xl/").encode()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in {"xl/_rels/workbook.xml.rels", "[Content_Types].xml"}:
                data = data.replace(old_target, new.removeprefix("xl/").encode())
            target.writestr(new if info.filename == old else info.filename, data)
    path.write_bytes(buffer.getvalue())
    return path


# ---------------------------------------------------------------- large workbooks

ZONE_NAMES = (
    "Byåsen",
    "Flatåsen",
    "Heimdal",
    "Klæbu",
    "Lerkendal",
    "Midtbyen",
    "Nardo",
    "Ranheim",
    "Saupstad",
    "Spongdal",
    "Strinda",
    "Tiller",
    "Østbyen",
)
_STATUSES = ("Planlagt", "Pågår", "Avsluttet", "Implementert", "Avbrutt")
_INITIATORS = ("Enheten", "Ansatte", "Politikere", "Brukerråd", "Universitetskommunen")
# Rows above the header in write_projects: a title and a blank row, as real exports have.
PROJECT_TITLE_ROWS = 2


def write_projects(
    path: Path, rows: int, zones=ZONE_NAMES, first_year: int = 2015, years: int = 7
) -> Path:
    """A valid projects workbook of `rows` projects, the way a large export looks (a title
    row, a blank row, the header, then the rows), written in constant memory."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Samskapingsprosjekter")
    sheet.write_row(0, 0, ["Samskapingsprosjekter – stor eksport"])
    sheet.write_row(PROJECT_TITLE_ROWS, 0, PROJECT_HEADER)
    count = len(zones)
    for i in range(rows):
        zone = zones[i % count] if i % 5 else f"{zones[i % count]}; {zones[(i + 3) % count]}"
        start = first_year + i % years
        sheet.write_row(
            i + PROJECT_TITLE_ROWS + 1,
            0,
            [
                f"P-{i:06d}",
                f"Prosjekt nummer {i}",
                zone,
                start,
                "" if i % 3 else start + 2,
                _STATUSES[i % 5],
                (i % 4) + 1,
                _INITIATORS[i % 5],
                "Sent" if i % 7 == 0 else "Tidlig",
                "NTNU; Frivilligsentralen",
                "Innovasjon; Demokratisk verdi",
            ],
        )
    book.close()
    return path


def largest_sheet_height(settings) -> int:
    """The most rows (header and title rows included) a projects sheet, PROJECT_HEADER wide,
    may have under both the row cap and the cell cap."""
    return min(settings.max_rows_per_sheet, settings.max_cells // len(PROJECT_HEADER))


def largest_projects_rows(settings) -> int:
    """The most project rows one workbook may hold under the caps, below write_projects'
    title rows and header."""
    return largest_sheet_height(settings) - PROJECT_TITLE_ROWS - 1


def write_largest_projects(path: Path, settings) -> Path:
    """The largest valid projects workbook the caps in `settings` allow: one row more would
    be refused. Its years lie inside the settings' window."""
    years = max(1, min(7, settings.year_max - 2 - settings.year_min + 1))
    first = max(settings.year_min, settings.year_max - 2 - years + 1)
    return write_projects(path, largest_projects_rows(settings), first_year=first, years=years)
