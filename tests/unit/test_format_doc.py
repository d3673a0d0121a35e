"""docs/FORMAT.md stays in step with the code that implements the data contract.

Every name a person may write in an export (sheet names, column headers and their aliases,
total labels, categories) comes from dashboard/ingest/spec.py. Each must appear in the users'
documentation as a literal `code span`, so adding an alias to the spec without documenting
it fails here, naming the missing word.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.ingest import spec as S
from dashboard.settings import Settings

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "FORMAT.md"


def _doc() -> str:
    return DOC_PATH.read_text(encoding="utf-8")


def _code_spans() -> set[str]:
    return set(re.findall(r"`([^`\n]+)`", _doc()))


def _unique(words) -> list[str]:
    return list(dict.fromkeys(words))


SHEET_NAMES = _unique(name for spec in S.SPECS for name in spec.sheet_names)
COLUMN_LABELS = _unique(label for spec in S.SPECS for col in spec.columns for label in col.labels)
THEMES = _unique(S.THEME_LABELS.values())
THEME_SPELLINGS = _unique(S.THEMES)
LADDER_LABELS = _unique(S.LADDER_LABELS.values())
CATEGORIES = _unique([*S.ENTRY, *S.DIRECTIONS])
LIMITS = (
    "MAX_UNCOMPRESSED_MB",
    "MAX_ROWS_PER_SHEET",
    "MAX_CELLS",
    "SUPPRESSION_THRESHOLD",
    "YEAR_MIN",
    "IMPORT_TIMEOUT",
    "IMPORT_MEMORY_MB",
    "IMPORT_CPU_SECONDS",
)


def _assert_mentioned(word: str) -> None:
    assert word in _code_spans(), f"docs/FORMAT.md does not mention `{word}`"


def test_doc000_document_exists_with_english_summary():
    text = _doc()
    assert text.startswith("# "), "the document starts with a title"
    assert "## English summary" in text
    # Norwegian first: the English summary is the last section.
    assert text.index("## English summary") > len(text) // 2
    assert not re.search(r"^## ", text[text.index("## English summary") + 3 :], re.M)


@pytest.mark.parametrize("name", SHEET_NAMES)
def test_doc001_sheet_name_documented(name):
    _assert_mentioned(name)


@pytest.mark.parametrize("label", COLUMN_LABELS)
def test_doc002_column_header_and_alias_documented(label):
    _assert_mentioned(label)


@pytest.mark.parametrize("label", S.TOTAL_LABELS)
def test_doc003_total_label_documented(label):
    _assert_mentioned(label)


@pytest.mark.parametrize("status", list(S.STATUSES))
def test_doc004_status_documented(status):
    _assert_mentioned(status)


@pytest.mark.parametrize("initiator", list(S.INITIATOR_CLASS))
def test_doc005_initiator_documented(initiator):
    _assert_mentioned(initiator)


@pytest.mark.parametrize("value_form", list(S.VALUE_FORMS))
def test_doc006_value_form_documented(value_form):
    _assert_mentioned(value_form)


def test_doc007_six_survey_themes():
    assert len(THEMES) == 6


@pytest.mark.parametrize("theme", THEMES)
def test_doc008_survey_theme_documented(theme):
    _assert_mentioned(theme)


@pytest.mark.parametrize("spelling", THEME_SPELLINGS)
def test_doc009_theme_spelling_documented(spelling):
    _assert_mentioned(spelling)


@pytest.mark.parametrize("label", LADDER_LABELS)
def test_doc010_ladder_level_documented(label):
    _assert_mentioned(label)


@pytest.mark.parametrize("label", CATEGORIES)
def test_doc011_entry_and_direction_documented(label):
    _assert_mentioned(label)


@pytest.mark.parametrize("name", S.GENERIC_SHEET_NAMES)
def test_doc012_generic_sheet_name_documented(name):
    _assert_mentioned(name)


def test_doc013_header_search_rows_documented():
    assert re.search(rf"\b{S.HEADER_SEARCH_ROWS} første rad", _doc())


@pytest.mark.parametrize("name", LIMITS)
def test_doc014_limit_and_default_documented(name, monkeypatch):
    monkeypatch.delenv(f"DASHBOARD_{name}", raising=False)
    settings = Settings()
    default = {
        "MAX_UNCOMPRESSED_MB": settings.max_uncompressed_bytes // (1024 * 1024),
        "MAX_ROWS_PER_SHEET": settings.max_rows_per_sheet,
        "MAX_CELLS": settings.max_cells,
        "SUPPRESSION_THRESHOLD": settings.suppression_threshold,
        "YEAR_MIN": settings.year_min,
        "IMPORT_TIMEOUT": settings.import_timeout_seconds,
        "IMPORT_MEMORY_MB": settings.import_memory_mb,
        "IMPORT_CPU_SECONDS": settings.import_cpu_seconds,
    }[name]
    lines = [line for line in _doc().splitlines() if f"`DASHBOARD_{name}`" in line]
    assert lines, f"docs/FORMAT.md does not mention `DASHBOARD_{name}`"
    assert any(f"standard {default}" in line for line in lines), (
        f"docs/FORMAT.md does not give the default of DASHBOARD_{name} ({default})"
    )


def test_doc015_zones_file_setting_documented():
    _assert_mentioned("DASHBOARD_ZONES_FILE")


def test_doc016_the_year_window_default_is_documented(monkeypatch):
    """The default upper end is relative (next year), so the page says so in words."""
    from datetime import date

    monkeypatch.delenv("DASHBOARD_YEAR_MAX", raising=False)
    assert Settings().year_max == date.today().year + 1
    lines = [line for line in _doc().splitlines() if "`DASHBOARD_YEAR_MAX`" in line]
    assert any("standard neste år" in line for line in lines)


@pytest.mark.parametrize(
    "constant, shown",
    [
        ("MAX_AMOUNT", "100 milliarder kroner"),
        ("MAX_COUNT", "1 000 000"),
        ("MAX_NUMBER", "1 milliard"),
    ],
)
def test_doc017_plausible_bounds_are_documented(constant, shown):
    from dashboard.ingest import values

    words = {"MAX_AMOUNT": 100_000_000_000, "MAX_COUNT": 1_000_000, "MAX_NUMBER": 1_000_000_000}
    assert getattr(values, constant) == words[constant], "update docs/FORMAT.md with the bound"
    assert shown in _doc()
