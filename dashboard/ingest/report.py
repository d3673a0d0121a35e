"""What an import found: every problem with its place, and what each sheet gave."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .messages import render

ERROR, WARNING, SKIPPED = "error", "warning", "skipped"


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
    outcome: str = "rejected"  # imported | unchanged | rejected
    batch_id: int | None = None
    previous_batch_id: int | None = None
    imported_at: str | None = None
    sheets: list[SheetReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    replaced: dict[str, int] = field(default_factory=dict)

    @classmethod
    def refused(cls, file: str, code: str, sha256: str = "", **params) -> ImportReport:
        """A report for a file refused as a whole, with one file-level problem."""
        report = cls(file=file, sha256=sha256)
        report.problems.append(Problem(ERROR, code, file, params=params))
        return report

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
    def ok(self) -> bool:
        return self.outcome in {"imported", "unchanged"}

    def to_dict(self, lang: str = "nb", messages: bool = True) -> dict:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "outcome": self.outcome,
            "batch_id": self.batch_id,
            "previous_batch_id": self.previous_batch_id,
            "imported_at": self.imported_at,
            "sheets": [asdict(s) for s in self.sheets],
            "replaced": self.replaced,
            "errors": [p.to_dict(lang, messages) for p in self.errors],
            "warnings": [p.to_dict(lang, messages) for p in self.warnings],
            "skipped": [p.to_dict(lang, messages) for p in self.skipped],
        }

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
        }[self.outcome][1 if en else 0]
        lines = [f"{self.file}: {outcome}"]
        skipped_word = "skipped" if en else "hoppet over"
        for sheet in self.sheets:
            if not sheet.kind:
                lines.append(f"  {sheet.name}: {skipped_word}")
                continue
            parts = [f"{sheet.rows} {'rows' if en else 'rader'}"]
            if sheet.skipped:
                parts[0] += f" ({sheet.skipped} {skipped_word})"
            if sheet.years:
                parts.append(_span(sheet.years))
            if sheet.zones:
                parts.append(f"{len(sheet.zones)} {'zones' if en else 'enheter'}")
            lines.append(f"  {sheet.name} → {sheet.title}: {', '.join(parts)}")
        for title, items in (
            ("Errors" if en else "Feil", self.errors),
            ("Warnings" if en else "Advarsler", self.warnings),
            ("Skipped" if en else "Hoppet over", self.skipped),
        ):
            if items:
                lines.append(f"  {title} ({len(items)}):")
                lines += [f"    - {p.text(lang)}" for p in items]
        return "\n".join(lines)


def _span(years: list[int]) -> str:
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{min(years)}–{max(years)}"
