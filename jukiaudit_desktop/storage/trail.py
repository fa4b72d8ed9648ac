"""The tamper-evident audit trail: an append-only table chained by HMAC-SHA256 (key derived from the DB key).

Every change the app makes records one entry here, inside the same transaction as the change.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .database import Database

GENESIS_MAC = "0" * 64


@dataclass(frozen=True)
class TrailHead:
    seq: int
    mac: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.mac[:16]}"


# After a key change (rekey) the chain must still verify, so the MAC key is then kept inside the encrypted
# database, as it was derived from the first key.
_PINNED_KEY_SETTING = "security.trail_key"


def _trail_key(db: Database) -> bytes:
    pinned = db.scalar("SELECT value FROM setting WHERE name = ?", (_PINNED_KEY_SETTING,))
    if pinned is not None:
        return bytes.fromhex(json.loads(pinned))
    return hmac.new(db.key, b"jukiaudit-trail-v1", hashlib.sha256).digest()


def pin_key(db: Database) -> None:
    """Keep the chain's MAC key independent of the database key (before the first rekey). Idempotent."""
    with db.transaction():
        if db.scalar("SELECT 1 FROM setting WHERE name = ?", (_PINNED_KEY_SETTING,)) is None:
            db.execute("INSERT INTO setting (name, value) VALUES (?, ?)",
                       (_PINNED_KEY_SETTING, json.dumps(_trail_key(db).hex())))
            record(db, "trail.key_pinned")


def _mac(key: bytes, prev_mac: str, seq: int, at: str, action: str, detail: str) -> str:
    message = "\x1f".join([prev_mac, str(seq), at, action, detail]).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def record(db: Database, action: str, **detail: Any) -> TrailHead:
    """Append an entry for `action` (e.g. "agency.add"). Must be called inside db.transaction()."""
    if not db.in_transaction:
        raise RuntimeError("trail.record must run inside the transaction of the change it records")
    head = current_head(db)
    seq = head.seq + 1
    at = datetime.now().astimezone().isoformat(timespec="seconds")
    detail_json = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    mac = _mac(_trail_key(db), head.mac, seq, at, action, detail_json)
    db.execute(
        "INSERT INTO trail (seq, at, action, detail, mac) VALUES (?, ?, ?, ?, ?)",
        (seq, at, action, detail_json, mac),
    )
    return TrailHead(seq, mac)


def current_head(db: Database) -> TrailHead:
    row = db.execute("SELECT seq, mac FROM trail ORDER BY seq DESC LIMIT 1").fetchone()
    return TrailHead(0, GENESIS_MAC) if row is None else TrailHead(int(row[0]), str(row[1]))


@dataclass(frozen=True)
class TrailProblem:
    seq: int
    message: str


def verify(db: Database) -> list[TrailProblem]:
    """Recompute the chain; each entry whose MAC or sequence does not follow is named."""
    key = _trail_key(db)
    problems = []
    prev_mac, expected_seq = GENESIS_MAC, 1
    for seq, at, action, detail, mac in db.execute("SELECT seq, at, action, detail, mac FROM trail ORDER BY seq"):
        if seq != expected_seq:
            problems.append(TrailProblem(seq, f"連番が飛んでいます(期待 {expected_seq}、実際 {seq})"))
        if not hmac.compare_digest(_mac(key, prev_mac, seq, at, action, detail), mac):
            problems.append(TrailProblem(seq, "記録が改ざんされているか、順序が入れ替えられています"))
        prev_mac, expected_seq = mac, seq + 1
    return problems


@dataclass(frozen=True)
class TrailEntry:
    seq: int
    at: str
    action: str
    detail: str


def entries(db: Database, *, limit: int = 1000) -> list[TrailEntry]:
    """The newest `limit` entries, newest first (for the trail viewer)."""
    rows = db.query("SELECT seq, at, action, detail FROM trail ORDER BY seq DESC LIMIT ?", (limit,))
    return [TrailEntry(int(seq), str(at), str(action), str(detail)) for seq, at, action, detail in rows]
