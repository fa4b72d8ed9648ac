"""Backups are encrypted, atomic and verified; restore brings the data back; a key change re-encrypts
everything (keyring: new random key; passphrase: new salt and key), each verified by reopening."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jukiaudit_desktop.cli import main
from jukiaudit_desktop.core.master import Agency, AgencyKind
from jukiaudit_desktop.security import backup as backup_files
from jukiaudit_desktop.security import keys
from jukiaudit_desktop.services import backup, master_data
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database, WrongKeyError


def agency_codes(db: Database) -> list[str]:
    return [a.code for a in master_data.list_agencies(db)]


def add(db: Database, code: str) -> None:
    master_data.add_agency(db, Agency(code, f"課{code}", AgencyKind("本庁課")))


def test_backup_is_encrypted_verified_and_restores(db: Database, tmp_path: Path) -> None:
    add(db, "B1")
    target = tmp_path / "usb" / "backup.db"
    head = backup.create_backup(db, target)
    assert target.exists() and not keys.salt_path(target).exists()  # keyring mode: no salt
    assert b"SQLite format 3" not in target.read_bytes()[:16]
    assert target.stat().st_mode & 0o077 == 0
    assert [p.name for p in target.parent.iterdir()] == ["backup.db"]  # no temp file left behind
    assert backup_files.verify_copy(target, db.key) == head

    add(db, "B2")
    restored = backup.restore_backup(db, target)
    try:
        assert agency_codes(restored) == ["B1"]
        assert trail.verify(restored) == []
        assert trail.entries(restored, limit=1)[0].action == "backup.restore"
    finally:
        restored.close()
    kept = list(tmp_path.glob("audit.db.before-restore-*.bak"))
    assert len(kept) == 1  # the replaced data is kept aside, still encrypted
    assert backup_files.verify_copy(kept[0], db.key).seq > head.seq


def test_a_tampered_backup_is_refused_and_nothing_is_replaced(db: Database, tmp_path: Path) -> None:
    add(db, "B1")
    target = tmp_path / "backup.db"
    backup.create_backup(db, target)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(backup_files.BackupError, match="壊れているか改ざん"):
        backup.restore_backup(db, target)
    assert agency_codes(db) == ["B1"]  # still open, unchanged


def test_backup_over_the_open_database_is_refused(db: Database) -> None:
    with pytest.raises(backup_files.BackupError, match="使用中のデータベース自身"):
        backup.create_backup(db, db.path)


def test_keyring_rekey_puts_a_new_key_in_the_keyring(db: Database, memory_keyring) -> None:
    add(db, "K1")
    old_key, path = db.key, db.path
    reopened = backup.change_key(db)
    reopened.close()
    assert keys.keyring_key(path, create=False) != old_key
    with pytest.raises(WrongKeyError):
        from jukiaudit_desktop.storage.database import open_database

        open_database(path, old_key)
    again = open_app_database(path)
    try:
        assert agency_codes(again) == ["K1"]
        assert [e.action for e in trail.entries(again, limit=2)] == ["database.open", "database.rekey"]
    finally:
        again.close()


def test_cli_passphrase_backup_rekey_restore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OLD", "old passphrase 1")
    monkeypatch.setenv("NEW", "new passphrase 2")
    path, copy = tmp_path / "a.db", tmp_path / "copies" / "a-backup.db"

    def run(var: str, *args: str) -> int:
        return main(["--db", str(path), "--passphrase-env", var, *args])

    assert run("OLD", "init") == 0
    assert run("OLD", "agency", "add", "--code", "P1", "--name", "総務課") == 0
    old_salt = keys.salt_path(path).read_bytes()
    assert run("OLD", "backup", "--out", str(copy)) == 0
    assert keys.salt_path(copy).read_bytes() == old_salt  # the copy opens elsewhere with its passphrase
    assert run("OLD", "agency", "add", "--code", "P2", "--name", "税務課") == 0
    assert run("OLD", "rekey", "--new-passphrase-env", "NEW") == 0
    assert keys.salt_path(path).read_bytes() != old_salt
    capsys.readouterr()
    assert run("OLD", "agency", "list") == 3
    assert "パスフレーズが違う" in capsys.readouterr().err
    assert run("NEW", "restore", str(copy)) == 3  # the copy was made under the old passphrase
    assert "鍵(パスフレーズ)の変更前に作成されたバックアップ" in capsys.readouterr().err
    assert run("NEW", "restore", str(copy), "--backup-passphrase-env", "OLD") == 0
    capsys.readouterr()
    assert run("OLD", "agency", "list") == 0  # the restored database is the old one, with its salt
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == ["P1"]
    assert run("OLD", "verify-trail") == 0


def test_new_passphrase_must_be_given_in_passphrase_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PW", "old passphrase 1")
    path = tmp_path / "a.db"
    assert main(["--db", str(path), "--passphrase-env", "PW", "init"]) == 0
    capsys.readouterr()
    assert main(["--db", str(path), "--passphrase-env", "PW", "rekey"]) == 3
    assert "新しいパスフレーズを指定してください" in capsys.readouterr().err
    assert os.path.exists(keys.salt_path(path))


def test_the_database_file_is_readable_by_its_owner_only(db: Database) -> None:
    add(db, "M1")  # a write: the -wal file exists now too
    for path in (db.path, Path(str(db.path) + "-wal")):
        assert path.stat().st_mode & 0o077 == 0, path
