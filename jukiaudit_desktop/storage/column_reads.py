"""Reading many rows as compact columns: each column of an id range comes back as one group_concat string that
numpy parses (reading a million rows one by one through Python is slow); the table is scanned (NOT INDEXED),
which is faster than following an index row by row.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.pipeline import read_ahead
from ..core.progress import NO_PROGRESS, Progress
from ..reconcile.columns import Vocabulary, hex_words
from .database import Database, bulk_connection

_FIELD, _ROW = "\x1f", "\x1e"
_CHUNK_IDS = 1 << 17  # rows per read: short GIL holds (the GUI stays responsive), progress and cancel

Combo = tuple[str, str, str]  # terminal, operator, 事務 code ('' when the row has none)


@dataclass
class Rows:
    """The rows read, in id order: integer columns, the optional 64-bit word, and per row the index of its
    (terminal, operator, 事務) in `combos`, which lists each distinct one in order of first appearance."""

    numbers: list[Any]
    word: Any
    combo: Any
    combos: list[Combo]

    def vocabulary_codes(self, names: Vocabulary) -> list[Any]:
        """Terminal, operator and 事務 as vocabulary codes: each distinct terminal coded in order of first
        appearance, then each operator, then each 事務."""
        return [coded([c[k] for c in self.combos], names)[self.combo] for k in range(3)]


def _numbers(text: str | None, size: int) -> Any:
    values = np.fromstring(text or "", dtype=np.int64, sep=",")
    if len(values) != size:
        raise RuntimeError("column lengths differ while reading reconciliation input")
    return values


def read_rows(db: Database, table: str, numbers: Sequence[str], where: str, params: Sequence[Any],
              progress: Progress = NO_PROGRESS, word: tuple[str, Sequence[Any]] | None = None,
              ids: tuple[int, int] | None = None) -> Rows:
    """Integer columns (SQL expressions that are never NULL) as int64 arrays, `word` (an SQL expression of 16 hex
    digits, with its parameters) as 64-bit numbers, of the rows matching `where` (with ids in the inclusive
    range `ids`, default all). Reads id ranges one after another, the next while this thread parses the last (_read_ahead);
    within a range one aggregate query returns every column in the same row order."""
    low, high = db.execute(f"SELECT min(id), max(id) FROM {table}").fetchone()
    if ids is not None and low is not None:
        low, high = max(low, ids[0]), min(high, ids[1])
    combos: dict[str, int] = {}
    chunks: list[list[Any]] = []
    word_sql, word_params = (f", group_concat({word[0]}, '')", list(word[1])) if word else ("", [])
    sql = (f"SELECT count(*), {', '.join(f'group_concat({n})' for n in numbers)}{word_sql}, "
           "group_concat(terminal || char(31) || operator || char(31) || coalesce(jimu_code, ''), char(30)) "
           f"FROM {table} NOT INDEXED WHERE id >= ? AND id < ? AND {where}")
    firsts = range(low or 0, (high or -1) + 1, _CHUNK_IDS)
    ahead = _read_ahead(db, sql, [[*word_params, f, min(f + _CHUNK_IDS, high + 1), *params] for f in firsts])
    with contextlib.closing(ahead) as rows:  # cancelled (progress) or failed: the worker stops and closes
        for first, row in zip(firsts, rows, strict=True):
            progress.update(first - low, high - low + 1, "操作ログを読み込んでいます")
            size = int(row[0])
            if size:
                parts = row[-1].split(_ROW)
                for combo in dict.fromkeys(parts):  # the few distinct ones, in order of appearance
                    combos.setdefault(combo, len(combos))
                combo_of_row = np.fromiter(map(combos.__getitem__, parts), dtype=np.int64, count=size)
                chunk = [_numbers(text, size) for text in row[1:len(numbers) + 1]]
                chunks.append([*chunk, *([hex_words(row[-2])] if word else []), combo_of_row])
    empty = np.zeros(0, dtype=np.int64)
    columns = [_joined(chunks, k) if chunks else empty for k in range(len(numbers) + bool(word) + 1)]
    fields = [tuple(combo.split(_FIELD)) for combo in combos]
    return Rows(columns[:len(numbers)], columns[len(numbers)].astype(np.uint64) if word else None, columns[-1],
                [(f[0], f[1], f[2]) for f in fields])


def read_columns(db: Database, table: str, numbers: Sequence[str], where: str, params: Sequence[Any],
                 names: Vocabulary) -> tuple[list[Any], list[Any]]:
    """read_rows' integer columns, and terminal, operator and 事務 as vocabulary codes (Rows.vocabulary_codes)."""
    rows = read_rows(db, table, numbers, where, params)
    return rows.numbers, rows.vocabulary_codes(names)


def _read_ahead(db: Database, sql: str, params: list[list[Any]]) -> Generator[tuple[Any, ...], None, None]:
    """The one row of `sql` for each of `params`, in order. The next queries run on a second connection in a
    worker thread (core.pipeline.read_ahead) while the caller parses the row before (SQLite reads and decrypts
    without the GIL): with two cores the read takes about as long as the larger of the two. Inside a transaction
    (an import, demo data) every query runs here: a second connection would not see the transaction's rows; and
    on a database opened read-only (verify-trail), which a second connection must not open for writing."""
    if db.in_transaction or db.read_only or not params:
        yield from (db.execute(sql, p).fetchone() for p in params)
        return

    def rows() -> Iterator[tuple[Any, ...]]:  # on the worker: its connection made, used and closed there
        with bulk_connection(db) as reader:
            for values in params:
                yield tuple(reader.execute(sql, values).fetchone())

    with read_ahead(rows(), depth=1, name="column-reads") as ahead:
        yield from ahead


def coded(values: list[str], names: Vocabulary) -> Any:
    """The values' vocabulary codes; each distinct value (a terminal among 10^5 rows) coded once, in order of
    appearance, as one by one."""
    code = {value: names.code(value) for value in dict.fromkeys(values)}
    return np.array([code[value] for value in values], dtype=np.int64)


def _joined(chunks: list[list[Any]], k: int) -> Any:
    """Column k of all chunks as one array, each chunk's part let go at once: a column at a time, the read
    needs little more memory than its result (10^7 rows: 80 MB a column)."""
    joined = np.concatenate([chunk[k] for chunk in chunks])
    for chunk in chunks:
        chunk[k] = None
    return joined
