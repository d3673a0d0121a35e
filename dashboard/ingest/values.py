"""Value kinds from the contract's section 3: each turns one raw cell into a Python value.

A kind is a parser plus a description of what it expects, in both languages, used in every
error message. Parsers are pure and deterministic, so the importer can memoize them per
distinct raw value (a column of 100 000 cells usually has a handful of distinct values).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .text import display_cell, fold, norm


class CellProblem(Exception):
    """A raw value that does not fit its kind. `code` is a key in messages.MESSAGES."""

    def __init__(self, code: str = "bad_value", **params):
        super().__init__(code)
        self.code = code
        self.params = params


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


# Plausible ranges (contract §3, issue 7): a value outside them is a typo or a hostile file,
# and would break the pages later (currency formatting fails near 1e28; a budget of 1e-300
# makes the result percentage infinite). Years and dates have a window set by settings.
MAX_AMOUNT = 100_000_000_000  # kroner: 100 milliarder, far above any unit's budget
MAX_NUMBER = 1_000_000_000  # scores, indicator values and targets
MAX_COUNT = 1_000_000  # answers, representatives, inputs, experiments


@dataclass(frozen=True)
class Kind:
    name: str
    parse: Callable[[object], object]
    # What is expected, in each language. `{range}` (or `{low}` and `{high}`) is filled in
    # with the column's bounds: the kind's own limits, the column's and the settings' window.
    expected_nb: str
    expected_en: str
    # Value given to a blank cell in an optional column (yes/no: blank means no).
    blank: object = None
    extra: dict = field(default_factory=dict)
    # (low, high) every value of this kind must lie within, whatever the column says.
    limits: tuple[float, float] | None = None

    def expected(self, lang: str) -> str:
        return self.expected_en if lang == "en" else self.expected_nb


# ---------------------------------------------------------------- numbers

_MINUS = "\u2212\u2012\u2013\u2014"
_CURRENCY = re.compile(r"(?i)\b(kr|nok)\b\.?|kr\.?$|^kr")


def _clean_number_text(text: str) -> tuple[str, bool]:
    """Strip currency, spaces and accounting parentheses; return (text, negative)."""
    text = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    for ch in _MINUS:
        text = text.replace(ch, "-")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    text = _CURRENCY.sub("", text).strip()
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text.startswith("-"):
        negative, text = not negative, text[1:].strip()
    elif text.startswith("+"):
        text = text[1:].strip()
    if text.endswith("-") and not negative:  # "12 000-" as some ledgers print it
        negative, text = True, text[:-1].strip()
    return text.replace(" ", "").replace("'", ""), negative


_DIGITS = re.compile(r"^\d+$")
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3}){2,}$")


def parse_number_text(text: str) -> float:
    """Norwegian or international number text to float; raises ValueError."""
    body, negative = _clean_number_text(text)
    if not body:
        raise ValueError(text)
    if "," in body and "." in body:
        # The last separator is the decimal one: "1.234.567,50" or "1,234,567.50".
        if body.rfind(",") > body.rfind("."):
            body = body.replace(".", "").replace(",", ".")
        else:
            body = body.replace(",", "")
    elif "." in body:
        if _THOUSANDS_DOT.match(body) and (body.count(".") > 1 or len(body.split(".")[1]) == 3):
            body = body.replace(".", "")
    elif "," in body:
        body = body.replace(",", "") if _THOUSANDS_COMMA.match(body) else body.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", body):
        raise ValueError(text)
    value = float(body)
    return -value if negative else value


def _number(raw: object) -> float:
    if isinstance(raw, bool):
        raise CellProblem()
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        try:
            value = parse_number_text(raw)
        except ValueError as exc:
            raise CellProblem() from exc
    else:
        raise CellProblem()
    if math.isnan(value) or math.isinf(value):
        raise CellProblem()
    return value


def _whole(raw: object) -> int:
    value = _number(raw)
    if not value.is_integer():
        raise CellProblem()
    return int(value)


def parse_year(raw: object) -> int:
    if isinstance(raw, str) and not re.fullmatch(r"\s*\d{4}(\.0+)?\s*", raw):
        raise CellProblem()
    value = _whole(raw)
    if not 2000 <= value <= 2100:
        raise CellProblem("out_of_range")
    return value


def parse_count(raw: object) -> int:
    value = _whole(raw)
    if value < 0:
        raise CellProblem("out_of_range")
    return value


def parse_amount(raw: object) -> float:
    return _number(raw)


def parse_score(raw: object) -> float:
    return _number(raw)


def parse_percent_or_score(raw: object) -> tuple[float, bool]:
    """A value that may be written as a percentage. Returns (value, had_percent_sign)."""
    if isinstance(raw, str) and raw.strip().endswith("%"):
        return _number(raw.strip()[:-1]) / 100.0, True
    return _number(raw), False


# ---------------------------------------------------------------- dates

_EXCEL_EPOCH = date(1899, 12, 30)
_DMY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date(raw: object) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        # A date cell that lost its number format arrives as the Excel serial number.
        if 36526 <= raw <= 73051 and float(raw).is_integer():
            return _EXCEL_EPOCH + timedelta(days=int(raw))
        raise CellProblem()
    if isinstance(raw, str):
        text = raw.strip()
        m = _DMY.match(text)
        try:
            if m:
                return date(int(m[3]), int(m[2]), int(m[1]))
            m = _ISO.match(text)
            if m:
                return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise CellProblem() from exc
    raise CellProblem()


# ---------------------------------------------------------------- yes/no, lists, labels

_YES = {"ja", "j", "yes", "y", "x", "1", "true", "sann"}
_NO = {"nei", "n", "no", "0", "false", "usann"}


def parse_yesno(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        if raw in (0, 1):
            return bool(raw)
        raise CellProblem()
    key = norm(raw)
    if key.endswith(".0"):
        key = key[:-2]
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellProblem()


_LIST_SPLIT = re.compile(r"[;,\n\r]+")


def split_list(raw: object) -> list[str]:
    if is_blank(raw):
        return []
    return [item.strip() for item in _LIST_SPLIT.split(display_cell(raw)) if item.strip()]


def parse_text(raw: object) -> str:
    text = display_cell(raw).strip()
    if not text:
        raise CellProblem("missing")
    return text


def parse_text_list(raw: object) -> str:
    return "; ".join(split_list(raw))


def label_parser(labels: dict[str, str], listed: bool = False) -> Callable[[object], object]:
    """Parser that maps spellings (canonical label and aliases) to a canonical value."""
    lookup = {fold(k): v for k, v in labels.items()}

    def one(item: object) -> str:
        value = lookup.get(fold(item))
        if value is None:
            raise CellProblem()
        return value

    if not listed:
        return one

    def many(raw: object) -> str:
        return "; ".join(dict.fromkeys(one(item) for item in split_list(raw)))

    return many


def int_range(low: int, high: int) -> Callable[[object], int]:
    def parse(raw: object) -> int:
        value = _whole(raw)
        if not low <= value <= high:
            raise CellProblem("out_of_range")
        return value

    return parse


def _kind(name, parse, nb, en, **kw) -> Kind:
    return Kind(name=name, parse=parse, expected_nb=nb, expected_en=en, **kw)


YEAR = _kind(
    "year", parse_year, "et årstall {low}–{high}, f.eks. 2019", "a year {low}-{high}, e.g. 2019"
)
DATE = _kind(
    "date",
    parse_date,
    "en dato {range}, f.eks. 12.03.2019 eller 2019-03-12",
    "a date {range}, e.g. 12.03.2019 or 2019-03-12",
)
COUNT = _kind(
    "count", parse_count, "et helt tall {range}", "a whole number {range}", limits=(0, MAX_COUNT)
)
AMOUNT = _kind(
    "amount",
    parse_amount,
    "et beløp i kroner {range}, f.eks. 1 234 567 eller kr 1 234 567,50",
    "an amount in NOK {range}, e.g. 1 234 567 or kr 1 234 567,50",
    limits=(-MAX_AMOUNT, MAX_AMOUNT),
)
SCORE = _kind(
    "score",
    parse_score,
    "et tall {range}, f.eks. 4,7",
    "a number {range}, e.g. 4,7",
    limits=(-MAX_NUMBER, MAX_NUMBER),
)
PERCENT_OR_SCORE = _kind(
    "percent",
    parse_percent_or_score,
    "et tall eller en prosent {range}, f.eks. 85 %, 85 eller 0,85",
    "a number or a percentage {range}, e.g. 85 %, 85 or 0,85",
    limits=(-MAX_NUMBER, MAX_NUMBER),
)
YESNO = _kind(
    "yesno",
    parse_yesno,
    "Ja eller Nei (også J/N, X/blank, 1/0)",
    "Yes or No (also J/N, X/blank, 1/0)",
    blank=False,
)
TEXT = _kind("text", parse_text, "tekst", "text")
TEXT_LIST = _kind(
    "list", parse_text_list, "en liste skilt med ; eller ,", "a list separated by ; or ,"
)


def one_of(name: str, labels: dict[str, str], listed: bool = False) -> Kind:
    # Show the first spelling of each value: the label people write, not the stored id.
    first: dict[str, str] = {}
    for label, value in labels.items():
        first.setdefault(value, label)
    shown = ", ".join(first.values())
    return _kind(
        name,
        label_parser(labels, listed),
        ("en eller flere av: " if listed else "en av: ") + shown,
        ("one or more of: " if listed else "one of: ") + shown,
    )


def integer_between(low: int, high: int) -> Kind:
    return _kind(
        f"int{low}-{high}",
        int_range(low, high),
        f"et helt tall fra {low} til {high}",
        f"a whole number from {low} to {high}",
    )
