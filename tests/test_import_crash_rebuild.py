"""An import killed (SIGKILL) while the operation indexes are dropped for a bulk load, or while they are built
again, leaves all of it or none of it, and the indexes are there when the database is opened again."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from support.imports import oplog_lines

from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import open_database

KEY = bytes(range(32))
THRESHOLD = 1_000  # injected: far below the log's rows, so the import drops and rebuilds the indexes
# The child imports with a progress callback that tells the parent where it is: after the first batch (the
# indexes are dropped by then) it says DROPPED and waits to be killed; before the rebuild it says REBUILD.
CHILD = """
import os, sys, time
from pathlib import Path
from jukiaudit_desktop.core.progress import Progress
from jukiaudit_desktop.importers.profile import default_profile
from jukiaudit_desktop.services import imports
from jukiaudit_desktop.storage.database import open_database

db = open_database(Path(sys.argv[1]), bytes.fromhex(os.environ["KEY"]))
stop_at = sys.argv[3]

def report(done, total, message):
    if stop_at == "drop" and message.endswith(" 行"):
        print("DROPPED", flush=True)
        time.sleep(60)
    if stop_at == "rebuild" and message == "索引を作成しています":
        print("REBUILD", flush=True)

imports.import_files(db, "C09", default_profile().layout("oplog"), [sys.argv[2]], progress=Progress(report),
                     rebuild_index_rows=int(sys.argv[4]))
print("DONE", flush=True)
"""


def _big_log(folder: Path) -> tuple[Path, int]:
    """The sample log ten times over in one file (a file's identical rows are all kept): 31,870 rows."""
    lines = oplog_lines()
    body = [line for line in lines[1:] if line] * 10
    path = folder / "big.csv"
    path.write_bytes("\r\n".join([lines[0], *body, ""]).encode("cp932"))
    return path, len(body)


def _state(db_path: Path) -> tuple[int, int, set[str]]:
    db = open_database(db_path, KEY)  # WAL recovery, as the next start of the app
    try:
        assert db.query("PRAGMA integrity_check") == [("ok",)]
        assert trail.verify(db) == []
        indexes = {name for (name,) in db.query("SELECT name FROM sqlite_master WHERE type = 'index' "
                                                "AND tbl_name = 'operation' AND sql IS NOT NULL")}
        return int(db.scalar("SELECT count(*) FROM operation")), int(db.scalar("SELECT count(*) FROM import_batch")), \
            indexes
    finally:
        db.close()


def _run_child(db_path: Path, log: Path, stop_at: str, kill_delay: float | None) -> str:
    env = {**os.environ, "KEY": KEY.hex(), "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    with subprocess.Popen([sys.executable, "-c", CHILD, str(db_path), str(log), stop_at, str(THRESHOLD)],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True) as child:
        assert child.stdout is not None
        said = child.stdout.readline().strip()
        if kill_delay is not None:
            try:
                child.wait(timeout=kill_delay)
            except subprocess.TimeoutExpired:
                child.send_signal(signal.SIGKILL)
        child.wait(timeout=120)
    return said


@pytest.mark.slow
def test_killed_with_the_indexes_dropped_or_being_rebuilt_is_all_or_nothing(tmp_path: Path) -> None:
    log, rows = _big_log(tmp_path)
    db_path = tmp_path / "audit.db"
    db = open_database(db_path, KEY, create=True)
    with db.transaction():
        trail.record(db, "database.create", mode="keyring")  # entry 1, as the app writes it
    db.close()
    schema_indexes = _state(db_path)[2]
    assert schema_indexes  # the schema's operation indexes

    # Killed while the indexes are dropped and the rows are being written: nothing, indexes back.
    assert _run_child(db_path, log, "drop", kill_delay=0.0) == "DROPPED"
    assert _state(db_path) == (0, 0, schema_indexes)

    # Killed at random moments of the rebuild (or of the commit right after it): all or nothing.
    rnd = random.Random()
    for _ in range(3):
        assert _run_child(db_path, log, "rebuild", kill_delay=rnd.uniform(0.0, 0.3)) == "REBUILD"
        operations, batches, indexes = _state(db_path)
        assert (operations, batches) in {(0, 0), (rows, 1)} and indexes == schema_indexes
        if batches:
            break

    # The file imported once more completes the import, or adds nothing when it is there already.
    assert _run_child(db_path, log, "none", kill_delay=None) == "DONE"
    assert _state(db_path) == (rows, 1, schema_indexes)
