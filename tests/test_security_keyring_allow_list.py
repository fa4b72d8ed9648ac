"""The keyring is an allow-list: only backends whose secrets the OS protects are used; anything else is
refused by name (then the user is told to use a passphrase). The tests' stand-in is admitted by class only."""

from __future__ import annotations

import types

import keyring
import keyring.backend
import pytest

from jukiaudit_desktop.security import keys


def backend_named(module: str, name: str) -> keyring.backend.KeyringBackend:
    cls = types.new_class(name, (keyring.backend.KeyringBackend,), exec_body=lambda ns: ns.update({
        "__module__": module, "priority": 1, "get_password": lambda self, s, u: None,
        "set_password": lambda self, s, u, p: None, "delete_password": lambda self, s, u: None}))
    return cls()


@pytest.mark.parametrize(("module", "name"), [
    ("keyrings.cryptfile.cryptfile", "CryptFileKeyring"),  # a file the app cannot vouch for
    ("keyring_pass", "PasswordStoreBackend"),
    ("mycorp.vault", "SecureVault"),  # a reassuring name is not enough
])
def test_a_backend_not_on_the_list_is_refused_by_name(module: str, name: str) -> None:
    keyring.set_keyring(backend_named(module, name))
    with pytest.raises(keys.KeyringUnavailableError, match=f"{module}.{name}.*パスフレーズ方式"):
        keys.secure_keyring()


@pytest.mark.parametrize("allowed", sorted(keys.ALLOWED_BACKENDS))
def test_the_os_protected_backends_are_accepted_by_their_names(allowed: str) -> None:
    module, _, name = allowed.rpartition(".")
    backend = backend_named(module, name)
    keyring.set_keyring(backend)
    assert keys.secure_keyring() is backend


def test_the_test_stand_in_is_admitted_by_class_not_by_name(memory_keyring) -> None:
    assert keys.secure_keyring() is memory_keyring
    look_alike = backend_named(type(memory_keyring).__module__, type(memory_keyring).__name__)
    keyring.set_keyring(look_alike)  # same module and name, another class: refused
    with pytest.raises(keys.KeyringUnavailableError):
        keys.secure_keyring()
