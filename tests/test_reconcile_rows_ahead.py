"""The rows a run's export names are read in worker threads from before the run is stored (services.rows_ahead):
beside the storing, the same export as read afterwards, and the workers and their connections gone whatever
happens."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

import pytest
from support.imports import OPLOG, REGISTER, layout

from jukiaudit_desktop.reconcile.model import REGISTER_KINDS, Kind
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services import imports, reconcile_export, reconciliation, rows_ahead
from jukiaudit_desktop.storage import reconcile_repo
from jukiaudit_desktop.storage.database import Database


@pytest.fixture
def samples(db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    imports.import_files(db, "C09", layout("oplog"), [OPLOG])
    imports.import_files(db, "C09", layout("register"), [REGISTER])
    monkeypatch.setattr(rows_ahead, "_CHUNK_ROWS", 7)  # many chunks, each read ahead of the last
    return db


def readers() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("export-rows")]


def test_the_rows_are_read_beside_the_storing_and_give_the_export_read_afterwards(
        samples: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    read_on: list[str] = []
    reading = threading.Event()
    facts, insert_run = reconcile_repo.operation_facts, reconcile_repo.insert_run

    def noted(db: Database, ids: Any, subjects: Any) -> reconcile_repo.RowFacts:
        read_on.append(threading.current_thread().name)
        reading.set()
        return facts(db, ids, subjects)

    def stored_once_reading(*args: Any) -> int:
        assert reading.wait(10)  # the first chunk's rows are being read already: the store waits for no read
        return insert_run(*args)

    monkeypatch.setattr(reconcile_repo, "operation_facts", noted)
    monkeypatch.setattr(reconcile_repo, "insert_run", stored_once_reading)
    result = reconciliation.run_reconciliation(samples, "C09", ReconcileSettings(), exporting=True)
    exported = reconciliation.export_result(samples, result)
    assert exported is result.export
    written = exported.as_dict()

    assert len(written["discrepancies"]) > 30 and len(read_on) > 4
    assert all(name.startswith("export-rows") for name in read_on)
    assert written == reconciliation.export_run(samples, result.run_id)
    assert readers() == []


def test_in_a_transaction_the_rows_are_read_on_that_connection(samples: Database) -> None:
    """A second connection would not see the transaction's rows (demo data)."""
    run_id = reconciliation.run_reconciliation(samples, "C09", ReconcileSettings()).run_id
    expected = reconciliation.export_run(samples, run_id)
    with samples.transaction():
        samples.execute("UPDATE operation SET terminal = 'T-in-transaction' WHERE id = "
                        "(SELECT json_extract(operation_ids, '$[0]') FROM discrepancy WHERE reconciliation_id = ? "
                        "AND ordinal = 1)", (run_id,))
        exported = reconciliation.export_run(samples, run_id)
    changed = exported["discrepancies"][0]["oplog"][0]
    for now, before in zip(exported["discrepancies"], expected["discrepancies"], strict=True):
        if now["oplog"][:1] == [changed] and Kind(now["kind"]) not in REGISTER_KINDS:
            assert now["detail"] == {**before["detail"], "terminal": "T-in-transaction"}
        else:
            assert now == before


def test_an_export_not_taken_ends_its_reader(samples: Database) -> None:
    result = reconciliation.run_reconciliation(samples, "C09", ReconcileSettings(), exporting=True)
    assert result.export is not None and readers()
    result.export.close()
    assert readers() == []


def test_a_store_that_fails_ends_the_reader(samples: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(*args: Any) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(reconcile_repo, "insert_run", full_disk)
    with pytest.raises(OSError, match="disk full"):
        reconciliation.run_reconciliation(samples, "C09", ReconcileSettings(), exporting=True)
    assert readers() == []


@pytest.mark.parametrize("failing", [0, 1, 2, 3])
def test_a_read_that_fails_on_either_reader_is_raised_in_its_turn(samples: Database, monkeypatch: pytest.MonkeyPatch,
                                                                  failing: int) -> None:
    """The chunks are read by two threads in turn: the objects of the chunks before the failing one are given,
    then its error; both readers end."""
    facts = reconcile_repo.operation_facts

    def fails_once(db: Database, ids: Any, subjects: Any) -> reconcile_repo.RowFacts:
        if sorted(ids) == sorted(failing_ids):
            raise OSError("read failed")
        return facts(db, ids, subjects)

    result = reconciliation.run_reconciliation(samples, "C09", ReconcileSettings())
    found = reconciliation.list_discrepancies(samples, result.run_id)
    chunks = list(rows_ahead._chunks(found))
    assert len(chunks) > 4
    failing_ids = reconcile_export.named(chunks[failing]).operations
    monkeypatch.setattr(reconcile_repo, "operation_facts", fails_once)

    ahead = rows_ahead.RowsAhead(samples, found)
    taken = []
    with pytest.raises(OSError, match="read failed"), contextlib.closing(ahead):
        for chunk, _ in ahead:
            taken.append(chunk)
    assert taken == chunks[:failing]
    assert readers() == []
