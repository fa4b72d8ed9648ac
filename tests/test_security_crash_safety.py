"""Crash safety: an import killed (SIGKILL) at random points leaves a database that opens, passes the
integrity checks, and holds either the whole import or none of it.

The killed processes run the whole CLI (tests/support/file_keyring_cli.py … cli) in keyring mode, their key in
a keyring file: no scrypt in each child (the passphrase path has tests of its own)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import shared_data
from support.file_keyring_cli import save_secrets
from support.memory_keyring import MemoryKeyring
from support.promises import require_file

from jukiaudit_desktop.security import keys
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database, open_database

GEN_OPLOG = shared_data.GEN_OPLOG
OPS = 60_000
KILLS = 6
DRIVER = Path(__file__).resolve().parent / "support" / "file_keyring_cli.py"


def generate(directory: Path, seed: int) -> tuple[Path, int]:
    directory.mkdir()
    subprocess.run([sys.executable, str(GEN_OPLOG), "--ops", str(OPS), "--terminals", "12", "--seed", str(seed),
                    "--out", str(directory)], check=True, capture_output=True)
    log = directory / "oplog.csv"
    with log.open("rb") as handle:
        rows = sum(1 for _ in handle) - 1
    return log, rows


def child(db_path: Path, *args: str) -> list[str]:
    """`jukiaudit --db DB ARGS…` in a child process, its key in the keyring file beside DB."""
    return [sys.executable, str(DRIVER), str(db_path.with_suffix(".keyring.json")), str(db_path), "cli", *args]


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
def test_import_killed_at_random_points_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          cli, db_path: Path, memory_keyring: MemoryKeyring) -> None:
    require_file(GEN_OPLOG, "the log generator")
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[1]))  # the children import this checkout
    first_log, first_rows = generate(tmp_path / "first", seed=7)
    second_log, second_rows = generate(tmp_path / "second", seed=8)
    assert cli("init")[0] == 0 and cli("agency", "add", "--code", "C09", "--name", "試験課")[0] == 0
    key = keys.keyring_key(db_path, create=False)
    timing_db = tmp_path / "timing.db"  # how long a whole import takes here, start-up included
    shutil.copyfile(db_path, timing_db)
    keys.store_keyring_key(timing_db, key)
    for path in (db_path, timing_db):
        save_secrets(path.with_suffix(".keyring.json"), memory_keyring.secrets)

    started = time.monotonic()
    subprocess.run(child(timing_db, "import-oplog", "--agency", "C09", str(first_log)), check=True,
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
        process = subprocess.Popen(child(db_path, "import-oplog", "--agency", "C09", str(first_log)),
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

    subprocess.run(child(db_path, "import-oplog", "--agency", "C09", str(first_log)), check=True,
                   capture_output=True)  # completes the import, or recognises the file imported already
    assert reopen_state(db_path, key) == (first_rows, 1)

    process = subprocess.Popen(child(db_path, "import-oplog", "--agency", "C09", str(second_log)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.6 * duration)
    process.send_signal(signal.SIGKILL)  # on a slow or busy machine the import may have finished: both are fine
    process.wait()
    assert reopen_state(db_path, key) in {(first_rows, 1), (first_rows + second_rows, 2)}
    assert os.path.getsize(db_path) > 0
