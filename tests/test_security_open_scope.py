"""What opening checks and what verify-trail adds: every open checks every page's HMAC before it writes (a page
damaged anywhere stops every command, file untouched); the B-tree structure — which only someone holding
the key can break without breaking an HMAC — is checked by verify-trail."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlcipher3

from jukiaudit_desktop.cli import main
from jukiaudit_desktop.security import keys

PASSPHRASE = "open scope passphrase"
DAMAGED = "データベースが壊れているか改ざんされています"


def run(db_path: Path, *args: str) -> int:
    return main(["--db", str(db_path), "--passphrase-env", "PW", *args])


@pytest.fixture
def cli_db(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PW", PASSPHRASE)
    assert run(db_path, "init") == 0
    assert run(db_path, "agency", "add", "--code", "K01", "--name", "職員総務課") == 0
    return db_path


def break_structure_with_the_key(db_path: Path) -> None:
    """Drop an index from the schema but not its pages: every HMAC stays valid, the structure does not."""
    key = next(keys.key_candidates(db_path, PASSPHRASE)).key
    conn = sqlcipher3.connect(str(db_path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("DELETE FROM sqlite_master WHERE name = 'operation_by_terminal_time'")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_verify_trail_reports_a_broken_structure_with_valid_hmacs(cli_db: Path, capsys) -> None:
    break_structure_with_the_key(cli_db)
    capsys.readouterr()
    assert run(cli_db, "verify-trail") == 3
    err = capsys.readouterr().err
    assert DAMAGED in err and "never used" in err and "Traceback" not in err


def test_a_sound_database_passes_verify_trail_saying_what_was_checked(cli_db: Path, capsys) -> None:
    capsys.readouterr()
    assert run(cli_db, "verify-trail") == 0
    assert "全ページの HMAC と構造" in capsys.readouterr().out


def test_a_page_damaged_anywhere_stops_a_writing_command_before_it_writes(cli_db: Path, capsys) -> None:
    data = bytearray(cli_db.read_bytes())
    data[-100] ^= 0x01  # the last page: not read by the command itself
    cli_db.write_bytes(bytes(data))
    before = cli_db.read_bytes()
    capsys.readouterr()
    assert run(cli_db, "agency", "add", "--code", "K02", "--name", "課") == 3
    assert DAMAGED in capsys.readouterr().err
    assert cli_db.read_bytes() == before
