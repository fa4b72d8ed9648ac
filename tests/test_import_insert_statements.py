"""A failure inside one of the import's many-row INSERT statements stores nothing: inside a transaction the
statements keep no statement journal (INSERT OR FAIL) and the transaction undoes them; outside one each
statement is undone as a whole."""

from __future__ import annotations

import pytest
import sqlcipher3

from jukiaudit_desktop.services import imports
from jukiaudit_desktop.storage import imports_repo
from jukiaudit_desktop.storage.database import Database


def _rows(count: int, bad: int) -> list[tuple[object, ...]]:
    """Operation rows; row `bad` has no terminal (NOT NULL), far inside the first statement."""
    return [(n + 2, f"2025-04-01T10:{n // 60 % 60:02d}:{n % 60:02d}", None if n == bad else f"T{n % 7}", "K1",
             "照会", None, 1, "正常") for n in range(count)]


def _file(db: Database) -> tuple[int, int]:
    agency_id = imports.ensure_agency(db, "A")[0].id
    assert agency_id is not None
    with db.transaction():
        batch = imports_repo.insert_batch(db, agency_id, "oplog", "既定", "test")
        file_id = imports_repo.insert_file(db, agency_id, "oplog", "x.csv", "00", "UTF-8", "既定", batch)
    return agency_id, file_id


def test_a_failed_statement_inside_a_transaction_is_undone_with_the_transaction(db: Database) -> None:
    agency_id, file_id = _file(db)
    rows = _rows(imports_repo.ROWS_PER_STATEMENT + 30, bad=imports_repo.ROWS_PER_STATEMENT // 2)
    with pytest.raises(sqlcipher3.IntegrityError, match="NOT NULL"), db.transaction():
        imports_repo.insert_operations(db, file_id, agency_id, rows[:10])  # a statement that succeeds first
        imports_repo.insert_operations(db, file_id, agency_id, rows)
    assert db.scalar("SELECT count(*) FROM operation") == 0


def test_a_failed_statement_outside_a_transaction_stores_none_of_its_rows(db: Database) -> None:
    agency_id, file_id = _file(db)
    rows = _rows(imports_repo.ROWS_PER_STATEMENT + 30, bad=imports_repo.ROWS_PER_STATEMENT // 2)
    with pytest.raises(sqlcipher3.IntegrityError, match="NOT NULL"):
        imports_repo.insert_operations(db, file_id, agency_id, rows)
    assert db.scalar("SELECT count(*) FROM operation") == 0
