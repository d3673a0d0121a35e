"""The command line's contract: output, formats and exit codes."""

import csv
import io
import json
import subprocess
import sys

import pytest

from dashboard.cli import main
from dashboard.settings import PROJECT_DIR
from tests.workbooks import ECONOMY_HEADER, write_xlsx


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "cli.sqlite")


@pytest.fixture
def good(tmp_path):
    return str(
        write_xlsx(
            tmp_path / "god.xlsx",
            {
                "Økonomi": [
                    ECONOMY_HEADER,
                    [2019, "Byåsen", 1000, 1100, 800],
                    [2020, "Byåsen", 1000, 1200, 800],
                    [2020, "Heimdal", 1000, 900, 800],
                ]
            },
        )
    )


@pytest.fixture
def bad(tmp_path):
    return str(
        write_xlsx(
            tmp_path / "feil.xlsx",
            {"Økonomi": [ECONOMY_HEADER, [2019, "Byåsen", "tusen", 900, 800]]},
        )
    )


def test_cli001_import_exit_0_and_readable_report(db, good, capsys):
    assert main(["import", good, "--db", db]) == 0
    out = capsys.readouterr().out
    assert "god.xlsx: importert" in out and "Økonomi" in out and "3 rader" in out


def test_cli002_same_file_again_is_exit_0_unchanged(db, good, capsys):
    main(["import", good, "--db", db])
    assert main(["import", good, "--db", db]) == 0
    assert "uendret" in capsys.readouterr().out


def test_cli003_rejected_file_is_exit_1_with_location(db, good, bad, capsys):
    assert main(["import", good, bad, "--db", db]) == 1
    out = capsys.readouterr().out
    assert "feil.xlsx: avvist" in out
    assert "feil.xlsx, ark «Økonomi», C2, kolonne «Budsjett»" in out and "«tusen»" in out


def test_cli004_json_report(db, bad, capsys):
    assert main(["import", bad, "--db", db, "--json"]) == 1
    (report,) = json.loads(capsys.readouterr().out)
    (error,) = report["errors"]
    assert report["outcome"] == "rejected"
    assert (error["file"], error["sheet"], error["cell"], error["value"]) == (
        "feil.xlsx",
        "Økonomi",
        "C2",
        "tusen",
    )
    assert error["expected"] and error["message_en"]


def test_cli005_english_report(db, bad, capsys):
    main(["import", bad, "--db", db, "--lang", "en"])
    assert "rejected: nothing was stored" in capsys.readouterr().out


def test_cli006_missing_file_is_exit_1(db, tmp_path, capsys):
    assert main(["import", str(tmp_path / "finnes-ikke.xlsx"), "--db", db]) == 1
    assert "finnes-ikke.xlsx" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [[], ["import"], ["nonsense"], ["indicators", "--format", "xml"]])
def test_cli007_usage_error_is_exit_2(argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_cli008_indicators_csv_filtered(db, good, capsys):
    main(["import", good, "--db", db])
    capsys.readouterr()
    assert main(["indicators", "--db", db, "--year", "2020", "--zone", "Heimdal hjt"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["zone_id"], r["year"], r["result"]) for r in rows] == [("heimdal", "2020", "100.0")]


def test_cli009_indicators_json(db, good, capsys):
    main(["import", good, "--db", db])
    capsys.readouterr()
    assert main(["indicators", "--db", db, "--format", "json", "--zone", "byasen"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["inntrekk_streak"] for r in rows] == [1, 2]


def test_cli010_indicators_unknown_zone_is_exit_2(db, capsys):
    assert main(["indicators", "--db", db, "--zone", "Narvik"]) == 2


def test_cli011_demo_writes_the_sample_workbooks(tmp_path, capsys):
    assert main(["demo", str(tmp_path / "ut")]) == 0
    written = sorted(p.name for p in (tmp_path / "ut").glob("*.xlsx"))
    assert written == ["enhetsavtaler-eksempel.xlsx", "kvalitetsrapport-eksempel.xlsx"]


def test_cli012_history_and_undo(db, good, capsys):
    main(["import", good, "--db", db])
    assert main(["undo", "--db", db]) == 0
    assert "Angret import" in capsys.readouterr().out
    assert main(["undo", "--db", db]) == 1


def test_cli013_runs_as_a_module(db, good):
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "import", good, "--db", db],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_cli014_undo_by_batch_number(db, good, bad, tmp_path, capsys):
    later = write_xlsx(
        tmp_path / "senere.xlsx", {"Økonomi": [ECONOMY_HEADER, [2021, "Nardo", 5, 5, 5]]}
    )
    main(["import", good, "--db", db])
    main(["import", str(later), "--db", db])
    capsys.readouterr()
    assert main(["undo", "--db", db, "--batch", "1"]) == 1
    out = capsys.readouterr()
    assert "nr. 2 (senere.xlsx)" in out.out + out.err and "etter" in out.out + out.err
    assert main(["undo", "--db", db, "--batch", "2"]) == 0
    assert "Angret import nr. 2 (senere.xlsx): 1 rad fjernet, 0 rader tilbakeført." in (
        capsys.readouterr().out
    )
    assert main(["undo", "--db", db, "--batch", "2"]) == 1
    with pytest.raises(SystemExit) as usage:
        main(["undo", "--db", db, "--batch", "x"])
    assert usage.value.code == 2


def test_cli015_one_row_is_one_rad(db, tmp_path, capsys):
    one = write_xlsx(tmp_path / "en.xlsx", {"Økonomi": [ECONOMY_HEADER, [2019, "Byåsen", 1, 1, 1]]})
    assert main(["import", str(one), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "1 rad," in out and "1 rader" not in out and "1 enhet" in out and "1 enheter" not in out
    assert main(["import", str(one), "--db", db, "--lang", "en"]) == 0
    assert main(["undo", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "1 rad fjernet" in out and "1 rader" not in out


def test_cli016_the_command_line_import_runs_under_the_same_limits(
    db, good, tmp_path, monkeypatch, capsys
):
    """A reader that dies as a failed Rust allocation does: a clean refusal and a history
    row, not a backtrace and a dead command."""
    from tests.import_hooks import hook_environment

    for name, value in hook_environment(tmp_path / "hook", "abort").items():
        monkeypatch.setenv(name, value)
    assert main(["import", good, "--db", db]) == 1
    out = capsys.readouterr().out
    assert "god.xlsx: avvist" in out and "minne" in out
    assert "memory allocation" not in out
    assert main(["history", "--db", db, "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["file_name"], row["outcome"]) == ("god.xlsx", "rejected")
