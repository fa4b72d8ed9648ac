"""The database key: a random raw key held by the OS keyring, or one derived from a passphrase (scrypt).

Which mode a database uses is told by the salt file beside it: `<db>.salt` exists → passphrase mode.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors

from ..core.errors import JukiAuditError
from .atomic import write_atomic

KEYRING_SERVICE = "JukiAudit Desktop"
KEY_BYTES = 32
SALT_BYTES = 16
# scrypt cost: N=2**17, r=8 costs 128 MiB and about 0.3-0.5 s here, the slow KDF the design asks for.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1


class KeyringUnavailableError(JukiAuditError):
    """No secure keyring backend: the caller should fall back to passphrase mode."""


class PassphraseRequiredError(JukiAuditError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path}: このデータベースはパスフレーズで保護されています。パスフレーズを指定してください"
            "(CLI では --passphrase-env 変数名)。"
        )


def salt_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".salt")


def uses_passphrase(db_path: Path) -> bool:
    return salt_path(db_path).exists()


# Backends that keep secrets in a plain or weakly protected file, or that do not keep them at all.
_INSECURE_MODULE_PREFIXES = ("keyrings.alt", "keyring.backends.fail", "keyring.backends.null")


def secure_keyring() -> keyring.backend.KeyringBackend:
    """The active keyring backend, or KeyringUnavailableError saying why it will not do."""
    backend = keyring.get_keyring()
    backends = getattr(backend, "backends", [backend])  # a ChainerBackend wraps several
    usable = [b for b in backends if not type(b).__module__.startswith(_INSECURE_MODULE_PREFIXES)]
    insecure = [b for b in backends if type(b).__module__.startswith(_INSECURE_MODULE_PREFIXES)]
    if not usable:
        names = ", ".join(f"{type(b).__module__}.{type(b).__name__}" for b in insecure) or "none"
        raise KeyringUnavailableError(
            "安全なキーリング(資格情報マネージャー等)が使えません"
            f"(検出: {names})。平文ファイル等の安全でない保管先は使用しません。パスフレーズ方式を使ってください。"
        )
    return backend


def _account(db_path: Path) -> str:
    return str(Path(db_path).resolve())


def keyring_key(db_path: Path, *, create: bool) -> bytes:
    """The raw key of `db_path` from the keyring; with create=True a new random key is made and stored."""
    backend = secure_keyring()
    try:
        stored = backend.get_password(KEYRING_SERVICE, _account(db_path))
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailableError(f"キーリングから鍵を読めませんでした: {exc}") from exc
    if stored is not None:
        return base64.b64decode(stored)
    if not create:
        raise JukiAuditError(
            f"{db_path}: このデータベースの鍵がキーリングにありません。別の利用者・端末で作成されたものか、"
            "鍵が削除されています。"
        )
    key = secrets.token_bytes(KEY_BYTES)
    store_keyring_key(db_path, key)
    return key


def store_keyring_key(db_path: Path, key: bytes) -> None:
    """Put `key` in the keyring as the key of `db_path` (a new database, or after a rekey)."""
    try:
        secure_keyring().set_password(KEYRING_SERVICE, _account(db_path), base64.b64encode(key).decode("ascii"))
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailableError(f"キーリングに鍵を保存できませんでした: {exc}") from exc


def forget_keyring_key(db_path: Path) -> None:
    """Remove a key from the keyring (used when creating the database failed)."""
    with contextlib.suppress(keyring.errors.PasswordDeleteError, KeyringUnavailableError):
        secure_keyring().delete_password(KEYRING_SERVICE, _account(db_path))


def derive_key(passphrase: str, salt: bytes) -> bytes:
    if not passphrase:
        raise JukiAuditError("パスフレーズが空です。")
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
        maxmem=256 * 1024 * 1024, dklen=KEY_BYTES,
    )


def passphrase_key(db_path: Path, passphrase: str, *, create: bool) -> bytes:
    """Derive the key of `db_path` from a passphrase; with create=True a new salt is written beside it."""
    salt_file = salt_path(db_path)
    if salt_file.exists():
        salt = salt_file.read_bytes()
    elif create:
        salt = os.urandom(SALT_BYTES)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(salt_file, salt)
    else:
        raise JukiAuditError(f"{db_path}: パスフレーズ方式のソルトファイル {salt_file.name} が見つかりません。")
    return derive_key(passphrase, salt)
