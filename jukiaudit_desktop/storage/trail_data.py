"""Verification of the data against the trail: the rows each entry bound (storage.bindings), recomputed.

Reports rows changed, added or deleted outside the app, naming the table, the row id and the entry that
last recorded the row; bulk tables per batch (the import or run that stored it) with the number of rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from . import bindings
from .database import REBIND_SETTING, Database
from .trail import TrailProblem


def verify_data(db: Database) -> list[TrailProblem]:
    latest: dict[tuple[str, int], tuple[int, str | None]] = {}
    before: dict[tuple[str, int], list[tuple[int, str]]] = {}
    batches: list[tuple[int, list[Any]]] = []
    for seq, text in db.execute("SELECT seq, binds FROM trail WHERE binds IS NOT NULL ORDER BY seq"):
        binds = bindings.Binds.from_json(text)
        for table, row_id, value in binds.rows:
            latest[(table, row_id)] = (seq, value)
        for table, row_id, value in binds.before:
            before.setdefault((table, row_id), []).append((seq, value))
        batches += [(seq, batch) for batch in binds.batches]
    problems = _rows(db, latest)
    problems += _unbound_rows(db, latest, batches)
    from . import operation_columns  # numpy: loaded by verify-trail, not by every command's start

    problems += [TrailProblem(0, message) for message in operation_columns.problems(db)]
    for seq, (table, first, last, count, value) in batches:
        later = {row_id: next(v for s, v in changes if s > seq) for (t, row_id), changes in before.items()
                 if t == table and first <= row_id <= last and any(s > seq for s, _ in changes)}
        found, digest = bindings.batch_digest(_as_of_batch(db, table, first, last, later))
        if (found, digest) != (count, value):
            problems.append(TrailProblem(seq, f"{table} の行 id {first}～{last}(記録 {count} 行、現在 {found} 行): "
                                              "アプリの外で変更または削除されています"))
    return problems


def rebind_migrated_rows(db: Database) -> list[str]:
    """After a migration changed the columns of bound tables: each row whose digest over the columns it had
    still equals the digest last bound for it is touched, so the caller's trail entry binds it under its new
    columns; a row changed outside the app before the upgrade stays unbound under them, for verify_data to
    report. Returns the tables (none when no migration asked for it). Must run inside the caller's transaction,
    on a connection that captures changes."""
    row = db.execute("SELECT value FROM setting WHERE name = ?", (REBIND_SETTING,)).fetchone()
    if row is None:
        return []
    db.execute("DELETE FROM setting WHERE name = ?", (REBIND_SETTING,))
    # Bulk tables are left out: their batches would need each row's old digest. A migration after the trail
    # began binding (0006) must not change their columns (tests/test_security_trail_migration.py).
    old_columns: dict[str, list[str]] = {table: columns for table, columns in json.loads(row[0]).items()
                                         if table not in bindings.BULK_TABLES}
    latest: dict[tuple[str, int], str | None] = {}
    for (text,) in db.execute("SELECT binds FROM trail WHERE binds IS NOT NULL ORDER BY seq"):
        for table, row_id, value in bindings.Binds.from_json(text).rows:
            if table in old_columns:
                latest[(table, row_id)] = value
    for table, columns in sorted(old_columns.items()):
        if not _exists(db, table) or not set(columns) <= set(bindings.columns_now(db.conn, table)):
            continue  # a column its rows were bound with is gone: they cannot be checked, verify_data reports them
        selected = ", ".join(f'"{column}"' for column in columns)
        for row_id, *values in db.execute(f'SELECT rowid, {selected} FROM main."{table}"'):
            if latest.get((table, row_id)) == bindings.digest(table, tuple(values)).hex():
                db.execute("INSERT INTO temp.trail_touched VALUES (?, ?, NULL)", (table, row_id))
    return sorted(old_columns)


def _rows(db: Database, latest: dict[tuple[str, int], tuple[int, str | None]]) -> list[TrailProblem]:
    problems = []
    for (table, row_id), (seq, value) in sorted(latest.items()):
        if not _exists(db, table):
            continue
        now = bindings.current_digest(db.conn, table, row_id)
        if now == value:
            continue
        if now is None:
            message = "アプリの外で削除されています"
        elif value is None:
            message = "アプリで削除した行が存在します(アプリの外で追加されています)"
        else:
            message = "アプリの外で変更されています"
        problems.append(TrailProblem(seq, f"{table} の行 id {row_id}: {message}(最後の記録 #{seq})"))
    return problems


def _unbound_rows(db: Database, latest: dict[tuple[str, int], Any], batches: list[tuple[int, list[Any]]]
                  ) -> list[TrailProblem]:
    """Rows no entry ever bound: added outside the app (or every entry that bound them was deleted)."""
    problems = []
    marks: dict[str, int] = {}
    for _seq, (table, _first, last, _count, _value) in batches:
        marks[table] = max(marks.get(table, 0), int(last))
    for table in bindings.bound_tables(db.conn):
        if table in bindings.BULK_TABLES:
            extra = [row_id for (row_id,) in db.execute(
                f'SELECT rowid FROM main."{table}" WHERE rowid > ? ORDER BY rowid', (marks.get(table, 0),))]
        else:
            extra = [row_id for (row_id,) in db.execute(f'SELECT rowid FROM main."{table}" ORDER BY rowid')
                     if (table, row_id) not in latest]
        if extra:
            shown = ", ".join(map(str, extra[:5])) + (" …" if len(extra) > 5 else "")
            problems.append(TrailProblem(0, f"{table} の行 id {shown}({len(extra)} 行): 証跡に記録がありません"
                                            "(アプリの外で追加されたか、記録が削除されています)"))
    return problems


def _as_of_batch(db: Database, table: str, first: int, last: int, later: dict[int, str]) -> Iterator[bytes]:
    """The digests of a batch's rows as the batch stored them: rows the app changed or deleted afterwards
    count with the digest recorded before that change."""
    pending = sorted(later.items())
    j = 0
    for row_id, value in bindings.bulk_rows(db.conn, table, first, last):
        while j < len(pending) and pending[j][0] < row_id:
            yield bytes.fromhex(pending[j][1])
            j += 1
        if j < len(pending) and pending[j][0] == row_id:
            yield bytes.fromhex(pending[j][1])
            j += 1
        else:
            yield value
    for _row_id, old in pending[j:]:
        yield bytes.fromhex(old)


def _exists(db: Database, table: str) -> bool:
    return db.scalar("SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?", (table,)) is not None
