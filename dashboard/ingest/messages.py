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
        "nb": "Arket har {rows} rader; grensen er {limit}.",
        "en": "The sheet has {rows} rows; the limit is {limit}.",
    },
    "no_sheet_recognised": {
        "nb": "Ingen ark i arbeidsboken ble kjent igjen. Arkene heter: {sheets}. Forventet "
        "minst ett av: {expected}.",
        "en": "No sheet in the workbook was recognised. Its sheets are: {sheets}. Expected at "
        "least one of: {expected}.",
    },
    "header_not_found": {
        "nb": "Fant ikke overskriftsraden i de første {rows} radene. Mangler kolonnene: {missing}.",
        "en": "No header row found in the first {rows} rows. Missing columns: {missing}.",
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
    "import_crashed": {
        "nb": "Importen stoppet uventet ({detail}). Ingenting er lagret.",
        "en": "The import stopped unexpectedly ({detail}). Nothing was stored.",
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
        "nb": "Arket ble ikke kjent igjen og er hoppet over.",
        "en": "The sheet was not recognised and is skipped.",
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
    "macros_ignored": {
        "nb": "Arbeidsboken har makroer; de blir verken kjørt eller lagret.",
        "en": "The workbook has macros; they are neither run nor kept.",
    },
}


def render(code: str, lang: str, params: dict) -> str:
    templates = MESSAGES.get(code)
    if templates is None:
        return code
    template = templates.get(lang) or templates["nb"]
    values = {k: v for k, v in params.items() if not isinstance(v, dict)}
    for key, value in params.items():
        if isinstance(value, dict):
            values[key] = value.get(lang) or value.get("nb", "")
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template
