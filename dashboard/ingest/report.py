"""What an import found: every problem with its place, and what each sheet gave.

Every problem is counted; the first KEPT_PROBLEMS of each level are kept with their place.
A file with more errors than that has a fault in a whole column or in the layout, which the
first ones show, and keeping millions of them would cost the import its memory and the
error list its size. The counts stay exact.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .messages import count_of, number, render

ERROR, WARNING, SKIPPED = "error", "warning", "skipped"
LEVELS = (ERROR, WARNING, SKIPPED)
# Problems kept per level and file (the rest are only counted); module level, so a test
# can make it small.
KEPT_PROBLEMS = 10_000
# Outcomes of one file. `imported`, `rejected`, `timeout` and `crashed` are stored as a batch
# in the import history; `unchanged` (same content already in effect) and `not_attempted`
# (the upload's time ran out before this file's turn) store nothing.
OUTCOMES = ("imported", "unchanged", "rejected", "timeout", "crashed", "not_attempted")


@dataclass
class Problem:
    level: str
    code: str
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    value: str | None = None
    expected_nb: str | None = None
    expected_en: str | None = None
    params: dict = field(default_factory=dict)

    def message(self, lang: str = "nb") -> str:
        return render(self.code, lang, self.params)

    def expected(self, lang: str = "nb") -> str | None:
        return self.expected_en if lang == "en" else self.expected_nb

    def where(self, lang: str = "nb") -> str:
        sheet_word, row_word, col_word = (
            ("sheet", "row", "column") if lang == "en" else ("ark", "rad", "kolonne")
        )
        parts = [self.file]
        if self.sheet:
            parts.append(f"{sheet_word} «{self.sheet}»")
        if self.cell:
            parts.append(f"{self.cell}")
        elif self.row:
            parts.append(f"{row_word} {self.row}")
        if self.column:
            parts.append(f"{col_word} «{self.column}»")
        return ", ".join(parts)

    def text(self, lang: str = "nb") -> str:
        line = f"{self.where(lang)}: {self.message(lang)}"
        if self.value not in (None, ""):
            line += (" Value: " if lang == "en" else " Verdi: ") + f"«{self.value}»."
        expected = self.expected(lang)
        if expected:
            line += (" Expected: " if lang == "en" else " Forventet: ") + expected + "."
        return line

    def to_dict(self, lang: str = "nb", messages: bool = True) -> dict:
        # Not dataclasses.asdict: it deep-copies, and a big file can have thousands of rows.
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        if messages:  # the stored report keeps code and parameters; text is made on reading
            data["message"] = self.message(lang)
            data["message_en"] = self.message("en")
            data["expected"] = self.expected(lang)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Problem:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class SheetReport:
    name: str
    kind: str | None = None
    title: str | None = None
    rows: int = 0
    skipped: int = 0
    years: list[int] = field(default_factory=list)
    zones: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    file: str
    sha256: str = ""
    outcome: str = "rejected"  # one of OUTCOMES
    batch_id: int | None = None
    previous_batch_id: int | None = None
    imported_at: str | None = None
    sheets: list[SheetReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    replaced: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))

    @classmethod
    def refused(
        cls, file: str, code: str, sha256: str = "", outcome: str = "rejected", **params
    ) -> ImportReport:
        """A report for a file refused as a whole, with one file-level problem."""
        report = cls(file=file, sha256=sha256, outcome=outcome)
        report.add(Problem(ERROR, code, file, params=params))
        return report

    def add(self, problem: Problem) -> None:
        """Count a problem, and keep it while fewer than KEPT_PROBLEMS of its level are."""
        count = self.counts[problem.level] = self.counts.get(problem.level, 0) + 1
        if count <= KEPT_PROBLEMS:
            self.problems.append(problem)

    def full(self, level: str) -> bool:
        """True when a new problem of `level` would only be counted (callers skip building it)."""
        return self.counts.get(level, 0) >= KEPT_PROBLEMS

    def count_only(self, level: str) -> None:
        self.counts[level] = self.counts.get(level, 0) + 1

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == WARNING]

    @property
    def skipped(self) -> list[Problem]:
        return [p for p in self.problems if p.level == SKIPPED]

    @property
    def error_count(self) -> int:
        return self.counts.get(ERROR, 0)

    @property
    def ok(self) -> bool:
        return self.outcome in {"imported", "unchanged"}

    @property
    def rows(self) -> int:
        return sum(sheet.rows for sheet in self.sheets)

    def to_dict(self, lang: str = "nb", messages: bool = True, limit: int | None = None) -> dict:
        """The report as plain data; `limit` keeps only the first problems of each level
        (the counts stay whole), for reports that travel between processes."""

        def first(items):
            return items if limit is None else items[:limit]

        return {
            "file": self.file,
            "sha256": self.sha256,
            "outcome": self.outcome,
            "batch_id": self.batch_id,
            "previous_batch_id": self.previous_batch_id,
            "imported_at": self.imported_at,
            "sheets": [asdict(s) for s in self.sheets],
            "replaced": self.replaced,
            "counts": dict(self.counts),
            "errors": [p.to_dict(lang, messages) for p in first(self.errors)],
            "warnings": [p.to_dict(lang, messages) for p in first(self.warnings)],
            "skipped": [p.to_dict(lang, messages) for p in first(self.skipped)],
        }

    def summary(self) -> dict:
        """Everything but the problems themselves (which the store keeps as rows)."""
        data = self.to_dict(messages=False, limit=0)
        for level in ("errors", "warnings", "skipped"):
            data.pop(level)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        report = cls(
            file=data["file"],
            sha256=data.get("sha256", ""),
            outcome=data.get("outcome", "rejected"),
            batch_id=data.get("batch_id"),
            previous_batch_id=data.get("previous_batch_id"),
            imported_at=data.get("imported_at"),
            replaced=data.get("replaced", {}),
        )
        report.sheets = [SheetReport(**s) for s in data.get("sheets", [])]
        for key in ("errors", "warnings", "skipped"):
            report.problems += [Problem.from_dict(p) for p in data.get(key, [])]
        counts = data.get("counts") or {}
        for level in LEVELS:
            kept = sum(1 for p in report.problems if p.level == level)
            report.counts[level] = max(int(counts.get(level, 0)), kept)
        return report

    def text(self, lang: str = "nb") -> str:
        en = lang == "en"
        outcome = {
            "imported": ("importert", "imported"),
            "unchanged": (
                "uendret: samme fil er allerede importert",
                "unchanged: the same file is already imported",
            ),
            "rejected": ("avvist: ingenting er lagret", "rejected: nothing was stored"),
            "timeout": ("tidsavbrutt: ingenting er lagret", "timed out: nothing was stored"),
            "crashed": (
                "stoppet uventet: ingenting er lagret",
                "stopped unexpectedly: nothing was stored",
            ),
            "not_attempted": ("ikke forsøkt", "not attempted"),
        }[self.outcome][1 if en else 0]
        lines = [f"{self.file}: {outcome}"]
        skipped_word = "skipped" if en else "hoppet over"
        for sheet in self.sheets:
            if not sheet.kind:
                lines.append(f"  {sheet.name}: {sheet.title or skipped_word}")
                continue
            parts = [count_of(sheet.rows, "row", lang)]
            if sheet.skipped:
                parts[0] += f" ({count_of(sheet.skipped, 'row', lang)} {skipped_word})"
            if sheet.years:
                parts.append(_span(sheet.years))
            if sheet.zones:
                parts.append(count_of(len(sheet.zones), "zone", lang))
            lines.append(f"  {sheet.name} → {sheet.title}: {', '.join(parts)}")
        for level, title, items in (
            (ERROR, "Errors" if en else "Feil", self.errors),
            (WARNING, "Warnings" if en else "Advarsler", self.warnings),
            (SKIPPED, "Skipped" if en else "Hoppet over", self.skipped),
        ):
            total = self.counts.get(level, 0)
            if total:
                lines.append(f"  {title} ({total}):")
                lines += [f"    - {p.text(lang)}" for p in items]
                if total > len(items):
                    lines.append("    " + more_text(total - len(items), lang))
        return "\n".join(lines)


def more_text(n: int, lang: str) -> str:
    kept = number(KEPT_PROBLEMS, lang)
    if lang == "en":
        return f"… and {number(n, lang)} more (only the first {kept} of each kind are kept)."
    return f"… og {number(n, lang)} til (bare de første {kept} av hvert slag tas vare på)."


def _span(years: list[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{min(years)}–{max(years)}"
