"""The tamper-evident audit trail: an append-only table chained by HMAC-SHA256 (key derived from the DB key).

Every change the app makes records one entry here, inside the same transaction as the change; the entry
binds the rows the change left behind (storage.bindings), so verification finds rows edited, added or
deleted with another client. A head printed on paper or exported to a file (seq + MAC) anchors the chain
outside the database: `head_in_chain` tells whether it is still part of it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import bindings
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


def _mac(key: bytes, prev_mac: str, seq: int, at: str, action: str, detail: str, binds: str | None) -> str:
    parts = [prev_mac, str(seq), at, action, detail] + ([binds] if binds is not None else [])
    return hmac.new(key, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()


def record(db: Database, action: str, **detail: Any) -> TrailHead:
    """Append an entry for `action` (e.g. "agency.add"). Must be called inside db.transaction()."""
    if not db.in_transaction:
        raise RuntimeError("trail.record must run inside the transaction of the change it records")
    head = current_head(db)
    seq = head.seq + 1
    at = datetime.now().astimezone().isoformat(timespec="seconds")
    detail_json = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    first_binding = db.scalar("SELECT 1 FROM trail WHERE binds IS NOT NULL LIMIT 1") is None
    binds = bindings.collect(db.conn, everything=first_binding).to_json()
    mac = _mac(_trail_key(db), head.mac, seq, at, action, detail_json, binds)
    db.execute(
        "INSERT INTO trail (seq, at, action, detail, mac, binds) VALUES (?, ?, ?, ?, ?, ?)",
        (seq, at, action, detail_json, mac, binds),
    )
    return TrailHead(seq, mac)


def bind_leftovers(db: Database) -> None:
    """Before a commit: rows the transaction changed after its last entry get an entry of their own."""
    if db.scalar("SELECT 1 FROM temp.trail_touched LIMIT 1") is not None:
        record(db, "trail.rows")


def data_head(db: Database) -> TrailHead:
    """The head as of the newest entry that changed data: what a report of the data prints (two reports of
    unchanged data print the same head, and it stays part of the chain)."""
    row = db.execute("SELECT seq, mac FROM trail WHERE binds IS NOT NULL ORDER BY seq DESC LIMIT 1").fetchone()
    return current_head(db) if row is None else TrailHead(int(row[0]), str(row[1]))


def current_head(db: Database) -> TrailHead:
    row = db.execute("SELECT seq, mac FROM trail ORDER BY seq DESC LIMIT 1").fetchone()
    return TrailHead(0, GENESIS_MAC) if row is None else TrailHead(int(row[0]), str(row[1]))


@dataclass(frozen=True)
class TrailProblem:
    seq: int
    message: str


def verify(db: Database) -> list[TrailProblem]:
    """Recompute the chain; each entry whose MAC or sequence does not follow is named, and a chain that does
    not start with `database.create` as entry 1."""
    key = _trail_key(db)
    problems = []
    prev_mac, expected_seq = GENESIS_MAC, 1
    rows = db.execute("SELECT seq, at, action, detail, mac, binds FROM trail ORDER BY seq")
    for seq, at, action, detail, mac, binds in rows:
        if seq == 1 and action != "database.create" or seq != 1 and expected_seq == 1:
            problems.append(TrailProblem(seq, "最初の記録(#1 database.create)がありません。証跡の先頭が削除されています"))
        if seq != expected_seq:
            problems.append(TrailProblem(seq, f"連番が飛んでいます(期待 {expected_seq}、実際 {seq})"))
        if not hmac.compare_digest(_mac(key, prev_mac, seq, at, action, detail, binds), mac):
            problems.append(TrailProblem(seq, "記録が改ざんされているか、順序が入れ替えられています"))
        prev_mac, expected_seq = mac, seq + 1
    if expected_seq == 1:
        problems.append(TrailProblem(0, "監査証跡が空です(#1 database.create もありません)。証跡が削除されています"))
    return problems


def head_in_chain(db: Database, head: TrailHead | str) -> TrailProblem | None:
    """Whether a head printed on a sheet or exported to a file (seq + MAC, or its printed prefix) is still
    part of the chain; a deleted tail or a rebuilt chain leaves it out."""
    seq, mac = (head.seq, head.mac) if isinstance(head, TrailHead) else parse_head(head)
    stored = db.scalar("SELECT mac FROM trail WHERE seq = ?", (seq,))
    if stored is None:
        return TrailProblem(seq, f"記録された証跡の先頭 #{seq} が証跡にありません(末尾の記録が削除されています)")
    if not str(stored).startswith(mac):
        return TrailProblem(seq, f"記録された証跡の先頭 #{seq} の MAC が一致しません(証跡が作り直されています)")
    return None


def parse_head(text: str) -> tuple[int, str]:
    """"123:0f1e…" (as printed) → (123, "0f1e…"); a ValueError names what is wrong."""
    seq, _, mac = text.strip().partition(":")
    if not seq.isdigit() or len(mac) < 16 or any(c not in "0123456789abcdef" for c in mac):
        raise ValueError(f"証跡の先頭の形式が違います: {text!r}(例: 123:0f1e2d3c4b5a6978)")
    return int(seq), mac


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
