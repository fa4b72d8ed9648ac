"""A reconciliation run's discrepancies are stored in chunks and bound by the trail from the values as inserted
(storage.bindings.hash_inserted), not read back: the batch equals the digest of the rows read back, the data
verifies, and a discrepancy edited, deleted or added with another client afterwards is reported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3
from support.imports import OPLOG, REGISTER, layout

from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.security import keys
from jukiaudit_desktop.services import imports, reconciliation
from jukiaudit_desktop.storage import bindings, reconcile_repo, trail, trail_data
from jukiaudit_desktop.storage.database import Database


@pytest.fixture
def run(db: Database, monkeypatch: pytest.MonkeyPatch) -> int:
    """The samples reconciled, their discrepancies stored 7 at a time; no bulk row was read back to bind them."""
    imports.import_files(db, "C09", layout("oplog"), [OPLOG])
    imports.import_files(db, "C09", layout("register"), [REGISTER])

    def read_back(conn: Any, table: str, first: int, last: int) -> Any:
        raise AssertionError(f"{table} rows {first}-{last} read back to bind them")

    monkeypatch.setattr(bindings, "bulk_rows", read_back)
    monkeypatch.setattr(reconcile_repo, "_STORE_CHUNK", 7)
    run_id = reconciliation.run_reconciliation(db, "C09", ReconcileSettings()).run_id
    monkeypatch.undo()
    return run_id


def _discrepancy_batches(db: Database) -> list[list[Any]]:
    return [batch for (text,) in db.query("SELECT binds FROM trail WHERE binds IS NOT NULL ORDER BY seq")
            for batch in bindings.Binds.from_json(text).batches if batch[0] == "discrepancy"]


def test_the_run_is_bound_as_its_rows_read_back(db: Database, run: int) -> None:
    stored = db.scalar("SELECT count(*) FROM discrepancy WHERE reconciliation_id = ?", (run,))
    assert stored > 40  # several chunks
    [(table, first, last, count, value)] = _discrepancy_batches(db)
    assert (last - first + 1, count) == (stored, stored)
    assert bindings.batch_digest(d for _, d in bindings.bulk_rows(db.conn, table, first, last)) == (count, value)
    assert trail_data.verify_data(db) == []
    assert trail.verify(db) == []


def _tamper(db_path: Path, sql: str) -> None:
    """An edit with the database key through an independent client (no app code, no capture triggers)."""
    conn = sqlcipher3.connect(str(db_path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{keys.keyring_key(db_path, create=False).hex()}'\"")
    conn.execute(sql)
    conn.close()


EDITS: dict[str, Callable[[int], str]] = {
    "detail": lambda run: f"UPDATE discrepancy SET detail = '{{}}' WHERE id = (SELECT max(id) FROM discrepancy "
                          f"WHERE reconciliation_id = {run})",
    "deleted": lambda run: f"DELETE FROM discrepancy WHERE id = (SELECT min(id) + 3 FROM discrepancy "
                           f"WHERE reconciliation_id = {run})",
    "added": lambda run: "INSERT INTO discrepancy (reconciliation_id, ordinal, kind, operation_ids, register_ids, "
                         f"detail) VALUES ({run}, 9999, 'off_hours', '[1]', '[]', '{{}}')",
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_discrepancy_changed_outside_the_app_is_reported(db: Database, db_path: Path, run: int, cli,
                                                          edit: str) -> None:
    assert cli("verify-trail")[0] == 0
    _tamper(db_path, EDITS[edit](run))

    code, _, err = cli("verify-trail")

    assert code == 3 and "discrepancy" in err
