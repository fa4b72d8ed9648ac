"""One passphrase rule for init, rekey and restore (and the GUI, which calls the same services), and a
scrypt cost that cannot be lowered unnoticed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from jukiaudit_desktop.cli import EXIT_BAD_INPUT, EXIT_OK, main
from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.security import keys, passphrase_policy
from jukiaudit_desktop.services import backup
from jukiaudit_desktop.services.database_access import open_app_database


@pytest.mark.parametrize(("passphrase", "reason"), [
    ("a", "短すぎます(1 文字)"),
    ("aaaaaaaaaaaaaa", "同じ文字を繰り返した"),
    ("password1234", "よく使われる"),
    ("PassWord1234", "よく使われる"),
])
def test_init_refuses_a_weak_passphrase_with_the_reason(db_path: Path, monkeypatch, capsys, passphrase: str,
                                                        reason: str) -> None:
    monkeypatch.setenv("PW", passphrase)
    assert main(["--db", str(db_path), "--passphrase-env", "PW", "init"]) == EXIT_BAD_INPUT
    assert reason in capsys.readouterr().err
    assert not db_path.exists() and not keys.salt_path(db_path).exists()


def test_init_accepts_twelve_characters(db_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PW", "kansa-R7-aki")
    assert len("kansa-R7-aki") == 12
    assert main(["--db", str(db_path), "--passphrase-env", "PW", "init"]) == EXIT_OK


def test_rekey_and_restore_apply_the_same_rule(db_path: Path, tmp_path: Path) -> None:
    db = open_app_database(db_path, "first passphrase R7", create=True)
    with pytest.raises(InputError, match="短すぎます"):
        backup.change_key(db, "short")
    saved = tmp_path / "saved.db"
    backup.create_backup(db, saved)
    with pytest.raises(InputError, match="よく使われる"):
        backup.restore_backup(db, saved, "password1234")
    db.close()
    open_app_database(db_path, "first passphrase R7").close()  # nothing changed


@pytest.mark.real_scrypt
def test_scrypt_cost_is_not_lowered() -> None:
    """≥ 0.3 s an attempt on the reference machine: N = 2**17, r = 8 (128 MiB). Lowering them fails here."""
    assert keys.SCRYPT_N >= 2**17 and keys.SCRYPT_R >= 8 and keys.SCRYPT_P >= 1
    salt = b"\x07" * keys.SALT_BYTES
    expected = hashlib.scrypt(b"kansa-R7-aki", salt=salt, n=2**17, r=8, p=1, maxmem=256 * 1024 * 1024, dklen=32)
    assert keys.derive_key("kansa-R7-aki", salt) == expected  # the key really comes from those parameters


def test_the_common_list_is_case_blind_and_every_entry_is_long_enough() -> None:
    assert all(len(p) >= passphrase_policy.MIN_LENGTH for p in passphrase_policy.COMMON)
    assert passphrase_policy.refusal("Correct Horse Battery R7") is None
