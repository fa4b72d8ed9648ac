"""Only storage/ speaks SQL: no string literal outside jukiaudit_desktop/storage/ holds an SQL statement.

(`lint-imports` keeps sqlcipher3 inside storage/; this keeps the statements there too.)"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jukiaudit_desktop

PACKAGE = Path(jukiaudit_desktop.__file__).resolve().parent
STORAGE = PACKAGE / "storage"
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                 r"(CREATE|DROP)\s+(TEMP\s+)?(TABLE|INDEX|VIEW|TRIGGER)|ALTER\s+TABLE|PRAGMA\s+\w+|"
                 r"SELECT\s+\w+\s*\()", re.DOTALL)

# Modules of other areas that still hold SQL; each leaves this list when its issue moves the statements into
# a repository (the lead removes the line after merging).
ALLOWED: dict[str, str] = {
    "services/imports.py": "issue 12 (imports): SELECT last_insert_rowid() for a typed-in register entry",
    "security/backup.py": "issue 11 (backup / restore / rekey): PRAGMA key / rekey / checks on a second file",
    "security/integrity.py": "issue 11 (integrity): PRAGMA cipher_integrity_check",
}


def sql_literals(path: Path) -> list[str]:
    """Every string literal (f-strings by their constant parts) in the file that contains an SQL statement."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if SQL.search(text):
            found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {text[:60]!r}")
    return found


def allowed(relative: str) -> bool:
    return any(relative == name or (name.endswith("/") and relative.startswith(name)) for name in ALLOWED)


def test_the_scan_finds_sql_where_it_is() -> None:
    assert sql_literals(STORAGE / "trail.py")
    assert any("INSERT INTO" in line for line in sql_literals(STORAGE / "audits_repo.py"))


def test_no_sql_outside_storage() -> None:
    offenders = [line for path in sorted(PACKAGE.rglob("*.py")) if STORAGE not in path.parents
                 and not allowed(path.relative_to(PACKAGE).as_posix()) for line in sql_literals(path)]
    assert offenders == []


def test_the_allow_list_names_only_modules_that_still_need_it() -> None:
    for name in ALLOWED:
        paths = [PACKAGE / name] if not name.endswith("/") else sorted((PACKAGE / name).rglob("*.py"))
        assert any(p.exists() and sql_literals(p) for p in paths), f"{name} holds no SQL now: remove it from ALLOWED"
