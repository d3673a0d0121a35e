"""Hostile uploads through the web: each is refused with a clear Norwegian message, every
worker stays healthy, and the stored data does not change."""

import pytest

from tests.reliability.harness import UPLOAD_LIMIT_MB, healthy_everywhere
from tests.unit.test_files import ROWS
from tests.unit.test_store import snapshot
from tests.workbooks import add_cells, add_member, bomb, move_member, rewrite_member, write_xlsx

pytestmark = pytest.mark.reliability

BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
# CSV, not xlsx: a workbook carries the time it was written, so two are never byte-equal.
EXPORTS = (
    "/eksport?format=csv&side=oversikt",
    "/eksport?format=csv&side=sone&soner=heimdal",
)


def zip_bomb(_tmp_path):
    return "bombe.xlsx", bomb(1024**3, lie=False)


def xml_entities(tmp_path):
    def inject(xml: bytes) -> bytes:
        end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
        return xml[:end] + BILLION_LAUGHS + xml[end:]

    path = write_xlsx(tmp_path / "entiteter.xlsx", ROWS)
    return path.name, rewrite_member(path, "xl/workbook.xml", inject).read_bytes()


def macro_as_xlsx(tmp_path):
    data = write_xlsx(tmp_path / "makro.xlsx", ROWS).read_bytes()
    return "makro.xlsx", add_member(data, "xl/vbaProject.bin", b"\0macro")


def far_apart_cells(tmp_path):
    """A few KB whose cells at XFD3 and A1048576 once aborted the reader in Rust."""
    path = add_cells(write_xlsx(tmp_path / "spredt.xlsx", ROWS), {"XFD3": 1, "A1048576": 1})
    return path.name, path.read_bytes()


def sheet_as_bin(tmp_path):
    """The sheet stored as `.bin`, with an entity declaration: once never checked."""
    path = write_xlsx(tmp_path / "bin.xlsx", ROWS)
    move_member(path, "xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.bin")

    def inject(xml: bytes) -> bytes:
        end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
        return xml[:end] + BILLION_LAUGHS + xml[end:]

    return path.name, rewrite_member(path, "xl/worksheets/sheet1.bin", inject).read_bytes()


def pdf_as_xlsx(_tmp_path):
    return "rapport.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 4096


HOSTILE = {
    "zip-bomb": (zip_bomb, "Filen pakker seg ut til mer enn 300 MB (1024 MB) og avvises."),
    "xml-entities": (
        xml_entities,
        "Filen inneholder XML-deklarasjoner (DOCTYPE/ENTITY) i xl/workbook.xml",
    ),
    "macro-disguised": (macro_as_xlsx, "Filtypen støttes ikke (makroarbeidsbok med .xlsx-navn"),
    "not-excel": (pdf_as_xlsx, "Filtypen støttes ikke (ikke en Excel-arbeidsbok (OOXML))"),
    "far-apart-cells": (far_apart_cells, "Arket dekker A1:XFD1048576"),
    "sheet-as-bin": (
        sheet_as_bin,
        "Filen inneholder XML-deklarasjoner (DOCTYPE/ENTITY) i xl/worksheets/sheet1.bin",
    ),
}


@pytest.fixture
def unchanged(server, server_store):
    """Asserts after the test that data, version and exports are exactly as before it, and
    that the only trace of the upload is a refused batch in the history."""
    exports = {path: server.get(path).content for path in EXPORTS}
    version = server.get("/healthz").json()["data_version"]
    before = snapshot(server_store)
    yield
    healthy_everywhere(server)
    assert server.get("/healthz").json()["data_version"] == version
    assert {path: server.get(path).content for path in EXPORTS} == exports
    after = snapshot(server_store)
    new_batches = after.pop("batches")[len(before["batches"]) :]
    assert {b.outcome for b in new_batches} <= {"rejected"}
    assert after == {k: v for k, v in before.items() if k != "batches"}


@pytest.mark.parametrize("kind", HOSTILE)
def test_rel004_hostile_workbook_is_refused_with_a_clear_message(kind, admin, unchanged, tmp_path):
    make, message = HOSTILE[kind]
    name, data = make(tmp_path)
    response = admin.upload((name, data))
    assert response.status_code == 422, response.text[:500]
    (report,) = response.json()
    assert report["outcome"] == "rejected" and report["file"] == name
    (error,) = report["errors"]
    assert message in error["message"].replace("\u00a0", " "), error["message"]
    assert error["message_en"] and error["message_en"] != error["message"]
    # Refused files are in the history too, with the same outcome.
    assert report["batch_id"] and report["outcome"] == "rejected"


def test_rel005_over_size_request_is_refused_with_a_clear_message(admin, unchanged):
    data = b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024)
    response = admin.upload(("stor.xlsx", data))
    assert response.status_code == 413
    body = response.json()
    assert body["message"] == (
        f"Forespørselen er for stor. Filer kan være på høyst {UPLOAD_LIMIT_MB} MB."
    )
    assert f"at most {UPLOAD_LIMIT_MB} MB" in body["message_en"]
