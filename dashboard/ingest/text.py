"""Text normalisation shared by sheet names, headers, zone names and category labels.

The contract says matching ignores case, surrounding and repeated white space, non-breaking
spaces and a trailing colon; headers may also carry line breaks, and a hyphen before a line
break joins the word ("Samskapings-\\nform").
"""

from __future__ import annotations

import re
import unicodedata

_HYPHEN_BREAK = re.compile(r"-\s*[\r\n]+\s*")
_SPACES = re.compile(r"\s+")


def norm(value: object) -> str:
    """Canonical key for matching a label: lower case, single spaces, no trailing colon."""
    if value is None:
        return ""
    text = str(value)
    if text.isascii() and text.isprintable():
        # Fast path for the common case; same result as the general one below.
        return " ".join(text.split()).rstrip(":").strip().casefold()
    text = unicodedata.normalize("NFC", text)
    text = _HYPHEN_BREAK.sub("", text)
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    text = _SPACES.sub(" ", text).strip()
    text = text.rstrip(":").strip()
    return text.casefold()


_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "aa", "ä": "ae", "ö": "o"})


def fold(value: object) -> str:
    """`norm` plus the Norwegian letters spelled out, so 'Byaasen' meets 'Byåsen'."""
    text = norm(value).translate(_FOLD)
    # "oe" is the other common spelling of ø; fold it the same way.
    return text.replace("oe", "o")


def display_cell(value: object) -> str:
    """A raw cell value as a person would type it, for error messages."""
    if value is None:
        return ""
    if isinstance(value, float) and (abs(value) >= 1e15 or 0 < abs(value) < 1e-6):
        return f"{value:G}"  # 1E+28 and 1E-300, as Excel shows them, not 28 digits
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
