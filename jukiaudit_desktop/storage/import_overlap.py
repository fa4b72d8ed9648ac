"""Rows of a file just stored that were stored already (overlapping exports): found, paired, removed again.

Two rows are the same when every imported field is equal (NULL equals NULL). The import keeps the multiset
difference: when the new file holds a row n times and the agency's earlier rows hold it m times, the first
min(n, m) copies of the new file (in line order) are paired with the earlier copies (in id order) and removed.
Identical rows inside one file are therefore kept (two lookups in the same second are two lookups).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from . import bindings
from .database import Database

# The imported fields of each table: the identity of a row.
_FIELDS = {
    "operation": ("at", "terminal", "operator", "op_kind", "jimu_code", "count", "result", "subject_hash"),
    "register_entry": ("start_at", "end_at", "terminal", "operator", "jimu_code", "count"),
}
_TIME = {"operation": "at", "register_entry": "start_at"}


@dataclass(frozen=True)
class Pair:
    """A new row (id, line) that equals an earlier stored row (its file, None when typed in, and line)."""

    new_id: int
    new_line: int
    old_file: str | None
    old_line: int | None


def any_stored(db: Database, table: str, agency_id: int) -> bool:
    """Whether the agency has rows in `table`. Asked before a file's rows are stored, it costs nothing (after,
    it would scan the new rows' index entries: 0.15 s a million): without earlier rows there is nothing to pair,
    and the common first import skips stored_pairs."""
    return bool(db.scalar(f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE agency_id = ? LIMIT 1)", (agency_id,)))


def stored_pairs(db: Database, table: str, agency_id: int, file_id: int, first_new_id: int) -> Iterator[Pair]:
    """Rows of `file_id` (ids above `first_new_id`) that pair with earlier rows of the agency, by new line."""
    fields, moment = _FIELDS[table], _TIME[table]
    low, high = db.execute(f"SELECT min({moment}), max({moment}) FROM {table} WHERE id > ? AND file_id = ?",
                           (first_new_id, file_id)).fetchone()
    if low is None:
        return
    listed = ", ".join(fields)
    numbered = f"row_number() OVER (PARTITION BY {listed} ORDER BY id) AS copy"
    same = " AND ".join(f"n.{f} IS o.{f}" for f in fields)
    rows = db.execute(
        f"WITH n AS (SELECT id, line, {listed}, {numbered} FROM {table} WHERE id > ? AND file_id = ?), "
        f"o AS (SELECT id, file_id, line, {listed}, {numbered} FROM {table} "
        f"      WHERE agency_id = ? AND id <= ? AND {moment} BETWEEN ? AND ?) "
        f"SELECT n.id, n.line, f.file_name, o.line FROM n JOIN o ON {same} AND n.copy = o.copy "
        "LEFT JOIN import_file f ON f.id = o.file_id ORDER BY n.line, n.id",
        (first_new_id, file_id, agency_id, first_new_id, low, high))
    for new_id, new_line, old_file, old_line in rows:
        yield Pair(int(new_id), int(new_line), old_file, old_line)


def remove_rows(db: Database, table: str, ids: Sequence[int]) -> None:
    """Delete rows of the file just stored (none bound by the trail yet: see bindings.delete_unbound)."""
    if db.binds_changes:
        bindings.delete_unbound(db.conn, table, ids)
    else:
        db.conn.executemany(f"DELETE FROM {table} WHERE id = ?", ((i,) for i in ids))
