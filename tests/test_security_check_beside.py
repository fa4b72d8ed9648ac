"""`reconcile` checks every page's HMAC beside its first reads (storage.database.PageCheck): nothing is written
(no trail entry, no run, no migration, no JSON) until the check has passed, and a damaged page (one the command
reads or one it never reads) gives the one message for a damaged page, exit 3, the file untouched."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlcipher3
from support.imports import OPLOG, REGISTER, layout

from jukiaudit_desktop.security import keys
from jukiaudit_desktop.services import imports
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage import database
from jukiaudit_desktop.storage.database import Migration, StorageError, bulk_connection, open_database

DAMAGED = "データベースが壊れているか改ざんされています"
PAGE = 4096

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def imported(db_path: Path) -> Path:
    """The samples imported into C09, the database closed (keyring mode)."""
    db = open_app_database(db_path, create=True)
    imports.import_files(db, "C09", layout("oplog"), [OPLOG])
    imports.import_files(db, "C09", layout("register"), [REGISTER])
    db.close()
    return db_path


def root_page(db_path: Path, name: str) -> int:
    """The root page of a table, read by an independent client."""
    conn = sqlcipher3.connect(str(db_path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{keys.keyring_key(db_path, create=False).hex()}'\"")
    page = int(conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0])
    conn.close()
    return page


def flip(db_path: Path, page: int) -> None:
    data = bytearray(db_path.read_bytes())
    data[(page - 1) * PAGE + 200] ^= 0x01
    db_path.write_bytes(bytes(data))


def files(db_path: Path) -> dict[str, str]:
    """The folder's files by content, but the -shm index (SQLite rewrites it on every open)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(db_path.parent.iterdir())
            if not p.name.endswith("-shm")}


def trail_actions(db_path: Path) -> list[str]:
    db = open_app_database(db_path, read_only=True)
    try:
        return [action for (action,) in db.query("SELECT action FROM trail ORDER BY seq")]
    finally:
        db.close()


def reconcile(cli: Cli, out: Path) -> tuple[int, str, str]:
    return cli("reconcile", "--agency", "C09", "--json", str(out))


# A table `reconcile` never reads (nor does opening): its page is found damaged by the page check alone.
UNREAD = "checklist_template"


def test_a_damaged_page_the_command_never_reads_stops_it_before_it_writes(imported: Path, cli: Cli,
                                                                        tmp_path: Path) -> None:
    flip(imported, root_page(imported, UNREAD))
    before = files(imported)
    code, _, err = reconcile(cli, tmp_path / "run.json")
    assert (code, DAMAGED in err, "Traceback" in err) == (3, True, False)
    assert files(imported) == before  # no run, no trail entry, no checkpoint
    assert not (tmp_path / "run.json").exists()


def test_without_the_page_check_that_damage_would_go_unseen(imported: Path, cli: Cli, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """What makes the test above fail if the check were skipped: nothing else reads that page."""
    flip(imported, root_page(imported, UNREAD))
    monkeypatch.setattr(database, "_check_pages", lambda conn, path: None)
    assert reconcile(cli, tmp_path / "run.json")[0] == 0


def test_a_damaged_page_the_command_reads_gives_the_same_message(imported: Path, cli: Cli,
                                                                 tmp_path: Path) -> None:
    flip(imported, root_page(imported, "operation"))
    before = files(imported)
    code, _, err = reconcile(cli, tmp_path / "run.json")
    assert (code, DAMAGED in err, "Traceback" in err, "パスフレーズが違う" in err) == (3, True, False, False)
    assert files(imported) == before
    assert not (tmp_path / "run.json").exists()


def test_a_sound_database_is_checked_beside_and_opened_then_reconciled(imported: Path, cli: Cli, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    checked_on: list[threading.Thread] = []
    check_pages = database._check_pages

    def noted(conn: sqlcipher3.Connection, path: Path) -> None:
        checked_on.append(threading.current_thread())
        check_pages(conn, path)

    opened = trail_actions(imported).count("database.open")
    monkeypatch.setattr(database, "_check_pages", noted)
    assert reconcile(cli, tmp_path / "run.json")[0] == 0
    assert [t.name for t in checked_on] == ["page-check"]  # beside the command, in a worker thread
    actions = trail_actions(imported)
    assert actions[-2:] == ["database.open", "reconcile.run"]  # opening's entry, written before the run's
    assert actions.count("database.open") == opened + 1


def key_of(db_path: Path) -> bytes:
    return keys.keyring_key(db_path, create=False)


def test_a_connection_checked_beside_refuses_every_write_until_the_check_passed(imported: Path) -> None:
    flip(imported, root_page(imported, UNREAD))
    before = files(imported)
    db = open_database(imported, key_of(imported), check_beside=True)
    assert db.scalar("SELECT count(*) FROM operation") > 0  # reading goes on beside the check
    with pytest.raises(sqlcipher3.OperationalError, match="readonly"):  # a write past transaction(): SQLite
        db.execute("INSERT INTO setting (name, value) VALUES ('x', 'y')")
    with pytest.raises(StorageError, match=DAMAGED), db.transaction():
        pass
    with bulk_connection(db) as bulk:
        assert bulk.scalar("SELECT count(*) FROM register_entry") > 0
        with pytest.raises(sqlcipher3.OperationalError, match="readonly"):
            bulk.execute("INSERT INTO setting (name, value) VALUES ('x', 'y')")
        with pytest.raises(StorageError, match=DAMAGED), bulk.transaction():
            pass
    with pytest.raises(StorageError, match=DAMAGED), db.transaction():  # failed once, failed for good
        pass
    db.close()
    assert files(imported) == before


def test_a_sound_connection_checked_beside_writes_once_checked(imported: Path) -> None:
    db = open_database(imported, key_of(imported), check_beside=True)
    assert db.waits_to_write
    with bulk_connection(db) as bulk, bulk.transaction():  # waits for the check of `db`
        bulk.execute("INSERT INTO setting (name, value) VALUES ('bulk', '1')")
    assert not db.waits_to_write
    with db.transaction():
        db.execute("INSERT INTO setting (name, value) VALUES ('main', '1')")
    assert db.scalar("SELECT count(*) FROM setting WHERE name IN ('bulk', 'main')") == 2
    db.close()


def test_a_migration_waits_for_the_page_check(imported: Path, tmp_path: Path) -> None:
    flip(imported, root_page(imported, UNREAD))
    step = tmp_path / "9999_more.sql"
    step.write_text("CREATE TABLE more (id INTEGER PRIMARY KEY);", encoding="utf-8")
    before = files(imported)
    with pytest.raises(StorageError, match=DAMAGED):
        open_database(imported, key_of(imported), check_beside=True,
                      migrations=[*database.find_migrations(), Migration(database.schema_version() + 1, step)])
    assert files(imported) == before  # no backup copy, no step


def test_a_damaged_page_is_the_error_given_before_any_other_opening_finds(imported: Path) -> None:
    """Here a schema newer than this version's: the page check's verdict still comes first, as when it runs
    before anything else."""
    conn = sqlcipher3.connect(str(imported), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key_of(imported).hex()}'\"")
    conn.execute(f"PRAGMA user_version = {database.schema_version() + 5}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    flip(imported, root_page(imported, UNREAD))
    with pytest.raises(StorageError, match=DAMAGED):
        open_database(imported, key_of(imported), check_beside=True)
