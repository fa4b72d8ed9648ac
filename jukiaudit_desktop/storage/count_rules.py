"""Working out what each operation row of a file counts toward 照会件数 under its profile's count rule
(importers.count_rule); rows keep their own 照会件数, the result goes to operation.counted."""

from __future__ import annotations

import contextlib

from ..core.count_rule import PER_SUBJECT_SECOND, CountRule
from . import bindings
from .database import Database


def apply(db: Database, file_id: int, first_new_id: int, rule: CountRule) -> None:
    """Set `counted` on the file's rows (ids above first_new_id); the default rule leaves it NULL (= count)."""
    if rule.is_default:
        return
    # Rows no entry has bound yet (the file's own, during its import) are set without keeping their old values.
    uncaptured = (bindings.unbound_changes(db.conn, "operation", "UPDATE", first_new_id + 1) if db.binds_changes
                  else contextlib.nullcontext())
    with uncaptured:
        _set_counted(db, file_id, first_new_id, rule)


def _set_counted(db: Database, file_id: int, first_new_id: int, rule: CountRule) -> None:
    rows = "id > ? AND file_id = ?"
    db.execute(f"UPDATE operation SET counted = count WHERE {rows}", (first_new_id, file_id))
    excluded: list[str] = []
    params: list[str] = []
    if rule.op_kinds:
        excluded.append(f"coalesce(op_kind, '') NOT IN ({', '.join('?' * len(rule.op_kinds))})")
        params += rule.op_kinds
    if not rule.count_failed and rule.failed_results:
        excluded.append(f"coalesce(result, '') IN ({', '.join('?' * len(rule.failed_results))})")
        params += rule.failed_results
    if excluded:
        db.execute(f"UPDATE operation SET counted = 0 WHERE {rows} AND ({' OR '.join(excluded)})",
                   (first_new_id, file_id, *params))
    if rule.per == PER_SUBJECT_SECOND:
        # Per terminal, operator, second and person: the first counting row counts one, the others nothing.
        db.execute(
            "UPDATE operation SET counted = CASE WHEN ranked.copy = 1 THEN 1 ELSE 0 END FROM ("
            "  SELECT id, row_number() OVER (PARTITION BY terminal, operator, at, subject_hash ORDER BY id) AS copy"
            f"  FROM operation WHERE {rows} AND subject_hash IS NOT NULL AND counted != 0) AS ranked "
            "WHERE operation.id = ranked.id", (first_new_id, file_id))
