"""Opening verifies before it writes: read-only commands leave the file as it was; a damaged page, an empty
file, an empty salt file and a damaged page 1 each give one clear Japanese message and exit 3."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlcipher3

from jukiaudit_desktop.cli import main
from jukiaudit_desktop.security import keys

PASSPHRASE = "verify first passphrase"


@pytest.fixture
def cli_db(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PW", PASSPHRASE)
    assert run(db_path, "init") == 0
    assert run(db_path, "agency", "add", "--code", "K01", "--name", "職員総務課") == 0
    return db_path


def run(db_path: Path, *args: str) -> int:
    return main(["--db", str(db_path), "--passphrase-env", "PW", *args])


def files(db_path: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(db_path.parent.iterdir())}


@pytest.mark.parametrize("command", [["verify-trail"], ["audit", "list"], ["trail"]])
def test_read_only_commands_write_nothing(cli_db: Path, command: list[str]) -> None:
    before = files(cli_db)
    assert run(cli_db, *command) == 0
    after = {name: digest for name, digest in files(cli_db).items() if not name.endswith(("-wal", "-shm"))}
    assert after == {name: digest for name, digest in before.items() if not name.endswith(("-wal", "-shm"))}


def flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


DAMAGED = "データベースが壊れているか改ざんされています"


@pytest.mark.parametrize("command", [["verify-trail"], ["audit", "list"], ["agency", "list"],
                                     ["agency", "add", "--code", "K02", "--name", "課"]])
def test_a_damaged_page_gives_every_command_exit_3_and_the_same_message(cli_db: Path, capsys,
                                                                        command: list[str]) -> None:
    flip(cli_db, 4096 * 3 + 200)  # page 4: not read by merely opening
    before = cli_db.read_bytes()
    capsys.readouterr()
    assert run(cli_db, *command) == 3
    err = capsys.readouterr().err
    assert DAMAGED in err and "Traceback" not in err
    assert cli_db.read_bytes() == before  # nothing written to a damaged file


@pytest.mark.parametrize(("damage", "message"), [
    ("empty-file", "ファイルが空です"),
    ("empty-salt", "ソルトファイルが壊れています(長さ 0 バイト)"),
    ("page-1", DAMAGED),
])
def test_broken_files_give_a_clear_message(cli_db: Path, capsys, damage: str, message: str) -> None:
    if damage == "empty-file":
        cli_db.write_bytes(b"")
    elif damage == "empty-salt":
        Path(str(cli_db) + ".salt").write_bytes(b"")
    else:
        flip(cli_db, 300)
    capsys.readouterr()
    assert run(cli_db, "audit", "list") == 3
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert "パスフレーズが違う" not in err  # a damaged page 1 is not a wrong passphrase


def test_a_wrong_passphrase_is_still_called_one(cli_db: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PW", "another long passphrase")
    capsys.readouterr()
    assert run(cli_db, "audit", "list") == 3
    assert "パスフレーズが違う" in capsys.readouterr().err


# What opening checks and what verify-trail adds: every open checks every page's HMAC before it writes; the
# B-tree structure, which only someone holding the key can break without breaking an HMAC, is checked by
# verify-trail (a full quick_check on every open cost as much again as the HMAC check on a big file).


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
    flip(cli_db, cli_db.stat().st_size - 100)  # the last page: not read by the command itself
    before = cli_db.read_bytes()
    capsys.readouterr()
    assert run(cli_db, "agency", "add", "--code", "K02", "--name", "課") == 3
    assert DAMAGED in capsys.readouterr().err
    assert cli_db.read_bytes() == before
