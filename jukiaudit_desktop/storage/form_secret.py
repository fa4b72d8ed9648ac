"""The secret that keys the MAC of self-check form markers: random, kept only inside the encrypted database
(never in a form, never in the trail), created on first use."""

from __future__ import annotations

import json
import secrets

from . import trail
from .database import Database

_SETTING = "selfcheck.form_key"


def form_key(db: Database) -> bytes:
    text = db.scalar("SELECT value FROM setting WHERE name = ?", (_SETTING,))
    if text is not None:
        return bytes.fromhex(json.loads(text))
    key = secrets.token_bytes(32)
    with db.transaction():
        db.execute("INSERT INTO setting (name, value) VALUES (?, ?)", (_SETTING, json.dumps(key.hex())))
        trail.record(db, "selfcheck.form_key")
    return key
