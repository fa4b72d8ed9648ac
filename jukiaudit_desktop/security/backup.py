"""Encrypted copies of the database file: export (sqlcipher_export), verification by reopening, rekey.

A copy is written beside its target under a temporary name, verified, then moved into place
(security.atomic's rule: a crash leaves the old file or the new one, never half of one).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import sqlcipher3

from ..core.errors import JukiAuditError
from ..storage import trail
from ..storage.database import Database
from .atomic import copy_atomic, fsync_directory


class BackupError(JukiAuditError):
    """A backup that cannot be written, opened or trusted."""


def _key_literal(key: bytes) -> str:
    return f"x'{key.hex()}'"


def verify_copy(path: Path, key: bytes) -> trail.TrailHead:
    """Open `path` read-only with `key`; check page HMACs, the SQLite structure and the trail chain.

    Returns the copy's trail head; raises BackupError saying what is wrong.
    """
    if not path.is_file():
        raise BackupError(f"{path}: バックアップファイルが見つかりません。")
    conn = sqlcipher3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f'PRAGMA key = "{_key_literal(key)}"')
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError:
            raise BackupError(
                f"{path}: 現在の鍵で開けません。JukiAudit のバックアップでないか、鍵(パスフレーズ)の変更前に"
                "作成されたバックアップです。"
            ) from None
        copy = Database(conn, path, key)
        problems = [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check")]
        if not problems:  # reading a page that failed its HMAC would only raise "malformed"
            try:
                problems = [str(r[0]) for r in conn.execute("PRAGMA quick_check") if r[0] != "ok"]
                problems += [f"監査証跡 #{p.seq}: {p.message}" for p in trail.verify(copy)]
            except sqlcipher3.DatabaseError as exc:
                problems = [str(exc)]
        if problems:
            raise BackupError(f"{path}: バックアップが壊れているか改ざんされています: " + " / ".join(problems[:5]))
        return trail.current_head(copy)
    finally:
        conn.close()


def export_copy(db: Database, target: Path) -> trail.TrailHead:
    """Write an encrypted copy of `db` (same key) to `target` atomically, verified before it is moved in place."""
    target = Path(target).resolve()
    if target == db.path.resolve():
        raise BackupError(f"{target}: 使用中のデータベース自身にはバックアップできません。別のファイル名を指定してください。")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # sqlcipher_export needs to create the file itself; mkstemp only reserved a private name
    try:
        db.execute("ATTACH DATABASE ? AS backup KEY ?", (str(tmp), _key_literal(db.key)))
        try:
            db.scalar("SELECT sqlcipher_export('backup')")
            db.execute(f"PRAGMA backup.user_version = {int(db.scalar('PRAGMA user_version'))}")
        finally:
            db.execute("DETACH DATABASE backup")
        os.chmod(tmp, 0o600)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        head = verify_copy(tmp, db.key)
        if head != trail.current_head(db):
            raise BackupError(f"{target}: バックアップの監査証跡が元のデータベースと一致しません。")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    fsync_directory(target.parent)
    return head


def replace_file(source: Path, target: Path) -> None:
    """Copy `source` over `target` atomically (the database at `target` must be closed)."""
    for suffix in ("-wal", "-shm"):  # a closed database has none; a stale WAL must never meet the new file
        Path(str(target) + suffix).unlink(missing_ok=True)
    copy_atomic(source, target)


def rekey(db: Database, new_key: bytes) -> None:
    """Re-encrypt every page of `db` with `new_key` (PRAGMA rekey). The Database object keeps the old key:
    close it and reopen with the new one."""
    if len(new_key) != 32:
        raise ValueError("the database key must be 32 bytes")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute(f'PRAGMA rekey = "{_key_literal(new_key)}"')
