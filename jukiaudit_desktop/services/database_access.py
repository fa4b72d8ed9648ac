"""Finding, creating and unlocking the app's database, in keyring or passphrase mode."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import platformdirs

from ..core.errors import JukiAuditError
from ..security import keys, passphrase_policy
from ..storage import trail, trail_data
from ..storage.database import (
    Database,
    DatabaseError,
    DatabaseMissingError,
    WrongKeyError,
    damaged_error,
    explain_sqlite_error,
    open_database,
    schema_version,
    sqlite_version,
)

DATABASE_FILE_NAME = "jukiaudit.db"

__all__ = ["Database", "can_write", "database_exists", "default_database_path", "open_app_database", "sqlite_version"]


def default_database_path() -> Path:
    """The database in the user's data folder (e.g. %LOCALAPPDATA%\\JukiAudit on Windows)."""
    return Path(platformdirs.user_data_dir("JukiAudit", appauthor=False)) / DATABASE_FILE_NAME


def database_exists(path: Path) -> bool:
    return Path(path).exists()


def can_write(path: Path) -> bool:
    """Whether this process can write the database (the file and, for its -wal and -shm, its folder)."""
    path = Path(path)
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def open_app_database(path: Path, passphrase: str | None = None, *, create: bool = False,
                      read_only: bool = False, check_beside: bool = False) -> Database:
    """Unlock `path`: with a passphrase (passphrase mode), else with the key held by the keyring.

    create=True makes a new database where none exists: passphrase mode if a passphrase is given,
    keyring mode otherwise. An interrupted key change is finished or rolled back on the way in
    (`db.notice` says which). read_only=True writes nothing, not even the trail's "database.open".
    check_beside=True checks the pages while the caller reads (storage.database.PageCheck): the trail's
    "database.open" is written before the first write, or by `db.ready_to_write()` (unless a key change was
    interrupted: then opening waits for the check as usual).
    """
    path = Path(path)
    if not path.exists():
        if not create:
            raise DatabaseMissingError(path)
        return _create(path, passphrase)
    candidates = keys.key_candidates(path, passphrase)
    db, used = _open_first(path, candidates, passphrase, read_only=read_only, check_beside=check_beside)
    if read_only:
        return db
    if db.waits_to_write and not keys.change_pending(path, passphrase_mode=passphrase is not None):
        db.before_first_write(lambda: _record_opening(db, used, passphrase))
        return db
    try:
        db.ready_to_write()
        _record_opening(db, used, passphrase)
    except BaseException:
        db.close()
        raise
    return db


def _record_opening(db: Database, used: keys.Candidate, passphrase: str | None) -> None:
    try:
        notice = keys.settle(db.path, used, passphrase_mode=passphrase is not None)
        with db.transaction():
            if notice:
                trail.record(db, "database.recover_key_change", completed=used.pending)
            trail.record(db, "database.open", mode=_mode(passphrase))
            record_migration(db)
    except DatabaseError as exc:  # a damaged or tampered page on the way in
        raise explain_sqlite_error(exc, db.path) from exc
    db.notice = notice


def record_migration(db: Database) -> None:
    """The rows a migration gave new columns, bound again in the trail (when one did): see
    storage.trail_data.rebind_migrated_rows. Inside the caller's transaction."""
    tables = trail_data.rebind_migrated_rows(db)
    if tables:
        trail.record(db, "database.migrate", tables=tables, version=schema_version())


def _create(path: Path, passphrase: str | None) -> Database:
    if passphrase is not None:
        passphrase_policy.require_acceptable(passphrase)
    key = keys.create_passphrase_key(path, passphrase) if passphrase is not None else keys.keyring_key(
        path, create=True)
    try:
        db = open_database(path, key, create=True)
        with db.transaction():
            trail.record(db, "database.create", mode=_mode(passphrase))
    except BaseException:
        _forget_new_key(path, passphrase)
        raise
    return db


def _open_first(path: Path, candidates: Iterator[keys.Candidate], passphrase: str | None, *,
                read_only: bool, check_beside: bool) -> tuple[Database, keys.Candidate]:
    """Open with the first candidate key that fits; say clearly why when none does."""
    tried = []
    for candidate in candidates:
        try:
            return open_database(path, candidate.key, read_only=read_only, check_beside=check_beside), candidate
        except WrongKeyError:
            tried.append(candidate)
    if keys.pending_salt_path(path).exists():
        raise KeyChangeInterruptedError(path)
    if passphrase is None or any(c.known_good for c in tried):
        # The key is right (from the keyring, or confirmed by the salt's key check): page 1 is damaged.
        raise damaged_error(path)
    raise WrongKeyError(path)


class KeyChangeInterruptedError(JukiAuditError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path}: 鍵(パスフレーズ)の変更が中断されています。変更前と変更後のどちらかのパスフレーズで開くと、"
            "中断された変更を完了または取り消します。"
        )


def _mode(passphrase: str | None) -> str:
    return "passphrase" if passphrase is not None else "keyring"


def _forget_new_key(path: Path, passphrase: str | None) -> None:
    if passphrase is None:
        keys.forget_keyring_key(path)
    else:
        keys.salt_path(path).unlink(missing_ok=True)
