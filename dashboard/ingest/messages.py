"""Every message the importer can give, in Norwegian (bokmål) first and English.

A problem is stored as a code plus parameters, so a report can be shown in either language
long after the import, and tests can assert on the code rather than on wording.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # file level
    "unsupported_file": {
        "nb": "Filtypen støttes ikke ({detail}). Lagre filen som Excel-arbeidsbok (.xlsx).",
        "en": "Unsupported file ({detail}). Save the file as an Excel workbook (.xlsx).",
    },
    "corrupt_file": {
        "nb": "Filen er skadet eller ikke en gyldig Excel-arbeidsbok ({detail}).",
        "en": "The file is damaged or not a valid Excel workbook ({detail}).",
    },
    "file_too_big": {
        "nb": "Filen er {size_mb} MB; en fil kan være på høyst {limit_mb} MB. Ingenting er lagret.",
        "en": "The file is {size_mb} MB; a file may be at most {limit_mb} MB. Nothing was stored.",
    },
    "too_large": {
        "nb": "Filen pakker seg ut til mer enn {limit_mb} MB ({detail}) og avvises. "
        "En ekte eksport er langt mindre; filen kan være en «zip-bombe».",
        "en": "The file unpacks to more than {limit_mb} MB ({detail}) and is refused. "
        "A real export is far smaller; the file may be a zip bomb.",
    },
    "xml_entities": {
        "nb": "Filen inneholder XML-deklarasjoner (DOCTYPE/ENTITY) i {detail}, som Excel aldri "
        "skriver. Den avvises for sikkerhets skyld.",
        "en": "The file holds XML declarations (DOCTYPE/ENTITY) in {detail}, which Excel never "
        "writes. It is refused for safety.",
    },
    "too_many_rows": {
        "nb": "Arket har {rows} rader{declared}; grensen er {limit}. Del filen opp, eller slett "
        "tomme rader langt nede i arket, og last opp på nytt.",
        "en": "The sheet has {rows} rows{declared}; the limit is {limit}. Split the file, or "
        "delete empty rows far down the sheet, and upload it again.",
    },
    "too_many_cells": {
        "nb": "Arket dekker {ref}: {rows} rader × {columns} kolonner, {cells} celler{declared}. "
        "Filen kan ha høyst {limit} celler til sammen. Slett tomme rader og kolonner langt ute "
        "i arket (eller del filen opp), lagre og last opp på nytt.",
        "en": "The sheet covers {ref}: {rows} rows × {columns} columns, {cells} cells"
        "{declared}. A file may have at most {limit} cells in all. Delete empty rows and "
        "columns far out in the sheet (or split the file), save and upload it again.",
    },
    "bad_cell_reference": {
        "nb": "Arket har en cellereferanse som ikke kan leses ({detail}). Åpne og lagre filen i "
        "Excel eller LibreOffice.",
        "en": "The sheet has a cell reference that cannot be read ({detail}). Open and save the "
        "file in Excel or LibreOffice.",
    },
    "no_sheet_recognised": {
        "nb": "Ingen ark i arbeidsboken ble kjent igjen. Arkene heter: {sheets}. Forventet "
        "minst ett av: {expected}.{hint}",
        "en": "No sheet in the workbook was recognised. Its sheets are: {sheets}. Expected at "
        "least one of: {expected}.{hint}",
    },
    "header_not_found": {
        "nb": "Fant ikke overskriftsraden i de første {rows} radene. Mangler kolonnene: "
        "{missing}.{hint}",
        "en": "No header row found in the first {rows} rows. Missing columns: {missing}.{hint}",
    },
    "duplicate_header": {
        "nb": "Kolonnen «{column}» finnes to ganger ({first} og {second}).",
        "en": "Column '{column}' appears twice ({first} and {second}).",
    },
    "duplicate_key": {
        "nb": "Samme nøkkel ({key}) står i to rader: {first} og {second}.",
        "en": "The same key ({key}) is in two rows: {first} and {second}.",
    },
    "import_timeout": {
        "nb": "Importen tok mer enn {seconds} sekunder og ble avbrutt. Ingenting er lagret. "
        "Del filen opp, eller importer den fra kommandolinjen.",
        "en": "The import took more than {seconds} seconds and was stopped. Nothing was "
        "stored. Split the file, or import it from the command line.",
    },
    "import_cpu_limit": {
        "nb": "Importen brukte mer enn {seconds} sekunder prosessortid og ble avbrutt. "
        "Ingenting er lagret. Del filen opp.",
        "en": "The import used more than {seconds} seconds of processor time and was stopped. "
        "Nothing was stored. Split the file.",
    },
    "import_memory": {
        "nb": "Filen trengte mer minne enn en import får bruke ({limit_mb} MB) og er avvist. "
        "Ingenting er lagret. En vanlig eksport trenger langt mindre; filen kan ha celler "
        "spredt langt utover arket.",
        "en": "The file needed more memory than an import may use ({limit_mb} MB) and is "
        "refused. Nothing was stored. A normal export needs far less; the file may have cells "
        "spread far out in the sheet.",
    },
    "import_crashed": {
        "nb": "Importen stoppet uventet ({detail}). Ingenting er lagret. Prøv igjen; skjer det "
        "igjen, si fra til den som drifter dashbordet.",
        "en": "The import stopped unexpectedly ({detail}). Nothing was stored. Try again; if "
        "it happens again, tell whoever runs the dashboard.",
    },
    "import_not_attempted": {
        "nb": "Ikke forsøkt: tiden for én opplasting ({seconds} sekunder) ble brukt opp av "
        "filene før denne. Last opp denne filen på nytt.",
        "en": "Not attempted: the time for one upload ({seconds} seconds) was used up by the "
        "files before this one. Upload this file again.",
    },
    # cell level
    "missing": {
        "nb": "Verdien mangler; kolonnen er påkrevd.",
        "en": "The value is missing; the column is required.",
    },
    "bad_value": {"nb": "Ugyldig verdi.", "en": "Invalid value."},
    "out_of_range": {
        "nb": "Verdien er utenfor tillatt område.",
        "en": "The value is out of the allowed range.",
    },
    "error_cell": {
        "nb": "Cellen inneholder en Excel-feil ({detail}). Rett formelen i kilden.",
        "en": "The cell holds an Excel error ({detail}). Fix the formula at the source.",
    },
    "formula_no_value": {
        "nb": "Cellen har en formel ({detail}) uten lagret verdi. Åpne og lagre filen i Excel "
        "eller LibreOffice slik at verdien blir regnet ut.",
        "en": "The cell has a formula ({detail}) with no stored value. Open and save the file "
        "in Excel or LibreOffice so the value is calculated.",
    },
    "unknown_zone": {
        "nb": "Ukjent enhet.{suggestion}",
        "en": "Unknown unit.{suggestion}",
    },
    "rule_violation": {"nb": "{detail_nb}", "en": "{detail_en}"},
    # warnings and skipped rows
    "skipped_total": {
        "nb": "Sumrad hoppet over.",
        "en": "Total row skipped.",
    },
    "skipped_footnote": {
        "nb": "Fotnote hoppet over.",
        "en": "Footnote skipped.",
    },
    "unknown_columns": {
        "nb": "Ukjente kolonner ignorert: {columns}.",
        "en": "Unknown columns ignored: {columns}.",
    },
    "sheet_skipped": {
        "nb": "Arket ble ikke kjent igjen og er hoppet over.{hint}",
        "en": "The sheet was not recognised and is skipped.{hint}",
    },
    "sheet_ambiguous": {
        "nb": "Arket passer til flere arktyper ({kinds}) og er hoppet over. Gi arket et av de "
        "kjente navnene.",
        "en": "The sheet fits several sheet kinds ({kinds}) and is skipped. Give it one of the "
        "known names.",
    },
    "zone_not_active": {
        "nb": "{zone} ble aktiv {active}; raden gjelder {when}. Raden er beholdt.",
        "en": "{zone} became active on {active}; the row is for {when}. The row is kept.",
    },
    "wage_above_actual": {
        "nb": "Lønnskostnadene er mer enn 1,5 ganger regnskapet. Sjekk tallene.",
        "en": "Wage costs are more than 1.5 times the actual spending. Check the figures.",
    },
    # undo
    "undo_not_found": {
        "nb": "Det finnes ingen import nr. {batch}.",
        "en": "There is no import no. {batch}.",
    },
    "undo_not_imported": {
        "nb": "Import nr. {batch} ({file}) ble ikke importert, så det er ingenting å angre.",
        "en": "Import no. {batch} ({file}) was not imported, so there is nothing to undo.",
    },
    "undo_not_in_effect": {
        "nb": "Import nr. {batch} ({file}) er allerede angret.",
        "en": "Import no. {batch} ({file}) is already undone.",
    },
    "undo_not_latest": {
        "nb": "Import nr. {batch} ({file}) er ikke angret: den er ikke lenger den siste. Import "
        "nr. {latest} ({latest_file}) er gjort etter den. Se historikken og prøv igjen.",
        "en": "Import no. {batch} ({file}) is not undone: it is no longer the latest. Import "
        "no. {latest} ({latest_file}) was made after it. Check the history and try again.",
    },
    "undo_nothing": {
        "nb": "Det er ingen import å angre.",
        "en": "There is no import to undo.",
    },
    "macros_ignored": {
        "nb": "Arbeidsboken har makroer; de blir verken kjørt eller lagret.",
        "en": "The workbook has macros; they are neither run nor kept.",
    },
}


# Words whose form follows a count: (nb singular, nb plural, en singular, en plural).
WORDS = {
    "row": ("rad", "rader", "row", "rows"),
    "zone": ("enhet", "enheter", "zone", "zones"),
    "file": ("fil", "filer", "file", "files"),
    "error": ("feil", "feil", "error", "errors"),
    "warning": ("advarsel", "advarsler", "warning", "warnings"),
    "column": ("kolonne", "kolonner", "column", "columns"),
}


def number(n: int, lang: str) -> str:
    """A whole number as the language writes it: 16 384 (no-break space) or 16,384."""
    text = f"{int(n):,}"
    return text if lang == "en" else text.replace(",", "\u00a0")


def count_of(n: int, word: str, lang: str) -> str:
    """«1 rad», «2 rader», "1 row", "2 rows"."""
    nb_one, nb_many, en_one, en_many = WORDS[word]
    one, many = (en_one, en_many) if lang == "en" else (nb_one, nb_many)
    return f"{number(n, lang)} {one if n == 1 else many}"


def render(code: str, lang: str, params: dict) -> str:
    templates = MESSAGES.get(code)
    if templates is None:
        return code
    template = templates.get(lang) or templates["nb"]
    values = {k: v for k, v in params.items() if not isinstance(v, dict)}
    for key, value in params.items():
        if isinstance(value, dict):
            values[key] = value.get(lang, value.get("nb", ""))
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1000:
            values[key] = number(value, lang)
    for optional in ("hint", "declared"):
        values.setdefault(optional, "")
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template
