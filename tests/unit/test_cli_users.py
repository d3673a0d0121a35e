"""`python -m dashboard user …` and `audit`: local accounts from the command line."""

from __future__ import annotations

import io
import json
import os
import pwd
import subprocess
import sys

import pytest

from dashboard.cli import main
from dashboard.settings import PROJECT_DIR, database_url_from
from dashboard.store.db import get_engine
from dashboard.store.people import People
from tests.unit.hashing import cheap_hashing  # noqa: F401 - autouse

PASSWORD = "korrekt-hest-batteri"


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "brukere.sqlite")


def run(db, *args, stdin: str = "") -> int:
    sys.stdin = io.StringIO(stdin)
    try:
        return main([*args, "--db", db])
    finally:
        sys.stdin = sys.__stdin__


def people(db) -> People:
    return People(get_engine(database_url_from(db)), None)


def test_usr001_add_a_unit_leader_for_two_zones_and_list(db, capsys):
    code = run(
        db,
        "user",
        "add",
        "kari",
        "--role",
        "leder",
        "--sone",
        "heimdal",
        "--sone",
        "Byåsen",
        "--navn",
        "Kari Nordmann",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert code == 0 and "La til kari." in capsys.readouterr().out
    person = people(db).authenticate("kari", PASSWORD)
    assert person.roles == {"unit_leader"} and person.zones == {"heimdal", "byasen"}
    assert run(db, "user", "list") == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("kari\tKari Nordmann\tEnhetsleder\tbyasen, heimdal\tlocal\taktiv")
    assert run(db, "user", "list", "--json") == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["role_ids"] == ["unit_leader"] and PASSWORD not in json.dumps(listed)


def test_usr002_a_generated_password_is_printed_once_and_works(db, capsys):
    assert run(db, "user", "add", "ada", "--role", "admin", "--generate-password") == 0
    password = capsys.readouterr().out.split("Nytt passord: ")[1].split()[0]
    assert len(password) >= 20 and people(db).authenticate("ada", password)


def test_usr003_disable_role_change_and_password_end_sessions_and_say_so(db, capsys):
    run(db, "user", "add", "per", "--role", "leser", "--password-stdin", stdin=PASSWORD)
    assert run(db, "user", "role", "per", "--role", "leder", "--sone", "tiller") == 0
    out = capsys.readouterr().out
    assert "Roller for per: Enhetsleder; tiller (0 økter avsluttet)." in out
    assert run(db, "user", "disable", "per") == 0
    assert "Deaktiverte per" in capsys.readouterr().out
    assert people(db).authenticate("per", PASSWORD) is None
    assert run(db, "user", "enable", "per") == 0
    new = "et-helt-nytt-passord"
    assert run(db, "user", "password", "per", "--password-stdin", stdin=new + "\n") == 0
    assert people(db).authenticate("per", new) and not people(db).authenticate("per", PASSWORD)
    assert run(db, "user", "logout", "per") == 0
    assert "Logget ut per (0 økter avsluttet)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["user", "add", "kari", "--role", "sjef"], "Ukjent rolle «sjef»"),
        (["user", "add", "kari", "--role", "leder"], "minst én sone"),
        (["user", "add", "kari", "--role", "leder", "--sone", "mars"], "Ukjent sone «mars»"),
        (["user", "add", "Kari Nordmann", "--role", "admin"], "Ugyldig brukernavn"),
        (["user", "disable", "ingen"], "Ingen bruker heter «ingen»"),
        (["user", "role", "ingen", "--role", "admin"], "Ingen bruker heter"),
    ],
)
def test_usr004_mistakes_are_exit_1_with_a_message(db, capsys, args, message):
    code = run(db, *args, *(["--password-stdin"] if args[1] == "add" else []), stdin=PASSWORD)
    assert code == 1
    assert message in capsys.readouterr().err


def test_usr005_a_short_password_is_refused_and_no_terminal_means_no_prompt(db, capsys):
    assert run(db, "user", "add", "kari", "--role", "admin", "--password-stdin", stdin="kort") == 1
    assert "minst 12 tegn" in capsys.readouterr().err
    assert run(db, "user", "add", "kari", "--role", "admin") == 2  # stdin is no terminal
    assert "--password-stdin" in capsys.readouterr().err
    assert people(db).list() == []


def test_usr006_the_audit_command_shows_who_did_it(db, capsys):
    run(db, "user", "add", "kari", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    capsys.readouterr()
    assert run(db, "audit", "--what", "users", "--json") == 0
    (entry,) = json.loads(capsys.readouterr().out)
    user = pwd.getpwuid(os.geteuid()).pw_name
    assert (entry["action"], entry["actor"], entry["target"]) == (
        "user_created",
        f"os:{user}",
        "kari",
    )
    assert entry["detail"] == {"roles": ["admin"], "zones": []}


def test_usr007_the_documented_command_works_as_a_program(db):
    """The README's line, as a separate process (python -m dashboard)."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "dashboard",
            "user",
            "add",
            "lise",
            "--role",
            "leder",
            "--sone",
            "heimdal",
            "--password-stdin",
            "--db",
            db,
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert people(db).get("lise").zones == {"heimdal"}
