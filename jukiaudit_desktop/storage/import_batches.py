"""Repository of import batches (one import = the files chosen together): list them, remove one with its rows,
and mark the reconciliation runs made after it as out of date."""

from __future__ import annotations

from dataclasses import dataclass

from .database import Database


@dataclass(frozen=True)
class BatchFile:
    file_name: str
    encoding: str
    rows: int  # rows the file added
    skipped: int  # rows of the file that were stored already


@dataclass(frozen=True)
class Batch:
    id: int
    agency_id: int
    kind: str
    profile: str
    imported_at: str
    imported_by: str
    files: tuple[BatchFile, ...]

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def skipped(self) -> int:
        return sum(f.skipped for f in self.files)


_BATCH_COLUMNS = "id, agency_id, kind, profile, imported_at, imported_by"


def _batches(db: Database, where: str, params: tuple[int, ...]) -> list[Batch]:
    found = db.query(f"SELECT {_BATCH_COLUMNS} FROM import_batch WHERE {where} ORDER BY id", params)
    files: dict[int, list[BatchFile]] = {}
    for batch_id, name, encoding, rows, skipped in db.query(
            "SELECT batch_id, file_name, encoding, row_count, skipped_count FROM import_file "
            f"WHERE batch_id IN (SELECT id FROM import_batch WHERE {where}) ORDER BY id", params):
        files.setdefault(int(batch_id), []).append(BatchFile(name, encoding, int(rows), int(skipped)))
    return [Batch(int(i), int(a), k, p, at, by, tuple(files.get(int(i), ()))) for i, a, k, p, at, by in found]


def list_batches(db: Database, agency_id: int) -> list[Batch]:
    return _batches(db, "agency_id = ?", (agency_id,))


def get_batch(db: Database, batch_id: int) -> Batch | None:
    found = _batches(db, "id = ?", (batch_id,))
    return found[0] if found else None


def delete_batch(db: Database, batch_id: int) -> tuple[int, int]:
    """Delete the batch, its files and their rows (with the operations' column cache); returns (operations,
    register entries) deleted."""
    files = "SELECT id FROM import_file WHERE batch_id = ?"
    operations = db.execute(f"DELETE FROM operation WHERE file_id IN ({files})", (batch_id,)).rowcount
    entries = db.execute(f"DELETE FROM register_entry WHERE file_id IN ({files})", (batch_id,)).rowcount
    db.execute(f"DELETE FROM operation_columns WHERE file_id IN ({files})", (batch_id,))
    db.execute("DELETE FROM import_file WHERE batch_id = ?", (batch_id,))
    db.execute("DELETE FROM import_batch WHERE id = ?", (batch_id,))
    return int(operations), int(entries)


def mark_runs_stale(db: Database, agency_id: int, since: str, reason: str) -> int:
    """Mark the agency's runs made at or after `since` (local ISO time) as out of date; returns how many."""
    return int(db.execute(
        "UPDATE reconciliation SET stale = coalesce(stale || '。', '') || ? "
        "WHERE agency_id = ? AND substr(run_at, 1, 19) >= ?", (reason, agency_id, since)).rowcount)
