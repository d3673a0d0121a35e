"""Notes and follow-ups in the store: rights, history, deleting, text rules, and that they
outlive re-imports and undo (they belong to zone and year, not to a batch).

Real SQLite files (tests/conftest.py's `store`); the same tests run on PostgreSQL from
test_postgres.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from dashboard.rights import Identity
from dashboard.store import audit
from dashboard.store.notes import NoteError, Notes
from tests.workbooks import ECONOMY_HEADER, write_xlsx

LEADER = Identity("user:1", "Lise Leder", frozenset({"unit_leader"}), frozenset({"heimdal"}))
HEAD = Identity("user:2", "Hege Helse", frozenset({"health_head"}))
ADMIN = Identity("user:3", "Ada Admin", frozenset({"admin"}))
VIEWER = Identity("user:4", "Vera Viewer", frozenset({"viewer"}))


@pytest.fixture
def notes(store):
    return Notes.for_store(store)


def audit_rows(store, action=None):
    query = select(audit.audit_log).order_by(audit.audit_log.c.id)
    if action:
        query = query.where(audit.audit_log.c.action == action)
    with store.engine.connect() as conn:
        return conn.execute(query).fetchall()


def test_nte001_a_unit_leader_writes_a_note_on_their_own_zone(store, notes):
    note = notes.add(LEADER, "heimdal", 2021, "Underskudd fordi vi kjøpte nye senger.", "budget")
    assert (note.zone_id, note.year, note.panel, note.kind) == ("heimdal", 2021, "budget", "note")
    assert (note.author, note.author_name, note.version) == ("user:1", "Lise Leder", 1)
    assert notes.list(zones=["heimdal"], years=[2021]) == [note]
    (row,) = audit_rows(store, "note_created")
    assert (row.actor, row.actor_name, row.zone, row.target) == (
        "user:1",
        "Lise Leder",
        "heimdal",
        f"note {note.id}",
    )


@pytest.mark.parametrize(
    ("who", "zone", "followup"),
    [
        (LEADER, "tiller", False),  # another zone
        (LEADER, "heimdal", True),  # follow-ups are the health head's
        (ADMIN, "heimdal", False),
        (VIEWER, "heimdal", False),
        (Identity("anonymous", ""), "heimdal", False),
    ],
)
def test_nte002_writing_without_the_right_is_refused_and_leaves_no_trace(
    store, notes, who, zone, followup
):
    with pytest.raises(NoteError) as refused:
        notes.add(who, zone, 2021, "Forsøk", "budget", followup=followup)
    assert refused.value.code == "forbidden"
    assert notes.list() == []
    assert audit_rows(store) == []


def test_nte003_the_health_head_opens_moves_and_closes_a_follow_up(store, notes):
    opened = notes.add(
        HEAD, "tiller", 2021, "Legg fram plan for brukerrådet.", followup=True, due="2022-03-01"
    )
    assert (opened.kind, opened.status, opened.due_date) == ("followup", "open", date(2022, 3, 1))
    assert opened.is_open
    working = notes.set_status(HEAD, opened.id, 1, "in_progress")
    done = notes.set_status(HEAD, working.id, working.version, "done")
    assert (done.status, done.version, done.is_open) == ("done", 3, False)
    rows = audit_rows(store, "followup_status")
    assert [(r.zone, r.target) for r in rows] == [("tiller", f"followup {opened.id}")] * 2
    assert '"status_before": "in_progress"' in rows[1].detail
    # A unit leader of that zone may not close it either.
    tiller = Identity("user:9", "T", frozenset({"unit_leader"}), frozenset({"tiller"}))
    with pytest.raises(NoteError, match="forbidden"):
        notes.set_status(tiller, opened.id, done.version, "open")


def test_nte004_edits_keep_who_when_and_the_earlier_text(store, notes):
    first = notes.add(LEADER, "heimdal", 2020, "Første tekst", "survey")
    colleague = Identity("user:7", "Kari Kollega", LEADER.roles, LEADER.zones)
    second = notes.edit(colleague, first.id, 1, text="Andre tekst")
    assert (second.text, second.version, second.updated_by_name) == (
        "Andre tekst",
        2,
        "Kari Kollega",
    )
    assert second.author_name == "Lise Leder"  # the author stays the author
    history = notes.history(HEAD, first.id)
    assert [(v.version, v.change, v.text, v.changed_by_name) for v in history] == [
        (1, "created", "Første tekst", "Lise Leder"),
        (2, "edited", "Andre tekst", "Kari Kollega"),
    ]
    assert history[0].changed_at <= history[1].changed_at
    # An edit from a version someone else has moved past is refused, not applied.
    with pytest.raises(NoteError, match="stale"):
        notes.edit(LEADER, first.id, 1, text="Gammel utgave")
    assert notes.get(first.id).text == "Andre tekst"
    # Nothing changed: no new version, no audit row.
    assert notes.edit(LEADER, first.id, 2, text="Andre tekst").version == 2
    assert len(audit_rows(store, "note_edited")) == 1


def test_nte005_deleting_hides_the_note_and_keeps_it_in_the_history(store, notes):
    note = notes.add(LEADER, "heimdal", 2021, "Skal bort")
    gone = notes.delete(LEADER, note.id, 1)
    assert gone.deleted_at is not None
    assert notes.list(zones=["heimdal"]) == []
    assert notes.get(note.id).text == "Skal bort"
    assert [v.change for v in notes.history(LEADER, note.id)] == ["created", "deleted"]
    with pytest.raises(NoteError, match="deleted"):
        notes.edit(LEADER, note.id, 2, text="Tilbake?")
    assert [r.action for r in audit_rows(store)] == ["note_created", "note_deleted"]


def test_nte006_text_is_kept_as_plain_text_within_the_limit(store):
    notes = Notes(store.engine, store.registry, max_chars=40)
    html = '<img src=x onerror="alert(1)"> [lenke](javascript:alert(1))'[:40]
    assert notes.add(HEAD, "heimdal", 2021, html).text == html
    kept = notes.add(HEAD, "heimdal", 2021, "  linje 1\r\nlinje 2\x00\x1b[31m\u200b  ")
    assert kept.text == "linje 1\nlinje 2[31m\u200b"
    for empty in ("", "   \n\t ", None, 42, ["tekst"]):
        with pytest.raises(NoteError, match="empty"):
            notes.add(HEAD, "heimdal", 2021, empty)
    with pytest.raises(NoteError) as long:
        notes.add(HEAD, "heimdal", 2021, "x" * 41)
    assert long.value.code == "too_long"
    assert "41" in long.value.message("nb") and "40" in long.value.message("en")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("zone", "atlantis", "bad_zone"),
        ("zone", {"id": "heimdal"}, "bad_zone"),
        ("year", 1999, "bad_year"),
        ("year", "2021; DROP TABLE notes", "bad_year"),
        ("year", True, "bad_year"),
        ("panel", "payroll", "bad_panel"),
        ("due", "neste fredag", "bad_due"),
        ("due", "2200-01-01", "bad_due"),
        ("status", "closed", "bad_status"),
    ],
)
def test_nte007_values_are_checked_before_anything_is_stored(store, notes, field, value, code):
    args = {"zone": "heimdal", "year": 2021, "panel": "budget", "due": None, "status": "open"}
    args[field] = value
    with pytest.raises(NoteError) as refused:
        notes.add(
            HEAD,
            args["zone"],
            args["year"],
            "Tekst",
            args["panel"],
            followup=True,
            status=args["status"],
            due=args["due"],
        )
    assert refused.value.code == code
    assert refused.value.message("nb") and refused.value.message("en")
    assert notes.list() == []


def test_nte008_notes_survive_a_re_import_and_undoing_it(store, notes, tmp_path):
    def economy(name, budget):
        return write_xlsx(
            tmp_path / name, {"Økonomi": [ECONOMY_HEADER, [2021, "Heimdal", budget, 900, 800]]}
        )

    first = store.import_path(economy("a.xlsx", 1000))
    note = notes.add(LEADER, "heimdal", 2021, "Planlagt investering", "budget")
    followup = notes.add(HEAD, "heimdal", 2021, "Følg opp budsjettet", followup=True)
    again = store.import_path(economy("b.xlsx", 2000))
    assert again.outcome == "imported" and again.replaced == {"economy": 1}
    assert store.current("economy")["budget"].tolist() == [2000]
    store.undo(again.batch_id)
    store.undo(first.batch_id)
    assert store.current("economy").empty
    assert notes.list(zones=["heimdal"]) == [followup, note]
    assert notes.open_followups() == [followup]


def test_nte009_open_follow_ups_by_due_date_without_done_or_deleted(store, notes):
    late = notes.add(HEAD, "tiller", 2021, "Senere", followup=True, due="2022-06-01")
    soon = notes.add(HEAD, "heimdal", 2021, "Snart", followup=True, due="2022-01-15")
    undated = notes.add(HEAD, "heimdal", 2020, "Uten frist", followup=True)
    done = notes.add(HEAD, "heimdal", 2021, "Ferdig", followup=True)
    notes.set_status(HEAD, done.id, 1, "done")
    gone = notes.add(HEAD, "heimdal", 2021, "Slettet", followup=True)
    notes.delete(HEAD, gone.id, 1)
    notes.add(HEAD, "heimdal", 2021, "Bare et notat")
    assert [n.id for n in notes.open_followups()] == [soon.id, late.id, undated.id]
    assert [n.id for n in notes.open_followups(zones=["heimdal"])] == [soon.id, undated.id]


def test_nte010_only_those_with_the_right_see_a_notes_history(store, notes):
    note = notes.add(LEADER, "heimdal", 2021, "Tekst")
    assert notes.history(ADMIN, note.id)
    assert notes.history(HEAD, note.id)
    other = Identity("user:8", "O", frozenset({"unit_leader"}), frozenset({"tiller"}))
    for who in (VIEWER, other, Identity("anonymous", "")):
        with pytest.raises(NoteError, match="forbidden"):
            notes.history(who, note.id)
    with pytest.raises(NoteError, match="not_found"):
        notes.history(HEAD, 10_000)


def test_nte011_ids_and_versions_from_outside_must_be_whole_numbers(store, notes):
    note = notes.add(LEADER, "heimdal", 2021, "Tekst")
    for bad_id in ("1", 1.0, True, None, [1]):
        with pytest.raises(NoteError, match="not_found"):
            notes.edit(LEADER, bad_id, 1, text="x")
    for bad_version in ("1", True, None, 1.5):
        with pytest.raises(NoteError, match="stale"):
            notes.edit(LEADER, note.id, bad_version, text="x")
    assert notes.get(note.id).version == 1


def test_nte012_the_version_grows_with_every_change(store, notes):
    start = notes.version()
    note = notes.add(LEADER, "heimdal", 2021, "a")
    after_add = notes.version()
    notes.edit(LEADER, note.id, 1, text="b")
    assert start < after_add < notes.version()


def test_nte013_a_note_and_its_audit_row_land_together_or_not_at_all(store, notes, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        notes.add(LEADER, "heimdal", 2021, "Uten spor")
    with store.engine.connect() as conn:
        from dashboard.store.notes import note_history
        from dashboard.store.notes import notes as notes_table

        assert conn.execute(select(func.count()).select_from(notes_table)).scalar() == 0
        assert conn.execute(select(func.count()).select_from(note_history)).scalar() == 0
