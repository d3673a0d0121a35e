"""Building small real .xlsx files for tests, with openpyxl, the way exports look."""

from __future__ import annotations

import io
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
