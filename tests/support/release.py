"""The database made by release 0.1.0 (tests/data/upgrade/), copied for a test: the committed file stays as released.

It was made with 0.1.0's code (`jukiaudit --db … --passphrase-env … init` then `demo`) in passphrase mode.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from jukiaudit_desktop.security import keys

RELEASE_DB = Path(__file__).resolve().parents[1] / "data" / "upgrade" / "jukiaudit-0.1.0.db"
RELEASE_PASSPHRASE = "jukiaudit-0.1.0-upgrade-test"  # test data only; documented in tests/data/README.md


def copy_release(folder: Path) -> Path:
    """A copy of the 0.1.0 database and its salt file in `folder`."""
    target = folder / RELEASE_DB.name
    shutil.copy2(RELEASE_DB, target)
    shutil.copy2(keys.salt_path(RELEASE_DB), keys.salt_path(target))
    return target
