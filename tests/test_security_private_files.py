"""Files the app writes are the user's own on POSIX: the log (also after rotation), atomic writes, backups."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

from jukiaudit_desktop.security import app_log
from jukiaudit_desktop.security.atomic import write_atomic
from jukiaudit_desktop.services import backup
from jukiaudit_desktop.storage.database import Database


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_log_files_are_0600_also_after_rotation(tmp_path: Path) -> None:
    handler = app_log._PrivateRotatingFileHandler(tmp_path / "app.log", maxBytes=200, backupCount=2,
                                                  encoding="utf-8", delay=True)
    logger = logging.Logger("private-test")
    logger.addHandler(handler)
    for n in range(20):
        logger.warning("line %d of the log, long enough to rotate", n)
    handler.close()
    logs = sorted(tmp_path.glob("app.log*"))
    assert len(logs) == 3 and all(mode(p) == 0o600 for p in logs), [(p.name, oct(mode(p))) for p in logs]


def test_written_files_and_backups_are_0600(db: Database, tmp_path: Path) -> None:
    write_atomic(tmp_path / "x.json", b"{}")
    backup.create_backup(db, tmp_path / "b.db")
    assert mode(tmp_path / "x.json") == mode(tmp_path / "b.db") == 0o600
    assert list(tmp_path.glob(".*.tmp")) == []  # no temp file left behind
