"""Imports at the same moment, from the command line and through the web (contract §6).

Eight files start together: three `python -m dashboard import` processes and three web
uploads. Five are valid and cover overlapping keys (year and zone) in two tables each; two
are workbooks with one bad row; one is not a workbook at all. Every file must land whole or
be refused whole: an imported batch holds exactly its file's rows, a refused one holds none,
and each key's current rows all come from one file, the last one to commit that covers it.
"""

import subprocess
import sys
import threading
from collections import defaultdict

import pytest
from sqlalchemy import select

from dashboard.settings import PROJECT_DIR
from dashboard.store.db import FACT_TABLES, batches
from tests.reliability.harness import Admin
from tests.unit.test_store import snapshot
from tests.workbooks import ECONOMY_HEADER, SURVEY_HEADER, write_xlsx

pytestmark = pytest.mark.reliability

THEMES = ("Informasjon", "Samhandling")
# Years before the sample's (2017-2021), so the sample's rows are never touched, and inside
# the default year window (2000 to next year).
VALID = {
    "v0.xlsx": range(2000, 2008),
    "v1.xlsx": range(2000, 2008),  # the same keys as v0
    "v2.xlsx": range(2004, 2012),  # half of v0's and half of v3's
    "v3.xlsx": range(2008, 2016),
    "v4.xlsx": range(2000, 2016),  # all of them
}
BROKEN = {"b0.xlsx": range(2000, 2008), "b1.xlsx": range(2004, 2012)}


def workbook(tmp_path, name, years, zones, number, flaw=None):
    """An economy and a survey sheet over `years` x `zones`; every value carries `number`,
    so a stored row tells which file it came from. Returns the path and the rows to expect."""
    economy, survey = [ECONOMY_HEADER], [SURVEY_HEADER]
    expected = {"economy": set(), "survey": set()}
    for year in years:
        for zone in zones:
            budget = 1_000_000 * number + year
            economy.append([year, zone.name, budget, budget, budget // 2])
            expected["economy"].add((year, zone.id, budget))
            for theme in THEMES:
                survey.append([year, zone.name, theme, 1 + number / 2, 10 + number])
                expected["survey"].add((year, zone.id, theme.lower(), 1 + number / 2, 10 + number))
    if flaw == "bad cell":
        survey[-1][3] = "ukjent"
    elif flaw == "same key twice":
        economy.append(list(economy[1]))
    path = write_xlsx(tmp_path / name, {"Økonomi": economy, "Brukerundersøkelse": survey})
    return path, expected


def stored(conn, table, batch_id, current_only=False):
    t = FACT_TABLES[table]
    query = select(t).where(t.c.batch_id == batch_id)
    if current_only:
        query = query.where(t.c.superseded_by.is_(None))
    rows = conn.execute(query).mappings().all()
    if table == "economy":
        return {(r["year"], r["zone_id"], r["budget"]) for r in rows}
    if table == "survey":
        return {(r["year"], r["zone_id"], r["theme"], r["score"], r["respondents"]) for r in rows}
    return {r["id"] for r in rows}


def test_rel002_concurrent_imports_each_land_whole_or_not_at_all(server, server_store, tmp_path):
    zones = server_store.registry.zones
    files, expected = {}, {}
    for number, name in enumerate([*VALID, *BROKEN], start=1):
        years = VALID.get(name) or BROKEN[name]
        flaw = {"b0.xlsx": "bad cell", "b1.xlsx": "same key twice"}.get(name)
        files[name], expected[name] = workbook(tmp_path, name, years, zones, number, flaw)
    files["b2.xlsx"] = tmp_path / "b2.xlsx"
    files["b2.xlsx"].write_bytes(b"dette er ikke en arbeidsbok, bare tekst")
    before = snapshot(server_store)
    first_new_batch = max((b.id for b in before["batches"]), default=0) + 1

    cli_runs = [["v0.xlsx", "b0.xlsx"], ["v3.xlsx"], ["v4.xlsx"]]
    web_runs = [["v1.xlsx"], ["v2.xlsx", "b1.xlsx"], ["b2.xlsx"]]
    admins = [Admin(server) for _ in web_runs]  # logged in before the start signal
    start = threading.Barrier(len(cli_runs) + len(web_runs))
    results: dict[str, object] = {}

    def cli(names):
        start.wait(timeout=30)
        command = [sys.executable, "-m", "dashboard", "import", *[str(files[n]) for n in names]]
        results[",".join(names)] = subprocess.run(
            [*command, "--db", server.database_url, "--json"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=PROJECT_DIR,
            env=server.environment(),
            check=False,
        )

    def web(admin, names):
        start.wait(timeout=30)
        results[",".join(names)] = admin.upload_paths(*[files[n] for n in names], timeout=90)

    threads = [threading.Thread(target=cli, args=(names,)) for names in cli_runs]
    runs = zip(admins, web_runs, strict=True)
    threads += [threading.Thread(target=web, args=run) for run in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=150)
    for admin in admins:
        admin.session.close()
    assert not any(t.is_alive() for t in threads), "an import did not finish in time"

    # Each caller was told the truth: exit code 0 / HTTP 200 only when all its files landed.
    for names in cli_runs:
        run = results[",".join(names)]
        assert run.returncode == (1 if any(n.startswith("b") for n in names) else 0), run.stderr
    for names in web_runs:
        response = results[",".join(names)]
        assert response.status_code == (422 if any(n.startswith("b") for n in names) else 200)
        assert [r["file"] for r in response.json()] == names

    with server_store.engine.connect() as conn:
        new = conn.execute(
            select(batches.c.id, batches.c.file_name, batches.c.outcome, batches.c.rows)
            .where(batches.c.id >= first_new_batch)
            .order_by(batches.c.id)
        ).all()
        outcome = {b.file_name: b.outcome for b in new}
        # None lost: every valid file imported, every broken workbook recorded as refused.
        assert {n: outcome.get(n) for n in VALID} == dict.fromkeys(VALID, "imported")
        assert {n: outcome.get(n) for n in BROKEN} == dict.fromkeys(BROKEN, "rejected")
        assert outcome.get("b2.xlsx", "rejected") == "rejected"
        assert len(new) == len(outcome), "a file was recorded twice"

        # Whole: an imported batch holds exactly its file's rows (current or replaced since);
        # a refused one holds nothing, in any table.
        for batch in new:
            for table in FACT_TABLES:
                rows = stored(conn, table, batch.id)
                if batch.outcome == "imported":
                    assert rows == expected[batch.file_name].get(table, set()), batch.file_name
                else:
                    assert rows == set(), (batch.file_name, table)

        # Not interleaved: the current rows of each key come from one file, the last imported
        # (highest batch id, as the import lock serialises them) that covers the key.
        imported = [b for b in new if b.outcome == "imported"]
        winner = {}
        for batch in imported:
            for year in VALID[batch.file_name]:
                winner[year] = batch
        for table in ("economy", "survey"):
            current = defaultdict(set)
            for batch in imported:
                for row in stored(conn, table, batch.id, current_only=True):
                    current[row[0], row[1]].add(batch.file_name)
            assert len(current) == len(winner) * len(zones)
            for (year, _zone), sources in current.items():
                assert sources == {winner[year].file_name}, (table, year, sources)
            for batch in imported:
                mine = {r for r in expected[batch.file_name][table] if winner[r[0]] is batch}
                assert stored(conn, table, batch.id, current_only=True) == mine

    # The sample's rows were never touched, and undoing the five imports restores the rest.
    with Admin(server) as admin:
        admin.undo(times=len(imported))
    after = snapshot(server_store)
    assert {k: v for k, v in after.items() if k != "batches"} == {
        k: v for k, v in before.items() if k != "batches"
    }
