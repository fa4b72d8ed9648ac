"""The council's words (issue 16, Terms): old terms must not come back in anything a user reads.

Scans every text file the product ships or shows — the package's modules (GUI and CLI strings, PDF and xlsx
text), the Designer forms, the resources (checklists, demo data) and the user guide — for the words the
material does not use.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

OLD_TERMS = {
    "受検機関": "対象機関",
    "認められていない事務": "権限外の事務",
    "未登録の操作者ID": "未登録・失効済みの操作者ID",
    "\u301c": "～ (U+FF5E)",  # WAVE DASH; the material writes the FULLWIDTH TILDE
}
TEXT_SUFFIXES = {".py", ".ui", ".json", ".md", ".txt", ".csv", ".toml", ".yaml", ".yml"}
SHIPPED = ("jukiaudit_desktop", "resources", "ui", "docs/guide")


def _shipped_text_files() -> list[Path]:
    files = [p for top in SHIPPED for p in sorted((ROOT / top).rglob("*"))
             if p.is_file() and p.suffix in TEXT_SUFFIXES and "__pycache__" not in p.parts]
    return [*files, ROOT / "README.md"]


def _text(path: Path) -> str:
    """The demo logs are Shift_JIS (cp932) as the terminals write them; everything else is UTF-8."""
    return path.read_text(encoding="cp932" if path.stem.endswith("_cp932") else "utf-8")


def test_the_scan_reads_the_places_users_see() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in _shipped_text_files()}
    # the sheet's PDF, the reconcile kinds, the CLI, a form, the guide and the demo master data
    for expected in ("jukiaudit_desktop/reports/findings_sheet_pdf.py", "jukiaudit_desktop/reconcile/model.py",
                     "jukiaudit_desktop/cli/audits.py", "ui/agency_dialog.ui", "docs/guide/05_reconciliation.md",
                     "resources/demo/master_seed.json"):
        assert expected in names


@pytest.mark.parametrize("old", sorted(OLD_TERMS))
def test_old_term_is_gone(old: str) -> None:
    hits = [f"{path.relative_to(ROOT)}:{number}"
            for path in _shipped_text_files()
            for number, line in enumerate(_text(path).splitlines(), 1) if old in line]
    assert not hits, f"「{old}」は「{OLD_TERMS[old]}」に: {hits}"


def test_the_new_terms_are_what_a_user_reads() -> None:
    from jukiaudit_desktop.reconcile.model import KIND_LABELS, Kind

    assert KIND_LABELS[Kind.UNAUTHORIZED_JIMU] == "権限外の事務"
    assert KIND_LABELS[Kind.UNKNOWN_OPERATOR] == "未登録・失効済みの操作者ID"
