"""Repository of watch-list entries: keyed hash and 表示名 only (the schema has no column for a number)."""

from __future__ import annotations

from dataclasses import dataclass

from .database import Database


@dataclass(frozen=True)
class WatchlistEntry:
    id: int
    agency_code: str | None  # None: the office's list, checked for every agency
    kind: str
    label: str
    added_at: str


def find(db: Database, agency_id: int | None, subject_hash: str) -> int | None:
    found = db.scalar("SELECT id FROM watchlist_entry WHERE coalesce(agency_id, 0) = ? AND subject_hash = ?",
                      (agency_id or 0, subject_hash))
    return None if found is None else int(found)


def insert(db: Database, agency_id: int | None, subject_hash: str, kind: str, label: str, added_at: str) -> int:
    cur = db.execute("INSERT INTO watchlist_entry (agency_id, subject_hash, kind, label, added_at) "
                     "VALUES (?, ?, ?, ?, ?)", (agency_id, subject_hash, kind, label, added_at))
    return int(cur.lastrowid)


def list_entries(db: Database) -> list[WatchlistEntry]:
    rows = db.query("SELECT w.id, a.code, w.kind, w.label, w.added_at FROM watchlist_entry w "
                    "LEFT JOIN agency a ON a.id = w.agency_id ORDER BY w.id")
    return [WatchlistEntry(*row) for row in rows]


def get(db: Database, entry_id: int) -> WatchlistEntry | None:
    return next((e for e in list_entries(db) if e.id == entry_id), None)


def delete(db: Database, entry_id: int) -> None:
    db.execute("DELETE FROM watchlist_entry WHERE id = ?", (entry_id,))
