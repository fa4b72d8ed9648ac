"""Keys: keyring mode through a real (in-memory) backend, refusal of insecure backends, passphrase mode."""

from __future__ import annotations

import base64
import types
from pathlib import Path

import keyring
import keyring.backend
import keyring.backends.fail
import pytest
from keyring.backends.chainer import ChainerBackend

from jukiaudit_desktop.cli import EXIT_BAD_INPUT, EXIT_OK, main
from jukiaudit_desktop.security import keys
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage.database import WrongKeyError


def _insecure_backend_class(module_name: str, class_name: str) -> type[keyring.backend.KeyringBackend]:
    """A working backend whose module name is that of a plaintext store (as keyrings.alt's)."""

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username))

    namespace = {"priority": 1, "__module__": module_name, "secrets": {}, "get_password": get_password,
                 "set_password": set_password, "delete_password": delete_password}
    return types.new_class(class_name, (keyring.backend.KeyringBackend,), exec_body=lambda ns: ns.update(namespace))


PlaintextKeyring = _insecure_backend_class("keyrings.alt.file", "PlaintextKeyring")


class FixedChain(ChainerBackend):
    """keyring's ChainerBackend over a chosen list of backends (the real one discovers them)."""

    backends: list[keyring.backend.KeyringBackend] = []  # replaces the discovering class property

    def __init__(self, backends: list[keyring.backend.KeyringBackend]) -> None:
        super().__init__()
        self.backends = backends


def test_keyring_mode_creates_a_random_key_and_finds_it_again(db_path: Path, memory_keyring) -> None:
    db = open_app_database(db_path, create=True)
    db.close()
    stored = memory_keyring.secrets[(keys.KEYRING_SERVICE, str(db_path.resolve()))]
    key = base64.b64decode(stored)
    assert len(key) == keys.KEY_BYTES
    assert keys.keyring_key(db_path, create=False) == key
    assert not keys.uses_passphrase(db_path)
    reopened = open_app_database(db_path)
    assert reopened.key == key
    reopened.close()
    other = db_path.with_name("other.db")
    open_app_database(other, create=True).close()
    assert keys.keyring_key(other, create=False) != key  # one random key per database


@pytest.mark.parametrize("backend", [PlaintextKeyring(), keyring.backends.fail.Keyring(),
                                     FixedChain([PlaintextKeyring(), keyring.backends.fail.Keyring()])],
                         ids=["plaintext", "fail", "chain-of-insecure"])
def test_insecure_keyring_backends_are_refused(db_path: Path, backend, capsys) -> None:
    keyring.set_keyring(backend)
    with pytest.raises(keys.KeyringUnavailableError, match="パスフレーズ方式を使ってください"):
        keys.secure_keyring()
    assert main(["--db", str(db_path), "init"]) == EXIT_BAD_INPUT
    assert "安全なキーリング" in capsys.readouterr().err
    assert not db_path.exists()
    if isinstance(backend, PlaintextKeyring):
        assert backend.secrets == {}  # nothing was written to the plaintext store


def test_a_chain_with_one_secure_backend_is_accepted(memory_keyring) -> None:
    chain = FixedChain([PlaintextKeyring(), memory_keyring])
    keyring.set_keyring(chain)
    assert keys.secure_keyring() is memory_keyring  # the allowed one itself: the chain could write elsewhere


def test_passphrase_mode_uses_a_salt_file_and_refuses_a_wrong_passphrase(db_path: Path, memory_keyring) -> None:
    db = open_app_database(db_path, "正しいパスフレーズを長めに", create=True)
    db.close()
    assert keys.uses_passphrase(db_path)
    assert keys.read_salt(keys.salt_path(db_path)).check is not None  # salt + key check
    assert memory_keyring.secrets == {}  # passphrase mode never touches the keyring
    with pytest.raises(keys.PassphraseRequiredError):
        open_app_database(db_path)
    with pytest.raises(WrongKeyError):
        open_app_database(db_path, "違うパスフレーズを長めに")
    open_app_database(db_path, "正しいパスフレーズを長めに").close()


def test_cli_wrong_passphrase_exits_3_with_a_clear_message_and_leaves_the_file_unchanged(
        db_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("JA_PASS", "correct horse battery")
    assert main(["--db", str(db_path), "--passphrase-env", "JA_PASS", "init"]) == EXIT_OK
    assert main(["--db", str(db_path), "--passphrase-env", "JA_PASS", "agency", "add", "--code", "K01",
                 "--name", "職員総務課"]) == EXIT_OK
    files = sorted(p for p in db_path.parent.iterdir())
    before = {p: p.read_bytes() for p in files}
    capsys.readouterr()
    monkeypatch.setenv("JA_PASS", "wrong horse")
    assert main(["--db", str(db_path), "--passphrase-env", "JA_PASS", "agency", "list"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "パスフレーズが違うか、JukiAudit のデータベースではありません" in err and str(db_path) in err
    assert sorted(p for p in db_path.parent.iterdir()) == files
    assert all(p.read_bytes() == before[p] for p in files)
