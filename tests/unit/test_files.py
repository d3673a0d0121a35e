"""Whole-file problems: unsupported types, broken zips, hostile files and size limits."""

import io
import tracemalloc
import zipfile

import pytest

from dashboard.ingest.importer import parse_bytes, parse_file
from tests.workbooks import ECONOMY_HEADER, add_member, bomb, rewrite_member, write_xlsx

ROWS = {"Økonomi": [ECONOMY_HEADER, [2019, "Byåsen", 1000, 900, 800]]}


@pytest.fixture
def good(tmp_path):
    return write_xlsx(tmp_path / "god.xlsx", ROWS)


def only_error(parsed):
    (problem,) = parsed.report.errors
    assert parsed.tables == {}
    return problem


@pytest.mark.parametrize(
    "name, data",
    [
        ("gammel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
        ("forkledd.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
        ("tall.csv", "År;Enhet\n2019;Byåsen\n".encode()),
        ("rapport.pdf.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
        ("tekst.xlsx", b"dette er ikke en arbeidsbok"),
        ("uten-endelse", b"PK\x03\x04"),
    ],
)
def test_fil001_unsupported_files(name, data, registry, settings):
    problem = only_error(parse_bytes(data, name, registry, settings))
    assert problem.code == "unsupported_file" and problem.file == name
    assert ".xlsx" in problem.message()


def test_fil002_ods_is_unsupported(tmp_path, good, registry, settings):
    problem = only_error(parse_bytes(good.read_bytes(), "regneark.ods", registry, settings))
    assert problem.code == "unsupported_file" and ".ods" in problem.message()


def test_fil003_zip_that_is_not_a_workbook(registry, settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    problem = only_error(parse_bytes(buffer.getvalue(), "brev.xlsx", registry, settings))
    assert problem.code == "unsupported_file"


def test_fil004_truncated_workbook_is_corrupt(good, registry, settings):
    data = good.read_bytes()
    problem = only_error(parse_bytes(data[: len(data) // 2], "kuttet.xlsx", registry, settings))
    assert problem.code in {"corrupt_file", "unsupported_file"}
    assert problem.file == "kuttet.xlsx"


def test_fil005_xlsm_is_read_and_macros_are_ignored(tmp_path, good, registry, settings):
    data = add_member(good.read_bytes(), "xl/vbaProject.bin", b"\0macro")
    parsed = parse_bytes(data, "med-makro.xlsm", registry, settings)
    assert parsed.report.errors == []
    assert "macros_ignored" in [p.code for p in parsed.report.warnings]
    assert len(parsed.tables["economy"]) == 1


def test_fil006_macro_workbook_disguised_as_xlsx_is_refused(good, registry, settings):
    data = add_member(good.read_bytes(), "xl/vbaProject.bin", b"\0macro")
    problem = only_error(parse_bytes(data, "forkledd.xlsx", registry, settings))
    assert problem.code == "unsupported_file" and ".xlsm" in problem.message()


@pytest.mark.parametrize(
    "doctype",
    [
        b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>',
        b'<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    ],
    ids=["billion-laughs", "external-entity"],
)
@pytest.mark.parametrize("member", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_fil007_xml_entity_tricks_are_refused(doctype, member, good, registry, settings):
    def inject(xml: bytes) -> bytes:
        end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
        return xml[:end] + doctype + xml[end:]

    rewrite_member(good, member, inject)
    problem = only_error(parse_file(good, registry, settings))
    assert problem.code == "xml_entities" and member in problem.message()


def test_fil008_too_many_rows_per_sheet(tmp_path, registry, settings):
    rows = [ECONOMY_HEADER] + [[2000 + i % 50, "Byåsen", 1, 1, 1] for i in range(30)]
    path = write_xlsx(tmp_path / "lang.xlsx", {"Økonomi": rows})
    parsed = parse_file(path, registry, settings.with_overrides(max_rows_per_sheet=20))
    problem = only_error(parsed)
    assert problem.code == "too_many_rows" and problem.sheet == "Økonomi"
    assert "20" in problem.message()


@pytest.fixture(scope="module")
def bombs():
    gib = 1024 * 1024 * 1024
    return {"honest": bomb(gib, lie=False), "lying": bomb(gib, lie=True)}


@pytest.mark.parametrize("kind", ["honest", "lying"])
def test_fil009_zip_bomb_is_refused_without_inflating_it(kind, bombs, registry, settings):
    data = bombs[kind]
    assert len(data) < 3 * 1024 * 1024  # a few MB that inflate to 1 GB
    tracemalloc.start()
    try:
        problem = only_error(parse_bytes(data, "bombe.xlsx", registry, settings))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if kind == "honest":
        assert problem.code == "too_large" and "300 MB" in problem.message()
    else:
        # Sizes that lie make the inflated bytes fail their checksum: refused as damaged.
        assert problem.code in {"too_large", "corrupt_file"}
    # Memory, not time (time belongs in bench/): the 1 GB is never held, only a few chunks.
    assert peak < 64 * 1024 * 1024
