"""An import killed (SIGKILL) at any moment of its bulk load — the file read on one thread, the trail's digests
made on another, rows and index entries stored on the caller's, then the commit — leaves all of it or none of
it, and the database is whole when it is opened again."""

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
# The child imports with a progress callback that tells the parent where it is: after the first batch is
# stored ("load") it says LOADING and waits to be killed; at its first report ("start") it says STARTED and
# goes on, to be killed at a random moment.
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
    if stop_at == "load" and message.endswith(" 行"):
        print("LOADING", flush=True)
        time.sleep(60)
    if stop_at == "start" and not started:
        started.append(True)
        print("STARTED", flush=True)

started = []
imports.import_files(db, "C09", default_profile().layout("oplog"), [sys.argv[2]], progress=Progress(report))
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
    with subprocess.Popen([sys.executable, "-c", CHILD, str(db_path), str(log), stop_at],
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
def test_killed_while_loading_or_at_any_moment_is_all_or_nothing(tmp_path: Path) -> None:
    log, rows = _big_log(tmp_path)
    db_path = tmp_path / "audit.db"
    db = open_database(db_path, KEY, create=True)
    with db.transaction():
        trail.record(db, "database.create", mode="keyring")  # entry 1, as the app writes it
    db.close()
    schema_indexes = _state(db_path)[2]
    assert schema_indexes  # the schema's operation indexes

    # Killed with rows stored, the reading thread ahead and the hashing thread at work: nothing.
    assert _run_child(db_path, log, "load", kill_delay=0.0) == "LOADING"
    assert _state(db_path) == (0, 0, schema_indexes)

    # Killed at random moments from the first report to the commit: all or nothing.
    rnd = random.Random()
    for _ in range(4):
        assert _run_child(db_path, log, "start", kill_delay=rnd.uniform(0.0, 0.6)) == "STARTED"
        operations, batches, indexes = _state(db_path)
        assert (operations, batches) in {(0, 0), (rows, 1)} and indexes == schema_indexes
        if batches:
            break

    # The file imported once more completes the import, or adds nothing when it is there already.
    assert _run_child(db_path, log, "none", kill_delay=None) == "DONE"
    assert _state(db_path) == (rows, 1, schema_indexes)
