"""Use cases: encrypted backup, restore, and changing the key (keyring) or passphrase — each verified by
reopening and recorded in the trail."""

from __future__ import annotations

import secrets
import shutil
from datetime import datetime
from pathlib import Path

from ..core.errors import JukiAuditError
from ..security import backup, integrity, keys
from ..security.atomic import write_atomic
from ..storage import trail
from ..storage.database import Database, open_database


def create_backup(db: Database, target: Path) -> trail.TrailHead:
    """Write a verified encrypted copy of `db` to `target` (passphrase mode: its salt beside it, so the
    copy can be opened elsewhere with the passphrase)."""
    target = Path(target)
    head = backup.export_copy(db, target)
    if keys.uses_passphrase(db.path):
        write_atomic(keys.salt_path(target), keys.salt_path(db.path).read_bytes())
    with db.transaction():
        trail.record(db, "backup.create", file=target.name, trail_head=str(head))
    return head


def restore_backup(db: Database, source: Path, backup_passphrase: str | None = None) -> Database:
    """Replace the database of `db` by the backup `source`; returns the reopened database (`db` is closed).

    The current file is kept aside first as `<name>.before-restore-<time>.bak`. In passphrase mode a backup
    that carries its own salt is opened with `backup_passphrase` (the one valid when it was made), else with
    the current key.
    """
    source = Path(source)
    source_salt = keys.salt_path(source)
    key = db.key
    if backup_passphrase is not None and source_salt.exists():
        key = keys.derive_key(backup_passphrase, source_salt.read_bytes())
    head = backup.verify_copy(source, key)
    path = db.path
    db.close()
    _keep_aside(path)
    backup.replace_file(source, path)
    if keys.uses_passphrase(path) and source_salt.exists():
        write_atomic(keys.salt_path(path), source_salt.read_bytes())
    restored = open_database(path, key)
    with restored.transaction():
        trail.record(restored, "backup.restore", file=source.name, trail_head=str(head))
    return restored


def _keep_aside(path: Path) -> None:
    """Copy the (closed) database, and its salt in passphrase mode, to `<name>.before-restore-<time>.bak`."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.before-restore-{stamp}.bak")
    shutil.copy2(path, aside)
    if keys.uses_passphrase(path):
        shutil.copy2(keys.salt_path(path), keys.salt_path(aside))


def change_key(db: Database, new_passphrase: str | None = None) -> Database:
    """Re-encrypt `db` with a new key and return it reopened (`db` is closed).

    Keyring mode: a new random key, stored in the keyring. Passphrase mode: `new_passphrase` with a new salt.
    """
    path = db.path
    passphrase_mode = keys.uses_passphrase(path)
    if passphrase_mode and not new_passphrase:
        raise JukiAuditError("新しいパスフレーズを指定してください(CLI では --new-passphrase-env 変数名)。")
    if not passphrase_mode and new_passphrase:
        raise JukiAuditError("このデータベースはキーリングの鍵で保護されています。パスフレーズは使いません。")
    trail.pin_key(db)
    if passphrase_mode:
        assert new_passphrase is not None
        new_salt = secrets.token_bytes(keys.SALT_BYTES)
        new_key = keys.derive_key(new_passphrase, new_salt)
        pending_salt = Path(str(keys.salt_path(path)) + ".new")
        write_atomic(pending_salt, new_salt)
        backup.rekey(db, new_key)
        pending_salt.replace(keys.salt_path(path))
    else:
        old_key, new_key = db.key, secrets.token_bytes(keys.KEY_BYTES)
        backup.rekey(db, new_key)
        try:
            keys.store_keyring_key(path, new_key)
        except BaseException:
            backup.rekey(db, old_key)  # the keyring refused the new key: keep the one it holds
            raise
    db.close()
    reopened = open_database(path, new_key)
    report = integrity.check(reopened)
    if not report.ok:
        reopened.close()
        raise JukiAuditError(report.warning(path))
    with reopened.transaction():
        trail.record(reopened, "database.rekey", mode="passphrase" if passphrase_mode else "keyring")
    return reopened
