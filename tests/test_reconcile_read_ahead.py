"""Reading reconciliation input in many id ranges, the next read ahead on a worker thread's connection: the
same result as one range, a cancel or a damaged row mid-way stops the worker and stores nothing."""

from __future__ import annotations

import threading

import pytest
import sqlcipher3
from test_reconcile_helpers import SAMPLES, ensure_agency, load_oplog, load_register

from jukiaudit_desktop.core.errors import CancelledError
from jukiaudit_desktop.core.progress import Progress
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services.reconciliation import export_run, run_reconciliation
from jukiaudit_desktop.storage import reconcile_repo


@pytest.fixture
def loaded(db):
    agency_id = ensure_agency(db)
    load_oplog(db, agency_id, SAMPLES / "oplog_cp932.csv")
    load_register(db, agency_id, SAMPLES / "register_cp932.csv")
    return db


def test_many_ranges_read_ahead_give_the_one_range_result(loaded, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = export_run(loaded, run_reconciliation(loaded, "C09", ReconcileSettings()).run_id)
    threads = threading.active_count()
    monkeypatch.setattr(reconcile_repo, "_CHUNK_IDS", 37)  # the samples' ~2,000 rows in ~60 ranges
    updates: list[int] = []
    progress = Progress(lambda done, total, message: updates.append(done))

    ranged = export_run(loaded, run_reconciliation(loaded, "C09", ReconcileSettings(), progress=progress).run_id)

    assert ranged == whole
    assert len(updates) > 50
    assert threading.active_count() == threads  # the worker thread is gone


def test_a_cancel_mid_way_stops_the_worker_and_stores_nothing(loaded, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reconcile_repo, "_CHUNK_IDS", 37)
    threads = threading.active_count()
    seen: list[int] = []

    def update(done: int, total: int, message: str) -> None:
        seen.append(done)
        if len(seen) == 5:
            progress.cancel()

    progress = Progress(update)
    with pytest.raises(CancelledError):
        run_reconciliation(loaded, "C09", ReconcileSettings(), progress=progress)
    assert len(seen) == 5
    assert threading.active_count() == threads
    assert loaded.scalar("SELECT count(*) FROM reconciliation") == 0


def test_a_failed_read_ahead_reaches_the_caller(loaded, monkeypatch: pytest.MonkeyPatch) -> None:
    """A query that fails on the worker (here the fourth, given the wrong number of parameters) fails the run
    in the caller with SQLite's error; the worker stops and nothing is stored."""
    monkeypatch.setattr(reconcile_repo, "_CHUNK_IDS", 37)
    threads = threading.active_count()
    read_ahead = reconcile_repo._read_ahead

    def failing(db, query, params):
        yield from read_ahead(db, query, [*params[:3], ["too", "few"], *params[3:]])

    monkeypatch.setattr(reconcile_repo, "_read_ahead", failing)
    with pytest.raises(sqlcipher3.ProgrammingError, match="bindings"):
        run_reconciliation(loaded, "C09", ReconcileSettings())
    assert threading.active_count() == threads
    assert loaded.scalar("SELECT count(*) FROM reconciliation") == 0
