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
from .reconcile_export import Found

Rows = tuple[RowFacts, RowFacts]  # (operations, register entries) of one chunk


class RowsAhead:
    """Iterate once for each chunk's rows, in order; close() when done (or not done). Up to two chunks are read
    ahead (one waiting, one being read): at 10^7 operations the storing takes several chunks' reading time."""

    def __init__(self, db: Database, chunks: Sequence[Sequence[Found]]) -> None:
        self._opened = contextlib.ExitStack()
        self._rows: Iterator[Rows]
        if db.in_transaction:  # a second connection would not see the transaction's rows (demo data): read here
            self._rows = (_read(db, chunk) for chunk in chunks)
        else:
            self._rows = self._opened.enter_context(read_ahead(_read_all(db, chunks), depth=1, name="export-rows"))

    def __iter__(self) -> Iterator[Rows]:
        return self._rows

    def close(self) -> None:
        """After the read running, if any (the others are dropped): the worker's connection closed, the worker
        ended."""
        self._opened.close()


def _read_all(db: Database, chunks: Sequence[Sequence[Found]]) -> Iterator[Rows]:
    """On the worker thread: its connection is made, used and closed there (sqlite3 checks the thread)."""
    with bulk_connection(db) as reader:
        for chunk in chunks:
            yield _read(reader, chunk)


def _read(db: Database, chunk: Sequence[Found]) -> Rows:
    return (repo.operation_facts(db, (i for d in chunk for i in d.operation_ids)),
            repo.register_facts(db, (i for d in chunk for i in d.register_ids)))
