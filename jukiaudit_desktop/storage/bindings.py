"""What a trail entry binds: the rows its change left behind, as digests the verifier can recompute.

The rule an inspector could check by hand:
- A row's digest is SHA-256 over its table name and the Python repr() of the tuple of its column values in
  table order (so 1, '1' and b'1' differ). Values are read as they are (no SQL string building) and hashed
  in Python.
- Small tables: each entry lists (table, row id, digest after the change, or null when the change deleted
  the row). Which rows a transaction touched is captured by temporary triggers on this connection only, so
  an edit made with another client is never captured: it is what verification finds.
- Bulk tables (operation, register_entry, discrepancy: up to millions of rows): rows added since the last
  entry form one batch (first id, last id, count, SHA-256 over the rows' digests in id order), computed once
  per import or run. A later change of a bulk row by the app lists the row's digest before and after.
  A bulk insert may hash its rows as it inserts them (hash_inserted), or hand over digests made before for the
  ids the rows get (add_hashed: the import's worker process makes them with RowHashing): the entry then takes
  that running digest instead of reading the rows back, when it covers exactly the batch and none of its rows
  changed since.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core import pipeline
from . import row_digests

BULK_TABLES = ("operation", "register_entry", "discrepancy")
# operation_columns is derived from the operation rows (bound as a bulk table): verify-trail builds it from them
# again and compares (storage.operation_columns.problems); hashing its blobs per entry would cost ~1 s a million rows.
_SKIPPED = ("trail", "operation_columns")
_SEP = "||char(31)||"


def bound_tables(conn: Any) -> list[str]:
    rows = conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        "ORDER BY name").fetchall()
    return [name for (name,) in rows if name not in _SKIPPED]


_layouts: dict[Any, dict[str, list[tuple[Any, ...]]]] = {}  # per open connection (forget() on close)


def forget(conn: Any) -> None:
    _layouts.pop(conn, None)
    forget_inserted(conn)


def _layout(conn: Any, table: str) -> list[tuple[Any, ...]]:
    """The table's PRAGMA table_info rows (cid, name, type, notnull, default, pk), read once per connection."""
    cache = _layouts.setdefault(conn, {})
    if table not in cache:
        cache[table] = conn.execute(f'PRAGMA main.table_info("{table}")').fetchall()
    return cache[table]


def columns(conn: Any, table: str) -> list[str]:
    return [str(row[1]) for row in _layout(conn, table)]


def columns_now(conn: Any, table: str) -> list[str]:
    """The table's columns in table order, read now (not cached)."""
    return [str(row[1]) for row in conn.execute(f'PRAGMA main.table_info("{table}")')]


def column_sql(conn: Any, table: str, prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{column}"' for column in columns(conn, table))


def digest(table: str, values: tuple[Any, ...]) -> bytes:
    return hashlib.sha256(f"{table}\x1f{values!r}".encode()).digest()


def install(conn: Any) -> None:
    """Temporary triggers (this connection only) that note which rows the app's own changes touch."""
    forget(conn)  # the schema may have changed (a migration)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS trail_touched (tbl TEXT NOT NULL, id INTEGER NOT NULL, old TEXT)")
    # The last id of each bulk table bound so far, and (tbl '') the last entry read for it; temporary, so a
    # rolled-back entry rolls it back too.
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS trail_marks (tbl TEXT PRIMARY KEY, last INTEGER NOT NULL)")
    for table in bound_tables(conn):
        if table in BULK_TABLES:  # inserts are found by id (a batch); updates and deletes keep the old row
            for event in ("UPDATE", "DELETE"):
                conn.execute(_bulk_trigger(conn, table, event))
            continue
        for event, ref in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            conn.execute(f'CREATE TEMP TRIGGER IF NOT EXISTS "trail_{event.lower()}_{table}" AFTER {event} '
                         f'ON main."{table}" BEGIN INSERT INTO temp.trail_touched VALUES '
                         f"('{table}', {ref}.rowid, NULL); END")


def _bulk_trigger(conn: Any, table: str, event: str) -> str:
    old = f"json_array({column_sql(conn, table, 'OLD.')})"  # bulk tables hold no BLOB or REAL
    return (f'CREATE TEMP TRIGGER IF NOT EXISTS "trail_{event.lower()}_{table}" AFTER {event} ON main."{table}" '
            f"BEGIN INSERT INTO temp.trail_touched VALUES ('{table}', OLD.rowid, {old}); END")


def delete_unbound(conn: Any, table: str, ids: Sequence[int]) -> None:
    """Delete rows of a bulk table added in the transaction in progress (e.g. an import's rows found stored
    already); see unbound_changes."""
    if not ids:
        return
    with unbound_changes(conn, table, "DELETE", min(ids)):
        conn.executemany(f'DELETE FROM main."{table}" WHERE rowid = ?', ((i,) for i in ids))


@contextlib.contextmanager
def unbound_changes(conn: Any, table: str, event: str, first_id: int) -> Iterator[None]:
    """Change (event UPDATE or DELETE) rows of a bulk table with ids from first_id on, added in the transaction
    in progress. When no trail entry has bound any of them there is no digest to keep from before, so the
    capture trigger is set aside meanwhile: a million captured rows would be held in memory until the entry.
    Rows bound already are changed with their capture, as any change. The running digest of the table's new
    rows no longer holds: the entry reads them back."""
    _hashed(conn).pop(table, None)
    unbound = first_id > _marks(conn).get(table, 0)
    if unbound:
        conn.execute(f'DROP TRIGGER IF EXISTS temp."trail_{event.lower()}_{table}"')
    try:
        yield
    finally:
        if unbound:
            conn.execute(_bulk_trigger(conn, table, event))


@dataclass
class Binds:
    rows: list[list[Any]] = field(default_factory=list)  # [table, id, digest hex | None]
    before: list[list[Any]] = field(default_factory=list)  # [bulk table, id, digest hex before the change]
    batches: list[list[Any]] = field(default_factory=list)  # [bulk table, first id, last id, count, digest hex]

    def to_json(self) -> str | None:
        if not (self.rows or self.before or self.batches):
            return None
        return json.dumps({"rows": self.rows, "before": self.before, "batches": self.batches},
                          separators=(",", ":"))

    @staticmethod
    def from_json(text: str | None) -> Binds:
        if not text:
            return Binds()
        data = json.loads(text)
        return Binds(data.get("rows", []), data.get("before", []), data.get("batches", []))


def current_digest(conn: Any, table: str, row_id: int) -> str | None:
    row = conn.execute(f'SELECT {column_sql(conn, table)} FROM main."{table}" WHERE rowid = ?', (row_id,)).fetchone()
    return None if row is None else digest(table, tuple(row)).hex()


def bulk_rows(conn: Any, table: str, first: int, last: int) -> Iterator[tuple[int, bytes]]:
    """(id, digest) of the rows of a bulk table with first <= id <= last, in id order."""
    cursor = conn.execute(f'SELECT rowid, {column_sql(conn, table)} FROM main."{table}" '
                          "WHERE rowid >= ? AND rowid <= ? ORDER BY rowid", (first, last))
    while chunk := cursor.fetchmany(20_000):
        for row in chunk:
            yield row[0], digest(table, row[1:])


def batch_digest(digests: Iterable[bytes]) -> tuple[int, str]:
    h, count = hashlib.sha256(), 0
    for value in digests:
        h.update(value)
        count += 1
    return count, h.hexdigest()


@dataclass
class _Inserted:
    """Rows of one bulk table inserted in this transaction, ids first … next - 1, hashed as inserted."""

    first: int
    next: int
    hash: Any = field(default_factory=hashlib.sha256)


_inserted: dict[Any, dict[str, _Inserted]] = {}  # per connection, for the transaction in progress
# Per connection: the thread that hashes inserted rows while the connection's thread inserts the next ones.
_hashers: dict[Any, pipeline.OrderedWorker] = {}
# Rows hashed at a time there: a longer run of C code would keep the connection's thread, back from SQLite,
# waiting for the interpreter as long.
_DIGEST_ROWS = 2_000


def forget_inserted(conn: Any) -> None:
    """Drop the running digests (the transaction ended: committed, or rolled back with its rows)."""
    hasher = _hashers.pop(conn, None)
    if hasher is not None:
        hasher.close()
    _inserted.pop(conn, None)


def _hashed(conn: Any) -> dict[str, _Inserted]:
    """The running digests, once every batch handed to the hashing thread has been added (its error raised)."""
    hasher = _hashers.get(conn)
    if hasher is not None:
        hasher.wait()
    return _inserted.setdefault(conn, {})


def hash_inserted(conn: Any, table: str, fields: Sequence[str], rows: Sequence[Sequence[Any]],
                  fixed: Mapping[str, Any]) -> None:
    """Add the rows just inserted into a bulk table (consecutive ids ending at last_insert_rowid()) to the
    table's running digest. `fields` name each row's values, `fixed` the values every row shares; any other
    column must be NULL (no default). The digests are those digest() gives for the rows read back: the first
    row is read back and compared, and on any doubt (a value SQLite would store converted, ids that do not
    follow on) the running digest is dropped and collect() reads the rows.

    The ids and the first row are read here, on the connection's thread; the digests are made on a thread of
    their own, batch after batch in order, while this thread goes on (see _hashed). `rows` must not change."""
    if not rows:
        return
    first, stored = _inserted_first(conn, table, len(rows))
    hasher = _hashers.get(conn)
    if hasher is None:
        hasher = _hashers[conn] = pipeline.OrderedWorker(name="trail-digests")
    hasher.submit(_add_inserted, conn, row_hashing(conn, table, fields, fixed), rows, first, stored)


def add_hashed(conn: Any, table: str, count: int, digests: bytes) -> None:
    """As hash_inserted, for `count` rows just inserted whose digests were made before (RowHashing.digests,
    e.g. in another process, for the ids the rows were to get): the first row is read back and compared, and
    a digest that differs (other ids, a value stored converted) drops the running digest. Added after the
    batches handed to the hashing thread before (in order), without waiting for them."""
    if not count:
        return
    first, stored = _inserted_first(conn, table, count)
    known = digests if digests[:32].hex() == stored else None
    running = _inserted.setdefault(conn, {})
    hasher = _hashers.get(conn)
    if hasher is None:
        _extend(running, table, first, count, known)
    else:
        hasher.submit(_extend, running, table, first, count, known)


def _inserted_first(conn: Any, table: str, count: int) -> tuple[int, str | None]:
    """(the first id of the `count` rows just inserted, that row's digest read back)."""
    last = int(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
    first = last - count + 1
    return first, current_digest(conn, table, first)


@dataclass(frozen=True)
class RowHashing:
    """How rows inserted into a bulk table are hashed, without the connection (picklable: the import's worker
    process makes the digests of the rows it maps, services.import_worker). `layout`: the table's PRAGMA
    table_info; `fields` name the rows' values in order (a shorter row: the first fields); `fixed`: the values
    every row shares; any other column NULL."""

    table: str
    layout: tuple[tuple[Any, ...], ...]
    fields: tuple[str, ...]
    fixed: dict[str, Any]

    def digests(self, rows: Sequence[Sequence[Any]], first: int) -> bytes | None:
        """The digests of `rows` stored with ids first, first + 1, …, joined; None when a column is neither the
        row id, a field, a fixed value nor NULL by default."""
        fields, joined = self.fields[:len(rows[0])], []
        for start in range(0, len(rows), _DIGEST_ROWS):
            part = rows[start:start + _DIGEST_ROWS]
            columns = _row_columns(self.layout, fields, part, self.fixed, first + start)
            if columns is None:
                return None
            joined += row_digests.digests(self.table, columns, len(part))  # as digest() gives them
        return b"".join(joined)


def row_hashing(conn: Any, table: str, fields: Sequence[str], fixed: Mapping[str, Any]) -> RowHashing:
    """How rows of `table` with values `fields` (and `fixed`) are hashed on this connection's database."""
    return RowHashing(table, tuple(_layout(conn, table)), tuple(fields), dict(fixed))


def _add_inserted(conn: Any, hashing: RowHashing, rows: Sequence[Sequence[Any]], first: int,
                  stored: str | None) -> None:
    """On the hashing thread (never touching the connection): the rows' digests, added to the running one."""
    digests = hashing.digests(rows, first)
    if digests is not None and digests[:32].hex() != stored:
        digests = None
    _extend(_inserted.setdefault(conn, {}), hashing.table, first, len(rows), digests)


def _extend(running: dict[str, _Inserted], table: str, first: int, count: int, digests: bytes | None) -> None:
    """Add the digests of rows first … first + count - 1 to the table's running digest (None: they are not
    known, the running digest no longer holds)."""
    stream = running.pop(table, None)
    if digests is None:
        return
    if stream is None or stream.next != first:  # rows in between were not hashed: start again here
        stream = _Inserted(first, first)
    stream.hash.update(digests)
    stream.next = first + count
    running[table] = stream


def _row_columns(layout: Sequence[tuple[Any, ...]], fields: Sequence[str], rows: Sequence[Sequence[Any]],
                 fixed: Mapping[str, Any], first: int) -> list[row_digests.Column] | None:
    """The rows' values by column in table order (`layout`: the table's PRAGMA table_info), as they were
    stored (the row id first); None when a column is neither the row id, a field, a fixed value nor NULL by
    default."""
    by_field = list(zip(*rows, strict=True))
    columns: list[row_digests.Column] = []
    for _cid, name, kind, _notnull, default, pk in layout:
        if pk == 1 and str(kind).upper() == "INTEGER":
            columns.append(range(first, first + len(rows)))
        elif name in fixed:
            columns.append(row_digests.Same(fixed[name]))
        elif name in fields:
            columns.append(by_field[fields.index(name)])
        elif default is None:
            columns.append(row_digests.Same(None))
        else:
            return None
    return columns


def _marks(conn: Any) -> dict[str, int]:
    """The last bound id of each bulk table, read from the entries added since the last look (by this or
    another connection, e.g. the one that stored a reconciliation run)."""
    row = conn.execute("SELECT last FROM temp.trail_marks WHERE tbl = ''").fetchone()
    seen = 0 if row is None else row[0]
    conn.execute("INSERT OR REPLACE INTO temp.trail_marks SELECT json_extract(b.value, '$[0]'), "
                 "max(json_extract(b.value, '$[2]')) FROM main.trail, json_each(main.trail.binds, '$.batches') AS b "
                 "WHERE main.trail.seq > ? AND main.trail.binds IS NOT NULL GROUP BY 1", (seen,))
    conn.execute("INSERT OR REPLACE INTO temp.trail_marks SELECT '', coalesce(max(seq), 0) FROM main.trail")
    return {tbl: last for tbl, last in conn.execute("SELECT tbl, last FROM temp.trail_marks WHERE tbl != ''")}


def collect(conn: Any, *, everything: bool = False) -> Binds:
    """The binds of the changes made since the last collect (then forgotten). everything=True binds every row
    (the first entry that binds, e.g. after an upgrade)."""
    binds = Binds()
    inserted = _hashed(conn)
    _inserted.pop(conn, None)
    touched = conn.execute("SELECT tbl, id, min(rowid), old FROM temp.trail_touched GROUP BY tbl, id "
                           "ORDER BY tbl, id").fetchall()
    if touched:
        conn.execute("DELETE FROM temp.trail_touched")
    marks = _marks(conn)
    by_table: dict[str, set[int]] = {}
    for table, row_id, _, old in touched:
        if table not in BULK_TABLES:
            by_table.setdefault(table, set()).add(row_id)
        elif row_id <= marks.get(table, 0):  # a bulk row of an earlier batch, changed or deleted by the app
            binds.before.append([table, row_id, digest(table, tuple(json.loads(old))).hex()])
            by_table.setdefault(table, set()).add(row_id)
        else:  # a row of the new batch changed after it was inserted: its running digest no longer holds
            inserted.pop(table, None)
    if everything:
        for table in bound_tables(conn):
            if table not in BULK_TABLES:
                by_table.setdefault(table, set()).update(rid for (rid,) in conn.execute(f'SELECT rowid FROM main."{table}"'))
    for table in sorted(by_table):
        binds.rows += [[table, row_id, current_digest(conn, table, row_id)] for row_id in sorted(by_table[table])]
    lasts = conn.execute("SELECT " + ", ".join(f'(SELECT max(rowid) FROM main."{t}")' for t in BULK_TABLES)).fetchone()
    for table, last in zip(BULK_TABLES, lasts, strict=True):
        first = marks.get(table, 0) + 1
        if last is not None and last >= first:
            stream = inserted.get(table)
            if stream is not None and (stream.first, stream.next - 1) == (first, last):
                count, value = last - first + 1, stream.hash.hexdigest()
            else:
                count, value = batch_digest(d for _, d in bulk_rows(conn, table, first, last))
            binds.batches.append([table, first, last, count, value])
            conn.execute("INSERT OR REPLACE INTO temp.trail_marks VALUES (?, ?)", (table, last))
    return binds
