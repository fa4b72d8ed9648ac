"""Layering: PySide6 is imported only inside jukiaudit_desktop/gui/, so the CLI and services run without Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import jukiaudit_desktop

PACKAGE = Path(jukiaudit_desktop.__file__).resolve().parent
GUI = PACKAGE / "gui"


def imported_modules(path: Path) -> set[str]:
    """Every module an `import` or `from … import` in the file names (absolute imports; relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                names.add(node.module)
            elif node.level:
                parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)[: -node.level]
                names.add(".".join(parts + ([node.module] if node.module else [])))
    return names


def modules_outside_gui() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if GUI not in p.parents]


def test_the_scan_finds_qt_where_it_is() -> None:
    assert any(n.startswith("PySide6") for n in imported_modules(GUI / "main_window.py"))
    assert "jukiaudit_desktop.gui.app" in imported_modules(PACKAGE / "cli" / "__init__.py")


def test_no_module_outside_gui_imports_pyside6() -> None:
    modules = modules_outside_gui()
    assert len(modules) > 20
    offenders = {str(p.relative_to(PACKAGE)): sorted(n for n in imported_modules(p) if n.split(".")[0] == "PySide6")
                 for p in modules}
    assert {p: n for p, n in offenders.items() if n} == {}


def test_only_the_cli_entry_point_reaches_into_gui_and_only_lazily() -> None:
    for path in modules_outside_gui():
        gui_imports = [n for n in imported_modules(path) if n.startswith("jukiaudit_desktop.gui")]
        if path == PACKAGE / "cli" / "__init__.py":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            top_level = {n.module for n in tree.body if isinstance(n, ast.ImportFrom) and n.module}
            assert not any(m.startswith("gui") for m in top_level)  # imported inside main() only
        else:
            assert gui_imports == [], path


def test_the_cli_runs_without_loading_qt() -> None:
    code = ("import sys, jukiaudit_desktop.cli as cli; cli.build_parser(); "
            "print(sorted(m for m in sys.modules if m.startswith('PySide6')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"
