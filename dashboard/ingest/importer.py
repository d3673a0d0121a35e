"""The one generic importer: reads any workbook against the specs in spec.py.

It never writes anything. It returns the parsed rows per table plus a report of every
problem; the store decides, all or nothing, whether the rows land.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..settings import Settings
from . import spec as S
from .report import ERROR, SKIPPED, WARNING, ImportReport, Problem, SheetReport
from .text import display_cell, norm
from .values import CellProblem, is_blank, split_list
from .workbook import SheetData, WorkbookRejected, cell_ref, read_workbook
from .zones import ZoneRegistry, zone_key

_GENERIC_NAME = re.compile(r"^(ark|sheet|blad|data|tabell|table)\s*\d*$")
_TOTALS = {norm(label) for label in S.TOTAL_LABELS}
_SPECS_BY_SHEET_NAME: dict[str, list[S.SheetSpec]] = {}
for _spec in S.SPECS:
    for _name in _spec.sheet_names:
        _SPECS_BY_SHEET_NAME.setdefault(norm(_name), []).append(_spec)


@dataclass
class ParsedFile:
    report: ImportReport
    tables: dict[str, list[dict]] = field(default_factory=dict)
    # table -> the replace keys this file covers
    keys: dict[str, set[str]] = field(default_factory=dict)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_file(path: Path | str, registry: ZoneRegistry, settings: Settings) -> ParsedFile:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        report = ImportReport(file=path.name, sha256="")
        report.problems.append(
            Problem(ERROR, "corrupt_file", path.name, params={"detail": exc.strerror or str(exc)})
        )
        return ParsedFile(report)
    return parse_bytes(data, path.name, registry, settings)


def parse_bytes(
    data: bytes, filename: str, registry: ZoneRegistry, settings: Settings
) -> ParsedFile:
    report = ImportReport(file=filename, sha256=sha256_of(data))
    parsed = ParsedFile(report)
    try:
        book = read_workbook(
            data, filename, settings.max_uncompressed_bytes, settings.max_rows_per_sheet
        )
    except WorkbookRejected as exc:
        report.problems.append(Problem(ERROR, exc.code, filename, params=exc.params))
        return parsed
    if book.has_macros:
        report.problems.append(Problem(WARNING, "macros_ignored", filename))

    seen_keys: dict[str, dict[tuple, tuple[str, int]]] = {}
    for sheet in book.sheets:
        reader = _SheetReader(sheet, filename, registry, settings, report)
        spec = reader.resolve_kind()
        if spec is None:
            continue
        rows = reader.read(spec)
        table_rows = parsed.tables.setdefault(spec.table, [])
        keys = seen_keys.setdefault(spec.table, {})
        replace = parsed.keys.setdefault(spec.table, set())
        for row in rows:
            key = tuple(row[f] for f in spec.row_key)
            first = keys.get(key)
            if first is not None:
                report.problems.append(
                    Problem(
                        ERROR,
                        "duplicate_key",
                        filename,
                        sheet.name,
                        row["excel_row"],
                        params={
                            "key": ", ".join(display_cell(k) for k in key),
                            "first": f"«{first[0]}» rad {first[1]}",
                            "second": f"«{sheet.name}» rad {row['excel_row']}",
                        },
                    )
                )
                continue
            keys[key] = (sheet.name, row["excel_row"])
            row["replace_key"] = "|".join(str(row[f]) for f in spec.replace_key)
            replace.add(row["replace_key"])
            table_rows.append(row)

    if not any(s.kind for s in report.sheets) and not report.errors:
        report.problems.append(
            Problem(
                ERROR,
                "no_sheet_recognised",
                filename,
                params={
                    "sheets": ", ".join(f"«{s.name}»" for s in book.sheets) or "–",
                    "expected": ", ".join(dict.fromkeys(s.title_nb for s in S.SPECS if not s.melt)),
                },
            )
        )
    if report.errors:
        parsed.tables, parsed.keys = {}, {}
    return parsed


def _expected(col: S.Col) -> tuple[str, str]:
    nb, en = col.kind.expected_nb, col.kind.expected_en
    if col.min is not None or col.max is not None:
        low = "" if col.min is None else _fmt(col.min)
        high = "" if col.max is None else _fmt(col.max)
        if col.min is not None and col.max is not None:
            nb, en = f"{nb}, fra {low} til {high}", f"{en}, from {low} to {high}"
        elif col.min_exclusive:
            nb, en = f"{nb}, større enn {low}", f"{en}, greater than {low}"
        else:
            nb, en = f"{nb}, {low} eller mer", f"{en}, {low} or more"
    if col.required:
        nb, en = f"{nb} (påkrevd)", f"{en} (required)"
    return nb, en


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number).replace(".", ",")


class _SheetReader:
    def __init__(self, sheet: SheetData, filename: str, registry: ZoneRegistry, settings, report):
        self.sheet = sheet
        self.file = filename
        self.registry = registry
        self.settings = settings
        self.report = report
        self.sheet_report = SheetReport(name=sheet.name)
        report.sheets.append(self.sheet_report)
        self.header_row = -1
        self.data_start = 0
        self.mapping: dict[str, int] = {}
        self.header_text: dict[str, str] = {}

    def problem(self, level, code, row0=None, col0=None, **kw) -> Problem:
        p = Problem(
            level,
            code,
            self.file,
            self.sheet.name,
            None if row0 is None else row0 + 1,
            cell=None if row0 is None or col0 is None else cell_ref(row0, col0),
            **kw,
        )
        self.report.problems.append(p)
        return p

    # ------------------------------------------------------------ which kind of sheet

    def _header_rows(self) -> list[list[str]]:
        """The first rows as normalised text, merged header cells filled from their top-left."""
        limit = S.HEADER_SEARCH_ROWS
        rows = [
            [norm(c) if isinstance(c, str) else norm(display_cell(c)) for c in r]
            for r in self.sheet.rows[:limit]
        ]
        for (r0, c0), (r1, c1) in self.sheet.merged:
            if r0 >= limit or r0 >= len(rows):
                continue
            value = rows[r0][c0] if c0 < len(rows[r0]) else ""
            for r in range(r0, min(r1, limit - 1, len(rows) - 1) + 1):
                for c in range(c0, c1 + 1):
                    if c < len(rows[r]) and not rows[r][c]:
                        rows[r][c] = value
        return rows

    def _match(self, spec: S.SheetSpec, header: list[str]) -> tuple[dict[str, int], list[int]]:
        labels = {norm(label): col for col in spec.columns for label in col.labels}
        mapping: dict[str, int] = {}
        unknown: list[int] = []
        for idx, text in enumerate(header):
            if not text:
                continue
            col = labels.get(text)
            if col is None:
                unknown.append(idx)
            elif col.field not in mapping:
                mapping[col.field] = idx
        return mapping, unknown

    def _fits(self, spec: S.SheetSpec, mapping: dict[str, int]) -> bool:
        if any(c.field not in mapping for c in spec.required):
            return False
        return not spec.require_any or any(f in mapping for f in spec.require_any)

    def _find_header(self, spec: S.SheetSpec) -> int | None:
        for r, header in enumerate(self._header_rows()):
            if self._fits(spec, self._match(spec, header)[0]):
                return r
        return None

    def resolve_kind(self) -> S.SheetSpec | None:
        if self.sheet.too_many_rows:
            self.problem(
                ERROR,
                "too_many_rows",
                params={
                    "rows": self.sheet.too_many_rows,
                    "limit": self.settings.max_rows_per_sheet,
                },
            )
            return None
        name = norm(self.sheet.name)
        candidates = _SPECS_BY_SHEET_NAME.get(name)
        if candidates:
            for spec in candidates:
                row = self._find_header(spec)
                if row is not None:
                    return self._accept(spec, row)
            self._report_missing_header(candidates[0])
            return None
        if _GENERIC_NAME.match(name):
            fits = []
            for spec in S.SPECS:
                row = self._find_header(spec)
                if row is not None:
                    fits.append((spec, row))
            tables = {spec.table for spec, _ in fits}
            if len(tables) == 1:
                return self._accept(*fits[0])
            if len(tables) > 1:
                self.problem(
                    WARNING,
                    "sheet_ambiguous",
                    params={"kinds": ", ".join(dict.fromkeys(s.title_nb for s, _ in fits))},
                )
                return None
        self.problem(SKIPPED, "sheet_skipped")
        return None

    def _report_missing_header(self, spec: S.SheetSpec) -> None:
        best: set[str] = set()
        for header in self._header_rows():
            found = set(self._match(spec, header)[0])
            if len(found) > len(best):
                best = found
        missing = [c.header for c in spec.required if c.field not in best]
        if spec.require_any and not any(f in best for f in spec.require_any):
            missing.append(" / ".join(spec.column(f).header for f in spec.require_any))
        self.problem(
            ERROR,
            "header_not_found",
            params={"rows": S.HEADER_SEARCH_ROWS, "missing": ", ".join(f"«{m}»" for m in missing)},
        )

    def _accept(self, spec: S.SheetSpec, header_row: int) -> S.SheetSpec:
        self.header_row = header_row
        header = self._header_rows()[header_row]
        raw_header = self.sheet.rows[header_row]
        mapping, unknown = self._match(spec, header)
        labels = {norm(label): col for col in spec.columns for label in col.labels}
        first_at: dict[str, int] = {}
        for idx, text in enumerate(header):
            col = labels.get(text)
            if col is None:
                continue
            if col.field in first_at:
                self.problem(
                    ERROR,
                    "duplicate_header",
                    header_row,
                    idx,
                    column=col.header,
                    params={
                        "column": col.header,
                        "first": cell_ref(header_row, first_at[col.field]),
                        "second": cell_ref(header_row, idx),
                    },
                )
            else:
                first_at[col.field] = idx
        self.mapping = mapping
        self.header_text = {
            f: display_cell(raw_header[i]).replace("\n", " ").strip() or spec.column(f).header
            for f, i in mapping.items()
        }
        if unknown:
            names = [
                display_cell(raw_header[i]).replace("\n", " ") or cell_ref(header_row, i)
                for i in unknown
            ]
            self.sheet_report.unknown_columns = names
            self.problem(WARNING, "unknown_columns", params={"columns": ", ".join(names)})
        # Data begins below the header and below any merged header cell that reaches lower.
        start = header_row + 1
        for (r0, _c0), (r1, _c1) in self.sheet.merged:
            if r0 <= header_row <= r1:
                start = max(start, r1 + 1)
        self.data_start = start
        self.sheet_report.kind = spec.kind
        self.sheet_report.title = spec.title_nb
        return spec

    # ------------------------------------------------------------ rows

    def read(self, spec: S.SheetSpec) -> list[dict]:
        rows = self.sheet.rows
        special = self.sheet.special
        special_rows = {r for r, _ in special}
        zone_field = "zones" if "zones" in self.mapping else "zone_id"
        zone_idx = self.mapping.get(zone_field)

        data_idx: list[int] = []
        for r in range(self.data_start, len(rows)):
            cells = rows[r]
            filled = [c for c in cells if not is_blank(c)]
            if not filled and r not in special_rows:
                continue
            if zone_idx is not None and zone_idx < len(cells) and norm(cells[zone_idx]) in _TOTALS:
                self.problem(
                    SKIPPED, "skipped_total", r, zone_idx, value=display_cell(cells[zone_idx])
                )
                continue
            if len(filled) == 1 and isinstance(filled[0], str) and r not in special_rows:
                self.problem(SKIPPED, "skipped_footnote", r, value=filled[0].strip()[:120])
                continue
            data_idx.append(r)
        self.sheet_report.skipped = sum(
            1 for p in self.report.problems if p.sheet == self.sheet.name and p.level == SKIPPED
        )

        # Column by column, memoizing the parse per distinct raw value.
        parsed_cols: dict[str, list] = {}
        bad_rows: set[int] = set()
        for col in spec.columns:
            idx = self.mapping.get(col.field)
            if idx is None:
                continue
            parsed_cols[col.field] = self._parse_column(col, idx, data_idx, bad_rows)

        out: list[dict] = []
        for n, r in enumerate(data_idx):
            if r in bad_rows:
                continue
            row: dict = {"sheet": self.sheet.name, "excel_row": r + 1}
            for col in spec.columns:
                values = parsed_cols.get(col.field)
                value = (
                    values[n]
                    if values is not None
                    else (col.kind.blank if not col.required else None)
                )
                if col.fields:
                    parts = value if value is not None else (None,) * len(col.fields)
                    row.update(zip(col.fields, parts, strict=True))
                else:
                    row[col.field] = value
            if not self._check_rules(spec, row, r):
                continue
            if spec.derive:
                spec.derive(row)
            self._warn_inactive_zone(row, r, zone_idx)
            if spec.melt:
                out.extend(self._melt(spec, row))
            else:
                out.append(row)
        self.sheet_report.rows = len(out)
        self.sheet_report.years = sorted(
            {row.get("year") or row.get("start_year") for row in out} - {None}
        )
        zones: set[str] = set()
        for row in out:
            zones.update((row.get("zones") or row.get("zone_id") or "").split(";"))
        self.sheet_report.zones = sorted(z for z in zones if z)
        return out

    def _parse_column(self, col: S.Col, idx: int, data_idx: list[int], bad_rows: set[int]) -> list:
        rows = self.sheet.rows
        special = self.sheet.special
        parse = self._parser_for(col)
        cache: dict = {}
        values: list = []
        header = self.header_text.get(col.field, col.header)
        for r in data_idx:
            cells = rows[r]
            raw = cells[idx] if idx < len(cells) else ""
            mark = special.get((r, idx)) if special else None
            if mark is not None:
                kind, text = mark
                code = "error_cell" if kind == "error" else "formula_no_value"
                self._cell_problem(col, r, idx, header, text, CellProblem(code, detail=text))
                bad_rows.add(r)
                values.append(None)
                continue
            key = (type(raw), raw)
            try:
                result = cache[key]
            except KeyError:
                result = cache[key] = self._parse_one(col, parse, raw)
            except TypeError:  # unhashable: never from calamine, but stay safe
                result = self._parse_one(col, parse, raw)
            if isinstance(result, CellProblem):
                self._cell_problem(col, r, idx, header, display_cell(raw), result)
                bad_rows.add(r)
                values.append(None)
            else:
                values.append(result)
        return values

    def _parse_one(self, col: S.Col, parse, raw):
        if is_blank(raw):
            return CellProblem("missing") if col.required else col.kind.blank
        try:
            value = parse(raw)
        except CellProblem as problem:
            return problem
        number = value[0] if isinstance(value, tuple) else value
        if isinstance(number, int | float) and not isinstance(number, bool):
            low_bad = col.min is not None and (
                number <= col.min if col.min_exclusive else number < col.min
            )
            if low_bad or (col.max is not None and number > col.max):
                return CellProblem("out_of_range")
        return value

    def _parser_for(self, col: S.Col):
        if col.kind is S.ZONE:
            return self._parse_zone
        if col.kind is S.ZONE_LIST:
            return self._parse_zone_list
        return col.kind.parse

    def _parse_zone(self, raw) -> str:
        zone = self.registry.match(raw)
        if zone is None:
            raise self._unknown_zone(raw)
        return zone.id

    def _parse_zone_list(self, raw) -> str:
        ids = []
        for item in split_list(raw):
            zone = self.registry.match(item)
            if zone is not None:
                ids.append(zone.id)
            elif zone_key(item):  # "Hjemmetjenesten, Byåsen" leaves a bare noise word
                raise self._unknown_zone(item)
        if not ids:
            raise CellProblem("missing")
        return ";".join(dict.fromkeys(ids))

    def _unknown_zone(self, raw) -> CellProblem:
        names = self.registry.suggestions(raw)
        return CellProblem(
            "unknown_zone",
            suggestion={
                "nb": f" Mente du {' eller '.join(f'«{n}»' for n in names)}?" if names else "",
                "en": f" Did you mean {' or '.join(repr(n) for n in names)}?" if names else "",
            },
            suggestions=names,
        )

    def _cell_problem(self, col, r, c, header, value, problem: CellProblem) -> None:
        nb, en = _expected(col)
        if col.kind in (S.ZONE, S.ZONE_LIST):
            known = ", ".join(z.name for z in self.registry.zones)
            nb, en = f"{nb}: {known}", f"{en}: {known}"
        self.problem(
            ERROR,
            problem.code,
            r,
            c,
            column=header,
            value=value,
            expected_nb=nb,
            expected_en=en,
            params=problem.params,
        )

    def _check_rules(self, spec: S.SheetSpec, row: dict, r: int) -> bool:
        ok = True
        for rule in spec.rules:
            needed = [f for f in rule.blame.split(",") if f]
            try:
                passed = rule.check(row)
            except TypeError:  # a value the rule needs is blank in an optional column
                passed = True
            if passed:
                continue
            col = spec.column(needed[0])
            idx = self.mapping.get(col.field)
            params = {"detail_nb": rule.nb, "detail_en": rule.en}
            value = display_cell(self.sheet.rows[r][idx]) if idx is not None else None
            if rule.warning:
                self.problem(
                    WARNING,
                    rule.code,
                    r,
                    idx,
                    column=self.header_text.get(col.field),
                    value=value,
                    params=params,
                )
            else:
                self.problem(
                    ERROR,
                    rule.code,
                    r,
                    idx,
                    column=self.header_text.get(col.field),
                    value=value,
                    params=params,
                )
                ok = False
        return ok

    def _warn_inactive_zone(self, row: dict, r: int, zone_idx: int | None) -> None:
        when = row.get("date") or row.get("year") or row.get("start_year")
        if when is None:
            return
        for zone_id in (row.get("zones") or row.get("zone_id") or "").split(";"):
            zone = self.registry.by_id.get(zone_id)
            if zone is None or zone.active_from is None:
                continue
            too_early = (
                when < zone.active_from if hasattr(when, "year") else when < zone.active_from.year
            )
            if too_early:
                self.problem(
                    WARNING,
                    "zone_not_active",
                    r,
                    zone_idx,
                    params={
                        "zone": zone.name,
                        "active": zone.active_from.strftime("%d.%m.%Y"),
                        "when": when.strftime("%d.%m.%Y") if hasattr(when, "year") else str(when),
                    },
                )

    def _melt(self, spec: S.SheetSpec, row: dict) -> list[dict]:
        base = {k: val for k, val in row.items() if k not in spec.melt}
        out = []
        for theme in spec.melt:
            score = row.get(theme)
            if score is None:
                continue
            out.append({**base, spec.melt_to: theme, spec.melt_value: score})
        return out
