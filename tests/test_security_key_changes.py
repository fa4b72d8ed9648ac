"""Key changes cannot lock anyone out: a kill (SIGKILL, injected by strace at the entry of a system call) at
every file-changing step of `rekey` (keyring and passphrase mode) and `restore` leaves a database that opens
with the old secret or the new one, and opening settles (finishes or rolls back) the interrupted change.

Process kills only lose what was not yet handed to the kernel, so the steps are the calls that change files:
every rename, unlink and write (salt files, keyring file, copies), and a sample of SQLite's page writes and
WAL truncations (pwrite64, ftruncate: first, last and evenly between) to keep the run short. Each run is a
process forked from one parent that has loaded the modules (support/file_keyring_cli.py's Forked), traced by
strace from the key change's first system call: no interpreter start-up per kill point, and none of its
system calls stopped at by strace.

The passphrases here cost the suite's cheap scrypt (tests/support/kdf.py), in this process and, through SCRYPT_N,
in the children: each kill point derives keys several times, and what is tested is the journaling of the
change, not the KDF.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest

from jukiaudit_desktop.security import keys
from jukiaudit_desktop.services import backup
from jukiaudit_desktop.services.database_access import KeyChangeInterruptedError, open_app_database
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import WrongKeyError

SUPPORT = Path(__file__).resolve().parent / "support"
sys.path.insert(0, str(SUPPORT))
from file_keyring_cli import Forked, load_secrets  # noqa: E402

EVERY_CALL = ("rename", "unlink", "write")
SAMPLED = {"pwrite64": 4, "ftruncate": 2}
OLD_PW, NEW_PW = "old passphrase 2026", "new passphrase 2026"
STRACE = shutil.which("strace")
pytestmark = [pytest.mark.skipif(STRACE is None, reason="strace is needed to inject the kills"),
              pytest.mark.slow]  # one child process per kill point


def _env(**extra: str) -> dict[str, str]:
    root = str(Path(__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": root, "SCRYPT_N": str(keys.SCRYPT_N), **extra}


def kill_points(runs: Forked, argv: tuple[str, ...], tmp: Path) -> list[tuple[str, int]]:
    """(system call, n): every call of EVERY_CALL and a sample of SAMPLED made by one undisturbed run."""
    log = tmp / "trace.log"
    calls = ",".join((*EVERY_CALL, *SAMPLED))
    assert runs.traced([STRACE, "-f", "-qq", "-o", str(log), "-e", f"trace={calls}"], *argv) == 0
    counts = Counter(m.group(1) for line in log.read_text().splitlines()
                     if (m := re.match(r"\d+\s+(\w+)\(", line)))
    points = [(name, n) for name in EVERY_CALL for n in range(1, counts[name] + 1)]
    for name, samples in SAMPLED.items():
        total = counts[name]
        points += [(name, n) for n in sorted({1 + (total - 1) * i // (samples - 1) for i in range(samples)})]
    return points


def run_killed(runs: Forked, argv: tuple[str, ...], call: str, n: int) -> None:
    """One run, killed (SIGKILL) at the entry of the n-th `call`."""
    status = runs.traced([STRACE, "-f", "-qq", "-o", os.devnull, "-e", f"trace={call}",
                          "-e", f"inject={call}:signal=KILL:when={n}"], *argv)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (call, n, status)


def reset(work: Path, template: Path) -> None:
    for path in work.iterdir():
        path.unlink()
    for path in template.iterdir():
        shutil.copy2(path, work / path.name)


def assert_settled(db) -> None:
    assert db.scalar("SELECT name FROM agency WHERE code = 'K01'") == "職員総務課"
    assert trail.verify(db) == []
    db.close()


def open_with_either(db_path: Path, passphrases: tuple[str, str]) -> str:
    """Open with the first passphrase that works; returns it. Fails the test when neither does."""
    for passphrase in passphrases:
        try:
            db = open_app_database(db_path, passphrase)
        except (WrongKeyError, KeyChangeInterruptedError):
            continue
        assert_settled(db)
        assert not keys.pending_salt_path(db_path).exists()  # settled on the way in
        return passphrase
    pytest.fail(f"{db_path} opens with neither passphrase")


def make_template(template: Path, passphrase: str | None) -> Path:
    template.mkdir()
    db_path = template / "audit.db"
    db = open_app_database(db_path, passphrase, create=True)
    with db.transaction():
        db.execute("INSERT INTO agency (code, name, kind) VALUES ('K01', '職員総務課', '本庁課')")
        trail.record(db, "agency.add", code="K01")
    db.close()
    return db_path


def test_keyring_rekey_killed_at_every_step_opens_with_the_old_or_new_key(tmp_path: Path, memory_keyring) -> None:
    template, work = tmp_path / "template", tmp_path / "work"
    make_template(template, None)
    work.mkdir()
    keyring_file = work / "keyring.json"
    db_path = work / "audit.db"
    old_key = memory_keyring.secrets[(keys.KEYRING_SERVICE, str((template / "audit.db").resolve()))]

    def prepare() -> None:  # the template's database and its key, under the account of `work`'s path
        reset(work, template)
        keyring_file.write_text(json.dumps({f"{keys.KEYRING_SERVICE}|{db_path.resolve()}": old_key}))

    prepare()
    outcomes = Counter()
    with Forked(keyring_file, db_path, _env()) as runs:
        for call, n in kill_points(runs, ("rekey",), tmp_path):
            prepare()
            run_killed(runs, ("rekey",), call, n)
            memory_keyring.secrets = load_secrets(keyring_file)
            db = open_app_database(db_path)  # the current or the pending key, whichever fits
            outcomes["old" if db.key == base64.b64decode(old_key) else "new"] += 1
            assert_settled(db)
            assert (keys.KEYRING_SERVICE, str(db_path.resolve()) + "#pending") not in memory_keyring.secrets, (call, n)
    assert outcomes["old"] and outcomes["new"], outcomes  # kills landed before and after the change took hold


@pytest.mark.parametrize("operation", ["rekey", "restore"])
def test_passphrase_rekey_and_restore_killed_at_every_step_open_with_the_old_or_new_passphrase(
        tmp_path: Path, operation: str) -> None:
    template, work = tmp_path / "template", tmp_path / "work"
    db_path = make_template(template, OLD_PW)
    if operation == "restore":  # a backup made under NEW_PW, restored into the database now under OLD_PW
        saved = tmp_path / "saved"
        saved.mkdir()
        db = backup.change_key(open_app_database(db_path, OLD_PW), NEW_PW)
        backup.create_backup(db, saved / "backup.db")
        db = backup.change_key(db, OLD_PW)
        db.close()
        args = ("restore", str(saved / "backup.db"))
    else:
        args = ("rekey", NEW_PW)
    work.mkdir()
    db_path = work / "audit.db"
    reset(work, template)
    env = _env(PW=OLD_PW, BACKUP_PW=NEW_PW)
    opened_with = Counter()
    with Forked(work / "unused-keyring.json", db_path, env) as runs:
        for call, n in kill_points(runs, args, tmp_path):
            reset(work, template)
            run_killed(runs, args, call, n)
            opened_with[open_with_either(db_path, (OLD_PW, NEW_PW))] += 1
    assert opened_with[OLD_PW] and opened_with[NEW_PW], opened_with
