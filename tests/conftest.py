"""Shared fixtures: an in-memory keyring, offscreen Qt, a private data folder, real encrypted databases, and the
modal-dialog guard (tests/support/modal.py)."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")


def _temporary_files_in_memory(root: Path = Path("/dev/shm"), room: int = 2 << 30) -> None:
    """tmp_path and the session's templates in memory (tmpfs) when it has room: every commit of the app's
    databases (synchronous = FULL) waits for a disk's fsync, ~4 ms here, and the suite makes thousands. The
    product still calls fsync; only the medium differs. pyproject keeps only failed tests' folders, so a
    passing run leaves nothing there. PYTEST_DEBUG_TEMPROOT set by hand, or too little room, keeps pytest's
    default (the system's temporary folder)."""
    if "PYTEST_DEBUG_TEMPROOT" in os.environ or not (root.is_dir() and os.access(root, os.W_OK)):
        return
    space = os.statvfs(root)
    if space.f_bavail * space.f_frsize >= room:
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(root)  # read by pytest when it first makes its base folder


_temporary_files_in_memory()

from support.memory_keyring import MemoryKeyring  # noqa: E402
from support.modal import ModalGuard  # noqa: E402  (after the Qt platform is chosen)
from support.promises import require  # noqa: E402


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    from jukiaudit_desktop.security import keys

    keys.admit_test_backend(MemoryKeyring)  # the allow-list admits this stand-in by class, for tests only
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session", autouse=True)
def cheap_scrypt() -> Iterator[int]:
    """Keys derived from passphrases at a cheap scrypt cost, from the first fixture on (tests/support/kdf.py);
    yields the product's cost."""
    from support.kdf import CHEAP_N

    from jukiaudit_desktop.security import keys

    with pytest.MonkeyPatch.context() as patch:
        product = keys.SCRYPT_N
        patch.setattr(keys, "SCRYPT_N", CHEAP_N)
        yield product


@pytest.fixture(autouse=True)
def real_scrypt(request: pytest.FixtureRequest, cheap_scrypt: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """`@pytest.mark.real_scrypt`: the test derives keys at the product's scrypt cost."""
    if request.node.get_closest_marker("real_scrypt") is not None:
        from jukiaudit_desktop.security import keys

        monkeypatch.setattr(keys, "SCRYPT_N", cheap_scrypt)


@pytest.fixture(autouse=True)
def private_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the user data/config folders at a temporary place: tests never see the real ones."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"), ("XDG_CACHE_HOME", "cache"),
                     ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(var, str(home / sub))
    return home


@pytest.fixture(autouse=True)
def modal_dialogs(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> ModalGuard:
    """Every modal dialog is recorded and cancelled instead of blocking; one the test does not take fails it
    (see pytest_runtest_call). `@pytest.mark.real_modal` lets a test answer real dialogs itself."""
    guard = ModalGuard()
    if request.node.get_closest_marker("real_modal") is None:
        guard.install(monkeypatch)
    return guard


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    result = yield
    guard = getattr(item, "funcargs", {}).get("modal_dialogs")
    if isinstance(guard, ModalGuard) and (message := guard.unexpected()) is not None:
        pytest.fail(message, pytrace=False)
    return result


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`@pytest.mark.slow` tests run first: xdist's workers then share out the short ones, and no long test is
    left running alone on one core at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """`@pytest.mark.requires(available, reason)`: a skip on a developer's machine, a failure in CI."""
    for mark in item.iter_markers("requires"):
        require(*mark.args)


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


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> DemoTemplate:
    """The demo database, built once per session (see tests/support/demo_db.py)."""
    from support.demo_db import build_template

    from jukiaudit_desktop.security import keys

    keys.admit_test_backend(MemoryKeyring)  # session fixtures run before the per-test keyring admits it
    return build_template(tmp_path_factory.mktemp("demo-template"), MemoryKeyring())


@pytest.fixture
def demo_db_path(demo_template: DemoTemplate, db_path: Path, memory_keyring: MemoryKeyring) -> Path:
    """`db_path` holding a copy of the demo database, its key in this test's keyring."""
    return demo_template.copy_to(db_path)


@pytest.fixture
def demo_db(demo_db_path: Path) -> Iterator[Database]:
    """A real SQLCipher database (keyring mode) with the demo data loaded."""
    from jukiaudit_desktop.services.database_access import open_app_database

    database = open_app_database(demo_db_path)
    yield database
    database.close()


@pytest.fixture
def demo_runner(qtbot: Any, demo_db_path: Path) -> Iterator[Any]:
    """The GUI's database worker, opened on a copy of the encrypted demo database."""
    from jukiaudit_desktop.gui.tasks import DbRunner
    from jukiaudit_desktop.services.database_access import open_app_database

    runner = DbRunner()
    try:  # closed even when the open times out: a worker thread left running aborts the whole run
        opened: list[Database] = []
        runner.open_database(lambda: open_app_database(demo_db_path), opened.append)
        qtbot.waitUntil(lambda: bool(opened), timeout=60000)
        yield runner
    finally:
        runner.close()


@pytest.fixture(scope="session", autouse=True)
def collect_on_the_main_thread(qapp: Any) -> Iterator[None]:
    """As the app does (gui/gui_thread_gc.py): no automatic collection, which could start on a database
    worker and finalise a widget there; a timer on the GUI thread collects instead, and after each test."""
    from jukiaudit_desktop.gui.gui_thread_gc import GuiThreadCollector

    collector = GuiThreadCollector(qapp)
    yield
    collector.deleteLater()


@pytest.fixture(scope="module", autouse=True)
def freeze_what_outlives_modules(collect_on_the_main_thread: None) -> None:
    """What is still there when a test module starts (the collected modules, Qt, the libraries and their caches,
    the session's fixtures; the last module's fixtures are gone) lives for the whole session: frozen out of the
    collector's reach, each test's collection walks only what came after (~0.1 s less per test). Cycles made by
    a test are still collected, on the GUI thread, after it."""
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def close_started_runners() -> Iterator[None]:
    """Every runner support.gui.start_runner started is closed after the test, passed or failed."""
    yield
    from support.gui import STARTED

    while STARTED:
        STARTED.pop().close()
    gc.collect()  # on the main thread, with every worker stopped


from support.demo_db import DemoTemplate  # noqa: E402

from jukiaudit_desktop.storage.database import Database  # noqa: E402  (for the annotations above)
