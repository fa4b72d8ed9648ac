"""The database key: a random raw key held by the OS keyring, or one derived from a passphrase (scrypt).

Which mode a database uses is told by the salt file beside it: `<db>.salt` exists → passphrase mode.

A key change is journaled so that a crash never locks anyone out: the new secret is stored first under a
pending name (`<db>.salt.new`, or the keyring account `<db>#pending`), the database is re-encrypted, and only
then is the pending secret promoted. Opening tries the current and the pending secret (`key_candidates`)
and finishes or rolls back whatever was interrupted (`settle`).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import JukiAuditError
from .atomic import fsync_directory, write_atomic

if TYPE_CHECKING:
    import keyring.backend

# The keyring package is imported by the functions that use it: a command in passphrase mode never loads it
# (~60 ms of CPU at start-up, for `reconcile` and every other command).

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


# Backends known to keep secrets protected by the operating system; everything else is refused by name.
ALLOWED_BACKENDS = frozenset({
    "keyring.backends.Windows.WinVaultKeyring",  # Windows Credential Locker
    "keyring.backends.macOS.Keyring",  # macOS Keychain
    "keyring.backends.SecretService.Keyring",  # Secret Service (GNOME Keyring, KeePassXC …)
    "keyring.backends.libsecret.Keyring",  # Secret Service through libsecret
    "keyring.backends.kwallet.DBusKeyring",  # KWallet 5
    "keyring.backends.kwallet.DBusKeyringKWallet4",  # KWallet 4
})
# Test suites admit their in-memory stand-in here, by class (never by name): see admit_test_backend.
_admitted_for_tests: set[type] = set()


def admit_test_backend(backend_class: type) -> None:
    """Test-only: accept this exact class as a secure backend (the suites' in-memory keyring)."""
    _admitted_for_tests.add(backend_class)


def _backend_name(backend: keyring.backend.KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def _allowed(backend: keyring.backend.KeyringBackend) -> bool:
    return _backend_name(backend) in ALLOWED_BACKENDS or type(backend) in _admitted_for_tests


def secure_keyring() -> keyring.backend.KeyringBackend:
    """The active keyring backend if it is on the allow-list (from a chain: the first allowed one), else
    KeyringUnavailableError naming what was found."""
    import keyring

    backend = keyring.get_keyring()
    backends = getattr(backend, "backends", [backend])  # a ChainerBackend wraps several
    usable = [b for b in backends if _allowed(b)]
    if not usable:
        names = ", ".join(_backend_name(b) for b in backends) or "none"
        raise KeyringUnavailableError(
            "安全なキーリング(資格情報マネージャー等)が使えません"
            f"(検出: {names})。OS が保護する保管先(Windows 資格情報マネージャー、macOS キーチェーン、"
            "Secret Service、KWallet)以外は使用しません。パスフレーズ方式を使ってください。"
        )
    chosen: keyring.backend.KeyringBackend = usable[0]
    return chosen


def _account(db_path: Path, *, pending: bool = False) -> str:
    return str(Path(db_path).resolve()) + ("#pending" if pending else "")


def _keyring_get(db_path: Path, *, pending: bool = False) -> bytes | None:
    import keyring.errors

    try:
        stored = secure_keyring().get_password(KEYRING_SERVICE, _account(db_path, pending=pending))
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailableError(f"キーリングから鍵を読めませんでした: {exc}") from exc
    return None if stored is None else base64.b64decode(stored)


def keyring_key(db_path: Path, *, create: bool) -> bytes:
    """The raw key of `db_path` from the keyring; with create=True a new random key is made and stored."""
    stored = _keyring_get(db_path)
    if stored is not None:
        return stored
    if not create:
        raise JukiAuditError(
            f"{db_path}: このデータベースの鍵がキーリングにありません。別の利用者・端末で作成されたものか、"
            "鍵が削除されています。"
        )
    key = secrets.token_bytes(KEY_BYTES)
    store_keyring_key(db_path, key)
    return key


def store_keyring_key(db_path: Path, key: bytes, *, pending: bool = False) -> None:
    """Put `key` in the keyring as the key of `db_path` (pending=True: the key of a change in progress)."""
    import keyring.errors

    try:
        secure_keyring().set_password(KEYRING_SERVICE, _account(db_path, pending=pending),
                                      base64.b64encode(key).decode("ascii"))
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailableError(f"キーリングに鍵を保存できませんでした: {exc}") from exc


def forget_keyring_key(db_path: Path, *, pending: bool = False) -> None:
    """Remove a key from the keyring (a failed creation, or a pending key once settled)."""
    import keyring.errors

    with contextlib.suppress(keyring.errors.PasswordDeleteError, KeyringUnavailableError):
        secure_keyring().delete_password(KEYRING_SERVICE, _account(db_path, pending=pending))


def derive_key(passphrase: str, salt: bytes) -> bytes:
    if not passphrase:
        raise JukiAuditError("パスフレーズが空です。")
    early = _early.pop((passphrase, salt), None)
    return early.result() if early is not None else _scrypt(passphrase, salt)


def _scrypt(passphrase: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
        maxmem=256 * 1024 * 1024, dklen=KEY_BYTES,
    )


_early: dict[tuple[str, bytes], Future[bytes]] = {}  # derivations started by derive_early, each taken once


def derive_early(db_path: Path, passphrase: str) -> None:
    """Start deriving the key of the passphrase-mode database at `db_path` in a worker thread, where scrypt
    runs without the GIL: the CLI loads its command's modules meanwhile (a third of a second). derive_key
    takes the result, once. Nothing is started without a readable salt file: opening says what is wrong."""
    try:
        salt = read_salt(salt_path(db_path)).salt
    except (OSError, JukiAuditError):
        return
    worker = ThreadPoolExecutor(max_workers=1)
    _early[(passphrase, salt)] = worker.submit(_scrypt, passphrase, salt)
    worker.shutdown(wait=False)  # the derivation runs on; the thread ends with it


# Salt file: MAGIC + salt + key check (HMAC of a constant under the derived key). The check tells a wrong
# passphrase from a damaged first page; it lets no one test guesses faster than the database itself does
# (each guess still costs one scrypt). Files of 0.1.0 hold the bare 16-byte salt.
_SALT_MAGIC = b"JKS1"
_CHECK_BYTES = 32


def key_check(key: bytes) -> bytes:
    return hmac.new(key, b"jukiaudit-key-check-v1", hashlib.sha256).digest()


def salt_file_bytes(salt: bytes, key: bytes) -> bytes:
    return _SALT_MAGIC + salt + key_check(key)


@dataclass(frozen=True)
class Salt:
    salt: bytes
    check: bytes | None  # None in 0.1.0 files

    def matches(self, key: bytes) -> bool | None:
        """True/False when the file carries a key check, None when it cannot tell."""
        return None if self.check is None else hmac.compare_digest(self.check, key_check(key))


def read_salt(path: Path) -> Salt:
    """The salt file at `path`; a clear error when it is empty or not a salt file."""
    data = Path(path).read_bytes()
    if len(data) == SALT_BYTES:
        return Salt(data, None)
    if data.startswith(_SALT_MAGIC) and len(data) == len(_SALT_MAGIC) + SALT_BYTES + _CHECK_BYTES:
        return Salt(data[len(_SALT_MAGIC):-_CHECK_BYTES], data[-_CHECK_BYTES:])
    raise JukiAuditError(
        f"{path}: ソルトファイルが壊れています(長さ {len(data)} バイト)。パスフレーズ方式のデータベースは"
        "このファイルがないと開けません。バックアップから復元してください(データベースとソルトを一緒に)。"
    )


def salt_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".salt")


def pending_salt_path(db_path: Path) -> Path:
    return Path(str(db_path) + ".salt.new")


def uses_passphrase(db_path: Path) -> bool:
    return salt_path(db_path).exists() or pending_salt_path(db_path).exists()


def new_passphrase_salt(passphrase: str) -> tuple[bytes, bytes]:
    """A fresh salt for `passphrase`: (key, salt file contents)."""
    salt = os.urandom(SALT_BYTES)
    key = derive_key(passphrase, salt)
    return key, salt_file_bytes(salt, key)


def passphrase_key(db_path: Path, passphrase: str, *, create: bool) -> bytes:
    """The key of `db_path` under its current salt (create=True and no salt yet: a new salt is written)."""
    if create and not salt_path(db_path).exists():
        return create_passphrase_key(db_path, passphrase)
    if not salt_path(db_path).exists():
        raise JukiAuditError(f"{db_path}: パスフレーズ方式のソルトファイル {salt_path(db_path).name} が見つかりません。")
    return derive_key(passphrase, read_salt(salt_path(db_path)).salt)


def create_passphrase_key(db_path: Path, passphrase: str) -> bytes:
    """The key of a new passphrase-mode database; its salt file is written beside it."""
    key, contents = new_passphrase_salt(passphrase)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(salt_path(db_path), contents)
    return key


@dataclass(frozen=True)
class Candidate:
    """A key the database may be encrypted with: the current one, or that of an interrupted change."""

    key: bytes
    pending: bool
    known_good: bool = False  # the salt file's key check confirms the passphrase


def key_candidates(db_path: Path, passphrase: str | None) -> Iterator[Candidate]:
    """The keys to try, current first; the pending one (a change in progress) is derived only when asked for."""
    if passphrase is None:
        if uses_passphrase(db_path):
            raise PassphraseRequiredError(db_path)
        current, pending = _keyring_get(db_path), _keyring_get(db_path, pending=True)
        if current is None and pending is None:
            keyring_key(db_path, create=False)  # raises the "no key in the keyring" error
        yield from (Candidate(key, is_pending) for key, is_pending in ((current, False), (pending, True)) if key)
        return
    if not uses_passphrase(db_path):
        raise JukiAuditError(f"{db_path}: パスフレーズ方式のソルトファイル {salt_path(db_path).name} が見つかりません。")
    for is_pending, path in ((False, salt_path(db_path)), (True, pending_salt_path(db_path))):
        if path.exists():
            salt = read_salt(path)
            key = derive_key(passphrase, salt.salt)
            if salt.matches(key) is not False:  # a salt file whose key check refuses the passphrase: skip
                yield Candidate(key, is_pending, known_good=salt.matches(key) is True)


def settle(db_path: Path, opened_with: Candidate, *, passphrase_mode: bool) -> str | None:
    """After opening with `opened_with`: promote the pending secret (the change had reached the database)
    or drop it (it had not). Returns what was done, in Japanese, or None when nothing was pending."""
    if passphrase_mode:
        pending = pending_salt_path(db_path)
        if not pending.exists():
            return None
        if opened_with.pending:
            pending.replace(salt_path(db_path))
            fsync_directory(Path(db_path).parent)
            return "中断されていた鍵(パスフレーズ)の変更を完了しました。新しいパスフレーズが有効です。"
        pending.unlink()
        fsync_directory(Path(db_path).parent)
        return "中断されていた鍵(パスフレーズ)の変更を取り消しました。以前のパスフレーズのままです。"
    if _keyring_get(db_path, pending=True) is None:
        return None
    if opened_with.pending:
        store_keyring_key(db_path, opened_with.key)
        forget_keyring_key(db_path, pending=True)
        return "中断されていた鍵の変更を完了しました(キーリングの鍵を新しい鍵に更新)。"
    forget_keyring_key(db_path, pending=True)
    return "中断されていた鍵の変更を取り消しました(以前の鍵のまま)。"
