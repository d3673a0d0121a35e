"""Opening a workbook safely and reading its cells.

Order matters. The zip container is checked first: every member, whatever its name, is
inflated in bounded steps under a cap on the unpacked size, and every member that is XML has
its prolog checked for DOCTYPE/ENTITY declarations. Then each worksheet's extent is measured
from its XML, both as it declares it (`<dimension ref>`) and as its cells say (their `r`
references, or their positions where they have none): python-calamine allocates the whole
rectangle from A1 to the last cell, so a few bytes naming cells XFD3 and A8000 would ask for
gigabytes. Only when every sheet fits the row and cell caps does calamine read anything.

Values are read with python-calamine (about ten times faster than openpyxl); calamine shows an
error cell and a formula with no stored value as an empty string, so the sheet XML is scanned
for those two cases, which must not pass as blanks.
"""

from __future__ import annotations

import codecs
import html
import io
import posixpath
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
_PROLOG_BYTES = 64 * 1024
# Excel's own limits: a reference beyond them is not a cell.
MAX_SHEET_ROWS, MAX_SHEET_COLUMNS = 1_048_576, 16_384

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_WORKSHEET_REL = "/worksheet"


class WorkbookRejected(Exception):
    """The whole file is refused. `code` and `params` feed messages.MESSAGES; `sheet` names
    the sheet that caused it, when one did."""

    def __init__(self, code: str, sheet: str | None = None, **params):
        super().__init__(code)
        self.code = code
        self.sheet = sheet
        self.params = params


@dataclass
class SheetData:
    name: str
    rows: list[list]  # from A1, so rows[i][j] is Excel row i+1, column j+1
    merged: list[tuple[tuple[int, int], tuple[int, int]]]
    # (row0, col0) -> ("error", "#DIV/0!") or ("formula", "=SUM(A1:A3)")
    special: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)


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


def col_number(letters: str | bytes) -> int:
    """A1-style column letters to a 1-based column number."""
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    col = 0
    for ch in letters:
        col = col * 26 + (ord(ch) - 64)
    return col


def parse_ref(ref: str) -> tuple[int, int]:
    m = _REF.fullmatch(ref)
    if not m:
        raise ValueError(ref)
    return int(m[2]) - 1, col_number(m[1]) - 1


# ---------------------------------------------------------------- the zip container


def check_container(
    data: bytes, filename: str, max_uncompressed: int
) -> tuple[dict[str, bytes], set[str]]:
    """Validate the OOXML zip; return its XML members, inflated under a hard cap, and the
    names of all its members. Every member counts toward the cap, whatever its name."""
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
        if info.is_dir():
            continue
        # Inflate in bounded steps and count what really comes out: a header that lies
        # about the size must not get a whole member inflated before anything is checked.
        # zipfile also stops at the declared size and then fails the CRC, so a lying member
        # is refused as damaged once it passes its declared size. A member that is not XML
        # (a picture, vbaProject.bin) is counted and dropped; one that is XML is kept and
        # checked whatever its name, since the workbook's relationships may point a sheet at
        # any part (`sheet1.bin`).
        chunks: list[bytes] = []
        is_xml: bool | None = None
        try:
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    total += len(chunk)
                    if total > max_uncompressed:
                        raise WorkbookRejected(
                            "too_large", limit_mb=limit_mb, detail=f"> {limit_mb} MB"
                        )
                    if is_xml is None:
                        is_xml = _xml_prolog(chunk) is not None
                    if is_xml:
                        chunks.append(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise WorkbookRejected("corrupt_file", detail=f"{info.filename}: {exc}") from exc
        if not is_xml:
            continue
        content = b"".join(chunks)
        prolog = _xml_prolog(content)
        if prolog is not None and _DECL.search(prolog):
            # A DOCTYPE (and so any entity) can only stand before the root element.
            raise WorkbookRejected("xml_entities", detail=info.filename)
        members[info.filename] = content
    return members, names


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def xml_encoding(content: bytes) -> str | None:
    """The encoding an XML part is in, from its byte-order mark or its first bytes; None when
    the part does not start like XML at all."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return encoding
    head = content[:4]
    if head.startswith(b"<\x00\x00\x00") or head.startswith(b"\x00\x00\x00<"):
        return "utf-32-le" if head[0] == 0x3C else "utf-32-be"
    if head.startswith(b"<\x00") or head.startswith(b"\x00<"):
        return "utf-16-le" if head[0] == 0x3C else "utf-16-be"
    return "utf-8" if content.lstrip()[:1] == b"<" else None


def _xml_prolog(content: bytes) -> bytes | None:
    """The XML before the first element, as UTF-8 (the only place a DOCTYPE may stand), or
    None when the member is not XML."""
    encoding = xml_encoding(content)
    if encoding is None:
        return None
    head = content[:_PROLOG_BYTES]
    if encoding != "utf-8":
        head = head.decode(encoding, "replace").encode("utf-8")
    elif head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    pos = 0
    while True:
        pos = head.find(b"<", pos)
        if pos == -1 or pos + 1 >= len(head):
            return head
        if head[pos + 1 : pos + 2] not in (b"?", b"!"):
            return head[:pos]
        pos += 1


def _worksheet_paths(members: dict[str, bytes]) -> dict[str, str]:
    """Worksheet name -> path of its part, from workbook.xml and its relationships."""
    try:
        workbook = SafeET.fromstring(members["xl/workbook.xml"])
        rels = SafeET.fromstring(members.get("xl/_rels/workbook.xml.rels", b"<Relationships/>"))
    except Exception as exc:  # defusedxml raises several types; all mean a broken file
        raise WorkbookRejected("corrupt_file", detail=f"xl/workbook.xml: {exc}") from exc
    targets = {}
    for rel in rels.iter(f"{_NS_PKG_REL}Relationship"):
        if not str(rel.get("Type", "")).endswith(_WORKSHEET_REL):
            continue
        target = str(rel.get("Target", "")).replace("\\", "/")
        target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[rel.get("Id")] = posixpath.normpath(target)
    paths = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        rid = sheet.get(f"{_NS_REL}id")
        if rid in targets:
            paths[sheet.get("name")] = targets[rid]
    return paths


# ---------------------------------------------------------------- a sheet's extent


@dataclass(frozen=True)
class Extent:
    """A sheet's rectangle from A1, in rows and columns."""

    rows: int
    columns: int

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    @property
    def ref(self) -> str:
        if not self.rows or not self.columns:
            return "A1"
        return f"A1:{col_letter(self.columns - 1)}{self.rows}"


_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_SHEET_DATA = re.compile(rb"<(?:([\w.-]+):)?sheetData\b")
_DECLARED_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d{1,7})")
_DIGITS, _LETTERS = b"0123456789", bytes(range(65, 91))
_SCAN_CHUNK = 16 * 1024 * 1024


def declared_extent(xml: bytes) -> Extent | None:
    """The extent a sheet declares in `<dimension ref="A1:K250">`, if it declares one."""
    start = _SHEET_DATA.search(xml, 0, _PROLOG_BYTES * 4)
    head = xml[: start.start() if start else _PROLOG_BYTES]
    match = _DIMENSION.search(head)
    if not match:
        return None
    corners = _DECLARED_REF.findall(match.group(1).decode("ascii", "replace").upper())
    if not corners:
        return None
    return Extent(max(int(r) for _, r in corners), max(col_number(c) for c, _ in corners))


def actual_extent(xml: bytes, declared: Extent | None = None) -> Extent:
    """The rectangle calamine would allocate: A1 to the furthest row and column any cell
    names (self-closing cells, which hold nothing, are counted too: the check errs on the
    side of refusing). Refuses a cell reference that is not one.

    With a declared extent, one pass looks only for a cell outside it (or one written in an
    unusual form); when there is none, the declared extent stands. Otherwise every cell is
    measured."""
    start = _SHEET_DATA.search(xml)
    if start is None:
        return Extent(0, 0)
    prefix = start.group(1)
    end = xml.rfind(b"sheetData>")
    end = len(xml) if end < start.end() else end
    # Cells written the way spreadsheet programs write them (`<c r="B7" …`, with one prefix
    # throughout or none) are measured with one C-speed pattern; anything else (cells
    # without a reference, odd spacing, a second prefix) takes the exact, slower walk.
    tag = b"<" + prefix + b":c" if prefix else b"<c"
    if declared is not None and _within(xml, tag, start.end(), end, declared):
        return declared
    extent = _scan_canonical(xml, tag, start.end(), end)
    if extent is None:
        return _walk_cells(xml)
    return extent


def _greater_number(limit: int) -> str:
    """A pattern for the whole numbers above `limit` (no leading zeros)."""
    digits = str(limit)
    size = len(digits)
    options = [f"[1-9][0-9]{{{size},}}"]
    for i, d in enumerate(digits):
        if d != "9":
            options.append(f"{digits[:i]}[{int(d) + 1}-9][0-9]{{{size - i - 1}}}")
    return "|".join(options)


def _greater_letters(limit: int) -> str:
    """A pattern for the column letters after column number `limit`."""
    letters = col_letter(limit - 1)
    size = len(letters)
    options = [f"[A-Z]{{{size + 1},3}}"] if size < 3 else []
    for i, c in enumerate(letters):
        if c != "Z":
            options.append(f"{letters[:i]}[{chr(ord(c) + 1)}-Z][A-Z]{{{size - i - 1}}}")
    return "|".join(options) or "(?!)"


def _within(xml: bytes, tag: bytes, start: int, end: int, declared: Extent) -> bool:
    """True when every cell is written in the usual form and lies inside `declared`: one
    search that finds nothing on an honest sheet."""
    if not declared.rows or not declared.columns:
        return False
    outside = (
        r'(?! r="[A-Z])'  # a cell in another form (or another element starting with c)
        rf'| r="(?:{_greater_letters(declared.columns)})[0-9]'  # beyond the last column
        rf'| r="[A-Z]{{1,3}}(?:{_greater_number(declared.rows)})"'  # below the last row
    )
    pattern = re.compile(re.escape(tag) + rb"(?:" + outside.encode() + rb")")
    if pattern.search(xml, start, end):
        return False
    prefixed = xml.count(b":c", start, end)
    if b":" in tag:
        prefixed -= xml.count(tag, start, end) + xml.count(b"</" + tag[1:] + b">", start, end)
    return not prefixed


def _scan_canonical(xml: bytes, tag: bytes, start: int, end: int) -> Extent | None:
    # A cell start tag with its reference, or (group empty) one without: then None.
    pattern = re.compile(re.escape(tag) + rb'(?: r="([A-Z]{1,3}[0-9]{1,7})"|(?=[\s>/]))')
    columns: set[bytes] = set()
    rows: set[bytes] = set()
    found = 0
    pos = start
    while pos < end:
        # Chunks end at a "<", so no reference is ever cut in two.
        stop = xml.find(b"<", pos + _SCAN_CHUNK, end) if pos + _SCAN_CHUNK < end else -1
        stop = end if stop == -1 else stop
        refs = pattern.findall(xml, pos, stop)
        if b"" in refs:
            return None
        found += len(refs)
        joined = b" ".join(refs)
        columns.update(joined.translate(None, _DIGITS).split())
        rows.update(joined.translate(None, _LETTERS).split())
        pos = stop
    # Every prefixed element named c must be one of the cells just counted (or its end tag).
    prefixed = xml.count(b":c", start, end)
    if b":" in tag:
        prefixed -= found + xml.count(b"</" + tag[1:] + b">", start, end)
    if prefixed:
        return None
    if not found:
        return Extent(0, 0)
    return _checked(max(map(int, rows)), max(map(col_number, columns)))


_TAGS = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*?)(/?)>")
_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")


def _walk_cells(xml: bytes) -> Extent:
    """Rows and cells in document order, positions implied where a reference is missing
    (a row without `r` follows the previous one; so does a cell in its row)."""
    max_row = max_col = 0
    row = 0
    col = 0
    for match in _TAGS.finditer(xml):  # one at a time: a file of empty tags stays small
        closing, name, attrs = match.group(1, 2, 3)
        if closing:
            continue
        ref = _ATTR_R.search(attrs)
        if name == b"row":
            row = int(ref.group(1)) if ref and ref.group(1).isdigit() else row + 1
            col = 0
            if not 0 < row <= MAX_SHEET_ROWS:
                raise WorkbookRejected("bad_cell_reference", detail=f"row {row}")
            continue
        if ref:
            text = ref.group(1).decode("ascii", "replace")
            match = _REF.fullmatch(text)
            if not match:
                raise WorkbookRejected("bad_cell_reference", detail=text[:20])
            row, col = int(match[2]), col_number(match[1])
        else:
            col += 1
            row = max(row, 1)
        max_row, max_col = max(max_row, row), max(max_col, col)
    return _checked(max_row, max_col) if max_row or max_col else Extent(0, 0)


def _checked(rows: int, columns: int) -> Extent:
    if not 0 < rows <= MAX_SHEET_ROWS or not 0 < columns <= MAX_SHEET_COLUMNS:
        raise WorkbookRejected("bad_cell_reference", detail=f"{col_letter(columns - 1)}{rows}")
    return Extent(rows, columns)


def check_extent(
    sheet: str, extent: Extent, declared: bool, cells_so_far: int, max_rows: int, max_cells: int
) -> None:
    """Refuse a sheet taller than the row cap, or one that takes the file past the cell cap."""
    said = (
        {"nb": " (slik arket selv oppgir det)", "en": " (as the sheet itself declares)"}
        if declared
        else ""
    )
    if cells_so_far + extent.cells > max_cells:
        raise WorkbookRejected(
            "too_many_cells",
            sheet=sheet,
            ref=extent.ref,
            rows=extent.rows,
            columns=extent.columns,
            cells=extent.cells,
            limit=max_cells,
            declared=said,
        )
    if extent.rows > max_rows:
        raise WorkbookRejected(
            "too_many_rows", sheet=sheet, rows=extent.rows, limit=max_rows, declared=said
        )


# ---------------------------------------------------------------- error and formula cells


_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_CELL_R = re.compile(rb'\br="([A-Z]+\d+)"')
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


def _text(raw: bytes) -> str:
    # The XML's own escapes (&amp; &lt; &#233;) become the characters Excel shows.
    return html.unescape(raw.decode("utf-8", "replace"))


def scan_special_cells(xml: bytes) -> dict[tuple[int, int], tuple[str, str]]:
    """Error cells and formula cells without a stored value, by (row0, col0)."""
    if b't="e"' not in xml and not _may_have_formula(xml):
        return {}
    found: dict[tuple[int, int], tuple[str, str]] = {}
    for match in _CELL.finditer(xml):
        attrs, body = match.group(1), match.group(2) or b""
        ref = _CELL_R.search(attrs)
        if not ref:
            continue
        value = _VALUE.search(body)
        stored = _text(value.group(1)) if value else ""
        position = parse_ref(ref.group(1).decode())
        if _ATTR_T_ERR.search(attrs):
            found[position] = ("error", stored or "#ERROR")
            continue
        formula = _FORMULA.search(body)
        if formula and not stored:
            text = _text(formula.group(1) or b"")
            found[position] = ("formula", "=" + text if text else "=…")
    return found


# ---------------------------------------------------------------- reading


def read_workbook(
    data: bytes, filename: str, max_uncompressed: int, max_rows: int, max_cells: int
) -> WorkbookData:
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
    # Every worksheet is measured before calamine reads any of them; its special cells are
    # found now too, so the XML can be let go before the values are read.
    special: dict[str, dict] = {}
    cells = 0
    for name, path in _worksheet_paths(members).items():
        xml = members.pop(path, None)
        if xml is None:
            raise WorkbookRejected(
                "corrupt_file", detail=f"{name}: {path} mangler eller er ikke XML"
            )
        if xml_encoding(xml) != "utf-8":
            raise WorkbookRejected("corrupt_file", detail=f"{name}: {path} er ikke UTF-8")
        declared = declared_extent(xml)
        if declared is not None:
            check_extent(name, declared, True, cells, max_rows, max_cells)
        try:
            extent = actual_extent(xml, declared)
        except WorkbookRejected as exc:
            exc.sheet = name
            raise
        check_extent(name, extent, False, cells, max_rows, max_cells)
        cells += extent.cells
        special[name] = scan_special_cells(xml)
        del xml
    members.clear()
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = book.sheets_metadata
    except MemoryError:
        raise
    except BaseException as exc:  # calamine's errors, and a Rust panic (pyo3's PanicException)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise WorkbookRejected("corrupt_file", detail=str(exc)[:200]) from exc
    sheets = []
    for meta in metadata:
        if str(meta.typ) not in {"SheetTypeEnum.WorkSheet", "WorkSheet"}:
            continue
        if meta.name not in special:
            # calamine found a sheet the checks above did not measure: never read it blind.
            raise WorkbookRejected("corrupt_file", detail=f"{meta.name}: ukjent arkdel")
        try:
            sheet = book.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = list(sheet.merged_cell_ranges or [])
        except MemoryError:
            raise
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            raise WorkbookRejected("corrupt_file", detail=f"{meta.name}: {exc}"[:200]) from exc
        sheets.append(SheetData(meta.name, rows, merged, special[meta.name]))
    return WorkbookData(sheets=sheets, has_macros=has_macros)
