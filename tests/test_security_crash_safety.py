"""Crash safety: an import killed (SIGKILL) at random points leaves a database that opens, passes the
integrity checks, and holds either the whole import or none of it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import shared_data
from support.promises import require_file

from jukiaudit_desktop.security import keys
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database, open_database

GEN_OPLOG = shared_data.GEN_OPLOG
OPS = 60_000
KILLS = 6
PASSPHRASE = "crash test passphrase"


def generate(directory: Path, seed: int) -> tuple[Path, int]:
    directory.mkdir()
    subprocess.run([sys.executable, str(GEN_OPLOG), "--ops", str(OPS), "--terminals", "12", "--seed", str(seed),
                    "--out", str(directory)], check=True, capture_output=True)
    log = directory / "oplog.csv"
    with log.open("rb") as handle:
        rows = sum(1 for _ in handle) - 1
    return log, rows


def cli(db_path: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "jukiaudit_desktop", "--db", str(db_path), "--passphrase-env", "PW", *args]


def state(db: Database) -> tuple[int, int]:
    """(operations, imported files) after checking pages, structure, trail chain and the schema's indexes."""
    assert db.query("PRAGMA cipher_integrity_check") == []
    assert db.query("PRAGMA integrity_check") == [("ok",)]
    assert trail.verify(db) == []
    indexes = {name for (name,) in db.query("SELECT name FROM sqlite_master WHERE type = 'index' "
                                            "AND tbl_name = 'operation' AND sql IS NOT NULL")}
    assert "operation_by_terminal_time" in indexes  # dropped for the bulk load only inside the transaction
    return int(db.scalar("SELECT count(*) FROM operation")), int(db.scalar("SELECT count(*) FROM import_file"))


def reopen_state(db_path: Path, key: bytes) -> tuple[int, int]:
    db = open_database(db_path, key)  # runs WAL recovery, as the next start of the app would
    try:
        return state(db)
    finally:
        db.close()


@pytest.mark.slow
def test_import_killed_at_random_points_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_file(GEN_OPLOG, "the log generator")
    monkeypatch.setenv("PW", PASSPHRASE)
    first_log, first_rows = generate(tmp_path / "first", seed=7)
    second_log, second_rows = generate(tmp_path / "second", seed=8)
    db_path = tmp_path / "audit.db"
    subprocess.run(cli(db_path, "init"), check=True, capture_output=True)
    subprocess.run(cli(db_path, "agency", "add", "--code", "C09", "--name", "試験課"), check=True, capture_output=True)
    key = keys.passphrase_key(db_path, PASSPHRASE, create=False)

    timing_db = tmp_path / "timing.db"  # how long a whole import takes here, start-up included
    subprocess.run(cli(timing_db, "init"), check=True, capture_output=True)
    started = time.monotonic()
    subprocess.run(cli(timing_db, "import-oplog", "--agency", "C09", str(first_log)), check=True,
                   capture_output=True)
    duration = time.monotonic() - started

    seed = random.randrange(1 << 30)
    rnd = random.Random(seed)
    wal = Path(str(db_path) + "-wal")

    def wal_size() -> int:
        return wal.stat().st_size if wal.exists() else 0

    # Half the kills at a random moment (start-up, parsing, writing), half once the WAL holds a random number
    # of bytes: the import's pages are being written, the window a crash hurts most.
    # The WAL-triggered kills go first, so at least one lands mid-write before a late kill lets the import finish.
    wal_triggers = [("wal", rnd.uniform(64 * 1024, 2 * 1024 * 1024)) for _ in range(KILLS - KILLS // 2)]
    time_triggers = [("time", rnd.uniform(0.2, 1.0) * duration) for _ in range(KILLS // 2)]
    rnd.shuffle(time_triggers)
    triggers = wal_triggers + time_triggers
    killed_mid_write = 0
    for attempt, (kind, point) in enumerate(triggers):
        process = subprocess.Popen(cli(db_path, "import-oplog", "--agency", "C09", str(first_log)),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started = time.monotonic()
        while process.poll() is None and (time.monotonic() - started < point if kind == "time"
                                          else wal_size() < point and time.monotonic() - started < 3 * duration):
            time.sleep(0.002)
        wal_bytes = wal_size()
        process.send_signal(signal.SIGKILL)
        returncode = process.wait()
        operations, files = reopen_state(db_path, key)
        context = f"seed {seed}, attempt {attempt} ({kind} {point:.1f}), WAL {wal_bytes} bytes, exit {returncode}"
        assert (operations, files) in {(0, 0), (first_rows, 1)}, context
        if files:  # the kill came after the commit (or the import had finished): the whole file is there
            break
        killed_mid_write += wal_bytes > 64 * 1024
    assert killed_mid_write >= 1, f"no kill landed while the import was writing (seed {seed})"

    subprocess.run(cli(db_path, "import-oplog", "--agency", "C09", str(first_log)), check=True,
                   capture_output=True)  # completes the import, or recognises the file imported already
    assert reopen_state(db_path, key) == (first_rows, 1)

    process = subprocess.Popen(cli(db_path, "import-oplog", "--agency", "C09", str(second_log)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.6 * duration)
    process.send_signal(signal.SIGKILL)  # on a slow or busy machine the import may have finished: both are fine
    process.wait()
    assert reopen_state(db_path, key) in {(first_rows, 1), (first_rows + second_rows, 2)}
    assert os.path.getsize(db_path) > 0
