"""SQL for the follow-up statuses the inspector configured (none stored: the defaults)."""

from __future__ import annotations

from ..core.followup_status import FollowupStatus, FollowupStatuses
from .database import Database


def load(db: Database) -> FollowupStatuses:
    rows = db.query("SELECT name, closes, asks_date FROM followup_status ORDER BY position")
    if not rows:
        return FollowupStatuses()
    return FollowupStatuses(tuple(FollowupStatus(str(n), bool(c), bool(a)) for n, c, a in rows))


def replace(db: Database, statuses: FollowupStatuses) -> None:
    db.execute("DELETE FROM followup_status")
    db.conn.executemany("INSERT INTO followup_status (name, position, closes, asks_date) VALUES (?, ?, ?, ?)",
                   [(s.name, i, int(s.closes), int(s.asks_date)) for i, s in enumerate(statuses.items, 1)])


def used(db: Database) -> set[str]:
    """Every status a finding or a 改善報告 is at."""
    return {str(n) for (n,) in db.query("SELECT status FROM finding UNION SELECT status FROM followup")}
