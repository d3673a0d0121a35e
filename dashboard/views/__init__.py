"""View models: what each page says and shows, as plain data, with no Dash in sight.

Pages and callbacks render these; tests call them directly. Every number is formatted
through the metric catalogue (`metrics.py`) and `common.py`, so a median, a rank or a share
reads the same on every page.

- `common.py`    formatting, medians and ranks in words, tables, years and their notes
- `flags.py`     the flag rules, their severities and thresholds, in one place
- `overview.py`  Oversikt: the triage table
- `zone.py`      Sone: the panel registry and each panel's view
- `targets.py`   the unit agreement's goals and the quality indicators
- `compare.py`   Sammenlign
- `meeting.py`   Møtemodus: the decks
- `provenance.py` where a number comes from, and what an import batch changed
"""
