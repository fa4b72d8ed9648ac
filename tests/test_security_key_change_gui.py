"""The GUI says when opening finished or rolled back an interrupted key change. The interruption is real: a
passphrase `rekey` in a child process killed (SIGKILL injected by strace) at a chosen system call, as in
tests/test_security_key_changes.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from support.promises import require_tool

from jukiaudit_desktop.gui.app import Application
from jukiaudit_desktop.gui.lock import UnlockScreen
from jukiaudit_desktop.security import keys
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage import trail

DRIVER = Path(__file__).resolve().parent / "support" / "file_keyring_cli.py"
OLD_PW, NEW_PW = "old passphrase 2026", "new passphrase 2026"
COMPLETED = "中断されていた鍵(パスフレーズ)の変更を完了しました。新しいパスフレーズが有効です。"
ROLLED_BACK = "中断されていた鍵(パスフレーズ)の変更を取り消しました。以前のパスフレーズのままです。"
pytestmark = pytest.mark.slow  # child processes under strace


def make_database(db_path: Path) -> None:
    db = open_app_database(db_path, OLD_PW, create=True)
    with db.transaction():
        db.execute("INSERT INTO agency (code, name, kind) VALUES ('K01', '職員総務課', '本庁課')")
        trail.record(db, "agency.add", code="K01")
    db.close()


def interrupt_rekey(db_path: Path, *, after_the_change: bool) -> None:
    """Run `rekey` on the database and kill it either as the new salt replaces the old one (the database is
    already under the new key) or at SQLite's first page write after the new salt was stored as pending (the
    re-encryption has not taken hold)."""
    strace = require_tool("strace")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), "PW": OLD_PW,
           "SCRYPT_N": str(keys.SCRYPT_N)}  # the tests' scrypt cost (tests/support/kdf.py)

    def command(path: Path) -> list[str]:
        return [sys.executable, str(DRIVER), str(path.parent / "keyring.json"), str(path), "rekey", NEW_PW]

    probe = db_path.parent / "probe" / db_path.name  # an undisturbed run on a copy finds the call to kill at
    probe.parent.mkdir()
    for path in (db_path, keys.salt_path(db_path)):
        shutil.copy2(path, probe.parent / path.name)
    log = probe.parent / "trace.log"
    subprocess.run([strace, "-f", "-qq", "-o", str(log), "-e", "trace=rename,pwrite64", *command(probe)], env=env,
                   check=True, capture_output=True)
    lines = log.read_text().splitlines()
    pending = keys.pending_salt_path(probe)
    if after_the_change:
        at = next(i for i, line in enumerate(lines) if f'rename("{pending}", ' in line)
        call, n = "rename", sum(" rename(" in line for line in lines[:at + 1])
    else:
        at = next(i for i, line in enumerate(lines) if f', "{pending}")' in line)
        call, n = "pwrite64", sum(" pwrite64(" in line for line in lines[:at]) + 1
    subprocess.run([strace, "-f", "-qq", "-o", os.devnull, "-e", f"trace={call}",
                    "-e", f"inject={call}:signal=KILL:when={n}", *command(db_path)], env=env, capture_output=True)
    assert keys.pending_salt_path(db_path).exists()  # interrupted: the change is pending


def settled_with(db_path: Path, passphrase: str) -> list[str]:
    assert not keys.pending_salt_path(db_path).exists()
    db = open_app_database(db_path, passphrase, read_only=True)
    try:
        return [entry.action for entry in trail.entries(db)]
    finally:
        db.close()


def test_starting_finishes_an_interrupted_change_and_says_so(qtbot, tmp_path: Path, modal_dialogs) -> None:
    db_path = tmp_path / "audit.db"
    make_database(db_path)
    interrupt_rekey(db_path, after_the_change=True)
    application = Application(db_path, NEW_PW)  # as `jukiaudit --passphrase-env` starts it
    qtbot.addWidget(application.window)
    application.start()
    qtbot.waitUntil(lambda: bool(modal_dialogs.shown), timeout=30000)
    assert modal_dialogs.take() == [f"QMessageBox.information: 中断されていた鍵の変更: {COMPLETED}"]
    qtbot.waitUntil(lambda: not application.runner.busy, timeout=10000)
    application.window.close()
    assert "database.recover_key_change" in settled_with(db_path, NEW_PW)


def test_unlocking_rolls_back_an_interrupted_change_and_says_so(qtbot, tmp_path: Path, modal_dialogs) -> None:
    """Locked, the app has closed the database; a `rekey` run meanwhile is killed. Unlocking with the old
    passphrase on the lock screen rolls the change back and says so."""
    db_path = tmp_path / "audit.db"
    make_database(db_path)
    application = Application(db_path, OLD_PW)
    qtbot.addWidget(application.window)
    application.start()
    lock = application.lock
    qtbot.waitUntil(lambda: lock.timer.isActive(), timeout=30000)
    lock.action.trigger()  # Ctrl+L (QTest key clicks do not reach the shortcut map offscreen)
    qtbot.waitUntil(lambda: application.runner._worker.db is None, timeout=10000)
    interrupt_rekey(db_path, after_the_change=False)
    screen = application.window.centralWidget()
    assert isinstance(screen, UnlockScreen)
    qtbot.keyClicks(screen.passphrase, OLD_PW)
    qtbot.mouseClick(screen.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(modal_dialogs.shown), timeout=30000)
    assert modal_dialogs.take() == [f"QMessageBox.information: 中断されていた鍵の変更: {ROLLED_BACK}"]
    assert not lock.locked
    qtbot.waitUntil(lambda: not application.runner.busy, timeout=10000)
    application.window.close()
    assert "database.recover_key_change" in settled_with(db_path, OLD_PW)
