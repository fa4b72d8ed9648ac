"""The key of the 個人番号 / 住民票コード hashes: its own secret, kept inside the encrypted database, so a
person looked up before and after a key change (rekey) is still one person."""

from __future__ import annotations

import hashlib
import json

from ..core.identifiers import subject_key as derived_subject_key
from . import trail
from .database import Database

_SETTING = "security.subject_key"


def subject_key(db: Database) -> bytes:
    """The stored key; a database that never had one stored still uses the one derived from its first key."""
    stored = db.scalar("SELECT value FROM setting WHERE name = ?", (_SETTING,))
    return bytes.fromhex(json.loads(stored)) if stored is not None else derived_subject_key(db.key)


def pin(db: Database) -> None:
    """Store the key (before the database key changes; idempotent)."""
    with db.transaction():
        if db.scalar("SELECT 1 FROM setting WHERE name = ?", (_SETTING,)) is None:
            db.execute("INSERT INTO setting (name, value) VALUES (?, ?)", (_SETTING, json.dumps(subject_key(db).hex())))
            trail.record(db, "identifiers.key_pinned")


def key_id(key: bytes) -> str:
    """A name of the key that reveals nothing of it: two installations compare these, never the key."""
    return hashlib.sha256(b"jukiaudit-subject-key-id\x00" + key).hexdigest()[:32]


def adopt(db: Database, key: bytes) -> None:
    """Hash identifiers with `key` from now on (the office's, received under seal; inside the caller's
    transaction, which records the trail entry)."""
    db.execute("INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
               (_SETTING, json.dumps(key.hex())))
