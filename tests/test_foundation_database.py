"""The encrypted store: nothing in clear on disk, newer schemas refused, migrations backed up first."""

from __future__ import annotations

from pathlib import Path

import pytest

from jukiaudit_desktop.cli import EXIT_BAD_INPUT, EXIT_OK, main
from jukiaudit_desktop.core.errors import JukiAuditError
from jukiaudit_desktop.security import keys
from jukiaudit_desktop.storage.database import (
    NewerSchemaError,
    find_migrations,
    open_database,
    schema_version,
)

SECRET_NAME = "極秘の機関名テスト課"


def database_files(db_path: Path) -> list[Path]:
    return [p for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)]


def test_init_file_holds_no_sqlite_header_and_no_inserted_text_in_clear(db_path: Path, capsys) -> None:
    assert main(["--db", str(db_path), "init"]) == EXIT_OK
    assert main(["--db", str(db_path), "agency", "add", "--code", "K01", "--name", SECRET_NAME]) == EXIT_OK
    assert main(["--db", str(db_path), "agency", "list"]) == EXIT_OK
    assert SECRET_NAME in capsys.readouterr().out  # it is there, readable with the key …
    for path in database_files(db_path):  # … and nowhere in clear on disk (the WAL included)
        data = path.read_bytes()
        assert b"SQLite format 3" not in data
        assert SECRET_NAME.encode("utf-8") not in data
        assert "本庁課".encode() not in data  # the schema text (CHECK constraints) is encrypted too


def test_newer_schema_is_refused_and_left_alone(db_path: Path, capsys) -> None:
    assert main(["--db", str(db_path), "init"]) == EXIT_OK
    key = keys.keyring_key(db_path, create=False)
    db = open_database(db_path, key)
    db.execute(f"PRAGMA user_version = {schema_version() + 1}")
    db.close()
    before = db_path.read_bytes()
    with pytest.raises(NewerSchemaError, match="新しい版の JukiAudit"):
        open_database(db_path, key)
    capsys.readouterr()
    assert main(["--db", str(db_path), "agency", "list"]) == EXIT_BAD_INPUT
    assert "アプリを更新してから開いてください" in capsys.readouterr().err
    assert db_path.read_bytes() == before


def write_migration(directory: Path, version: int, sql: str) -> None:
    directory.mkdir(exist_ok=True)
    (directory / f"{version:04d}_step.sql").write_text(sql, encoding="utf-8")


def test_a_migration_step_runs_after_an_encrypted_backup(db_path: Path, tmp_path: Path) -> None:
    assert main(["--db", str(db_path), "init"]) == EXIT_OK
    assert main(["--db", str(db_path), "agency", "add", "--code", "K01", "--name", "職員総務課"]) == EXIT_OK
    key = keys.keyring_key(db_path, create=False)
    current = schema_version()
    migrations_dir = tmp_path / "migrations"
    write_migration(migrations_dir, current + 1,
                    "ALTER TABLE agency ADD COLUMN note TEXT;\nUPDATE agency SET note = 'migrated';")
    steps = find_migrations(migrations_dir)
    assert [s.target_version for s in steps] == [current + 1]
    db = open_database(db_path, key, migrations=steps)
    assert db.scalar("PRAGMA user_version") == current + 1
    assert db.scalar("SELECT note FROM agency WHERE code = 'K01'") == "migrated"
    db.close()
    backups = list(db_path.parent.glob(f"{db_path.name}.v{current}-*.bak"))
    assert len(backups) == 1
    assert b"SQLite format 3" not in backups[0].read_bytes()
    old = open_database(backups[0], key, migrations=[])  # the backup is the database before the step
    assert old.scalar("PRAGMA user_version") == current
    assert old.scalar("SELECT name FROM agency") == "職員総務課"
    assert "note" not in [row[1] for row in old.query("PRAGMA table_info(agency)")]
    old.close()
    reopened = open_database(db_path, key, migrations=steps)  # nothing pending: no second backup
    reopened.close()
    assert len(list(db_path.parent.glob("*.bak"))) == 1


def test_a_failing_migration_names_its_backup_and_changes_nothing(db_path: Path, tmp_path: Path) -> None:
    assert main(["--db", str(db_path), "init"]) == EXIT_OK
    key = keys.keyring_key(db_path, create=False)
    current = schema_version()
    write_migration(tmp_path / "broken", current + 1, "CREATE TABLE extra (x);\nSELECT * FROM no_such_table;")
    with pytest.raises(JukiAuditError, match=r"更新\(.*_step\.sql\)に失敗しました\(no such table: no_such_table\)。"
                                             r"更新前のバックアップ: .*\.bak") as failed:
        open_database(db_path, key, migrations=find_migrations(tmp_path / "broken"))
    assert "no such table" in str(failed.value.__cause__)
    db = open_database(db_path, key, migrations=[])
    assert db.scalar("PRAGMA user_version") == current
    assert db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'extra'") == 0
    db.close()
