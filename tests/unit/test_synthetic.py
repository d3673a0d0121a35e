"""The benchmarks' synthetic municipality (bench/synthetic.py), checked small: the importer
takes its workbooks whole, and the same code writes the same bytes."""

from __future__ import annotations

import hashlib

from bench.synthetic import make_zones, write_quality, write_units, write_zones
from dashboard.ingest.zones import ZoneRegistry
from dashboard.settings import get_settings
from dashboard.store.repository import Store


def test_syn001_zones_are_400_distinct_names_the_registry_accepts(tmp_path):
    zones = make_zones()
    write_zones(tmp_path / "zones.csv", zones)
    registry = ZoneRegistry.from_csv(tmp_path / "zones.csv")  # refuses clashing names
    assert len(registry.zones) == 400
    assert len({z.council for z in zones}) == 20


def test_syn002_workbooks_import_whole_and_are_written_byte_for_byte_the_same(tmp_path):
    zones = make_zones()[::40]  # every fourth stem, "nord": 10 zones in one council
    write_zones(tmp_path / "zones.csv", zones)
    digests = []
    for run in ("a", "b"):
        quality = tmp_path / f"kvalitet-{run}.xlsx"
        units = tmp_path / f"enheter-{run}.xlsx"
        counts = write_quality(quality, zones) | write_units(units, zones, projects_count=300)
        digests.append([hashlib.sha256(p.read_bytes()).hexdigest() for p in (quality, units)])
    assert digests[0] == digests[1]
    assert counts["Samskapingsprosjekter"] == 300
    settings = get_settings(
        database_url=f"sqlite:///{tmp_path / 'store.sqlite'}",
        zones_file=tmp_path / "zones.csv",
        load_sample_when_empty=False,
    )
    store = Store(settings)
    store.ensure_ready(load_sample=False)
    for path in (quality, units):
        report = store.import_path(path)
        assert report.outcome == "imported", report.text()
