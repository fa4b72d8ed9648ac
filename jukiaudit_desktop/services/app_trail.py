"""The app's own entries in the trail (lock / unlock of the session) and the trail as the 設定 page lists it."""

from __future__ import annotations

from ..storage import trail
from ..storage.database import Database
from ..storage.trail import TrailEntry, TrailHead

__all__ = ["TrailEntry", "TrailHead", "latest_entries", "record_lock", "record_unlock"]


def record_lock(db: Database, reason: str) -> None:
    with db.transaction():
        trail.record(db, "session.lock", reason=reason)


def record_unlock(db: Database) -> None:
    with db.transaction():
        trail.record(db, "session.unlock")


def latest_entries(db: Database, limit: int) -> list[TrailEntry]:
    """The newest `limit` entries, newest first."""
    return trail.entries(db, limit=limit)
