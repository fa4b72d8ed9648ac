"""Regenerate jukiaudit_desktop/gui/generated/ui_*.py from ui/*.ui with pyside6-uic: `python tools/compile_ui.py`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI_DIR = ROOT / "ui"
GENERATED_DIR = ROOT / "jukiaudit_desktop" / "gui" / "generated"


def ui_files() -> list[Path]:
    return sorted(UI_DIR.glob("*.ui"))


def generated_module(ui_file: Path) -> Path:
    """ui/settings_page.ui -> jukiaudit_desktop/gui/generated/ui_settings_page.py."""
    return GENERATED_DIR / f"ui_{ui_file.stem}.py"


def uic_program() -> str:
    """pyside6-uic of the running interpreter (so the generated code matches the installed PySide6)."""
    program = shutil.which("pyside6-uic", path=str(Path(sys.executable).parent)) or shutil.which("pyside6-uic")
    if program is None:
        raise SystemExit("pyside6-uic が見つかりません(PySide6 をインストールしてください)。")
    return program


def compile_ui(ui_file: Path, target: Path) -> None:
    subprocess.run([uic_program(), str(ui_file), "-o", str(target)], check=True)


def main() -> None:
    for ui_file in ui_files():
        target = generated_module(ui_file)
        compile_ui(ui_file, target)
        print(f"{ui_file.relative_to(ROOT)} -> {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
