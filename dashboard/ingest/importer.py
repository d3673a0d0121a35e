"""The one generic importer: reads any workbook against the specs in spec.py.

It never writes anything. It returns the parsed rows per table plus a report of every
problem; the store decides, all or nothing, whether the rows land.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path

from ..settings import Settings
from . import spec as S
from . import values as v
from .messages import number
from .report import ERROR, SKIPPED, WARNING, ImportReport, Problem, SheetReport
from .text import display_cell, norm
from .values import CellProblem, is_blank, split_list
from .workbook import SheetData, WorkbookRejected, cell_ref, read_workbook
from .zones import ZoneRegistry, zone_key

_GENERIC_NAME = re.compile(
    rf"^({'|'.join(re.escape(norm(n)) for n in S.GENERIC_SHEET_NAMES)})\s*\d*$"
)
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
        return ParsedFile(
            ImportReport.refused(path.name, "corrupt_file", detail=exc.strerror or str(exc))
        )
    return parse_bytes(data, path.name, registry, settings)


def parse_bytes(
    data: bytes, filename: str, registry: ZoneRegistry, settings: Settings
) -> ParsedFile:
    report = ImportReport(file=filename, sha256=sha256_of(data))
    parsed = ParsedFile(report)
    try:
        book = read_workbook(
            data,
            filename,
            settings.max_uncompressed_bytes,
            settings.max_rows_per_sheet,
            settings.max_cells,
        )
    except WorkbookRejected as exc:
        report.add(Problem(ERROR, exc.code, filename, exc.sheet, params=exc.params))
        return parsed
    if book.has_macros:
        report.add(Problem(WARNING, "macros_ignored", filename))

    seen_keys: dict[str, dict[tuple, tuple[str, int]]] = {}
    lookalikes: list[str] = []
    for sheet in book.sheets:
        reader = _SheetReader(sheet, filename, registry, settings, report)
        spec = reader.resolve_kind()
        if spec is None:
            lookalikes += reader.lookalike_hints
            continue
        rows = reader.read(spec)
        table_rows = parsed.tables.setdefault(spec.table, [])
        keys = seen_keys.setdefault(spec.table, {})
        replace = parsed.keys.setdefault(spec.table, set())
        key_of = itemgetter(*spec.row_key)
        replace_of = itemgetter(*spec.replace_key)
        for row in rows:
            key = key_of(row)
            first = keys.get(key)
            if first is not None:
                report.add(
                    Problem(
                        ERROR,
                        "duplicate_key",
                        filename,
                        sheet.name,
                        row["excel_row"],
                        params={
                            "key": ", ".join(
                                display_cell(k) for k in (key if isinstance(key, tuple) else [key])
                            ),
                            "first": f"«{first[0]}» rad {first[1]}",
                            "second": f"«{sheet.name}» rad {row['excel_row']}",
                        },
                    )
                )
                continue
            keys[key] = (sheet.name, row["excel_row"])
            replace_key = replace_of(row)
            row["replace_key"] = (
                "|".join(map(str, replace_key)) if isinstance(replace_key, tuple) else replace_key
            )
            replace.add(row["replace_key"])
            table_rows.append(row)

    if not any(s.kind for s in report.sheets) and not report.error_count:
        report.add(
            Problem(
                ERROR,
                "no_sheet_recognised",
                filename,
                params={
                    "sheets": ", ".join(f"«{s.name}»" for s in book.sheets) or "–",
                    "expected": ", ".join(dict.fromkeys(s.title_nb for s in S.SPECS if not s.melt)),
                    "hint": {
                        lang: "".join(hint[lang] for hint in lookalikes) for lang in ("nb", "en")
                    },
                },
            )
        )
    if report.error_count:
        parsed.tables, parsed.keys = {}, {}
    return parsed


def _is_space(cell) -> bool:
    return cell.__class__ is str and cell.isspace()


@dataclass(frozen=True)
class Bounds:
    """The values a column accepts: its kind's limits, the column's own and the settings'
    window for years and dates. None means no bound on that side."""

    low: object = None
    high: object = None
    low_exclusive: bool = False

    def breaks(self, value) -> bool:
        if self.low is not None and (value <= self.low if self.low_exclusive else value < self.low):
            return True
        return self.high is not None and value > self.high


def column_bounds(col: S.Col, settings: Settings) -> Bounds:
    low = high = None
    if col.kind is v.YEAR:
        low, high = settings.year_min, min(2100, settings.year_max + col.years_ahead)
    elif col.kind is v.DATE:
        low, high = date(settings.year_min, 1, 1), date(settings.year_max, 12, 31)
    elif col.kind.limits:
        low, high = col.kind.limits
    if col.min is not None:
        low = col.min if low is None else max(low, col.min)
    if col.max is not None:
        high = col.max if high is None else min(high, col.max)
    return Bounds(low, high, col.min_exclusive and low == col.min)


def _shown(value, lang: str) -> str:
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if float(value).is_integer():
        text = number(abs(int(value)), lang)
    else:
        text = str(abs(value)) if lang == "en" else str(abs(value)).replace(".", ",")
    return ("-" if lang == "en" else "\u2212") + text if value < 0 else text


def _range(bounds: Bounds, lang: str) -> str:
    low = None if bounds.low is None else _shown(bounds.low, lang)
    high = None if bounds.high is None else _shown(bounds.high, lang)
    en = lang == "en"
    if low is not None and high is not None:
        if bounds.low_exclusive:
            return f"above {low} and at most {high}" if en else f"over {low} og høyst {high}"
        return f"from {low} to {high}" if en else f"fra {low} til {high}"
    if low is not None:
        if bounds.low_exclusive:
            return f"greater than {low}" if en else f"større enn {low}"
        return f"{low} or more" if en else f"{low} eller mer"
    if high is not None:
        return f"at most {high}" if en else f"høyst {high}"
    return ""


def _expected(col: S.Col, bounds: Bounds) -> tuple[str, str]:
    texts = []
    for lang, template in (("nb", col.kind.expected_nb), ("en", col.kind.expected_en)):
        if "{" in template:
            text = template.format(low=bounds.low, high=bounds.high, range=_range(bounds, lang))
            text = text.replace("  ", " ").replace(" ,", ",")
        elif bounds.low is not None or bounds.high is not None:
            text = f"{template}, {_range(bounds, lang)}"
        else:
            text = template
        texts.append(text)
    nb, en = texts
    if col.required:
        nb, en = f"{nb} (påkrevd)", f"{en} (required)"
    return nb, en


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
        self.bounds: dict[str, Bounds] = {}
        self.skipped_rows = 0
        # For a sheet that is not read: "its headers fit «Økonomi»", in both languages.
        self.lookalike_hints: list[dict[str, str]] = []

    def problem(self, level, code, row0=None, col0=None, **kw) -> None:
        if level == SKIPPED and row0 is not None:
            self.skipped_rows += 1
        if self.report.full(level):
            self.report.count_only(level)  # counted, not kept: no need to build it
            return
        self.report.add(
            Problem(
                level,
                code,
                self.file,
                self.sheet.name,
                None if row0 is None else row0 + 1,
                cell=None if row0 is None or col0 is None else cell_ref(row0, col0),
                **kw,
            )
        )

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

    def _lookalikes(self, excluding: tuple[S.SheetSpec, ...] = ()) -> list[str]:
        """The sheet names whose headers this sheet's header row fits."""
        found = [
            spec
            for spec in S.SPECS
            if spec not in excluding and self._find_header(spec) is not None
        ]
        found = [spec for spec in found if spec.table not in {s.table for s in excluding}]
        return list(dict.fromkeys(spec.sheet_names[0] for spec in found))

    def resolve_kind(self) -> S.SheetSpec | None:
        name = norm(self.sheet.name)
        candidates = _SPECS_BY_SHEET_NAME.get(name)
        if candidates:
            for spec in candidates:
                row = self._find_header(spec)
                if row is not None:
                    return self._accept(spec, row)
            # Known by its name, so it is listed as that kind; the one message says what is
            # missing and, when its headers fit another kind, that the name may be wrong.
            self.sheet_report.title = candidates[0].title_nb
            self._report_missing_header(candidates[0], self._lookalikes(tuple(candidates)))
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
        names = self._lookalikes()
        hint = {"nb": "", "en": ""}
        if names:
            quoted_nb = " eller ".join(f"«{n}»" for n in names)
            quoted_en = " or ".join(f"'{n}'" for n in names)
            hint = {
                "nb": f" Overskriftene passer til {quoted_nb}: gi arket det navnet, så blir det "
                "lest.",
                "en": f" Its headers fit {quoted_en}: give the sheet that name and it is read.",
            }
            self.lookalike_hints.append(
                {
                    "nb": f" Arket «{self.sheet.name}» har overskriftene til {quoted_nb}.",
                    "en": f" The sheet '{self.sheet.name}' has the headers of {quoted_en}.",
                }
            )
        self.problem(SKIPPED, "sheet_skipped", params={"hint": hint})
        return None

    def _report_missing_header(self, spec: S.SheetSpec, lookalikes: list[str]) -> None:
        best: set[str] = set()
        for header in self._header_rows():
            found = set(self._match(spec, header)[0])
            if len(found) > len(best):
                best = found
        missing = [c.header for c in spec.required if c.field not in best]
        if spec.require_any and not any(f in best for f in spec.require_any):
            missing.append(" / ".join(spec.column(f).header for f in spec.require_any))
        hint = {"nb": "", "en": ""}
        if lookalikes:
            hint = {
                "nb": " Overskriftene passer til "
                + " eller ".join(f"«{n}»" for n in lookalikes)
                + ": har arket fått feil navn?",
                "en": " The headers fit "
                + " or ".join(f"'{n}'" for n in lookalikes)
                + ": is the sheet misnamed?",
            }
        self.problem(
            ERROR,
            "header_not_found",
            params={
                "rows": S.HEADER_SEARCH_ROWS,
                "missing": ", ".join(f"«{m}»" for m in missing),
                "hint": hint,
            },
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
        data_idx = self._data_rows()
        # Column by column: each distinct raw value is parsed once, then looked up. This is
        # the hot path of a 100 000-row import, so the loops below stay in comprehensions.
        names: list[str] = ["sheet", "excel_row"]
        columns: list[list] = [[self.sheet.name] * len(data_idx), [r + 1 for r in data_idx]]
        width = max(self.mapping.values(), default=-1) + 1
        selected = [self.sheet.rows[r] for r in data_idx]
        if any(len(row) < width for row in selected):  # calamine's rows are rectangular
            selected = [row + [""] * (width - len(row)) for row in selected]
        bad_rows: set[int] = set()
        for col in spec.columns:
            idx = self.mapping.get(col.field)
            if idx is None:
                values = [None if col.required else col.kind.blank] * len(data_idx)
            else:
                raws = list(map(itemgetter(idx), selected))
                values = self._parse_column(col, idx, raws, data_idx, bad_rows)
            if col.fields:
                for i, name in enumerate(col.fields):
                    names.append(name)
                    columns.append([None if v is None else v[i] for v in values])
            else:
                names.append(col.field)
                columns.append(values)

        out = [
            dict(zip(names, values))  # noqa: B905 - equal lengths by construction
            for r, values in zip(data_idx, zip(*columns))  # noqa: B905
            if r not in bad_rows
        ]
        for rule in spec.rules:
            out = self._apply_rule(spec, rule, out)
        if spec.derive:
            for row in out:
                spec.derive(row)
        self._warn_inactive_zones(out)
        if spec.melt:
            out = [melted for row in out for melted in self._melt(spec, row)]
        self.sheet_report.rows = len(out)
        self.sheet_report.years = sorted(
            {row.get("year") or row.get("start_year") for row in out} - {None}
        )
        zones: set[str] = set()
        for zone_value in {row.get("zones") or row.get("zone_id") or "" for row in out}:
            zones.update(zone_value.split(";"))
        self.sheet_report.zones = sorted(z for z in zones if z)
        return out

    def _data_rows(self) -> list[int]:
        """Rows below the header that hold data: blank, total and footnote rows left out."""
        rows = self.sheet.rows
        special_rows = {r for r, _ in self.sheet.special}
        zone_idx = self.mapping.get("zones" if "zones" in self.mapping else "zone_id")
        data_idx: list[int] = []
        is_total: dict = {}
        for r in range(self.data_start, len(rows)):
            cells = rows[r]
            # calamine gives "" for an empty cell; counting them runs in C. Only a row with
            # one or two filled cells needs the closer look (white space, footnotes).
            filled_count = len(cells) - cells.count("") - cells.count(None)
            filled = None
            if filled_count <= 2:
                filled = [c for c in cells if c != "" and c is not None and not _is_space(c)]
                if not filled and r not in special_rows:
                    continue
            zone_raw = cells[zone_idx] if zone_idx is not None and zone_idx < len(cells) else ""
            total = is_total.get(zone_raw)
            if total is None:
                total = is_total[zone_raw] = norm(zone_raw) in _TOTALS
            if total:
                self.problem(
                    SKIPPED, "skipped_total", r, zone_idx, value=display_cell(cells[zone_idx])
                )
                continue
            if filled and len(filled) == 1 and isinstance(filled[0], str) and r not in special_rows:
                self.problem(SKIPPED, "skipped_footnote", r, value=filled[0].strip()[:120])
                continue
            data_idx.append(r)
        self.sheet_report.skipped = self.skipped_rows
        return data_idx

    def _parse_column(
        self, col: S.Col, idx: int, raws: tuple, data_idx: list[int], bad_rows: set[int]
    ) -> list:
        parse = self._parser_for(col)
        bounds = self.bounds[col.field] = column_bounds(col, self.settings)
        failed = False
        types = set(map(type, raws))
        if col.kind is v.TEXT and types <= {str}:
            # Free text is mostly unique (names, ids), so memoizing buys nothing; strip in
            # one comprehension instead of a parser call per cell.
            values = [raw.strip() for raw in raws]
            if "" in values:
                blank = CellProblem("missing") if col.required else None
                values = [blank if value == "" else value for value in values]
                failed = col.required
        elif bool in types:
            # True == 1.0 as a dict key, and a yes/no cell must not borrow a number's parse.
            keyed = [(raw.__class__, raw) for raw in raws]
            cache = dict.fromkeys(keyed)
            for key in cache:
                result = cache[key] = self._parse_one(col, parse, key[1], bounds)
                failed = failed or isinstance(result, CellProblem)
            values = list(map(cache.__getitem__, keyed))
        else:
            cache = dict.fromkeys(raws)
            for raw in cache:
                result = cache[raw] = self._parse_one(col, parse, raw, bounds)
                failed = failed or isinstance(result, CellProblem)
            values = list(map(cache.__getitem__, raws))
        header = self.header_text.get(col.field, col.header)
        special = {r: mark for (r, c), mark in self.sheet.special.items() if c == idx}
        marks = [(n, r) for n, r in enumerate(data_idx) if r in special] if special else []
        for n, r in marks:
            # An error cell or a formula without a stored value reads as "" in calamine; it
            # must be an error, not a blank, in optional columns too.
            kind, text = special[r]
            code = "error_cell" if kind == "error" else "formula_no_value"
            values[n] = CellProblem(code, detail=text)
        if failed or marks:
            for n, value in enumerate(values):
                if isinstance(value, CellProblem):
                    r = data_idx[n]
                    shown = (
                        value.params.get("detail")
                        if value.code in {"error_cell", "formula_no_value"}
                        else display_cell(raws[n])
                    )
                    self._cell_problem(col, r, idx, header, shown, value)
                    bad_rows.add(r)
                    values[n] = None
        return values

    def _parse_one(self, col: S.Col, parse, raw, bounds: Bounds):
        if is_blank(raw):
            return CellProblem("missing") if col.required else col.kind.blank
        try:
            value = parse(raw)
        except CellProblem as problem:
            return problem
        checked = value[0] if isinstance(value, tuple) else value
        numeric = isinstance(checked, int | float | date) and not isinstance(checked, bool)
        if numeric and bounds.breaks(checked):
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
        if self.report.full(ERROR):
            self.report.count_only(ERROR)
            return
        nb, en = _expected(col, self.bounds.get(col.field) or column_bounds(col, self.settings))
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

    def _apply_rule(self, spec: S.SheetSpec, rule: S.Rule, rows: list[dict]) -> list[dict]:
        """Report the rows that break a cross-column rule; an error also drops the row."""
        broken = [row for row in rows if not rule.check(row)]
        if not broken:
            return rows
        col = spec.column(rule.blame)
        idx = self.mapping.get(col.field)
        for row in broken:
            r = row["excel_row"] - 1
            self.problem(
                WARNING if rule.warning else ERROR,
                rule.code,
                r,
                idx,
                column=self.header_text.get(col.field),
                value=display_cell(self.sheet.rows[r][idx]) if idx is not None else None,
                params={"detail_nb": rule.nb, "detail_en": rule.en},
            )
        if rule.warning:
            return rows
        dropped = {id(row) for row in broken}
        return [row for row in rows if id(row) not in dropped]

    def _warn_inactive_zones(self, rows: list[dict]) -> None:
        """Warn (and keep) rows for a zone dated before the zone became active."""
        late_cache: dict = {}
        zone_idx = self.mapping.get("zones" if "zones" in self.mapping else "zone_id")
        for row in rows:
            zones = row.get("zones") or row.get("zone_id")
            late = late_cache.get(zones)
            if late is None:
                late = late_cache[zones] = [
                    zone
                    for zone_id in (zones or "").split(";")
                    if (zone := self.registry.by_id.get(zone_id)) and zone.active_from
                ]
            if not late:
                continue
            when = row.get("date") or row.get("year") or row.get("start_year")
            if when is None:
                continue
            dated = hasattr(when, "year")
            for zone in late:
                if (when < zone.active_from) if dated else (when < zone.active_from.year):
                    self.problem(
                        WARNING,
                        "zone_not_active",
                        row["excel_row"] - 1,
                        zone_idx,
                        params={
                            "zone": zone.name,
                            "active": zone.active_from.strftime("%d.%m.%Y"),
                            "when": when.strftime("%d.%m.%Y") if dated else str(when),
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
