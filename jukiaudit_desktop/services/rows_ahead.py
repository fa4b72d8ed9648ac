"""The rows a run's export names (storage.reconcile_repo.operation_facts and register_facts), chunk by chunk, read
on a connection of its own in a worker thread ahead of the caller (core.pipeline.read_ahead), the first from the
start: beside the storing of the run (services.reconciliation.run_reconciliation(exporting=True)), then beside the
building of each chunk's objects. Each read is one aggregate query that SQLite answers without holding the GIL, so
it takes the second core (10^7 operations: 550,000 rows, most of the operation table decrypted once more)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from ..core.pipeline import read_ahead
from ..storage import reconcile_repo as repo
from ..storage.database import Database, bulk_connection
from ..storage.reconcile_repo import RowFacts
from .reconcile_export import Found, named

Rows = tuple[RowFacts, RowFacts]  # (operations, register entries) of one chunk
_CHUNK_ROWS = 1 << 14  # rows named by the discrepancies of a chunk (but a chunk holds one discrepancy at least)
_DEPTH = 7  # chunks read and waiting: some 130,000 rows in memory at 10^6 operations and more


class RowsAhead:
    """Iterate once for each chunk of the discrepancies, in order, with its rows; close() when done (or not
    done). Up to _DEPTH + 1 chunks are read ahead (waiting, and one being read): the reading goes on beside the
    storing of the run, and the caller writes a chunk's objects as soon as its rows are read, beside the
    reading of the next."""

    def __init__(self, db: Database, found: Sequence[Found]) -> None:
        self._opened = contextlib.ExitStack()
        self._rows: Iterator[tuple[Sequence[Found], Rows]]
        if db.in_transaction:  # a second connection would not see the transaction's rows (demo data): read here
            self._rows = ((chunk, _read(db, chunk)) for chunk in _chunks(found))
        else:
            self._rows = self._opened.enter_context(read_ahead(_read_all(db, found), depth=_DEPTH,
                                                               name="export-rows"))

    def __iter__(self) -> Iterator[tuple[Sequence[Found], Rows]]:
        return self._rows

    def close(self) -> None:
        """After the read running, if any (the others are dropped): the worker's connection closed, the worker
        ended."""
        self._opened.close()


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


def _read_all(db: Database, found: Sequence[Found]) -> Iterator[tuple[Sequence[Found], Rows]]:
    """On the worker thread: its connection is made, used and closed there (sqlite3 checks the thread)."""
    with bulk_connection(db) as reader:
        for chunk in _chunks(found):
            yield chunk, _read(reader, chunk)


def _read(db: Database, chunk: Sequence[Found]) -> Rows:
    rows = named(chunk)
    return (repo.operation_facts(db, rows.operations, rows.operation_subjects),
            repo.register_facts(db, rows.entries, rows.entry_subjects))
