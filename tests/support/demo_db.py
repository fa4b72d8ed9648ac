"""One encrypted demo database for the whole session: built once (the demo load is the suite's costliest step),
then copied for each test that wants it, with its key put into that test's in-memory keyring. Other databases
a module's tests all start from are built and copied the same way (build_template's `fill`)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.backend

from jukiaudit_desktop.security import keys
from jukiaudit_desktop.services import demo, reports
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage.database import Database
from support.memory_keyring import MemoryKeyring


@dataclass(frozen=True)
class DemoTemplate:
    path: Path
    key: bytes

    def copy_to(self, target: Path) -> Path:
        """A copy of the demo database at `target`, unlocked by the current (test's) keyring."""
        shutil.copyfile(self.path, target)
        target.chmod(0o600)
        keys.store_keyring_key(target, self.key)
        return target


def build_template(folder: Path, memory_keyring: keyring.backend.KeyringBackend,
                   fill: Callable[[Database], object] = demo.load_demo) -> DemoTemplate:
    """Create the database and fill it (by default: load the demo exactly as the app does), under a keyring of
    its own."""
    path = folder / "template.db"
    previous = keyring.get_keyring()
    keyring.set_keyring(memory_keyring)
    try:
        db = open_app_database(path, create=True)
        try:
            fill(db)
        finally:
            db.close()  # checkpoints the WAL into the file: the copy is the whole database
        return DemoTemplate(path, keys.keyring_key(path, create=False))
    finally:
        keyring.set_keyring(previous)


def issued_sheet_template(folder: Path, make_audit: Callable[[Database], int]) -> DemoTemplate:
    """A database that has issued the findings sheet of the audit `make_audit` makes, the sheet in
    `folder / "sheet.pdf"`: for a module whose tests all start from one issued sheet."""
    def issue(db: Database) -> None:
        pdf, _ = reports.findings_sheet_pdf(db, make_audit(db))
        (folder / "sheet.pdf").write_bytes(pdf)

    keys.admit_test_backend(MemoryKeyring)  # module fixtures run before the per-test keyring admits it
    return build_template(folder, MemoryKeyring(), issue)
