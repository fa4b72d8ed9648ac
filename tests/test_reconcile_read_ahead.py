"""Reading many rows as columns in many id ranges (storage.column_reads), the next range read ahead on a worker
thread's connection: the same result as one range; a cancel or a failing query mid-way stops the worker, and a
reconciliation that fails so stores nothing."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import sqlcipher3
from test_reconcile_helpers import SAMPLES, ensure_agency, load_oplog, load_register

from jukiaudit_desktop.core.errors import CancelledError
from jukiaudit_desktop.core.progress import Progress
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services.reconciliation import export_run, run_reconciliation
from jukiaudit_desktop.storage import column_reads
from jukiaudit_desktop.storage.column_reads import Rows
from jukiaudit_desktop.storage.database import Database


@pytest.fixture
def loaded(db):
    agency_id = ensure_agency(db)
    load_oplog(db, agency_id, SAMPLES / "oplog_cp932.csv")
    load_register(db, agency_id, SAMPLES / "register_cp932.csv")
    return db


def read(db: Database, progress: Progress | None = None) -> Rows:
    word = ("substr('0000000000000000' || id, -16, 16)", [])
    return column_reads.read_rows(db, "operation", ["id", "unixepoch(at)", "count"], "agency_id = ?", [1],
                                  *([progress] if progress else []), word=word)


def test_many_ranges_read_ahead_give_the_one_range_result(loaded, monkeypatch: pytest.MonkeyPatch) -> None:
    whole, whole_run = read(loaded), export_run(loaded, run_reconciliation(loaded, "C09", ReconcileSettings()).run_id)
    threads = threading.active_count()
    monkeypatch.setattr(column_reads, "_CHUNK_IDS", 37)  # the samples' ~3,200 operations in ~90 ranges
    updates: list[int] = []

    ranged = read(loaded, Progress(lambda done, total, message: updates.append(done)))

    for got, want in zip([*ranged.numbers, ranged.word, ranged.combo], [*whole.numbers, whole.word, whole.combo],
                         strict=True):
        assert np.array_equal(got, want)
    assert ranged.combos == whole.combos and len(whole.numbers[0]) > 3000
    assert len(updates) > 50
    monkeypatch.setattr(column_reads, "_CHUNK_IDS", 3)  # the register's ~190 entries in ~60 ranges
    assert export_run(loaded, run_reconciliation(loaded, "C09", ReconcileSettings()).run_id) == whole_run
    assert threading.active_count() == threads  # the worker thread is gone


def test_a_cancel_mid_way_stops_the_worker(loaded, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(column_reads, "_CHUNK_IDS", 37)
    threads = threading.active_count()
    seen: list[int] = []

    def update(done: int, total: int, message: str) -> None:
        seen.append(done)
        if len(seen) == 5:
            progress.cancel()

    progress = Progress(update)
    with pytest.raises(CancelledError):
        read(loaded, progress)
    assert len(seen) == 5
    assert threading.active_count() == threads


def test_a_failed_read_ahead_reaches_the_caller(loaded, monkeypatch: pytest.MonkeyPatch) -> None:
    """A query that fails on the worker (here the fourth, given the wrong number of parameters) fails the run
    in the caller with SQLite's error; the worker stops and nothing is stored."""
    monkeypatch.setattr(column_reads, "_CHUNK_IDS", 3)
    threads = threading.active_count()
    read_ahead = column_reads._read_ahead

    def failing(db, query, params):
        yield from read_ahead(db, query, [*params[:3], ["too", "few"], *params[3:]])

    monkeypatch.setattr(column_reads, "_read_ahead", failing)
    with pytest.raises(sqlcipher3.ProgrammingError, match="bindings"):
        run_reconciliation(loaded, "C09", ReconcileSettings())
    assert threading.active_count() == threads
    assert loaded.scalar("SELECT count(*) FROM reconciliation") == 0
