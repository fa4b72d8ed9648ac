"""Repository of subject look-ups: every operation of an agency on one subject hash (never a clear number)."""

from __future__ import annotations

from typing import Any

from .database import Database


def operation_subject(db: Database, operation_ids: tuple[int, ...]) -> tuple[int, str] | None:
    """(agency id, subject hash) of the first of the operations that has a subject, in the order given."""
    for operation_id in operation_ids:
        row = db.execute("SELECT agency_id, subject_hash FROM operation WHERE id = ? AND subject_hash IS NOT NULL",
                         (operation_id,)).fetchone()
        if row is not None:
            return int(row[0]), str(row[1])
    return None


def lookups(db: Database, agency_id: int, subject_hash: str) -> list[tuple[Any, ...]]:
    """(id, at, terminal, operator, 処理区分, 事務, 処理結果, masked subject, file, line) in time order. The
    agency's rows are scanned: a subject has no index (it would slow every import for a rare question)."""
    return db.query(
        "SELECT o.id, o.at, o.terminal, o.operator, o.op_kind, o.jimu_code, o.result, o.subject_mask, f.file_name, "
        "o.line FROM operation o NOT INDEXED JOIN import_file f ON f.id = o.file_id "
        "WHERE o.agency_id = ? AND o.subject_hash = ? ORDER BY o.at, o.id", (agency_id, subject_hash))
