"""A migration that gives a bound table new columns keeps verify-trail true: rows the app stored verify under
their new columns, and a row changed outside the app before the upgrade is still reported after it."""

from __future__ import annotations

import re
from pathlib import Path

import sqlcipher3

from jukiaudit_desktop.security import keys
from jukiaudit_desktop.services.database_access import record_migration
from jukiaudit_desktop.storage import bindings, trail, trail_data
from jukiaudit_desktop.storage.database import (
    REBIND_SETTING,
    Database,
    Migration,
    find_migrations,
    open_database,
    schema_version,
)


def add_agencies(db: Database) -> None:
    with db.transaction():
        for code, name in (("T01", "甲課"), ("T02", "乙課"), ("T03", "丙課")):
            db.execute("INSERT INTO agency (code, name, kind) VALUES (?, ?, '本庁課')", (code, name))
        trail.record(db, "agency.add", codes=["T01", "T02", "T03"])


def edit_outside_the_app(path: Path, key: bytes, sql: str) -> None:
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute(sql)
    conn.close()


def upgrade_with_a_new_agency_column(path: Path, key: bytes, tmp_path: Path) -> Database:
    probe = tmp_path / f"{schema_version() + 1:04d}_probe.sql"
    probe.write_text("ALTER TABLE agency ADD COLUMN probe_note TEXT NOT NULL DEFAULT '未確認';\n", encoding="utf-8")
    db = open_database(path, key, migrations=[*find_migrations(), Migration(schema_version() + 1, probe)])
    with db.transaction():
        record_migration(db)
    return db


def test_rows_the_app_stored_verify_after_a_migration_adds_a_column(db: Database, db_path: Path,
                                                                      tmp_path: Path) -> None:
    add_agencies(db)
    db.close()
    key = keys.keyring_key(db_path, create=False)
    upgraded = upgrade_with_a_new_agency_column(db_path, key, tmp_path)
    try:
        assert upgraded.scalar("SELECT count(*) FROM agency WHERE probe_note = '未確認'") == 3
        assert trail_data.verify_data(upgraded) == []
        assert trail.verify(upgraded) == []
        assert upgraded.scalar("SELECT count(*) FROM setting WHERE name = ?", (REBIND_SETTING,)) == 0
        assert upgraded.scalar("SELECT action FROM trail ORDER BY seq DESC LIMIT 1") == "database.migrate"
    finally:
        upgraded.close()


def test_a_row_changed_before_the_upgrade_is_still_reported_after_it(db: Database, db_path: Path,
                                                                    tmp_path: Path) -> None:
    add_agencies(db)
    tampered = db.scalar("SELECT id FROM agency WHERE code = 'T02'")
    db.close()
    key = keys.keyring_key(db_path, create=False)
    edit_outside_the_app(db_path, key, "UPDATE agency SET name = '乙課(改)' WHERE code = 'T02'")
    upgraded = upgrade_with_a_new_agency_column(db_path, key, tmp_path)
    try:
        problems = [problem.message for problem in trail_data.verify_data(upgraded)]
        assert problems == [f"agency の行 id {tampered}: アプリの外で変更されています(最後の記録 #2)"], problems
    finally:
        upgraded.close()


def test_no_migration_since_the_trail_binds_changes_the_columns_of_a_bulk_table() -> None:
    """Bulk tables are bound per batch, which a migration cannot bind again (trail_data.rebind_migrated_rows)."""
    first_binding = next(m.target_version for m in find_migrations() if m.path.name.endswith("_trail_binds.sql"))
    for step in find_migrations():
        if step.target_version > first_binding:
            sql = step.path.read_text(encoding="utf-8")
            for table in bindings.BULK_TABLES:
                assert not re.search(rf"ALTER\s+TABLE\s+{table}\b|DROP\s+TABLE\s+{table}\b", sql, re.IGNORECASE), (
                    step.path.name, table)
