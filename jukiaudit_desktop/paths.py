"""Where the packaged data (resources/, db_schema.sql, ui/) lives, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
# A wheel carries the data inside the package; a checkout (or an editable install) has it at the top level.
_DATA_ROOT = _PACKAGE_DIR / "_data" if (_PACKAGE_DIR / "_data").is_dir() else _PACKAGE_DIR.parent


def resource(*parts: str) -> Path:
    """Path of a file below resources/."""
    return _DATA_ROOT.joinpath("resources", *parts)


def schema_file() -> Path:
    return _DATA_ROOT / "db_schema.sql"


def ui_file(name: str) -> Path:
    return _DATA_ROOT / "ui" / name


def guide_dir() -> Path:
    """The user guide (Markdown, docs/guide/ in a checkout), shown by the ヘルプ menu."""
    return _DATA_ROOT / "docs" / "guide"


def third_party_licenses_file() -> Path:
    """The bundled wheels' licences, collected by installer/build.py into a frozen build (absent elsewhere)."""
    return _DATA_ROOT / "THIRD_PARTY_LICENSES.txt"
