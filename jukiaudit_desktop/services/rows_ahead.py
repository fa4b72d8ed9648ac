"""The rows a run's export names (storage.reconcile_repo.operation_facts and register_facts), chunk by chunk, read
on connections of their own in worker threads ahead of the caller (core.pipeline.read_ahead), the first from the
start: beside the storing of the run (services.reconciliation.run_reconciliation(exporting=True)), then beside the
building of each chunk's objects. Each read is one aggregate query that SQLite answers without holding the GIL, so
it takes another core (10^7 operations: 550,000 rows, most of the operation table decrypted once more)."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Sequence
from typing import TypeVar, cast

from ..core.pipeline import read_ahead
from ..storage import reconcile_repo as repo
from ..storage.database import Database, bulk_connection
from ..storage.reconcile_repo import RowFacts
from .reconcile_export import Found, named

T = TypeVar("T")
Rows = tuple[RowFacts, RowFacts]  # (operations, register entries) of one chunk
_CHUNK_ROWS = 1 << 14  # rows named by the discrepancies of a chunk (but a chunk holds one discrepancy at least)
_READERS = 2  # threads reading chunks in turn, each on its own connection
_DEPTH = 3  # chunks read and waiting, per reader: some 130,000 rows in memory at 10^6 operations and more


class RowsAhead:
    """Iterate once for each chunk of the discrepancies, in order, with its rows; close() when done (or not
    done). _READERS threads read the chunks in turn, each up to _DEPTH + 1 chunks ahead (waiting, and one being
    read): the reading goes on beside the storing of the run, and the caller writes a chunk's objects as soon as
    its rows are read. Two readers: once the run is stored, the caller's work is small beside the reading
    (10^6 operations: 130,000 rows, most of the operation table decrypted once more), and both cores read."""

    def __init__(self, db: Database, found: Sequence[Found]) -> None:
        self._opened = contextlib.ExitStack()
        self._rows: Iterator[tuple[Sequence[Found], Rows]]
        if db.in_transaction:  # a second connection would not see the transaction's rows (demo data): read here
            self._rows = ((chunk, _read(db, chunk)) for chunk in _chunks(found))
        else:
            self._rows = _in_turn([self._opened.enter_context(read_ahead(
                _read_all(db, found, reader), depth=_DEPTH, name="export-rows")) for reader in range(_READERS)])

    def __iter__(self) -> Iterator[tuple[Sequence[Found], Rows]]:
        return self._rows

    def close(self) -> None:
        """After the reads running, if any (the others are dropped): the workers' connections closed, the
        workers ended."""
        self._opened.close()


def _in_turn(readers: list[Iterator[T]]) -> Iterator[T]:
    """An item of each reader in turn, until one has none left: the chunks are dealt in turn, so the others have
    none left either."""
    for reader in itertools.cycle(readers):
        item = next(reader, _END)
        if item is _END:
            return
        yield cast(T, item)


_END = object()


def _chunks(found: Sequence[Found]) -> Iterator[Sequence[Found]]:
    """`found` cut where the rows named reach _CHUNK_ROWS (one volume_spike names a day's operations)."""
    start, rows = 0, 0
    for end, d in enumerate(found, start=1):
        rows += len(d.operation_ids) + len(d.register_ids)
        if rows >= _CHUNK_ROWS:
            yield found[start:end]
            start, rows = end, 0
    if start < len(found):
        yield found[start:]


def _read_all(db: Database, found: Sequence[Found], reader: int) -> Iterator[tuple[Sequence[Found], Rows]]:
    """On a worker thread, the reader's turns of the chunks: its connection is made, used and closed there
    (sqlite3 checks the thread)."""
    with bulk_connection(db) as connection:
        for chunk in itertools.islice(_chunks(found), reader, None, _READERS):
            yield chunk, _read(connection, chunk)


def _read(db: Database, chunk: Sequence[Found]) -> Rows:
    rows = named(chunk)
    return (repo.operation_facts(db, rows.operations, rows.operation_subjects),
            repo.register_facts(db, rows.entries, rows.entry_subjects))
