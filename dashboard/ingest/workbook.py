"""Opening a workbook safely and reading its cells.

Order matters: the zip container is checked (type, member sizes, XML declarations) before
any XML parser sees it, so a zip bomb or an entity attack is refused in seconds without
being inflated. Values are then read with python-calamine (about ten times faster than
openpyxl); calamine shows an error cell and a formula with no stored value as an empty
string, so the sheet XML is scanned for those two cases, which must not pass as blanks.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import python_calamine
from defusedxml import ElementTree as SafeET

ACCEPTED_SUFFIXES = {".xlsx", ".xlsm"}
_CHUNK = 4 * 1024 * 1024
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DECL = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class WorkbookRejected(Exception):
    """The whole file is refused. `code` and `params` feed messages.MESSAGES."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class SheetData:
    name: str
    rows: list[list]  # from A1, so rows[i][j] is Excel row i+1, column j+1
    merged: list[tuple[tuple[int, int], tuple[int, int]]]
    # (row0, col0) -> ("error", "#DIV/0!") or ("formula", "SUM(A1:A3)")
    special: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    too_many_rows: int = 0


@dataclass
class WorkbookData:
    sheets: list[SheetData]
    has_macros: bool = False


def col_letter(index0: int) -> str:
    letters = ""
    n = index0 + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(row0: int, col0: int) -> str:
    return f"{col_letter(col0)}{row0 + 1}"


_REF = re.compile(r"([A-Z]+)(\d+)")


def parse_ref(ref: str) -> tuple[int, int]:
    m = _REF.fullmatch(ref)
    if not m:
        raise ValueError(ref)
    col = 0
    for ch in m[1]:
        col = col * 26 + (ord(ch) - 64)
    return int(m[2]) - 1, col - 1


def check_container(
    data: bytes, filename: str, max_uncompressed: int
) -> tuple[dict[str, bytes], set[str]]:
    """Validate the OOXML zip; return its XML members, inflated under a hard cap, and the
    names of all its members."""
    suffix = PurePosixPath(filename.lower()).suffix
    if data[:8] == _OLE2_MAGIC:
        detail = (
            {"nb": ".xls", "en": ".xls"}
            if suffix == ".xls"
            else {
                "nb": "gammel .xls eller passordbeskyttet fil",
                "en": "old .xls or password-protected file",
            }
        )
        raise WorkbookRejected("unsupported_file", detail=detail)
    if suffix not in ACCEPTED_SUFFIXES:
        raise WorkbookRejected(
            "unsupported_file",
            detail={"nb": suffix or "ingen filendelse", "en": suffix or "no extension"},
        )
    if not data.startswith(b"PK"):
        raise WorkbookRejected(
            "unsupported_file",
            detail={
                "nb": "ikke en Excel-arbeidsbok (OOXML)",
                "en": "not an Excel workbook (OOXML)",
            },
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise WorkbookRejected("corrupt_file", detail=str(exc)) from exc
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise WorkbookRejected(
            "unsupported_file",
            detail={"nb": "zip uten Excel-arbeidsbok", "en": "zip without a workbook"},
        )
    declared = sum(i.file_size for i in infos)
    limit_mb = max_uncompressed // (1024 * 1024)
    if declared > max_uncompressed:
        raise WorkbookRejected("too_large", limit_mb=limit_mb, detail=f"{declared // 1_048_576} MB")
    members: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        # Inflate in bounded steps and count what really comes out: a header that lies
        # about the size must not get a whole member inflated before anything is checked.
        # zipfile also stops at the declared size and then fails the CRC, so a lying member
        # is refused as damaged once it passes its declared size.
        chunks = []
        try:
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    total += len(chunk)
                    if total > max_uncompressed:
                        raise WorkbookRejected(
                            "too_large", limit_mb=limit_mb, detail=f"> {limit_mb} MB"
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise WorkbookRejected("corrupt_file", detail=f"{info.filename}: {exc}") from exc
        content = b"".join(chunks)
        if _DECL.search(_prolog(content)):
            # A DOCTYPE (and so any entity) can only stand before the root element.
            raise WorkbookRejected("xml_entities", detail=info.filename)
        members[info.filename] = content
    return members, names


def _prolog(xml: bytes) -> bytes:
    """The XML before the first element: the only place a DOCTYPE may stand."""
    pos = 0
    while True:
        pos = xml.find(b"<", pos)
        if pos == -1 or pos + 1 >= len(xml):
            return xml
        if xml[pos + 1 : pos + 2] not in (b"?", b"!"):
            return xml[:pos]
        pos += 1


def _sheet_paths(members: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> path of its XML member, from workbook.xml and its relationships."""
    try:
        workbook = SafeET.fromstring(members["xl/workbook.xml"])
        rels = SafeET.fromstring(members.get("xl/_rels/workbook.xml.rels", b"<Relationships/>"))
    except Exception as exc:  # defusedxml raises several types; all mean a broken file
        raise WorkbookRejected("corrupt_file", detail=f"xl/workbook.xml: {exc}") from exc
    targets = {}
    for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[rel.get("Id")] = target
    paths = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        rid = sheet.get(f"{_NS_REL}id")
        if rid in targets:
            paths[sheet.get("name")] = targets[rid]
    return paths


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_ATTR_R = re.compile(rb'\br="([A-Z]+\d+)"')
_ATTR_T_ERR = re.compile(rb'\bt="e"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.DOTALL)
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.DOTALL)


def _may_have_formula(xml: bytes) -> bool:
    """Whether an <f> element may occur. The letter f is rare in sheet XML (text lives in
    sharedStrings), so hopping from f to f at memchr speed beats any pattern search."""
    pos = xml.find(b"f")
    while pos != -1:
        if xml[pos - 1 : pos] in (b"<", b":") and xml[pos + 1 : pos + 2] in (b">", b" ", b"/"):
            return True
        pos = xml.find(b"f", pos + 1)
    return False


def scan_special_cells(xml: bytes) -> dict[tuple[int, int], tuple[str, str]]:
    """Error cells and formula cells without a stored value, by (row0, col0)."""
    if b't="e"' not in xml and not _may_have_formula(xml):
        return {}
    found: dict[tuple[int, int], tuple[str, str]] = {}
    for match in _CELL.finditer(xml):
        attrs, body = match.group(1), match.group(2) or b""
        ref = _ATTR_R.search(attrs)
        if not ref:
            continue
        value = _VALUE.search(body)
        stored = value.group(1).decode("utf-8", "replace") if value else ""
        position = parse_ref(ref.group(1).decode())
        if _ATTR_T_ERR.search(attrs):
            found[position] = ("error", stored or "#ERROR")
            continue
        formula = _FORMULA.search(body)
        if formula and not stored:
            text = (formula.group(1) or b"").decode("utf-8", "replace")
            found[position] = ("formula", "=" + text if text else "=…")
    return found


def read_workbook(data: bytes, filename: str, max_uncompressed: int, max_rows: int) -> WorkbookData:
    members, names = check_container(data, filename, max_uncompressed)
    has_macros = any(name.lower().endswith("vbaproject.bin") for name in names)
    if has_macros and not filename.lower().endswith(".xlsm"):
        # Excel itself refuses to open a macro workbook that carries an .xlsx name.
        raise WorkbookRejected(
            "unsupported_file",
            detail={
                "nb": "makroarbeidsbok med .xlsx-navn; lagre som .xlsm eller uten makroer",
                "en": "macro workbook with an .xlsx name; save as .xlsm or without macros",
            },
        )
    paths = _sheet_paths(members)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine's errors all mean the file cannot be read
        raise WorkbookRejected("corrupt_file", detail=str(exc)) from exc
    sheets = []
    for meta in book.sheets_metadata:
        if str(meta.typ) not in {"SheetTypeEnum.WorkSheet", "WorkSheet"}:
            continue
        try:
            sheet = book.get_sheet_by_name(meta.name)
            height = sheet.end[0] + 1 if sheet.end else 0
            if height > max_rows:
                sheets.append(SheetData(meta.name, [], [], too_many_rows=height))
                continue
            rows = sheet.to_python(skip_empty_area=False)
            merged = list(sheet.merged_cell_ranges or [])
        except Exception as exc:
            raise WorkbookRejected("corrupt_file", detail=f"{meta.name}: {exc}") from exc
        xml = members.get(paths.get(meta.name, ""), b"")
        sheets.append(SheetData(meta.name, rows, merged, scan_special_cells(xml)))
    return WorkbookData(sheets=sheets, has_macros=has_macros)
