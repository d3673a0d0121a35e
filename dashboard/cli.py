"""Command line: `python -m dashboard import|indicators|demo|serve|history|undo`.

Exit codes: 0 when every file was imported or unchanged, 1 when any file was rejected,
2 for a usage error (argparse's own convention).

`import` runs each file in a child process with the same limits as the web (memory, CPU
time; store/isolated.py), so a hostile file ends in a refusal and a history row, never in a
crashed command. The child is this same command with `--child TICKET`.
"""

from __future__ import annotations

import argparse
import json
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
    return parser


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
        return child_main(args.files[0], args.child, args.source, _settings(args))
    store = _store(args)
    reports = [run_import(path, store, source=args.source) for path in args.files]
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
    try:
        undone = store.undo(args.batch) if args.batch is not None else store.undo_latest()
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


COMMANDS = {
    "import": cmd_import,
    "indicators": cmd_indicators,
    "demo": cmd_demo,
    "serve": cmd_serve,
    "history": cmd_history,
    "undo": cmd_undo,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)
