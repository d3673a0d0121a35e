"""Notes in the pages (issue 11, second part): the buttons' callback through the whole
stack (callback guard, CSRF, rights), forged requests refused, the charts' markers and the
tables' notes, open follow-ups on the overview and in meeting mode, notes in the export,
and every note kept as text.

Against the real app (Flask test client, real SQLite) with real accounts.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from flask_login import login_user
from openpyxl import load_workbook

from dashboard import figures
from dashboard.app import create_app
from dashboard.data import get_store
from dashboard.rights import SYSTEM, Identity
from dashboard.store import audit
from dashboard.store.audit import AuditFilter, AuditLog
from dashboard.store.notes import Notes
from dashboard.store.people import People
from dashboard.views import dialogue
from dashboard.views.common import TableView
from dashboard.views.zone import PanelView, add_dialogue
from tests.notes_requests import action_body, answer_of, outputs_of
from tests.reliability.viewers import View, router_payload
from tests.unit.hashing import cheap_hashing  # noqa: F401 - autouse

PASSWORD = "korrekt-hest-batteri"
CALLBACK = "/_dash-update-component"
LISE = Identity("user:1", "Lise Leder", frozenset({"unit_leader"}), frozenset({"heimdal"}))
HEGE = Identity("user:2", "Hege Helse", frozenset({"health_head"}))


@pytest.fixture
def app(settings):
    app = create_app(
        settings.with_overrides(
            admin_secret="admin-hemmelig", secret_key="k" * 64, load_sample_when_empty=True
        )
    )
    people = People(get_store().engine, get_store().registry)
    people.add(SYSTEM, "lise", ["leder"], ["heimdal"], PASSWORD, "Lise Leder")
    people.add(SYSTEM, "hege", ["kommunalsjef"], [], PASSWORD, "Hege Helse")
    return app


def notes() -> Notes:
    return Notes.for_store(get_store())


class Browser:
    """A logged-in person's client, with the CSRF token of their session."""

    def __init__(self, app, username: str | None):
        self.client = app.server.test_client()
        self.deps = self.client.get("/_dash-dependencies").json
        if username:
            response = self.client.post(
                "/logg-inn",
                data={"brukernavn": username, "secret": PASSWORD, "csrf_token": self.token()},
            )
            assert response.status_code == 302
        self.csrf = self.token()

    def token(self) -> str:
        page = self.client.get("/logg-inn").get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def press(self, forms: dict, pressed: dict, prop="n_clicks", token: str | None = "mine"):
        token = self.csrf if token == "mine" else token
        body = action_body(self.deps, forms, pressed, prop, token)
        return self.client.post(CALLBACK, json=body)

    def router(self, path: str, search: str = "") -> str:
        view = View("x", path, search, "", "", "")
        answer = self.client.post(CALLBACK, json=router_payload(self.deps, view))
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
        return json.dumps(answer.json, ensure_ascii=False)


def form(zone="heimdal", year=2021, panel="budget", text="", due=None, editing=None, lang="nb"):
    state = {
        "target": {"zone": zone, "year": year, "panel": panel, "lang": lang},
        "text": text,
        "editing": editing,
    }
    if due is not None:
        state["due"] = due
    return state


def save(key="budget"):
    return {"type": "dlg-save", "form": key}


# ---------------------------------------------------------------- pure parts


def test_nui001_a_notes_hover_text_is_escaped_cut_and_counted():
    note = notes_like(text='<b>fet</b> <a href="javascript:alert(1)">x</a> &amp;' + "y" * 400)
    text = dialogue.hover_text([note] * 7, "nb")
    assert "<b>" not in text and "<a " not in text and "&amp;amp;" in text
    assert "&lt;b&gt;fet&lt;/b&gt;" in text
    assert text.startswith("Notater (7):") and "… og 2 til" in text
    assert text.count("<br>") == 6 and "y" * 240 not in text


def notes_like(**changes):
    from datetime import UTC, datetime

    from dashboard.store.notes import Note

    values = {
        "id": 1,
        "zone_id": "heimdal",
        "year": 2021,
        "panel": "budget",
        "kind": "note",
        "text": "Tekst",
        "status": None,
        "due_date": None,
        "author": "user:1",
        "author_name": "Lise Leder",
        "created_at": datetime(2025, 3, 1, 12, tzinfo=UTC),
        "updated_at": datetime(2025, 3, 1, 12, tzinfo=UTC),
        "updated_by_name": "Lise Leder",
        "version": 1,
        "deleted_at": None,
    }
    return Note(**{**values, **changes})


def test_nui002_markers_sit_on_the_charts_own_years_and_never_change_its_scale():
    spec = {
        "data": [{"type": "bar", "x": ["2019", "2020", "2021"], "y": [1, 2, 3]}],
        "layout": {
            "xaxis": {"categoryarray": ["2019", "2020", "2021"]},
            "yaxis": {"range": [0, 4]},
        },
    }
    before = json.dumps(spec)
    marked = figures.with_note_markers(spec, {"2021": "a", "2015": "b"}, "nb")
    assert json.dumps(spec) == before  # the shared spec is not changed
    trace = marked["data"][-1]
    assert trace["x"] == ["2021"] and trace["yaxis"] == "y2" and trace["customdata"] == ["a"]
    assert marked["layout"]["yaxis"] == {"range": [0, 4]}
    assert marked["layout"]["yaxis2"]["overlaying"] == "y"
    go_figure = figures.go.Figure(marked)  # plotly accepts it as a figure
    assert go_figure.data[-1].name == "Notat"
    assert figures.with_note_markers(spec, {"2015": "b"}, "nb") is spec


def test_nui003_a_panels_table_lists_its_notes_by_year_or_under_it():
    by_year = TableView("Budsjett", ["År", "Resultat"], [["2020", "1 %"], ["2021", "2 %"]])
    view = PanelView("budget", "", "", [], by_year, "", False)
    old = notes_like(id=2, year=2015, text="Gammelt")
    add_dialogue(view, [notes_like(text="Nytt"), old], "nb")
    assert view.table.columns == ["År", "Resultat", "Notater"]
    assert view.table.rows == [["2020", "1 %", ""], ["2021", "2 %", "«Nytt» (Lise Leder)"]]
    assert "2015: «Gammelt» (Lise Leder)" in view.table.note
    themes = TableView("Brukerundersøkelse", ["Tema", "2021"], [["Informasjon", "4,5"]])
    survey = PanelView("survey", "", "", [], themes, "", False)
    follow = notes_like(kind="followup", status="open", panel="survey", text="Ring dem")
    add_dialogue(survey, [follow], "en")
    assert survey.table.columns == ["Tema", "2021"]
    assert survey.table.note == "Notes: 2021: «Ring dem» (Lise Leder) [Open]"


def test_nui004_the_export_sheet_of_notes_in_both_languages():
    note = notes_like(kind="followup", status="in_progress", text="=1+1", panel=None)
    frame = dialogue.notes_frame([note], {"heimdal": "Heimdal"}, "en")
    assert list(frame.columns) == [
        "Zone",
        "Year",
        "Panel",
        "Kind",
        "Text",
        "Status",
        "Due date",
        "Written by",
        "Written",
        "Last edited by",
        "Last edited",
    ]
    assert frame.iloc[0].tolist()[:6] == [
        "Heimdal",
        2021,
        "General",
        "Follow-up",
        "=1+1",
        "In progress",
    ]
    assert dialogue.notes_frame([], {}, "nb").columns[0] == "Enhet"


def test_nui005_the_store_and_the_zone_page_know_the_same_panels():
    from dashboard.store.notes import PANELS
    from dashboard.views.zone import PANELS as PAGE_PANELS

    assert tuple(PAGE_PANELS) == PANELS


# ---------------------------------------------------------------- the callback, for real


def test_nui010_a_unit_leader_writes_a_note_on_the_budget_panel_of_their_zone(app):
    lise = Browser(app, "lise")
    before = notes().version()
    response = lise.press({"budget": form(text="Planlagt investering i senger.")}, save())
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert answer_of(response, "dlg-message", "budget") == "Notatet er lagret."
    assert answer_of(response, "dlg-text", "budget") == ""
    assert outputs_of(response)["notes-version"]["data"] > before
    (note,) = notes().list(zones=["heimdal"])
    assert (note.panel, note.year, note.text, note.author_name) == (
        "budget",
        2021,
        "Planlagt investering i senger.",
        "Lise Leder",
    )
    (entry,) = AuditLog(get_store().engine).entries(AuditFilter(actions=(audit.NOTE_CREATED,)))
    assert entry.address == "127.0.0.1" and entry.zone == "heimdal"


@pytest.mark.parametrize(
    ("forms", "pressed", "message"),
    [
        # The target store says another zone: the page never offered it, the store refuses.
        ({"budget": form(zone="tiller", text="Ikke min")}, save(), "Du har ikke rett"),
        # A follow-up button a unit leader never gets.
        (
            {"budget": form(text="Oppfølging?", due="")},
            {"type": "dlg-followup", "form": "budget"},
            "Du har ikke rett",
        ),
    ],
)
def test_nui011_forged_requests_are_refused_by_the_server_and_store_nothing(
    app, forms, pressed, message
):
    lise = Browser(app, "lise")
    version = notes().version()
    response = lise.press(forms, pressed)
    assert response.status_code == 200
    assert message in answer_of(response, "dlg-message", "budget")
    assert "notes-version" not in outputs_of(response)
    assert notes().list() == [] and notes().version() == version


@pytest.mark.parametrize(
    ("forms", "status"),
    [
        ({"budget": form(zone="atlantis", text="x")}, 400),  # not a zone at all
        ({"budget": form(year=1850, text="x")}, 400),
        ({"budget": form(panel="lonn", text="x")}, 400),
        ({"budget": form(text="x" * 2001)}, 400),  # over DASHBOARD_NOTE_MAX_CHARS
        ({"budget": {**form(text="x"), "editing": {"id": "1 OR 1=1", "version": 1}}}, 400),
    ],
)
def test_nui012_values_a_page_could_never_send_stop_at_the_callback_guard(app, forms, status):
    lise = Browser(app, "lise")
    assert lise.press(forms, save()).status_code == status
    assert notes().list() == []


def test_nui013_without_the_sessions_csrf_token_nothing_is_saved(app):
    lise = Browser(app, "lise")
    for token in (None, "", "forfalsket"):
        response = lise.press({"budget": form(text="x")}, save(), token=token)
        assert "utløpt" in answer_of(response, "dlg-message", "budget")
    assert notes().list() == []


def test_nui014_someone_not_logged_in_cannot_write_through_a_forged_request(app):
    stranger = Browser(app, None)
    response = stranger.press({"budget": form(text="x")}, save())
    assert "Du har ikke rett" in answer_of(response, "dlg-message", "budget")
    assert notes().list() == []


def test_nui015_edit_save_and_stale_edits_through_the_buttons(app):
    lise = Browser(app, "lise")
    lise.press({"budget": form(text="Første")}, save())
    (note,) = notes().list()
    edit = {"type": "dlg-edit", "form": "budget", "note": note.id, "version": 1}
    started = lise.press({"budget": form()}, edit)
    assert answer_of(started, "dlg-text", "budget") == "Første"
    assert answer_of(started, "dlg-editing", "budget") == {"id": note.id, "version": 1}
    assert answer_of(started, "dlg-save", "budget") == "Lagre endringen"
    saved = lise.press(
        {"budget": form(text="Andre", editing={"id": note.id, "version": 1})}, save()
    )
    assert answer_of(saved, "dlg-message", "budget") == "Endringen er lagret."
    assert notes().get(note.id).text == "Andre"
    stale = lise.press(
        {"budget": form(text="Tredje", editing={"id": note.id, "version": 1})}, save()
    )
    assert "Noen andre har endret" in answer_of(stale, "dlg-message", "budget")
    delete = {"type": "dlg-delete", "form": "budget", "note": note.id, "version": 2}
    gone = lise.press({"budget": form()}, delete, prop="submit_n_clicks")
    assert answer_of(gone, "dlg-message", "budget").startswith("Slettet.")
    assert notes().list() == []
    assert [v.change for v in notes().history(LISE, note.id)] == ["created", "edited", "deleted"]


def test_nui016_forged_buttons_on_another_zones_note_change_nothing(app):
    hege = Browser(app, "hege")
    hege.press(
        {"general": form(zone="tiller", panel=None, text="Følg opp rådet", due="2030-01-31")},
        {"type": "dlg-followup", "form": "general"},
    )
    (followup,) = notes().list()
    assert (followup.kind, followup.due_date.isoformat()) == ("followup", "2030-01-31")
    lise = Browser(app, "lise")
    pressed = [
        (
            {"type": "dlg-delete", "form": "general", "note": followup.id, "version": 1},
            "submit_n_clicks",
        ),
        (
            {
                "type": "dlg-status",
                "form": "general",
                "note": followup.id,
                "version": 1,
                "status": "done",
            },
            "n_clicks",
        ),
    ]
    for button, prop in pressed:
        answer = lise.press({"general": form(zone="heimdal", panel=None)}, button, prop=prop)
        assert "Du har ikke rett" in answer_of(answer, "dlg-message", "general")
    edited = lise.press(
        {
            "general": form(
                zone="heimdal",
                panel=None,
                text="Overtatt",
                editing={"id": followup.id, "version": 1},
            )
        },
        save("general"),
    )
    assert "Du har ikke rett" in answer_of(edited, "dlg-message", "general")
    assert notes().get(followup.id) == followup


def test_nui017_the_health_head_moves_a_follow_up_to_done(app):
    hege = Browser(app, "hege")
    hege.press(
        {"budget": form(zone="tiller", text="Legg fram en plan", due="")},
        {"type": "dlg-followup", "form": "budget"},
    )
    (followup,) = notes().open_followups()
    for version, status, said in ((1, "in_progress", "Under arbeid"), (2, "done", "Ferdig")):
        button = {
            "type": "dlg-status",
            "form": "budget",
            "note": followup.id,
            "version": version,
            "status": status,
        }
        answer = hege.press({"budget": form(zone="tiller")}, button)
        assert answer_of(answer, "dlg-message", "budget") == f"Ny status: {said}."
    assert notes().open_followups() == []


def test_nui018_polling_answers_only_when_the_notes_changed(app):
    lise = Browser(app, "lise")
    spec = next(d for d in lise.deps if d["inputs"][0]["id"] == "notes-poll")

    def poll(seen):
        body = {
            "output": spec["output"],
            "outputs": {"id": "notes-version", "property": "data"},
            "inputs": [{"id": "notes-poll", "property": "n_intervals", "value": 3}],
            "state": [{"id": "notes-version", "property": "data", "value": seen}],
            "changedPropIds": ["notes-poll.n_intervals"],
        }
        return lise.client.post(CALLBACK, json=body)

    now = notes().version()
    assert poll(now).status_code == 204
    notes().add(HEGE, "tiller", 2021, "Skrevet på en annen skjerm")
    changed = poll(now)
    assert changed.status_code == 200 and changed.json["response"]["notes-version"]["data"] > now
    assert poll("ikke et tall").status_code == 400  # the guard


# ---------------------------------------------------------------- where notes show


def test_nui019_the_zone_page_shows_notes_beside_the_panel_on_the_chart_and_in_the_table(app):
    notes().add(LISE, "heimdal", 2021, "Planlagt investering", "budget")
    notes().add(LISE, "heimdal", 2019, "Eldre notat", "budget")
    viewer = Browser(app, None)
    page = viewer.router("/sone/heimdal", "?ar=2021")
    assert "Planlagt investering" in page and "Notater fra andre år: 1" in page
    assert '"name": "Notat"' in page  # the chart's marker trace
    assert "«Eldre notat» (Lise Leder)" in page  # the table's notes column
    assert "dlg-textarea" not in page and "Logg inn for å skrive notater" in page
    lise = Browser(app, "lise")
    mine = lise.router("/sone/heimdal", "?ar=2021")
    assert "dlg-textarea" in mine and '"Endre"' in mine
    other = lise.router("/sone/tiller", "?ar=2021")
    assert "dlg-textarea" not in other and "Logg inn for å skrive" not in other


def test_nui020_open_follow_ups_on_the_overview_and_in_meeting_mode(app):
    note = notes().add(HEGE, "tiller", 2020, "Legg fram en plan for brukerrådet", followup=True)
    viewer = Browser(app, None)
    overview = viewer.router("/", "?ar=2021")
    assert "Oppfølging: 1" in overview and "Legg fram en plan for brukerrådet" in overview
    english = viewer.router("/", "?ar=2021&lang=en")
    assert "Follow-up: 1" in english and "Open follow-ups" in english
    deck = viewer.router("/mote", "?ar=2021")
    assert "Legg fram en plan for brukerrådet" in deck and "Åpne oppfølginger" in deck
    notes().set_status(HEGE, note.id, 1, "done")
    assert "Legg fram en plan" not in viewer.router("/", "?ar=2021")
    assert "Legg fram en plan" not in viewer.router("/mote", "?ar=2021")


def test_nui021_notes_and_follow_ups_are_a_sheet_of_every_export(app):
    notes().add(LISE, "heimdal", 2021, '=HYPERLINK("http://x";"klikk")', "budget")
    notes().add(HEGE, "tiller", 2018, "Åpen fra før", followup=True)
    viewer = Browser(app, None).client
    book = load_workbook(
        io.BytesIO(viewer.get("/eksport?format=xlsx&side=sone&soner=heimdal").data)
    )
    sheet = book["Notater og oppfølginger"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Enhet", "År", "Panel", "Type", "Tekst")
    assert rows[1][:5] == (
        "Heimdal",
        2021,
        "Budsjett og ±3 %-regelen",
        "Notat",
        '=HYPERLINK("http://x";"klikk")',
    )
    assert sheet.cell(2, 5).data_type == "s"  # text, never a formula
    overview = load_workbook(
        io.BytesIO(viewer.get("/eksport?format=xlsx&side=oversikt&ar=2021").data)
    )
    texts = [
        r[4] for r in overview["Notater og oppfølginger"].iter_rows(min_row=2, values_only=True)
    ]
    assert sorted(texts) == sorted(['=HYPERLINK("http://x";"klikk")', "Åpen fra før"])
    csv = viewer.get("/eksport?format=csv&side=sone&soner=heimdal&tabell=notater").get_data(
        as_text=True
    )
    assert ";'=HYPERLINK" in csv or "'=HYPERLINK" in csv


def test_nui022_a_note_is_text_wherever_it_shows(app):
    attack = '<img src=x onerror="alert(1)"> [lenke](javascript:alert(1)) <script>alert(2)</script>'
    notes().add(LISE, "heimdal", 2021, attack, "budget")
    viewer = Browser(app, None)
    for path, search in (("/sone/heimdal", "?ar=2021"),):
        page = json.loads(viewer.router(path, search))
        found = list(_strings(page))
        assert attack in found  # a plain string child: React writes it as text
        assert not any("dangerously" in s for s in _keys(page))
        hovers = [s for s in found if s.startswith("Notater (")]  # the chart's hover text
        assert hovers and all("<img" not in s and "&lt;img" in s for s in hovers)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _keys(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _keys(v)
    elif isinstance(value, list):
        for v in value:
            yield from _keys(v)


def test_nui023_every_callback_is_wired_for_a_health_head_too(app):
    """test_wiring.py builds the pages for nobody and for the admin; the notes' buttons
    and forms appear only for those who may write, so their wiring is checked here."""
    import dash

    from dashboard.web.sessions import User
    from tests.unit.test_wiring import components, wiring_problems

    dependencies = app.server.test_client().get("/_dash-dependencies").json
    hege = People(get_store().engine, None).get("hege")
    notes().add(hege.identity, "heimdal", 2021, "Et notat", "budget")
    notes().add(hege.identity, "heimdal", 2021, "En oppfølging", followup=True)
    layouts = {"app.layout": app.layout}
    for page in dash.page_registry.values():
        path = page["path"]
        with app.server.test_request_context(path):
            login_user(User("user", "token", hege.identity))
            layout = page["layout"]
            kwargs = (
                {"zone_id": "heimdal", "ar": "2021"}
                if "<zone_id>" in (page["path_template"] or "")
                else {}
            )
            layouts[path] = layout(**kwargs) if callable(layout) else layout
    assert wiring_problems(dependencies, layouts) == []
    zone_page = next(v for k, v in layouts.items() if k.startswith("/sone"))
    ids = [getattr(c, "id", None) for c in components(zone_page)]
    assert {"type": "dlg-text", "form": "budget"} in ids  # her forms were there to check
    assert {"type": "dlg-followup", "form": "general"} in ids
    assert any(isinstance(i, dict) and i.get("type") == "dlg-status" for i in ids)
