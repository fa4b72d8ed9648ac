"""Use cases of the watch-list (注視対象者): import a CSV, add one entry, list, remove.

Numbers are hashed as the operation-log import hashes them (core.identifiers.keyed_hash with the database's
subject key), so a watch-listed person's lookups carry the same hash; only the hash and the 表示名 are stored.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..core.errors import InputError
from ..core.identifiers import keyed_hash
from ..importers.watchlist import WatchedNumber, parse_entry, read_watchlist
from ..security import file_limits
from ..storage import subject_keys, trail
from ..storage import watchlist_repo as repo
from ..storage.database import Database
from ..storage.watchlist_repo import WatchlistEntry
from .master_data import require_agency

DELETE_ADVICE = "取り込んだファイルには番号がそのまま書かれています。USB メモリ等からも含め、確実に削除してください。"


def _agency_id(db: Database, agency_code: str | None) -> int | None:
    return None if agency_code is None else require_agency(db, agency_code).id


def _store(db: Database, agency_id: int | None, entries: list[WatchedNumber], where: str) -> list[int]:
    key = subject_keys.subject_key(db)  # the import's key, unchanged by rekey
    added_at = datetime.now().isoformat(timespec="seconds")
    ids, seen = [], set()
    for entry in entries:
        digest = keyed_hash(key, entry.kind, entry.number)
        place = f"{where}:{entry.line}" if entry.line else where
        if digest in seen or repo.find(db, agency_id, digest) is not None:
            raise InputError("この対象者は既に注視対象者の一覧にあります。", place)
        seen.add(digest)
        ids.append(repo.insert(db, agency_id, digest, entry.kind.value, entry.label, added_at))
    return ids


def import_watchlist(db: Database, path: Path | str, agency_code: str | None = None) -> list[int]:
    """Add every line of a 種別,番号,表示名 CSV to the agency's list (None: the office's), all or nothing."""
    path = Path(path)
    try:
        file_limits.check_size(path)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"ファイルを読めません({exc.strerror})。", str(path)) from None
    entries = read_watchlist(data, path.name)
    del data
    agency_id = _agency_id(db, agency_code)
    with db.transaction():
        ids = _store(db, agency_id, entries, path.name)
        trail.record(db, "watchlist.import", agency=agency_code, entries=len(ids), first_id=ids[0])
    return ids


def add_entry(db: Database, kind: str, number: str, label: str, agency_code: str | None = None) -> int:
    """One entry typed in (the GUI's password-style field); the number is not kept after hashing."""
    entry = parse_entry(kind, number, label)
    agency_id = _agency_id(db, agency_code)
    with db.transaction():
        (entry_id,) = _store(db, agency_id, [entry], "入力")
        trail.record(db, "watchlist.add", agency=agency_code, entry_id=entry_id)
    return entry_id


def list_entries(db: Database) -> list[WatchlistEntry]:
    return repo.list_entries(db)


def remove_entry(db: Database, entry_id: int) -> WatchlistEntry:
    entry = repo.get(db, entry_id)
    if entry is None:
        raise InputError(f"注視対象者 ID {entry_id} はありません。`jukiaudit watchlist list` で確認してください。")
    with db.transaction():
        repo.delete(db, entry_id)
        trail.record(db, "watchlist.remove", entry_id=entry_id, agency=entry.agency_code)
    return entry
