"""A big CSV file is read, checked, mapped and given its trail digests in a worker process while the caller's
process stores the rows (services.import_worker). What the user sees is as with the file read in-process: the
same rows, the same trail binding (made from the worker's digests, nothing read back), the same refusals named
FILE:LINE:COLUMN with nothing stored; a failure in the worker is raised in the caller; a cancel, a failure and a
killed caller leave no worker behind; the subject key never appears on the worker's command line or
environment. Real worker processes, real SQLCipher databases."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.column_cache import layout as subjects_layout
from support.column_cache import log_lines, write_log
from support.imports import layout

from jukiaudit_desktop.core.errors import CancelledError
from jukiaudit_desktop.core.progress import Progress
from jukiaudit_desktop.importers.issues import ImportRejected
from jukiaudit_desktop.importers.mapping import BATCH_ROWS
from jukiaudit_desktop.services import import_reading, import_worker, imports
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage import bindings, imports_repo, trail
from jukiaudit_desktop.storage.database import Database

PASSPHRASE = "worker test passphrase"
HEADER = "操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果"
ROWS = 2 * BATCH_ROWS + 5_000  # three batches


def _row(n: int, count: str = "1") -> str:
    return f"2025/04/{1 + n // 86400:02d} {n // 3600 % 24:02d}:{n // 60 % 60:02d}:{n % 60:02d},T{n % 7},K{n % 11},照会,別表5-10,{count},正常"


def _log(path: Path, bad_lines: tuple[int, ...] = (), rows: int = ROWS) -> Path:
    """A log of `rows` rows; the rows on the physical lines `bad_lines` have 照会件数 "x"."""
    body = [_row(n, "x" if n + 2 in bad_lines else "1") for n in range(rows)]
    path.write_bytes("\r\n".join([HEADER, *body, ""]).encode("cp932"))
    return path


def _workers() -> list[int]:
    """This process's import workers still there (zombies count: they were not waited for)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid() and b"--import-worker" in cmdline:
                found.append(int(entry.name))
    return found


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every CSV file goes to a worker; the pids of the workers started."""
    pids: list[int] = []

    class Recorded(import_worker.WorkerReader):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            pids.append(self._process.pid)

    monkeypatch.setattr(import_reading, "WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(import_reading, "WorkerReader", Recorded)
    return pids


def _read_in_process(monkeypatch: pytest.MonkeyPatch, yes: bool) -> None:
    monkeypatch.setattr(import_reading, "WORKER_MIN_BYTES", 1 << 62 if yes else 0)


def _worker_hook(monkeypatch: pytest.MonkeyPatch, folder: Path, code: str) -> None:
    """Run `code` at the start of every worker process (a sitecustomize module on the workers' PYTHONPATH)."""
    hooks = folder / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(code, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(hooks), os.environ.get("PYTHONPATH", "")]))


def _fresh(path: Path) -> Database:
    return open_app_database(path, PASSPHRASE, create=True)


def _nothing_stored(db: Database) -> None:
    assert db.scalar("SELECT count(*) FROM operation") == 0
    assert db.scalar("SELECT count(*) FROM import_file") == 0
    assert trail.verify(db) == []
    assert _workers() == []


@pytest.mark.parametrize("digests", ["made-by-the-worker", "shared-as-it-goes"])
def test_the_rows_and_the_trail_binding_equal_the_in_process_import(tmp_path: Path, started: list[int],
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    digests: str) -> None:
    if digests == "made-by-the-worker":  # it never leaves a batch's digests to the caller
        _worker_hook(monkeypatch, tmp_path, "from jukiaudit_desktop.services import import_worker\n"
                                            "import_worker._leave_to_caller = lambda sending, kept: False\n")
    lines = log_lines(3 * BATCH_ROWS + 700, seed=3)  # 住民票コード: the subject key hashes them in the worker
    log = write_log(tmp_path, "log.csv", lines)
    vendor = subjects_layout(tmp_path, "subjects")
    _fresh(tmp_path / "template.db").close()
    for name in ("here.db", "worker.db"):  # one database twice: the same subject key
        for part in tmp_path.glob("template.db*"):  # the database and its salt
            shutil.copy(part, tmp_path / part.name.replace("template.db", name))
    here, there = open_app_database(tmp_path / "here.db", PASSPHRASE), open_app_database(tmp_path / "worker.db", PASSPHRASE)
    _read_in_process(monkeypatch, True)
    imports.import_files(here, "C21", vendor, [log])
    _read_in_process(monkeypatch, False)

    def read_back(*_args: Any) -> Iterator[Any]:
        raise AssertionError("the trail read the rows back instead of taking the worker's digests")

    monkeypatch.setattr(bindings, "bulk_rows", read_back)
    summary = imports.import_files(there, "C21", vendor, [log])
    monkeypatch.undo()
    assert len(started) == 1 and _workers() == []
    assert summary.rows_added == len(lines)
    every_row = "SELECT * FROM operation ORDER BY id"
    assert there.query(every_row) == here.query(every_row)
    assert there.scalar("SELECT count(*) FROM operation WHERE subject_hash IS NOT NULL") > BATCH_ROWS
    last_binds = "SELECT binds FROM trail WHERE action = 'import.oplog'"
    assert bindings.Binds.from_json(there.scalar(last_binds)).batches == \
        bindings.Binds.from_json(here.scalar(last_binds)).batches
    assert trail.verify(there) == []
    here.close()
    there.close()


@pytest.mark.parametrize("case", ["third-batch", "too-many-errors", "no-header", "bad-quoting", "second-file"])
def test_a_refusal_names_the_same_file_line_and_column_and_nothing_is_stored(
        tmp_path: Path, started: list[int], monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    third = 2 * BATCH_ROWS + 1_234  # read after two batches were stored
    paths = {
        "third-batch": [_log(tmp_path / "late.csv", (third,))],
        "too-many-errors": [_log(tmp_path / "many.csv", tuple(range(5_000, 5_300, 2)))],
        "no-header": [tmp_path / "no_header.csv"],
        "bad-quoting": [tmp_path / "quoting.csv"],
        "second-file": [_log(tmp_path / "first.csv", tuple(range(10, 70))),
                        _log(tmp_path / "second.csv", (third, *range(third + 1, third + 90)))],
    }[case]
    if case == "no-header":
        paths[0].write_bytes("\r\n".join(_row(n) for n in range(100)).encode("cp932"))
    if case == "bad-quoting":
        body = [_row(n) for n in range(ROWS)]
        body[BATCH_ROWS + 10] = body[BATCH_ROWS + 10].replace("照会", '"照会')
        paths[0].write_bytes("\r\n".join([HEADER, *body, ""]).encode("cp932"))
    refusals = []
    for where in ("here", "worker"):
        db = _fresh(tmp_path / f"{where}.db")
        _read_in_process(monkeypatch, where == "here")
        with pytest.raises(ImportRejected) as refused:
            imports.import_files(db, "A", layout("oplog"), paths)
        refusals.append(str(refused.value))
        _nothing_stored(db)
        db.close()
    assert refusals[0] == refusals[1]
    assert len(started) == len(paths)
    named = {"third-batch": f"{paths[0]}:{third}:6: 照会件数", "too-many-errors": "以降の確認を打ち切りました",
             "no-header": "見出し", "bad-quoting": str(paths[0]), "second-file": f"{paths[-1]}:{third}:6"}
    assert named[case] in refusals[1]


def test_cancel_stops_the_worker_and_keeps_nothing(db: Database, tmp_path: Path, started: list[int]) -> None:
    path = _log(tmp_path / "log.csv")
    progress = Progress()

    def on_update(_done: int, _total: int, message: str) -> None:
        if message.endswith(" 行"):  # a batch is stored, the worker reads on
            assert _workers() == started
            progress.cancel()

    progress._on_update = on_update
    with pytest.raises(CancelledError):
        imports.import_files(db, "A", layout("oplog"), [path], progress=progress)
    assert len(started) == 1
    _nothing_stored(db)


def test_a_failure_in_the_worker_is_raised_in_the_caller_and_nothing_is_stored(
        db: Database, tmp_path: Path, started: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    _worker_hook(monkeypatch, tmp_path,
        "from jukiaudit_desktop.importers.mapping import RowMapper\n"
        "real, calls = RowMapper._map_columns, []\n"
        "def failing(self, chunk):\n"
        "    calls.append(len(chunk))\n"
        "    if len(calls) == 3:\n"
        "        raise MemoryError('作業プロセスの三つ目のバッチで失敗')\n"
        "    return real(self, chunk)\n"
        "RowMapper._map_columns = failing\n")
    with pytest.raises(import_worker.ImportWorkerError) as failed:
        imports.import_files(db, "A", layout("oplog"), [_log(tmp_path / "log.csv")])
    assert "取込の作業プロセスで不具合が起きました。何も取り込んでいません。" in str(failed.value)
    assert "MemoryError: 作業プロセスの三つ目のバッチで失敗" in str(failed.value)
    _nothing_stored(db)


def test_a_worker_that_dies_is_an_error_in_the_caller_and_nothing_is_stored(
        db: Database, tmp_path: Path, started: list[int]) -> None:
    def on_update(_done: int, _total: int, message: str) -> None:
        if message.endswith(" 行") and started and _workers():
            os.kill(started[0], signal.SIGKILL)

    with pytest.raises(import_worker.ImportWorkerError, match=r"途中で終了しました\(終了コード -9\)"):
        imports.import_files(db, "A", layout("oplog"), [_log(tmp_path / "log.csv")], progress=Progress(on_update))
    _nothing_stored(db)


# The caller, in a process of its own: it stores the first batch, says so with its worker's pid and the subject
# key (to be looked for), and waits to be killed.
CALLER = """
import os, sys, time
from pathlib import Path
from jukiaudit_desktop.core.progress import Progress
from jukiaudit_desktop.importers.profile import default_profile
from jukiaudit_desktop.services import import_reading, imports
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage import subject_keys

import_reading.WORKER_MIN_BYTES = 0
db = open_app_database(Path(sys.argv[1]), os.environ["PASS"], create=True)

def report(done, total, message):
    if message.endswith(" 行"):
        print(subject_keys.subject_key(db).hex(), flush=True)
        time.sleep(120)

imports.import_files(db, "A", default_profile().layout("oplog"), [sys.argv[2]], progress=Progress(report))
"""


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _running(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
def test_a_killed_caller_leaves_no_worker_and_the_key_is_never_on_its_command_line_or_environment(
        tmp_path: Path) -> None:
    log = _log(tmp_path / "log.csv", rows=6 * BATCH_ROWS)
    env = {**os.environ, "PASS": PASSPHRASE, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    with subprocess.Popen([sys.executable, "-c", CALLER, str(tmp_path / "audit.db"), str(log)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True) as caller:
        assert caller.stdout is not None
        key = caller.stdout.readline().strip()
        assert len(key) == 64, caller.stderr.read() if caller.stderr else ""
        [worker] = _children(caller.pid)
        seen = (Path(f"/proc/{worker}/cmdline").read_bytes() + Path(f"/proc/{worker}/environ").read_bytes())
        assert b"--import-worker" in seen
        assert key.encode() not in seen.lower() and bytes.fromhex(key) not in seen
        caller.send_signal(signal.SIGKILL)
        caller.wait(timeout=30)
    deadline = time.monotonic() + 30
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(worker)  # it wrote into a pipe nobody reads any more, and ended


def test_digests_made_elsewhere_and_here_in_any_mix_bind_the_rows_as_read_back(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker leaves a batch's digests to the caller when the caller waited for it: the running digest takes
    both kinds in order, however late the caller's hashing thread is (and drops digests made for other ids)."""
    made = bindings.RowHashing.digests

    def late(self: bindings.RowHashing, rows: Any, first: int) -> bytes | None:
        if threading.current_thread().name.startswith("trail-digests"):
            time.sleep(0.2)  # the next batches are stored meanwhile
        return made(self, rows, first)

    monkeypatch.setattr(bindings.RowHashing, "digests", late)
    rows = [(n + 2, f"2025-04-01T09:{n // 60 % 60:02d}:{n % 60:02d}", f"T{n % 5}", f"K{n % 3}", "照会", None, 1,
             "正常") for n in range(3_000)]
    agency = imports.ensure_agency(db, "A")[0].id
    assert agency is not None
    with db.transaction():
        file_id = imports_repo.insert_file(db, agency, "oplog", "mix.csv", "00", "cp932", "既定",
                                           imports_repo.insert_batch(db, agency, "oplog", "既定", "test"))
        hashing = imports_repo.row_hashing(db, "operation", file_id, agency)
        assert hashing is not None
        first = imports_repo.last_id(db, "operation") + 1
        for start, made_here in ((0, False), (700, True), (1_400, False), (2_100, False), (2_800, True)):
            batch = rows[start:start + 700]
            digests = None if made_here else hashing.digests(batch, first + start)
            imports_repo.insert_operations(db, file_id, agency, batch, digests)
        streams = bindings._hashed(db.conn)
        assert (streams["operation"].first, streams["operation"].next) == (first, first + len(rows))
        read_back = bindings.batch_digest(d for _, d in bindings.bulk_rows(db.conn, "operation", first, first + 2_999))
        assert streams["operation"].hash.hexdigest() == read_back[1]
        imports_repo.insert_operations(db, file_id, agency, rows[:10], hashing.digests(rows[:10], first))  # other ids
        assert "operation" not in bindings._hashed(db.conn)  # dropped: the entry reads the rows back
        trail.record(db, "import.oplog", file_id=file_id)
    assert trail.verify(db) == []
