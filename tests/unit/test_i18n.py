"""Numbers, amounts, shares and dates the Norwegian way (and the British way), via Babel."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dashboard.i18n import (
    STRINGS,
    fmt_date,
    fmt_kr,
    fmt_number,
    fmt_pct,
    fmt_score,
    lang_of,
    plotly_separators,
    t,
    word,
    words,
)

NBSP = "\u00a0"
MINUS = "\u2212"


def test_i18n001_thousands_with_no_break_space():
    assert fmt_number(1234567, "nb") == f"1{NBSP}234{NBSP}567"
    assert fmt_number(1234567, "en") == "1,234,567"


def test_i18n002_decimal_comma_and_real_minus_sign():
    assert fmt_score(4.66, "nb") == "4,7"
    assert fmt_number(-4.66, "nb", decimals=1) == f"{MINUS}4,7"
    assert fmt_number(-4.66, "en", decimals=1) == "-4.7"


def test_i18n003_kroner():
    assert fmt_kr(1234567, "nb") == f"1{NBSP}234{NBSP}567{NBSP}kr"
    assert fmt_kr(-2373466.29, "nb") == f"{MINUS}2{NBSP}373{NBSP}466{NBSP}kr"
    assert fmt_kr(1370797, "nb", signed=True).startswith("+1")
    assert fmt_kr(1234567, "en") == f"NOK{NBSP}1,234,567"


def test_i18n004_percent_with_space_before_sign():
    assert fmt_pct(-0.0321, "nb") == f"{MINUS}3,2{NBSP}%"
    assert fmt_pct(0.9231, "nb", decimals=0) == f"92{NBSP}%"
    assert fmt_pct(-0.0321, "en") == "-3.2%"


def test_i18n005_no_negative_zero():
    assert fmt_pct(-0.0004, "nb") == f"0,0{NBSP}%"
    assert fmt_number(-0.04, "nb", decimals=1) == "0,0"


@pytest.mark.parametrize("value", [None, float("nan")])
def test_i18n006_missing_is_a_dash(value):
    assert fmt_number(value, "nb") == "–"
    assert fmt_kr(value, "nb") == "–"
    assert fmt_pct(value, "en") == "–"


def test_i18n007_dates():
    assert fmt_date(date(2024, 3, 12), "nb") == "12. mars 2024"
    assert fmt_date(datetime(2024, 3, 12, 10, 5), "en") == "12 Mar 2024"
    assert fmt_date("2024-03-12T10:05:00", "nb") == "12. mars 2024"


def test_i18n008_plotly_separators_from_the_locale():
    assert plotly_separators("nb") == f",{NBSP}"
    assert plotly_separators("en") == ".,"


def test_i18n009_language_from_the_url_falls_back_to_bokmal():
    assert lang_of("en") == "en"
    assert lang_of("EN ") == "en"
    assert lang_of("de") == "nb"
    assert lang_of(None) == "nb"


def test_i18n010_every_string_has_both_languages_and_same_placeholders():
    import string

    for key, (nb, en) in STRINGS.items():
        assert nb and en, key
        fields_nb = {f for _, f, _, _ in string.Formatter().parse(nb) if f}
        fields_en = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        assert fields_nb == fields_en, key


def test_i18n011_domain_words_translate_on_english_pages_only():
    assert word("Pågår", "nb") == "Pågår"
    assert word("Pågår", "en") == "Ongoing"
    assert words("Demokratisk verdi; Innovasjon", "en") == "Democratic value, Innovation"
    assert t("flag_spiral", "nb") == "Negativ spiral"


def _code_strings():
    """Every string literal in the package's code, and the constant start of every f-string
    (a key built as f"flag_{kind}" is used by each key that starts with "flag_")."""
    import ast
    from pathlib import Path

    import dashboard

    literals, prefixes = set(), set()
    for path in Path(dashboard.__file__).parent.rglob("*.py"):
        if path.name == "i18n.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values:
                first = node.values[0]
                if isinstance(first, ast.Constant) and len(first.value) > 1:
                    prefixes.add(first.value)
    return literals, prefixes


def test_i18n012_every_key_is_used():
    from dashboard.metrics import CATALOGUE

    literals, prefixes = _code_strings()
    literals |= {m.label for m in CATALOGUE}
    unused = [
        key
        for key in STRINGS
        if key not in literals and not any(key.startswith(p) for p in prefixes)
    ]
    assert unused == []


def test_i18n013_the_catalogue_is_complete_when_it_is_imported():
    """No module adds words later: importing every page leaves the catalogue as it was."""
    import subprocess
    import sys

    code = (
        "import dashboard.i18n as i\n"
        "before = dict(i.STRINGS)\n"
        "import dashboard.app, importlib\n"
        "for name in dashboard.app.PAGE_MODULES:\n"
        "    importlib.import_module('dashboard.pages.' + name)\n"
        "added = sorted(k for k in i.STRINGS if before.get(k) != i.STRINGS[k])\n"
        "print(added)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout


def test_i18n014_numbers_round_half_away_from_zero_and_never_fail():
    assert fmt_number(3.5, "nb") == "4"
    assert fmt_number(4.5, "nb") == "5"  # not 4 (half to even)
    assert fmt_number(2.25, "nb", decimals=1) == "2,3"
    assert fmt_kr(1e28, "nb") == "–"  # Babel cannot format it: a dash, not a 500
    assert fmt_pct(float("-inf"), "nb") == "–"
