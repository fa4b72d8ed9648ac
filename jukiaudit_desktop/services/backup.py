"""Use cases: encrypted backup, restore, and changing the key (keyring) or passphrase — each verified by
reopening and recorded in the trail."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from ..core.errors import JukiAuditError
from ..security import backup, integrity, keys, passphrase_policy
from ..security.atomic import copy_atomic, write_atomic
from ..storage import subject_keys, trail
from ..storage.database import Database, open_database


def create_backup(db: Database, target: Path) -> trail.TrailHead:
    """Write a verified encrypted copy of `db` to `target` (passphrase mode: its salt beside it, so the
    copy can be opened elsewhere with the passphrase)."""
    target = Path(target)
    head = backup.export_copy(db, target)
    if keys.uses_passphrase(db.path):
        copy_atomic(keys.salt_path(db.path), keys.salt_path(target))
    with db.transaction():
        trail.record(db, "backup.create", file=target.name, trail_head=str(head))
    return head


def restore_backup(db: Database, source: Path, backup_passphrase: str | None = None) -> Database:
    """Replace the database of `db` by the backup `source`; returns the reopened database (`db` is closed).

    The current file is kept aside first as `<name>.before-restore-<time>.bak`. In passphrase mode a backup
    that carries its own salt is opened with `backup_passphrase` (the one valid when it was made), else with
    the current key. A salt that changes travels as a pending salt (keys' journal): a crash at any step
    leaves the old database with the old passphrase, or the backup with its own.
    """
    source = Path(source)
    source_salt = keys.salt_path(source)
    key, new_salt = db.key, None
    if backup_passphrase is not None and source_salt.exists():
        passphrase_policy.require_acceptable(backup_passphrase)  # it becomes the database's passphrase
        key = keys.derive_key(backup_passphrase, keys.read_salt(source_salt).salt)
        new_salt = keys.salt_file_bytes(keys.read_salt(source_salt).salt, key)
    head = backup.verify_copy(source, key)
    path = db.path
    db.close()
    _keep_aside(path)
    if keys.uses_passphrase(path) and new_salt is not None:
        write_atomic(keys.pending_salt_path(path), new_salt)
    backup.replace_file(source, path)
    keys.settle(path, keys.Candidate(key, pending=True), passphrase_mode=keys.uses_passphrase(path))
    restored = open_database(path, key)
    with restored.transaction():
        trail.record(restored, "backup.restore", file=source.name, trail_head=str(head))
    return restored


def _keep_aside(path: Path) -> None:
    """Copy the (closed) database, and its salt in passphrase mode, to `<name>.before-restore-<time>.bak`."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.before-restore-{stamp}.bak")
    copy_atomic(path, aside)
    if keys.salt_path(path).exists():
        copy_atomic(keys.salt_path(path), keys.salt_path(aside))


def change_key(db: Database, new_passphrase: str | None = None) -> Database:
    """Re-encrypt `db` with a new key and return it reopened (`db` is closed).

    Keyring mode: a new random key. Passphrase mode: `new_passphrase` with a new salt. Either way the new
    secret is stored as pending before the file is re-encrypted and promoted after it (keys' journal), so a crash at any
    step leaves a database that opens with the old secret or the new one.
    """
    path = db.path
    passphrase_mode = keys.uses_passphrase(path)
    if passphrase_mode and not new_passphrase:
        raise JukiAuditError("新しいパスフレーズを指定してください(CLI では --new-passphrase-env 変数名)。")
    if not passphrase_mode and new_passphrase:
        raise JukiAuditError("このデータベースはキーリングの鍵で保護されています。パスフレーズは使いません。")
    if passphrase_mode:
        assert new_passphrase is not None
        passphrase_policy.require_acceptable(new_passphrase)
    trail.pin_key(db)
    subject_keys.pin(db)
    if passphrase_mode:
        assert new_passphrase is not None
        new_key, salt_contents = keys.new_passphrase_salt(new_passphrase)
        write_atomic(keys.pending_salt_path(path), salt_contents)
    else:
        new_key = secrets.token_bytes(keys.KEY_BYTES)
        keys.store_keyring_key(path, new_key, pending=True)
    backup.rekey(db, new_key)
    db.close()
    keys.settle(path, keys.Candidate(new_key, pending=True), passphrase_mode=passphrase_mode)
    reopened = open_database(path, new_key)
    report = integrity.check(reopened)
    if not report.ok:
        reopened.close()
        raise JukiAuditError(report.warning(path))
    with reopened.transaction():
        trail.record(reopened, "database.rekey", mode="passphrase" if passphrase_mode else "keyring")
    return reopened
