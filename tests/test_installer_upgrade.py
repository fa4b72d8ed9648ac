"""Upgrades keep data: the database made by release 0.1.0 (tests/support/release.py) opens in this version.

Opening it runs every migration this version has, after an encrypted backup of the file as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.release import RELEASE_DB, copy_release
from support.release import RELEASE_PASSPHRASE as PASSPHRASE

from jukiaudit_desktop.security import integrity, keys
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage.database import (
    Database,
    Migration,
    find_migrations,
    open_database,
    schema_version,
)

RELEASE_VERSION = 1  # PRAGMA user_version of 0.1.0
# What 0.1.0's demo data put in the file (counted when it was made).
RELEASE_ROWS = {"agency": 43, "jimu": 52, "audit": 78, "audit_score": 2652, "finding": 6, "followup": 7,
                "operation": 3187, "register_entry": 187, "terminal": 3, "operator": 9}
RELEASE_TRAIL_ENTRIES = 2970


@pytest.fixture
def release_copy(tmp_path: Path) -> Path:
    return copy_release(tmp_path)


def backups_of(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.v{RELEASE_VERSION}-*.bak"))


def assert_release_data_kept(db: Database, new_trail_entries: int) -> None:
    for table, rows in RELEASE_ROWS.items():
        assert db.scalar(f"SELECT count(*) FROM {table}") == rows, table
    assert db.scalar("SELECT count(*) FROM trail") == RELEASE_TRAIL_ENTRIES + new_trail_entries
    report = integrity.check(db)
    assert report.ok, report.lines()


def test_the_committed_file_is_a_0_1_0_database() -> None:
    assert RELEASE_DB.read_bytes()[:16] != b"SQLite format 3\x00"  # encrypted, not plain SQLite
    assert keys.uses_passphrase(RELEASE_DB)


@pytest.mark.real_scrypt  # the 0.1.0 file was made at the product's cost
def test_a_0_1_0_database_opens_through_the_migrations_with_a_backup_first(release_copy: Path) -> None:
    original = release_copy.read_bytes()
    db = open_app_database(release_copy, PASSPHRASE)
    try:
        assert db.scalar("PRAGMA user_version") == schema_version()
        assert_release_data_kept(db, 2)  # the app records its opening and the migration's columns
    finally:
        db.close()
    backups = backups_of(release_copy)
    if schema_version() > RELEASE_VERSION:  # this version changed the schema: the file as it was, kept aside
        assert len(backups) == 1 and backups[0].read_bytes() == original
    else:
        assert backups == []  # nothing to migrate, nothing copied


@pytest.mark.real_scrypt  # the 0.1.0 file was made at the product's cost
def test_a_further_migration_on_the_0_1_0_file_backs_it_up_before_it_changes(release_copy: Path,
                                                                             tmp_path: Path) -> None:
    """Whatever migrations this version has, one more step on top proves the backup-first path on 0.1.0 data."""
    original = release_copy.read_bytes()
    probe_version = schema_version() + 1
    probe = tmp_path / f"{probe_version:04d}_upgrade_probe.sql"
    probe.write_text("CREATE TABLE upgrade_probe (agency_count INTEGER);\n"
                     "INSERT INTO upgrade_probe SELECT count(*) FROM agency;\n", encoding="utf-8")
    key = keys.passphrase_key(release_copy, PASSPHRASE, create=False)
    db = open_database(release_copy, key, migrations=[*find_migrations(), Migration(probe_version, probe)])
    try:
        assert db.scalar("PRAGMA user_version") == probe_version
        assert db.scalar("SELECT agency_count FROM upgrade_probe") == RELEASE_ROWS["agency"]
        assert_release_data_kept(db, 0)
    finally:
        db.close()
    backups = backups_of(release_copy)
    assert len(backups) == 1 and backups[0].read_bytes() == original


def schema_of(db: Database) -> dict[str, Any]:
    """Tables with their columns (name, type, not null, default, primary key), indexes and triggers by name."""
    objects = db.query("SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                       "ORDER BY type, name")
    schema: dict[str, Any] = {"index": set(), "trigger": set(), "view": set()}
    for kind, name, table in objects:
        if kind == "table":
            schema[f"table {name}"] = sorted(tuple(row[1:]) for row in db.query(f"PRAGMA table_info('{name}')"))
        else:
            schema[kind].add((name, table))
    return schema


@pytest.mark.real_scrypt  # the 0.1.0 file was made at the product's cost
def test_an_upgraded_0_1_0_database_has_the_schema_of_a_fresh_one(tmp_path: Path) -> None:
    """Each change adds a migration beside its edit of db_schema.sql: a step one of the two forgot shows here."""
    upgraded = open_app_database(copy_release(tmp_path), PASSPHRASE)
    fresh = open_app_database(tmp_path / "fresh.db", create=True)
    try:
        assert schema_of(upgraded) == schema_of(fresh)
    finally:
        upgraded.close()
        fresh.close()
