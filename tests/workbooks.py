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
    data = bytearray(buffer.getvalue())
    if lie:
        # Rewrite every declared uncompressed size (central directory and zip64 extra) to 1 KB.
        pos = data.find(b"PK\x01\x02")
        while pos != -1:
            name_len, extra_len = struct.unpack_from("<HH", data, pos + 28)
            if struct.unpack_from("<I", data, pos + 24)[0] != 0xFFFFFFFF:
                struct.pack_into("<I", data, pos + 24, 1024)
            extra = pos + 46 + name_len
            end = extra + extra_len
            while extra < end:
                tag, length = struct.unpack_from("<HH", data, extra)
                if tag == 1:
                    struct.pack_into("<Q", data, extra + 4, 1024)
                extra += 4 + length
            pos = data.find(b"PK\x01\x02", pos + 4)
    return bytes(data)


def add_member(data: bytes, name: str, payload: bytes) -> bytes:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(name, payload)
    return buffer.getvalue()
