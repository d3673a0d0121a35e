"""The export: the data behind a page as xlsx and csv, on the fixture store through the app."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from dashboard.app import create_app
from dashboard.export import XLSX_CELL_LIMIT, Column, Table, to_csv_table, write_xlsx


@pytest.fixture
def client(ui_settings):
    return create_app(ui_settings).server.test_client()


def book_of(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.data[:300]
    return openpyxl.load_workbook(io.BytesIO(response.data))


def csv_of(response, sep=";") -> list[list[str]]:
    assert response.status_code == 200, response.data[:300]
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=sep))


def test_exp001_xlsx_text_is_text_with_no_apostrophe_and_csv_is_neutralised():
    table = Table([Column("Prosjekt", "text")], [["=1+2"], ["@SUM(A1)"], ["Byåsen"]])
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx({"Ark": table})))
    cells = [c for row in book["Ark"].iter_rows(min_row=2) for c in row]
    assert [c.value for c in cells] == ["=1+2", "@SUM(A1)", "Byåsen"]
    assert {c.data_type for c in cells} == {"s"}  # text, never a formula
    text = to_csv_table(table, "nb").decode("utf-8-sig")
    assert "'=1+2" in text and "'@SUM(A1)" in text


def test_exp002_a_cell_too_long_for_excel_is_cut_visibly_and_noted():
    long = "x" * (XLSX_CELL_LIMIT + 100)
    table = Table([Column("Partnere", "text")], [[long]])
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx({"Prosjekter": table})))
    cell = book["Prosjekter"]["A2"].value
    assert len(cell) == XLSX_CELL_LIMIT
    assert cell.endswith(f" […avkortet: cellen hadde {XLSX_CELL_LIMIT + 100} tegn]")
    notes = list(book["Merknader"].values)
    assert notes[1][:2] == ("Prosjekter", "A2")
    assert "CSV-eksporten har hele teksten" in notes[1][2]
    assert long in to_csv_table(table, "nb").decode("utf-8-sig")


def test_exp003_headers_in_both_languages_yes_no_and_shares_as_per_cent(client):
    nb = book_of(client.get("/eksport?format=xlsx&side=oversikt&ar=2021"))
    header = [c.value for c in nb["Indikatorer"][1]]
    assert "council_chaired" not in header and "Møter ledet av sonen" in header
    assert header[-1] == "Kilde"
    assert "Resultat i % av budsjett" in header
    assert not any("lønnskostnader" in str(h).lower() and "%" in str(h) for h in header)
    rows = {r[0].value: r for r in nb["Indikatorer"].iter_rows(min_row=2)}
    rate = rows["heimdal"][header.index("Andel innspill fulgt opp")]
    assert rate.value == pytest.approx(0.9) and rate.number_format == "0 %"
    result = rows["heimdal"][header.index("Resultat i % av budsjett")]
    assert result.number_format == "0.0 %"
    assert rows["heimdal"][header.index("Tabbekvote")].value == "Ja"
    assert rows["heimdal"][header.index("Kilde")].value.startswith("kvalitet-test.xlsx, ")
    en = book_of(client.get("/eksport?format=xlsx&side=oversikt&ar=2021&lang=en"))
    assert [c.value for c in en["Indicators"][1]][:3] == ["Zone ID", "Zone", "Year"]
    assert "Meetings chaired by the zone" in [c.value for c in en["Indicators"][1]]
    text = csv_of(client.get("/eksport?format=csv&side=oversikt&ar=2021"))
    column = text[0].index("Andel innspill fulgt opp (%)")
    heimdal = next(r for r in text if r[0] == "heimdal")
    assert heimdal[column] == "90,0"  # per cent, rounded, not 0,9
    assert heimdal[text[0].index("Tabbekvote")] == "Ja"


def test_exp004_the_overview_export_keeps_the_page_s_sort(client):
    url = "/eksport?format=csv&side=oversikt&ar=2021&sorter=oppfolging&retning=synkende"
    rows = csv_of(client.get(url))
    assert [r[0] for r in rows[1:]] == ["heimdal", "spongdal", "nardo", "saupstad", "tiller"]


def test_exp005_project_rows_in_csv_with_their_source(client):
    rows = csv_of(client.get("/eksport?format=csv&side=sone&soner=nardo&ar=2021&tabell=prosjekter"))
    assert rows[0][:3] == ["Prosjekt-ID", "Prosjekt", "Enheter"] and rows[0][-1] == "Kilde"
    # Active in 2021 first, then the newest: as on the zone page.
    assert [r[1] for r in rows[1:]] == ["Nabomøter", "Innbyggerpanel", "Turvenner"]
    assert rows[3][2] == "Nardo, Heimdal"
    assert rows[1][-1].startswith("enheter-test.xlsx, Samskapingsprosjekter, rad ")
    late = rows[0].index("Sen inngang")
    assert [r[late] for r in rows[1:]] == ["Nei", "Ja", "Nei"]


def test_exp006_goals_medians_and_a_partial_note_in_the_workbook(client):
    book = book_of(client.get("/eksport?format=xlsx&side=sone&soner=heimdal&ar=2021"))
    assert book.sheetnames == [
        "Indikatorer",
        "Prosjekter",
        "Mål og kvalitet",
        "Medianer",
        "Notater og oppfølginger",  # issue 11: their own sheet
    ]
    goals = pd.DataFrame(list(book["Mål og kvalitet"].values)[1:])
    statuses = set(goals[8])
    assert {"nådd", "nær", "ikke nådd", "ikke målt"} <= statuses
    medians = list(book["Medianer"].values)
    header = medians[0]
    row_2021 = next(r for r in medians if r[0] == 2021)
    assert row_2021[header.index("Andel innspill fulgt opp")] == pytest.approx(0.55)


def test_exp007_values_no_page_can_show_are_left_empty(tmp_path):
    table = Table(
        [Column("Resultat", "kr"), Column("Andel", "share")],
        [[float("inf"), float("-inf")], [1e3, 0.5]],
    )
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx({"Ark": table})))
    assert [c.value for c in book["Ark"][2]] == [None, None]
    text = to_csv_table(table, "nb").decode("utf-8-sig").splitlines()
    assert text[1] == ";" and text[2] == "1000,0;50,0"
