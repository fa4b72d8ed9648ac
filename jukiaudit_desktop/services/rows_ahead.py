"""The rows a run's export names (storage.reconcile_repo.operation_facts and register_facts), chunk by chunk, read
on a connection of its own in a worker thread one chunk ahead of the caller, the first from the start: beside the
storing of the run (services.reconciliation.run_reconciliation(exporting=True)), then beside the building of each
chunk's objects. Each read is one aggregate query that SQLite answers without holding the GIL, so it takes the
second core (10^7 operations: 550,000 rows, most of the operation table decrypted once more)."""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from ..storage import reconcile_repo as repo
from ..storage.database import Database, bulk_connection
from ..storage.reconcile_repo import RowFacts
from .reconcile_export import Found

Rows = tuple[RowFacts, RowFacts]  # (operations, register entries) of one chunk


class RowsAhead:
    """Iterate once for each chunk's rows, in order; close() when done (or not done). Up to _AHEAD chunks are
    read ahead: at 10^7 operations the storing takes several chunks' reading time."""

    def __init__(self, db: Database, chunks: Sequence[Sequence[Found]]) -> None:
        self._chunks = chunks
        self._opened = contextlib.ExitStack()
        # Inside a transaction (demo data) a second connection would not see its rows: read here, on `db`.
        self._worker = None if db.in_transaction else ThreadPoolExecutor(1, thread_name_prefix="export-rows")
        self._reader = db if self._worker is None else None
        self._db = db
        self._pending: deque[Future[Rows]] = deque()
        self._submitted = 0
        self._submit(_AHEAD)

    def _read(self, k: int) -> Rows:
        if self._reader is None:  # made, used and closed in the worker (sqlite3 checks the thread)
            self._reader = self._opened.enter_context(bulk_connection(self._db))
        chunk = self._chunks[k]
        return (repo.operation_facts(self._reader, (i for d in chunk for i in d.operation_ids)),
                repo.register_facts(self._reader, (i for d in chunk for i in d.register_ids)))

    def _submit(self, up_to: int) -> None:
        while self._worker is not None and self._submitted < min(up_to, len(self._chunks)):
            self._pending.append(self._worker.submit(self._read, self._submitted))
            self._submitted += 1

    def __iter__(self) -> Iterator[Rows]:
        for k in range(len(self._chunks)):
            if self._worker is None:
                yield self._read(k)
                continue
            rows = self._pending.popleft().result()
            self._submit(k + 1 + _AHEAD)
            yield rows

    def close(self) -> None:
        """After the read running, if any (the others are dropped): the worker's connection closed, the worker
        ended."""
        if self._worker is not None:
            for waiting in self._pending:
                waiting.cancel()
            self._worker.submit(self._opened.close).result()
            self._worker.shutdown()
            self._worker = None


_AHEAD = 2  # chunks read ahead, each the rows of up to 65,536 discrepancies (tens of MB)
