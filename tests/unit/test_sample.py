"""The bundled sample: reproducible, imports cleanly and tells the story the study tells."""

import hashlib

import pandas as pd

from dashboard.data import build_dataset
from dashboard.sample import write_sample
from dashboard.settings import SAMPLE_DIR
from dashboard.store.repository import sample_files


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_smp001_committed_sample_is_what_the_generator_writes(tmp_path):
    written = {p.name: digest(p) for p in write_sample(tmp_path)}
    assert written == {p.name: digest(p) for p in SAMPLE_DIR.glob("*.xlsx")}


def test_smp002_sample_imports_without_errors_or_warnings(store):
    for path in sample_files():
        report = store.import_path(path, source="sample")
        assert report.outcome == "imported", report.text()
        assert report.errors == [] and report.warnings == []
        assert report.skipped  # title sheets, totals and footnotes are reported as skipped


def test_smp003_sample_is_plausible_against_the_study(store):
    for path in sample_files():
        store.import_path(path, source="sample")
    data = build_dataset(store)
    table = data.indicators
    assert data.is_sample
    assert set(table["zone_id"]) == set(data.zones["id"])
    assert table.loc[table["zone_id"] == "klabu", "year"].min() == 2020
    spiral = table.loc[table["inntrekk_streak"] >= 2, "zone_id"].unique()
    assert len(spiral) >= 2
    projects = store.current("projects")
    radical = projects[projects["ladder_class"] == "radikal"]
    conservative = projects[projects["ladder_class"] == "konservativ"]
    assert len(conservative) > 2 * len(radical) > 0
    assert (radical["initiator_class"] == "top-down").mean() > 0.5
    nardo = radical[radical["zones"].str.split(";").apply(lambda z: "nardo" in z)]
    assert len(nardo) >= 2
    suppressed = table[table["survey_respondents"] < data.threshold]
    assert len(suppressed) >= 2 and suppressed["survey_informasjon"].isna().all()
    by_zone = table.groupby("zone_id")[["inntrekk_streak", "risk_tolerance"]].mean()
    low_risk = by_zone.loc[spiral, "risk_tolerance"].mean()
    assert low_risk < by_zone.drop(index=spiral)["risk_tolerance"].mean()
    assert pd.notna(table["council_followup_rate"]).any()


def test_smp004_sample_uploaded_by_hand_is_still_labelled(store):
    for path in sample_files():
        assert store.import_path(path, source="web").outcome == "imported"
    assert build_dataset(store).is_sample
