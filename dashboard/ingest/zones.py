"""The zone reference table and the matching of messy zone cells against it.

The table ships as `data/zones.csv` and a municipality replaces it with its own file (setting
DASHBOARD_ZONES_FILE); nothing here knows Trondheim's names.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .text import fold

# Words that decorate a zone name in the exports without changing which zone it is.
_NOISE_WORDS = re.compile(r"\b(hjemmetjenesten|hjemmetjenester|hjemmetjeneste|hjt|enhet)\b")
_SEPARATORS = re.compile(r"[\s,\-–—/]+")


def zone_key(value: object) -> str:
    text = fold(value)
    text = _NOISE_WORDS.sub(" ", text)
    return _SEPARATORS.sub("", text)


@dataclass(frozen=True)
class Zone:
    id: str
    name: str
    council: str
    aliases: tuple[str, ...] = ()
    active_from: date | None = None


class ZoneRegistry:
    def __init__(self, zones: list[Zone]):
        if not zones:
            raise ValueError("the zone reference table is empty")
        self.zones = zones
        self.by_id = {z.id: z for z in zones}
        self._by_key: dict[str, Zone] = {}
        for zone in zones:
            for label in (zone.id, zone.name, *zone.aliases):
                key = zone_key(label)
                other = self._by_key.get(key)
                if other is not None and other.id != zone.id:
                    raise ValueError(
                        f"zone label {label!r} is used by both {other.id} and {zone.id}"
                    )
                self._by_key[key] = zone

    @classmethod
    def from_csv(cls, path: Path) -> ZoneRegistry:
        with Path(path).open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        zones = []
        for line, row in enumerate(rows, start=2):
            try:
                active = row.get("active_from", "").strip()
                zones.append(
                    Zone(
                        id=row["id"].strip(),
                        name=row["name"].strip(),
                        council=row.get("council", "").strip(),
                        aliases=tuple(
                            a.strip() for a in row.get("aliases", "").split(";") if a.strip()
                        ),
                        active_from=date.fromisoformat(active) if active else None,
                    )
                )
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{path}, line {line}: {exc}") from exc
        return cls(zones)

    def match(self, value: object) -> Zone | None:
        key = zone_key(value)
        return self._by_key.get(key) if key else None

    def suggestions(self, value: object, n: int = 3) -> list[str]:
        """Closest known display names, for a "did you mean" in the error."""
        key = zone_key(value)
        close = difflib.get_close_matches(key, list(self._by_key), n=n * 3, cutoff=0.5)
        names: list[str] = []
        for candidate in close:
            name = self._by_key[candidate].name
            if name not in names:
                names.append(name)
        return names[:n]

    def names(self) -> dict[str, str]:
        return {z.id: z.name for z in self.zones}
