"""Repository of app settings: table `setting`, one JSON text per name."""

from __future__ import annotations

from .database import Database


def get_text(db: Database, name: str) -> str | None:
    value = db.scalar("SELECT value FROM setting WHERE name = ?", (name,))
    return None if value is None else str(value)


def put_text(db: Database, name: str, text: str) -> None:
    db.execute("INSERT INTO setting (name, value) VALUES (?, ?) "
               "ON CONFLICT (name) DO UPDATE SET value = excluded.value", (name, text))
