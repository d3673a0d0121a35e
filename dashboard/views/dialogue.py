"""Notes and follow-ups as the pages and exports show them: pure functions of stored notes.

A note's text is the writer's own plain text. Wherever it goes it stays text: Dash renders
strings as text nodes, the export writes strings as strings, and in a chart's hover label
(where plotly would read a few HTML tags and links) every character that could start a tag
or an entity is escaped first (`hover_text`).
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd

from ..i18n import fmt_date, t
from ..store.notes import PANELS, Note

HOVER_CHARS = 240  # of each note in a chart's hover label; the list and table hold it whole
HOVER_NOTES = 5  # notes named in one hover label; "and N more" after them

try:
    _OSLO = ZoneInfo("Europe/Oslo")
except Exception:  # no time-zone database on the machine: UTC is still right
    _OSLO = None


def local(when: datetime) -> datetime:
    return when.astimezone(_OSLO) if _OSLO else when


def panel_label(panel: str | None, lang: str) -> str:
    return t(f"panel_{panel}", lang) if panel in PANELS else t("dlg_general", lang)


def status_label(status: str | None, lang: str) -> str:
    return t(f"dlg_status_{status}", lang) if status else ""


def kind_label(note: Note, lang: str) -> str:
    return t("dlg_kind_followup" if note.is_followup else "dlg_kind_note", lang)


def byline(note: Note, lang: str) -> str:
    """'Lise Leder, 3. mars 2025' — and who changed it last, when someone did."""
    text = t("dlg_byline", lang, name=note.author_name, date=fmt_date(local(note.created_at), lang))
    if note.edited:
        changed = fmt_date(local(note.updated_at), lang)
        text += " · " + t("dlg_edited", lang, name=note.updated_by_name, date=changed)
    return text


def followup_line(note: Note, lang: str) -> str:
    """'Åpen · frist 1. mars 2025' for a follow-up; '' for a note."""
    if not note.is_followup:
        return ""
    parts = [status_label(note.status, lang)]
    if note.due_date:
        parts.append(t("dlg_due", lang, date=fmt_date(note.due_date, lang)))
    return " · ".join(parts)


def by_panel(notes: Iterable[Note]) -> dict[str | None, list[Note]]:
    grouped: dict[str | None, list[Note]] = defaultdict(list)
    for note in notes:
        grouped[note.panel].append(note)
    return grouped


def by_year(notes: Iterable[Note]) -> dict[int, list[Note]]:
    grouped: dict[int, list[Note]] = defaultdict(list)
    for note in sorted(notes, key=lambda n: (n.year, n.id)):
        grouped[note.year].append(note)
    return dict(grouped)


def hover_text(notes: list[Note], lang: str) -> str:
    """One chart hover label for a year's notes: each note cut short and escaped, so that
    nothing in it is read as markup (`<b>`, `<a href>`, `&lt;`) by plotly."""
    lines = [t("dlg_notes_count", lang, n=len(notes))]
    for note in notes[:HOVER_NOTES]:
        text = note.text if len(note.text) <= HOVER_CHARS else note.text[: HOVER_CHARS - 1] + "…"
        label = kind_label(note, lang) if note.is_followup else ""
        prefix = f"{label}: " if label else ""
        lines.append(html.escape(f"• {prefix}{text} ({note.author_name})").replace("\n", " "))
    if len(notes) > HOVER_NOTES:
        lines.append(html.escape(t("dlg_more", lang, n=len(notes) - HOVER_NOTES)))
    return "<br>".join(lines)


def markers(notes: Iterable[Note], lang: str) -> dict[str, str]:
    """Year (as the chart's category) -> the hover text of that year's notes."""
    return {str(year): hover_text(found, lang) for year, found in by_year(notes).items()}


def table_cell(notes: list[Note], lang: str) -> str:
    """A panel table's notes cell for one year: every note in full, with who wrote it."""
    parts = []
    for note in notes:
        extra = f" [{followup_line(note, lang)}]" if note.is_followup else ""
        parts.append(f"«{note.text}» ({note.author_name}){extra}")
    return " ".join(parts)


EXPORT_COLUMNS = (
    "dlg_col_zone",
    "dlg_col_year",
    "dlg_col_panel",
    "dlg_col_kind",
    "dlg_col_text",
    "dlg_col_status",
    "dlg_col_due",
    "dlg_col_author",
    "dlg_col_written",
    "dlg_col_changed_by",
    "dlg_col_changed",
)


def notes_frame(notes: Iterable[Note], names: dict[str, str], lang: str) -> pd.DataFrame:
    """Notes and follow-ups as a sheet of their own (the exports): one row per note in
    effect, by zone and year; dates and times in Norwegian time."""
    rows = []
    for note in notes:
        rows.append(
            [
                names.get(note.zone_id, note.zone_id),
                note.year,
                panel_label(note.panel, lang),
                kind_label(note, lang),
                note.text,
                status_label(note.status, lang),
                note.due_date.isoformat() if note.due_date else "",
                note.author_name,
                local(note.created_at).strftime("%Y-%m-%d %H:%M"),
                note.updated_by_name if note.edited else "",
                local(note.updated_at).strftime("%Y-%m-%d %H:%M") if note.edited else "",
            ]
        )
    return pd.DataFrame(rows, columns=[t(c, lang) for c in EXPORT_COLUMNS])
