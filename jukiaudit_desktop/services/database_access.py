"""Finding, creating and unlocking the app's database, in keyring or passphrase mode."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from ..security import keys
from ..storage import trail
from ..storage.database import (
    Database,
    DatabaseError,
    DatabaseMissingError,
    explain_sqlite_error,
    open_database,
    sqlite_version,
)

DATABASE_FILE_NAME = "jukiaudit.db"

__all__ = ["Database", "database_exists", "default_database_path", "open_app_database", "sqlite_version"]


def default_database_path() -> Path:
    """The database in the user's data folder (e.g. %LOCALAPPDATA%\\JukiAudit on Windows)."""
    return Path(platformdirs.user_data_dir("JukiAudit", appauthor=False)) / DATABASE_FILE_NAME


def database_exists(path: Path) -> bool:
    return Path(path).exists()


def open_app_database(path: Path, passphrase: str | None = None, *, create: bool = False) -> Database:
    """Unlock `path`: with a passphrase (passphrase mode), else with the key held by the keyring.

    create=True makes a new database where none exists: passphrase mode if a passphrase is given,
    keyring mode otherwise.
    """
    path = Path(path)
    exists = path.exists()
    if not exists and not create:
        raise DatabaseMissingError(path)
    if passphrase is not None:
        key = keys.passphrase_key(path, passphrase, create=not exists)
    elif keys.uses_passphrase(path):
        raise keys.PassphraseRequiredError(path)
    else:
        key = keys.keyring_key(path, create=not exists)
    try:
        db = open_database(path, key, create=create)
    except BaseException:
        if not exists:
            _forget_new_key(path, passphrase)
        raise
    try:
        with db.transaction():
            trail.record(db, "database.create" if not exists else "database.open", mode=_mode(passphrase))
    except DatabaseError as exc:  # a damaged or tampered page on the way in
        db.close()
        raise explain_sqlite_error(exc, path) from exc
    return db


def _mode(passphrase: str | None) -> str:
    return "passphrase" if passphrase is not None else "keyring"


def _forget_new_key(path: Path, passphrase: str | None) -> None:
    if passphrase is None:
        keys.forget_keyring_key(path)
    else:
        keys.salt_path(path).unlink(missing_ok=True)
