"""Command line: `python -m dashboard import|indicators|demo|serve|history|undo|user|audit`.

Exit codes: 0 when every file was imported or unchanged, 1 when any file was rejected,
2 for a usage error (argparse's own convention).

`import` runs each file in a child process with the same limits as the web (memory, CPU
time; store/isolated.py), so a hostile file ends in a refusal and a history row, never in a
crashed command. The child is this same command with `--child TICKET`.

Imports, undos and user changes made here are written to the audit trail under the
operating-system user that ran the command (`os:NAME`).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import secrets
import socket
import sys
from pathlib import Path

from .settings import database_url_from, get_settings


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        help="database file path or SQLAlchemy URL (default: DASHBOARD_DATABASE_URL or "
        "data/dashboard.sqlite)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Samskaping i hjemmetjenesten: import, indicators and the dashboard.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", help="import one or more Excel exports")
    p.add_argument("files", nargs="+", type=Path)
    _add_db(p)
    p.add_argument("--json", action="store_true", help="print the reports as JSON")
    p.add_argument("--lang", choices=["nb", "en"], default="nb")
    p.add_argument("--source", choices=["cli", "web"], default="cli", help=argparse.SUPPRESS)
    # The import child (store/isolated.py): one file, in this process, batch stamped TICKET.
    p.add_argument("--child", metavar="TICKET", help=argparse.SUPPRESS)
    p.add_argument("--limits", help=argparse.SUPPRESS)  # memory bytes,CPU seconds,parent pid
    p.add_argument("--actor", help=argparse.SUPPRESS)  # who imports, for the audit trail

    p = sub.add_parser("indicators", help="print the indicator table")
    _add_db(p)
    p.add_argument("--year", type=int)
    p.add_argument("--zone", help="zone id or name")
    p.add_argument("--format", choices=["csv", "json"], default="csv")

    p = sub.add_parser("demo", help="write the sample workbooks")
    p.add_argument("directory", nargs="?", type=Path)

    p = sub.add_parser("serve", help="start the dashboard")
    _add_db(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--debug", action="store_true")

    p = sub.add_parser("history", help="list import batches")
    _add_db(p)
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("undo", help="undo the latest import still in effect")
    _add_db(p)
    p.add_argument(
        "--batch",
        type=int,
        metavar="N",
        help="undo import number N (from `history`), only while it is the latest in effect",
    )
    p.add_argument("--lang", choices=["nb", "en"], default="nb")

    _add_user_commands(sub)

    p = sub.add_parser("audit", help="show the newest entries of the audit trail")
    _add_db(p)
    p.add_argument("--limit", type=int, default=50, help="how many (at most 1000)")
    p.add_argument("--who", default="", help="part of the user's id or name")
    p.add_argument("--what", choices=sorted(_audit_groups()), help="kind of event")
    p.add_argument("--json", action="store_true")
    return parser


def _audit_groups():
    from .store.audit import GROUPS

    return GROUPS


def _add_user_commands(sub) -> None:
    user = sub.add_parser("user", help="local accounts: add, list, disable, password, role")
    users = user.add_subparsers(dest="user_command", required=True)

    def account(name: str, help_text: str) -> argparse.ArgumentParser:
        p = users.add_parser(name, help=help_text)
        p.add_argument("name", metavar="NAME", help="user name (login)")
        _add_db(p)
        p.add_argument("--lang", choices=["nb", "en"], default="nb")
        return p

    def password_source(p: argparse.ArgumentParser) -> None:
        given = p.add_mutually_exclusive_group()
        given.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )
        given.add_argument(
            "--generate-password",
            action="store_true",
            help="make a random password and print it once",
        )

    def roles(p: argparse.ArgumentParser, required: bool) -> None:
        p.add_argument(
            "--role",
            action="append",
            required=required,
            metavar="ROLE",
            help="leser|viewer, leder|unit_leader, kommunalsjef|health_head, admin "
            "(repeat for several)",
        )
        p.add_argument(
            "--sone",
            "--zone",
            dest="zones",
            action="append",
            metavar="ZONE",
            help="a unit leader's zone (id or name; repeat for several)",
        )

    p = account("add", "add a local account")
    roles(p, required=True)
    p.add_argument("--navn", "--display-name", dest="display_name", help="full name shown")
    password_source(p)

    p = users.add_parser("list", help="list the accounts")
    _add_db(p)
    p.add_argument("--json", action="store_true")
    p.add_argument("--lang", choices=["nb", "en"], default="nb")

    account("disable", "disable an account (ends its sessions)")
    account("enable", "enable a disabled account")
    p = account("password", "set a new password (ends the account's sessions)")
    password_source(p)
    p = account("role", "change roles and zones (ends the account's sessions)")
    roles(p, required=True)
    account("logout", "end every session of an account")


def _settings(args):
    overrides = {}
    if getattr(args, "db", None):
        overrides["database_url"] = database_url_from(args.db)
    return get_settings(**overrides)


def _store(args, load_sample: bool = False):
    from .store.repository import Store

    store = Store(_settings(args))
    store.ensure_ready(load_sample=load_sample)
    return store


def cmd_import(args) -> int:
    from .store.isolated import child_main, enter_child, run_import

    if args.child:
        if len(args.files) != 1:
            print("--child takes exactly one file", file=sys.stderr)
            return 2
        if args.limits:
            enter_child(args.limits)
        return child_main(args.files[0], args.child, args.source, _settings(args), args.actor)
    store = _store(args)
    actor, address = os_actor()
    reports = [
        run_import(path, store, source=args.source, actor=actor, address=address)
        for path in args.files
    ]
    if args.json:
        print(
            json.dumps(
                [r.to_dict(args.lang) for r in reports],
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
    else:
        print("\n\n".join(r.text(args.lang) for r in reports))
    return 0 if all(r.ok for r in reports) else 1


def cmd_indicators(args) -> int:
    from .data import build_dataset

    store = _store(args)
    table = build_dataset(store).indicators
    if args.year is not None:
        table = table[table["year"] == args.year]
    if args.zone:
        zone = store.registry.match(args.zone) or store.registry.by_id.get(args.zone)
        if zone is None:
            print(f"Ukjent enhet: {args.zone}", file=sys.stderr)
            return 2
        table = table[table["zone_id"] == zone.id]
    if args.format == "json":
        print(table.to_json(orient="records", force_ascii=False, indent=2))
    else:
        sys.stdout.write(table.to_csv(index=False))
    return 0


def cmd_demo(args) -> int:
    from .sample import write_sample
    from .settings import SAMPLE_DIR

    directory = args.directory or SAMPLE_DIR
    directory.mkdir(parents=True, exist_ok=True)
    for path in write_sample(directory):
        print(path)
    return 0


def cmd_serve(args) -> int:
    from .app import create_app

    app = create_app(_settings(args))
    app.run(host=args.host, port=args.port, debug=args.debug)
    return 0


def cmd_history(args) -> int:
    frame = _store(args).batches()
    if args.json:
        print(frame.to_json(orient="records", force_ascii=False, date_format="iso", indent=2))
    else:
        print(frame.to_string(index=False) if not frame.empty else "Ingen importer ennå.")
    return 0


def cmd_undo(args) -> int:
    from .ingest.messages import count_of, render
    from .store.repository import UndoRefused

    store = _store(args)
    actor, address = os_actor()
    try:
        if args.batch is not None:
            undone = store.undo(args.batch, actor, address)
        else:
            undone = store.undo_latest(actor, address)
    except UndoRefused as refused:
        print(refused.message(args.lang), file=sys.stderr)
        return 1
    if undone is None:
        print(render("undo_nothing", args.lang, {}))
        return 1
    removed = count_of(undone["removed"], "row", args.lang)
    restored = count_of(undone["restored"], "row", args.lang)
    if args.lang == "en":
        print(
            f"Undid import no. {undone['batch_id']} ({undone['file']}): {removed} removed, "
            f"{restored} restored."
        )
    else:
        print(
            f"Angret import nr. {undone['batch_id']} ({undone['file']}): {removed} fjernet, "
            f"{restored} tilbakeført."
        )
    return 0


def os_actor():
    """The operating-system user running this command, for the audit trail (with the user
    who called sudo, when there is one), and the machine as the address."""
    import pwd

    from .rights import ADMIN, Identity

    try:
        name = pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        name = str(os.geteuid())
    shown = name
    invoker = os.environ.get("SUDO_USER")
    if invoker and invoker != name:
        shown = f"{name} (sudo: {invoker})"
    # Whoever can run this command can open the store directly: the command line is the
    # administrator's tool.
    identity = Identity(f"os:{name}", shown, frozenset({ADMIN}))
    return identity, f"cli@{socket.gethostname()}"[:100]


def _people(args):
    from .store.people import People

    store = _store(args)
    return People(store.engine, store.registry, store.settings.password_min_length)


def _new_password(args, lang: str) -> str | None:
    """The password from stdin, made up, or typed twice at a terminal; None (with a message)
    when there is no way to get one."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if args.generate_password:
        password = secrets.token_urlsafe(18)
        label = "New password" if lang == "en" else "Nytt passord"
        print(f"{label}: {password}")
        return password
    if not sys.stdin.isatty():
        print(
            "Give --password-stdin or --generate-password (no terminal to ask at)."
            if lang == "en"
            else "Bruk --password-stdin eller --generate-password (ingen terminal å spørre i).",
            file=sys.stderr,
        )
        return None
    first = getpass.getpass("Password: " if lang == "en" else "Passord: ")
    second = getpass.getpass("Again: " if lang == "en" else "Gjenta: ")
    if first != second:
        print("The passwords differ." if lang == "en" else "Passordene er ulike.", file=sys.stderr)
        return None
    return first


def _person_line(person, lang: str) -> dict:
    from .rights import ROLES, role_label

    en = lang == "en"
    return {
        "username": person.username,
        "name": person.display_name,
        "roles": [role_label(r, lang) for r in ROLES if r in person.roles],
        "role_ids": [r for r in ROLES if r in person.roles],
        "zones": sorted(person.zones),
        "source": person.source,
        "status": ("active" if en else "aktiv")
        if person.active
        else ("disabled" if en else "deaktivert"),
        "last_login": person.last_login_at.isoformat(timespec="seconds")
        if person.last_login_at
        else "",
    }


def cmd_user(args) -> int:
    from .store.people import PeopleError

    lang = getattr(args, "lang", "nb")
    en = lang == "en"
    people = _people(args)
    actor, address = os_actor()
    try:
        if args.user_command == "list":
            lines = [_person_line(p, lang) for p in people.list()]
            if args.json:
                print(json.dumps(lines, ensure_ascii=False, indent=2))
            elif not lines:
                print("No accounts yet." if en else "Ingen kontoer ennå.")
            for line in [] if args.json else lines:
                zones = ", ".join(line["zones"]) or "–"
                print(
                    f"{line['username']}\t{line['name']}\t{', '.join(line['roles'])}\t"
                    f"{zones}\t{line['source']}\t{line['status']}\t{line['last_login'] or '–'}"
                )
            return 0
        if args.user_command == "add":
            password = _new_password(args, lang)
            if password is None:
                return 2
            person = people.add(
                actor,
                args.name,
                args.role,
                args.zones or (),
                password,
                args.display_name,
                address,
            )
            print(("Added" if en else "La til") + f" {person.username}.")
        elif args.user_command == "password":
            password = _new_password(args, lang)
            if password is None:
                return 2
            ended = people.set_password(actor, args.name, password, address)
            print(_ended(args.name, "New password for" if en else "Nytt passord for", ended, en))
        elif args.user_command == "role":
            person, ended = people.set_roles(actor, args.name, args.role, args.zones, address)
            line = _person_line(person, lang)
            what = f"{', '.join(line['roles'])}; {', '.join(line['zones']) or '–'}"
            label = "Roles of" if en else "Roller for"
            print(_ended(args.name, f"{label}", ended, en, what))
        elif args.user_command in {"disable", "enable"}:
            disable = args.user_command == "disable"
            ended = people.set_disabled(actor, args.name, disable, address)
            if disable:
                print(_ended(args.name, "Disabled" if en else "Deaktiverte", ended, en))
            else:
                print(("Enabled" if en else "Aktiverte") + f" {args.name}.")
        elif args.user_command == "logout":
            ended = people.end_sessions(actor, args.name, address)
            print(_ended(args.name, "Logged out" if en else "Logget ut", ended, en))
    except PeopleError as refused:
        print(refused.message(lang), file=sys.stderr)
        return 1
    return 0


def _ended(name: str, verb: str, ended: int, en: bool, what: str = "") -> str:
    sessions = (
        f"{ended} session{'s' if ended != 1 else ''} ended"
        if en
        else f"{ended} økt{'er' if ended != 1 else ''} avsluttet"
    )
    return f"{verb} {name}{': ' + what if what else ''} ({sessions})."


def cmd_audit(args) -> int:
    from .store.audit import GROUPS, AuditFilter, AuditLog

    store = _store(args)
    flt = AuditFilter(who=args.who[:100], actions=GROUPS[args.what] if args.what else ())
    entries = AuditLog(store.engine).entries(flt, limit=max(1, min(args.limit, 1000)))
    rows = [
        {
            "id": e.id,
            "at": e.at.isoformat(timespec="seconds"),
            "actor": e.actor,
            "name": e.actor_name,
            "address": e.address or "",
            "action": e.action,
            "zone": e.zone or "",
            "target": e.target or "",
            "detail": e.detail,
        }
        for e in entries
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return 0
    for r in rows:
        detail = json.dumps(r["detail"], ensure_ascii=False, default=str) if r["detail"] else ""
        print(
            f"{r['at']}\t{r['actor']} ({r['name']})\t{r['address'] or '–'}\t{r['action']}\t"
            f"{r['zone'] or '–'}\t{r['target'] or '–'}\t{detail}"
        )
    return 0


COMMANDS = {
    "import": cmd_import,
    "indicators": cmd_indicators,
    "demo": cmd_demo,
    "serve": cmd_serve,
    "history": cmd_history,
    "undo": cmd_undo,
    "user": cmd_user,
    "audit": cmd_audit,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)
