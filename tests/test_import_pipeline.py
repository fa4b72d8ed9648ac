"""An import uses two cores: the file is read and mapped on one thread, the trail's row digests are made on
another, while the caller's thread stores the rows (many a statement). What the user sees is as before: an
error found on a reading thread is named FILE:LINE:COLUMN and nothing is stored; a failure there is raised on
the caller's thread; a cancel stops every thread; the trail binds the very digests the stored rows give."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.imports import layout

from jukiaudit_desktop.core import pipeline
from jukiaudit_desktop.core.errors import CancelledError
from jukiaudit_desktop.core.progress import Progress
from jukiaudit_desktop.importers.issues import ImportRejected
from jukiaudit_desktop.importers.mapping import BATCH_ROWS, RowMapper
from jukiaudit_desktop.services import imports
from jukiaudit_desktop.storage import bindings, imports_repo, row_digests, trail, trail_data
from jukiaudit_desktop.storage.database import Database

HEADER = "操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果"
ROWS = 2 * BATCH_ROWS + 5_000  # three batches: two stored before the third is read


def _row(n: int, count: str = "1") -> str:
    return f"2025/04/{1 + n // 86400:02d} {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d},T{n % 7},K{n % 11},照会,別表5-10,{count},正常"


def _log(path: Path, bad_line: int | None = None) -> Path:
    """A log of ROWS rows; the row on physical line `bad_line` has 照会件数 "x"."""
    rows = [_row(n, "x" if n + 2 == bad_line else "1") for n in range(ROWS)]
    path.write_bytes("\r\n".join([HEADER, *rows, ""]).encode("cp932"))
    return path


def _threads() -> set[str]:
    return {t.name.split("_")[0] for t in threading.enumerate() if t.name.startswith(("import-reader", "trail-digests"))}


def _nothing_stored(db: Database) -> None:
    assert db.scalar("SELECT count(*) FROM operation") == 0
    assert db.scalar("SELECT count(*) FROM import_file") == 0
    assert trail.verify(db) == []
    assert _threads() == set()


def test_an_error_in_a_late_batch_is_named_by_file_line_and_column_and_nothing_is_stored(db: Database,
                                                                                         tmp_path: Path) -> None:
    bad_line = 2 * BATCH_ROWS + 1_234  # read on the reading thread after two batches were stored
    path = _log(tmp_path / "late.csv", bad_line)
    with pytest.raises(ImportRejected) as refused:
        imports.import_files(db, "A", layout("oplog"), [path])
    assert [str(issue) for issue in refused.value.issues] == [
        f"{path}:{bad_line}:6: 照会件数: 件数「x」は 0 以上の整数ではありません"]
    assert "何も取り込んでいません" in str(refused.value)
    _nothing_stored(db)


@pytest.mark.parametrize(("owner", "name", "thread"), [(RowMapper, "_map_columns", "import-reader"),
                                                       (row_digests, "digests", "trail-digests")])
def test_a_failure_on_another_thread_is_raised_on_the_callers_and_nothing_is_stored(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, thread: str) -> None:
    path = _log(tmp_path / "log.csv")
    real = getattr(owner, name)
    calls: list[str] = []

    def failing(*args: Any) -> Any:
        calls.append(threading.current_thread().name.split("_")[0])
        if len(calls) == 2:
            raise MemoryError(f"{thread} の失敗")
        return real(*args)

    monkeypatch.setattr(owner, name, failing)
    with pytest.raises(MemoryError, match=f"{thread} の失敗"):
        imports.import_files(db, "A", layout("oplog"), [path])
    assert len(calls) >= 2 and set(calls) == {thread}  # the work ran beside the caller's thread
    _nothing_stored(db)


def test_cancel_after_the_first_batch_stops_both_threads_and_keeps_nothing(db: Database, tmp_path: Path) -> None:
    path = _log(tmp_path / "log.csv")
    progress: Progress

    def on_update(_done: int, _total: int, message: str) -> None:
        if message.endswith(" 行"):  # a batch is stored (and handed to the hashing thread)
            assert _threads() == {"import-reader", "trail-digests"}
            progress.cancel()

    progress = Progress(on_update)
    with pytest.raises(CancelledError):
        imports.import_files(db, "A", layout("oplog"), [path], progress=progress)
    _nothing_stored(db)


def test_the_digests_made_beside_the_inserts_are_those_of_the_rows_read_back(db: Database, tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    read_back: list[str] = []
    reading = bindings.bulk_rows
    monkeypatch.setattr(bindings, "bulk_rows", lambda conn, table, *a: read_back.append(table) or reading(conn, table, *a))
    summary = imports.import_files(db, "A", layout("oplog"), [_log(tmp_path / "log.csv")])
    assert summary.rows_added == ROWS
    assert read_back == []  # bound from the running digest, not read back

    (text,) = db.query("SELECT binds FROM trail WHERE action = 'import.oplog'")[0]
    (table, first, last, count, value), = bindings.Binds.from_json(text).batches
    assert (table, first, last, count) == ("operation", 1, ROWS, ROWS)
    assert bindings.batch_digest(d for _, d in reading(db.conn, "operation", 1, ROWS)) == (ROWS, value)
    assert trail_data.verify_data(db) == [] and trail.verify(db) == []


@pytest.mark.parametrize("with_subjects", [False, True])
def test_rows_stored_many_a_statement_are_stored_as_given(db: Database, with_subjects: bool) -> None:
    agency_id = imports.ensure_agency(db, "A")[0].id
    assert agency_id is not None
    rows = [(n + 2, f"2025-04-01T10:{n // 60 % 60:02d}:{n % 60:02d}", f"T{n % 3}", "K1", "照会", None, n, "正常",
             *((f"h{n}", "1234*******") if with_subjects else ())) for n in range(2 * imports_repo.ROWS_PER_STATEMENT + 3)]
    with db.transaction():
        batch = imports_repo.insert_batch(db, agency_id, "oplog", "既定", "test")
        file_id = imports_repo.insert_file(db, agency_id, "oplog", "x.csv", "00", "UTF-8", "既定", batch)
        imports_repo.insert_operations(db, file_id, agency_id, rows)
        trail.record(db, "test.insert")
    stored = db.query("SELECT line, at, terminal, operator, op_kind, jimu_code, count, result, subject_hash, "
                      "subject_mask FROM operation ORDER BY id")
    assert stored == [row if with_subjects else (*row, None, None) for row in rows]
    assert trail_data.verify_data(db) == [] and trail.verify(db) == []


# --- the helpers themselves ---


def test_read_ahead_gives_every_item_in_order_and_raises_where_the_iterator_failed() -> None:
    def items() -> Iterator[int]:
        yield from range(5)
        raise ValueError("5 番目で失敗")

    taken: list[int] = []
    with pytest.raises(ValueError, match="5 番目で失敗"), pipeline.read_ahead(items(), depth=2) as ahead:
        for item in ahead:
            taken.append(item)
    assert taken == [0, 1, 2, 3, 4]


def test_leaving_read_ahead_early_stops_the_producer_and_closes_the_iterator() -> None:
    closed = threading.Event()
    made: list[int] = []

    def endless() -> Iterator[int]:
        try:
            n = 0
            while True:
                made.append(n)
                yield n
                n += 1
        finally:
            closed.set()

    with pytest.raises(KeyError), pipeline.read_ahead(endless(), depth=3, name="test-ahead") as ahead:
        for item in ahead:
            if item == 10:
                raise KeyError(item)
    assert closed.is_set()
    assert not any(t.name == "test-ahead" for t in threading.enumerate())
    assert len(made) <= 10 + 1 + 3 + 1  # bounded: at most `depth` ahead (and one being made)


def test_ordered_worker_runs_tasks_in_order_and_wait_raises_the_failure() -> None:
    done: list[int] = []

    def task(n: int) -> None:
        time.sleep(0.002 * (5 - n))  # later tasks are quicker: the order comes from the worker, not timing
        if n == 3:
            raise OSError("3 番目で失敗")
        done.append(n)

    worker = pipeline.OrderedWorker(depth=10)
    try:
        for n in range(5):
            worker.submit(task, n)
        with pytest.raises(OSError, match="3 番目で失敗"):
            worker.wait()
    finally:
        worker.close()
    assert done == [0, 1, 2, 4]


def test_ordered_worker_keeps_at_most_depth_tasks_waiting() -> None:
    release = threading.Event()
    started: list[int] = []

    def task(n: int) -> None:
        started.append(n)
        release.wait(5)

    worker = pipeline.OrderedWorker(depth=2)
    try:
        worker.submit(task, 0)
        worker.submit(task, 1)
        third = threading.Thread(target=worker.submit, args=(task, 2))
        third.start()
        third.join(0.2)
        assert third.is_alive()  # the caller waits for room
        release.set()
        third.join(5)
        worker.wait()
    finally:
        worker.close()
    assert started == [0, 1, 2]


def test_the_bulk_load_cache_is_given_back_to_a_connection_in_use(db: Database, tmp_path: Path) -> None:
    """Inside a transaction the import loads through the app's own connection: its page cache is enlarged
    for the load only."""
    before = db.scalar("PRAGMA cache_size")
    with db.transaction():
        imports.import_files(db, "A", layout("oplog"), [_log(tmp_path / "log.csv")])
        assert db.scalar("PRAGMA cache_size") == before
    assert db.scalar("SELECT count(*) FROM operation") == ROWS
    assert trail_data.verify_data(db) == [] and trail.verify(db) == []
