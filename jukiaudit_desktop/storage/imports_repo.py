"""Repository of imported files, operation-log rows and register entries (the import section of the schema)."""

from __future__ import annotations

import contextlib
import itertools
import json
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ..core.records import OperationRecord, RegisterEntry
from . import bindings
from .database import Database

_OPERATION_INSERT = ("INTO operation (file_id, agency_id, line, at, terminal, operator, op_kind, jimu_code, "
                     "count, result, subject_hash, subject_mask) VALUES ")
_OPERATION_VALUES = "({file_id}, {agency_id}, ?, ?, ?, ?, ?, ?, ?, ?, {subject})"
_REGISTER_INSERT = ("INTO register_entry (file_id, agency_id, line, start_at, end_at, terminal, operator, "
                    "jimu_code, count) VALUES ")
_REGISTER_VALUES = "({file_id}, {agency_id}, ?, ?, ?, ?, ?, ?, ?)"
# Rows one INSERT statement takes: SQLite then stores them in one step, without holding Python's interpreter
# lock, so the threads that read the file and hash the rows run meanwhile (one step a row would wait for the
# lock after every row). Within this build's 250,000 bound variables at 10 values a row.
ROWS_PER_STATEMENT = 5_000
BULK_CACHE_KIB = 64 * 1024
OPERATION_ROW_WIDTH = 8  # values of an operation row without its identifier (subject) columns
# The values of the rows importers.mapping makes, by column (the trail hashes them as they are inserted).
_OPERATION_FIELDS = ("line", "at", "terminal", "operator", "op_kind", "jimu_code", "count", "result",
                     "subject_hash", "subject_mask")
_REGISTER_FIELDS = ("line", "start_at", "end_at", "terminal", "operator", "jimu_code", "count")
OPERATION_COLUMNS = ("o.id, o.at, o.terminal, o.operator, o.op_kind, o.jimu_code, o.count, o.result, "
                     "o.subject_mask, f.file_name, o.line")


@dataclass(frozen=True)
class ImportedFile:
    id: int
    kind: str
    file_name: str
    sha256: str
    encoding: str
    profile: str
    row_count: int
    imported_at: str


def find_file(db: Database, agency_id: int, kind: str, sha256: str) -> ImportedFile | None:
    row = db.execute(
        "SELECT id, kind, file_name, sha256, encoding, profile, row_count, imported_at FROM import_file "
        "WHERE agency_id = ? AND kind = ? AND sha256 = ?", (agency_id, kind, sha256)).fetchone()
    return None if row is None else ImportedFile(*row)


def list_files(db: Database, agency_id: int) -> list[ImportedFile]:
    return [ImportedFile(*r) for r in db.query(
        "SELECT id, kind, file_name, sha256, encoding, profile, row_count, imported_at FROM import_file "
        "WHERE agency_id = ? ORDER BY id", (agency_id,))]


def insert_batch(db: Database, agency_id: int, kind: str, profile: str, imported_by: str) -> int:
    cur = db.execute(
        "INSERT INTO import_batch (agency_id, kind, profile, imported_at, imported_by) VALUES (?, ?, ?, ?, ?)",
        (agency_id, kind, profile, datetime.now().isoformat(timespec="seconds"), imported_by))
    return int(cur.lastrowid)


def set_success_results(db: Database, file_id: int, values: Sequence[str]) -> None:
    """The 処理結果 values the file's profile counts as success (failed_search_burst counts the others)."""
    db.execute("UPDATE import_file SET success_results = ? WHERE id = ?",
               (json.dumps(list(values), ensure_ascii=False), file_id))


def insert_file(db: Database, agency_id: int, kind: str, file_name: str, sha256: str, encoding: str,
                profile: str, batch_id: int) -> int:
    cur = db.execute(
        "INSERT INTO import_file (agency_id, kind, file_name, sha256, encoding, profile, row_count, imported_at, "
        "batch_id) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
        (agency_id, kind, file_name, sha256, encoding, profile, datetime.now().isoformat(timespec="seconds"),
         batch_id))
    return int(cur.lastrowid)


def set_row_count(db: Database, file_id: int, row_count: int, skipped: int = 0) -> None:
    """Rows the file added, and rows it held that were stored already (not added again)."""
    db.execute("UPDATE import_file SET row_count = ?, skipped_count = ? WHERE id = ?", (row_count, skipped, file_id))


def last_id(db: Database, table: str) -> int:
    return int(db.scalar(f"SELECT coalesce(max(id), 0) FROM {table}"))


def insert_operations(db: Database, file_id: int, agency_id: int, rows: Sequence[Sequence[Any]],
                      digests: bytes | None = None) -> None:
    """Rows as made by importers.mapping: (line, at, terminal, operator, op_kind, jimu_code, count, result), then
    (subject_hash, subject_mask) when the log has an identifier column. All rows have the same width.
    `digests`: the trail's digests of the rows made already (row_hashing), else they are made here.

    Without identifiers the two columns are NULL in the statement: binding None costs sqlcipher3 two failed
    adapter look-ups (exceptions) a value, ≈10 % of inserting a million rows.
    """
    if not rows:
        return
    width = len(rows[0])
    subject = "?, ?" if width == OPERATION_ROW_WIDTH + 2 else "NULL, NULL"
    _insert_rows(db, _OPERATION_INSERT,
                 _OPERATION_VALUES.format(file_id=int(file_id), agency_id=int(agency_id), subject=subject), rows)
    _hash_inserted(db, "operation", _OPERATION_FIELDS[:width], rows, file_id, agency_id, digests)


def insert_register_rows(db: Database, file_id: int | None, agency_id: int, rows: Sequence[Sequence[Any]],
                         digests: bytes | None = None) -> None:
    """Rows (line, start_at, end_at, terminal, operator, jimu_code, count); file_id None for typed-in entries.
    `digests` as for insert_operations."""
    if not rows:
        return
    file_sql = "NULL" if file_id is None else str(int(file_id))
    _insert_rows(db, _REGISTER_INSERT, _REGISTER_VALUES.format(file_id=file_sql, agency_id=int(agency_id)), rows)
    _hash_inserted(db, "register_entry", _REGISTER_FIELDS, rows, file_id, agency_id, digests)


def _insert_rows(db: Database, into: str, values: str, rows: Sequence[Sequence[Any]]) -> None:
    """INSERT `rows` (all of one width), ROWS_PER_STATEMENT at a time: INSERT `into` … `values`, `values`, …

    Inside a transaction the statements are INSERT OR FAIL: a statement that fails keeps the rows it stored
    before the failure, so SQLite keeps no statement journal (a copy of every page a statement changes first,
    to undo the statement alone). The caller's transaction is what undoes a failure (Database.transaction rolls
    it all back). The journal's copies grow with the pages one statement touches: an index leaf per terminal
    (1,600 in a 10^7 log), ≈10 % of the inserts' CPU there. Outside a transaction a failed statement is undone
    as a whole, as usual."""
    insert = ("INSERT OR FAIL " if db.in_transaction else "INSERT ") + into
    flat = list(itertools.chain.from_iterable(rows))
    width = len(rows[0])
    step = ROWS_PER_STATEMENT * width
    whole = len(rows) // ROWS_PER_STATEMENT * step
    if whole:
        db.conn.executemany(insert + ", ".join([values] * ROWS_PER_STATEMENT),
                            (flat[start:start + step] for start in range(0, whole, step)))
    if whole < len(flat):
        db.conn.execute(insert + ", ".join([values] * ((len(flat) - whole) // width)), flat[whole:])


def _hash_inserted(db: Database, table: str, fields: Sequence[str], rows: Sequence[Sequence[Any]],
                   file_id: int | None, agency_id: int, digests: bytes | None) -> None:
    """Let the trail bind the rows from the values just inserted, without reading them back."""
    if not (db.binds_changes and db.in_transaction):
        return
    if digests is not None:
        bindings.add_hashed(db.conn, table, len(rows), digests)
    else:
        bindings.hash_inserted(db.conn, table, fields, rows, _fixed(file_id, agency_id))


def row_hashing(db: Database, table: str, file_id: int, agency_id: int) -> bindings.RowHashing | None:
    """How the trail hashes the rows insert_operations / insert_register_rows store for the file (`table`:
    operation or register_entry), for making their digests elsewhere; None when the database binds no rows."""
    if not (db.binds_changes and db.in_transaction):
        return None
    fields = _OPERATION_FIELDS if table == "operation" else _REGISTER_FIELDS
    return bindings.row_hashing(db.conn, table, fields, _fixed(file_id, agency_id))


def _fixed(file_id: int | None, agency_id: int) -> dict[str, Any]:
    return {"file_id": None if file_id is None else int(file_id), "agency_id": int(agency_id)}


@contextlib.contextmanager
def bulk_load_cache(db: Database) -> Iterator[None]:
    """A page cache big enough for a bulk load that keeps its indexes up to date: each index takes new entries
    at one place per terminal (one leaf page each, over 1,600 terminals at 10^7 operations), and a smaller cache
    writes those pages out and reads them back again and again (SQLite's default 2 MiB: twice the CPU at 4·10^6
    rows). Decrypted pages in memory, as any page read.

    Why 64 MiB (benchmarks/bench_insert_scaling.py, the 10^7 log): the pages in use (those leaves, the pages
    beside them that a split rewrites, the index's inner pages) are 5,000–8,000 of 4 KiB; 64 MiB holds them
    (≈100 pages read back a million rows), 32 MiB does not (8,000 a million rows, +17 % CPU). Every page is
    written about once either way (into the WAL when the cache is full, ≈32,000 a million rows, the rest at
    the COMMIT), so a bigger cache saves no work: 256 MiB took the same CPU (inserts −1.5 s, COMMIT +1.4 s)
    and 250 MB more memory, and what it saves during the inserts (which overlap the reading threads) it adds
    to the COMMIT, which overlaps nothing."""
    before = db.scalar("PRAGMA cache_size")
    db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB:d}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA cache_size = {int(before):d}")


def last_operation_id(db: Database) -> int:
    return last_id(db, "operation")


def operation_indexes(db: Database) -> list[tuple[str, str]]:
    """(name, CREATE statement) of every index on the operation table, as the schema defines them."""
    return [(str(n), str(s)) for n, s in db.query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'operation' AND sql IS NOT NULL")]


def drop_index(db: Database, name: str) -> None:
    db.execute(f'DROP INDEX "{name}"')


def create_indexes(db: Database, statements: Sequence[str]) -> None:
    """Run CREATE INDEX statements on the operation table. SQLite sorts in memory (temp_store MEMORY, this
    SQLCipher build's default): SQLCipher does not encrypt temporary files, so the keys never go to disk in
    clear. (A sort packed into one buffer with temp_store FILE saved ≈2 s of a million-row index only while
    cipher_memory_security was on; now the two cost the same.)"""
    for sql in statements:
        db.execute(sql)


def list_operations(db: Database, agency_id: int) -> list[OperationRecord]:
    rows = db.query(f"SELECT {OPERATION_COLUMNS}, o.subject_hash FROM operation o "
                    "JOIN import_file f ON f.id = o.file_id WHERE o.agency_id = ? ORDER BY o.at, o.id", (agency_id,))
    return [OperationRecord(datetime.fromisoformat(at), terminal, operator, jimu, count, op_kind, result,
                            subject_hash, subject_mask, file_name, line, id_)
            for (id_, at, terminal, operator, op_kind, jimu, count, result, subject_mask, file_name, line,
                 subject_hash) in rows]


def list_register_entries(db: Database, agency_id: int) -> list[RegisterEntry]:
    rows = db.query(
        "SELECT r.id, r.start_at, r.end_at, r.terminal, r.operator, r.jimu_code, r.count, f.file_name, r.line "
        "FROM register_entry r LEFT JOIN import_file f ON f.id = r.file_id WHERE r.agency_id = ? "
        "ORDER BY r.start_at, r.id", (agency_id,))
    return [RegisterEntry(datetime.fromisoformat(start), datetime.fromisoformat(end), terminal, operator, jimu,
                          count, file_name, line, id_)
            for id_, start, end, terminal, operator, jimu, count, file_name, line in rows]


# --- paging through a big operation log (the GUI's table keeps only ids) ---


@dataclass(frozen=True)
class OperationFilter:
    """Rows to show: code prefixes (empty = any) and an inclusive date range."""

    terminal: str = ""
    operator: str = ""
    jimu_code: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def sql(self) -> tuple[str, list[Any]]:
        where, params = "", []
        for column, prefix in (("terminal", self.terminal), ("operator", self.operator),
                               ("jimu_code", self.jimu_code)):
            if prefix:
                where += f" AND o.{column} >= ? AND o.{column} < ?"
                params += [prefix, prefix + "\U0010ffff"]
        if self.date_from:
            where += " AND o.at >= ?"
            params.append(self.date_from.isoformat())
        if self.date_to:
            where += " AND o.at < ?"
            params.append((self.date_to + timedelta(days=1)).isoformat())
        return where, params


# Sort keys the table offers, as SQL (ties broken by id so the order is stable).
OPERATION_SORTS = {
    "at": "o.at", "terminal": "o.terminal", "operator": "o.operator", "op_kind": "o.op_kind",
    "jimu_code": "o.jimu_code", "count": "o.count", "result": "o.result", "subject": "o.subject_mask",
    "source": "o.id",  # ids follow files and their lines: the order of import, with no sort step
}


def operation_ids(db: Database, agency_id: int, where: OperationFilter, sort: str = "at",
                  descending: bool = False) -> array[int]:
    """Ids of the matching operations in display order, as a compact array (8 bytes a row)."""
    condition, params = where.sql()
    direction = "DESC" if descending else "ASC"
    order = ", ".join(f"{part} {direction}" for part in OPERATION_SORTS[sort].split(", "))
    # One text value for all ids: far faster than a million Python rows.
    text = db.scalar(f"SELECT group_concat(id) FROM (SELECT o.id FROM operation o WHERE o.agency_id = ?{condition} "
                     f"ORDER BY {order}, o.id)", [agency_id, *params])
    return array("q", map(int, text.split(","))) if text else array("q")


def operations_by_id(db: Database, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Display rows (see OPERATION_COLUMNS) for `ids`, in the order given."""
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    rows = db.query(f"SELECT {OPERATION_COLUMNS} FROM operation o JOIN import_file f ON f.id = o.file_id "
                    f"WHERE o.id IN ({marks})", list(ids))
    by_id = {row[0]: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]
