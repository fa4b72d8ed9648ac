"""A file to import, opened for reading: its rows to store a batch at a time, made in this process or in a worker
process (services.import_worker), for the one batch loop of services.imports.

In a worker: CSV/TSV files of WORKER_MIN_BYTES or more, whose batches come with their trail digests. Here: xlsx
workbooks (read whole, within file_limits) and smaller files (starting a worker costs ≈0.15 s), read a few batches
ahead on a thread (core.pipeline.read_ahead), their digests made as they are stored (storage.bindings).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from ..core.errors import InputError
from ..core.pipeline import read_ahead
from ..importers.encoding import Probe
from ..importers.issues import IssueCollector
from ..importers.mapping import Batch, mapped_batches
from ..importers.profile import Layout
from ..importers.tables import XLSX_SUFFIXES
from ..storage.bindings import RowHashing
from .import_worker import WorkerReader

WORKER_MIN_BYTES = 4 * 1024 * 1024


class FileReader(Protocol):
    encoding_label: str
    line_count: int  # for progress (CSV: estimated)

    def batches(self, hashing: RowHashing | None, first_id: int) -> Iterator[tuple[Batch, bytes | None]]:
        """The batches in order, with the trail digests of their rows when made (the rows are to be stored
        with ids first_id, first_id + 1, … as `hashing` says), else None: then they are made as stored."""
        ...


@contextlib.contextmanager
def open_file(path: Path, layout: Layout, found: Probe, issues: IssueCollector,
              subject_key: bytes | None) -> Iterator[FileReader | None]:
    """The file opened for reading; None when it cannot be read (the reason is in `issues`). Every thread and
    process reading it has ended once the block is left."""
    if path.suffix.lower() not in XLSX_SUFFIXES and found.size >= WORKER_MIN_BYTES:
        with WorkerReader(path, layout, found, issues, subject_key) as reader:
            yield reader if reader.opened else None
        return
    with contextlib.ExitStack() as stack:
        try:
            source, batches = stack.enter_context(mapped_batches(path, layout, found, issues, subject_key))
        except InputError as exc:
            issues.input_error(exc)
            yield None
            return
        yield _InProcess(source.encoding_label, source.line_count, batches, stack)


class _InProcess:
    def __init__(self, encoding_label: str, line_count: int, batches: Iterator[Batch],
                 stack: contextlib.ExitStack) -> None:
        self.encoding_label, self.line_count = encoding_label, line_count
        self._batches, self._stack = batches, stack

    def batches(self, hashing: RowHashing | None, first_id: int) -> Iterator[tuple[Batch, bytes | None]]:
        ahead = self._stack.enter_context(read_ahead(self._batches, name="import-reader"))
        return ((batch, None) for batch in ahead)
