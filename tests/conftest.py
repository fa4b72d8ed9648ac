"""Shared fixtures: an in-memory keyring, offscreen Qt, a private data folder, real encrypted databases."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend that keeps secrets in this process's memory only (tests never touch the
    developer's own keyring)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.secrets:
            raise keyring.errors.PasswordDeleteError(username)
        del self.secrets[(service, username)]


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    from jukiaudit_desktop.security import keys

    keys.admit_test_backend(MemoryKeyring)  # the allow-list admits this stand-in by class, for tests only
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def private_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the user data/config folders at a temporary place: tests never see the real ones."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"),
                     ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(var, str(home / sub))
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    """A fresh, real SQLCipher database in keyring mode (the in-memory keyring holds its key)."""
    from jukiaudit_desktop.services.database_access import open_app_database

    database = open_app_database(db_path, create=True)
    yield database
    database.close()


@pytest.fixture
def cli(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Runs `jukiaudit --db <db_path> ARGS…` in this process; returns (exit code, stdout, stderr)."""
    from jukiaudit_desktop.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        try:
            code = main(["--db", str(db_path), *argv])
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def demo_runner(qtbot: Any, db_path: Path) -> Iterator[Any]:
    """The GUI's database worker, opened on a fresh encrypted database with the demo data loaded."""
    from jukiaudit_desktop.gui.tasks import DbRunner
    from jukiaudit_desktop.services import demo
    from jukiaudit_desktop.services.database_access import open_app_database

    runner = DbRunner()

    def open_with_demo() -> Database:
        db = open_app_database(db_path, create=True)
        demo.load_demo(db)
        return db

    opened: list[Database] = []
    runner.open_database(open_with_demo, opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    yield runner
    runner.close()


from jukiaudit_desktop.storage.database import Database  # noqa: E402  (for the annotation above)
