"""The CLI derives a passphrase key beside its start-up: once per open, in a worker thread, and a wrong
passphrase is still refused as one."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from jukiaudit_desktop.cli import main

PASSPHRASE = "early key passphrase"


@pytest.fixture
def counted_scrypt(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Per scrypt derivation: whether it ran on the main thread."""
    on_main: list[bool] = []
    real = hashlib.scrypt

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        on_main.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return on_main


def run(db_path: Path, *args: str) -> int:
    return main(["--db", str(db_path), "--passphrase-env", "PW", *args])


def test_the_key_is_derived_once_in_a_worker(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             counted_scrypt: list[bool]) -> None:
    monkeypatch.setenv("PW", PASSPHRASE)
    assert run(db_path, "init") == 0
    assert counted_scrypt == [True]  # a new database: no salt to derive from before the command runs
    counted_scrypt.clear()
    assert main([f"--db={db_path}", "--passphrase-env", "PW", "agency", "list"]) == 0
    assert counted_scrypt == [False]


def test_a_wrong_passphrase_derived_early_is_still_refused(db_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           counted_scrypt: list[bool],
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PW", PASSPHRASE)
    assert run(db_path, "init") == 0
    monkeypatch.setenv("PW", "another long passphrase")
    capsys.readouterr()
    assert run(db_path, "agency", "list") == 3
    assert "パスフレーズが違う" in capsys.readouterr().err
    assert counted_scrypt[1:] == [False]
