"""The app's own entries in the trail (lock / unlock of the session, exports) and the trail as the 設定 page
lists it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..security.atomic import atomic_handle, write_atomic
from ..storage import trail
from ..storage.database import Database
from ..storage.trail import TrailEntry, TrailHead

__all__ = ["TrailEntry", "TrailHead", "latest_entries", "record_lock", "record_unlock", "write_export"]


def record_lock(db: Database, reason: str) -> None:
    with db.transaction():
        trail.record(db, "session.lock", reason=reason)


def record_unlock(db: Database) -> None:
    with db.transaction():
        trail.record(db, "session.unlock")


def latest_entries(db: Database, limit: int) -> list[TrailEntry]:
    """The newest `limit` entries, newest first."""
    return trail.entries(db, limit=limit)


def write_export(db: Database, path: Path, data: bytes, action: str, *, mode: int = 0o600, **detail: Any) -> None:
    """Write an export file and record it in the trail (`action`, the file's name and `detail`).

    The entry is committed before the file takes its name: a failed write or record leaves neither, and a
    crash in between leaves an entry for a file that never appeared, never a file the trail does not name. A
    database opened read-only (a file this process cannot write) can record nothing: the file is written all
    the same, and the caller, who chose the read-only open, tells the user (`db.read_only`).
    """
    if db.read_only:
        write_atomic(path, data, mode)
        return
    with atomic_handle(path, mode) as handle:
        handle.write(data)
        with db.transaction():
            trail.record(db, action, file=path.name, **detail)
