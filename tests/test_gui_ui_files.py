"""ui/*.ui and the checked-in pyside6-uic modules stay in step; every form is snake_case and in use."""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUI_DIR = ROOT / "jukiaudit_desktop" / "gui"
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
# uic stamps its own version into the header; another PySide6 than the one that generated the module is fine.
UIC_VERSION_LINE = re.compile(r"^## Created by: Qt User Interface Compiler version .*$", re.MULTILINE)


def without_uic_version(source: str) -> str:
    return UIC_VERSION_LINE.sub("## Created by: Qt User Interface Compiler", source)


def _load_compile_ui() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compile_ui", ROOT / "tools" / "compile_ui.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


compile_ui = _load_compile_ui()
UI_FILES = compile_ui.ui_files()


def test_there_are_ui_files() -> None:
    assert {f.name for f in UI_FILES} >= {"agency_dialog.ui", "jimu_dialog.ui", "terminal_dialog.ui",
                                          "operator_dialog.ui", "settings_page.ui"}


@pytest.mark.parametrize("ui_file", UI_FILES, ids=lambda f: f.name)
def test_generated_module_is_what_uic_makes_of_the_ui_file(ui_file: Path, tmp_path: Path) -> None:
    fresh = tmp_path / f"ui_{ui_file.stem}.py"
    compile_ui.compile_ui(ui_file, fresh)
    checked_in = compile_ui.generated_module(ui_file)
    assert checked_in.is_file(), f"{checked_in.name} がありません: python tools/compile_ui.py を実行してください"
    assert without_uic_version(checked_in.read_text(encoding="utf-8")) == without_uic_version(
        fresh.read_text(encoding="utf-8")), (
        f"{checked_in.name} が {ui_file.name} と一致しません: python tools/compile_ui.py を実行してください")


def test_only_the_version_line_is_left_out_of_the_comparison() -> None:
    generated = compile_ui.generated_module(UI_FILES[0]).read_text(encoding="utf-8")
    assert UIC_VERSION_LINE.search(generated) is not None
    other_version = UIC_VERSION_LINE.sub("## Created by: Qt User Interface Compiler version 6.7.3", generated)
    assert other_version != generated and without_uic_version(other_version) == without_uic_version(generated)
    changed = generated.replace("setupUi", "setup_ui", 1)
    assert without_uic_version(changed) != without_uic_version(generated)


@pytest.mark.parametrize("ui_file", UI_FILES, ids=lambda f: f.name)
def test_form_and_object_names_are_snake_case(ui_file: Path) -> None:
    root = ET.parse(ui_file).getroot()
    top = root.find("widget")
    assert top is not None
    assert root.findtext("class") == top.get("name") == ui_file.stem
    names = [element.get("name") for element in root.iter() if element.tag in ("widget", "layout", "spacer")]
    assert [n for n in names if not SNAKE_CASE.fullmatch(n or "")] == []


def _gui_sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in GUI_DIR.rglob("*.py") if "generated" not in p.parts)


def test_every_generated_module_belongs_to_a_ui_file_and_is_used() -> None:
    sources = _gui_sources()
    modules = {p.stem for p in compile_ui.GENERATED_DIR.glob("ui_*.py")}
    assert modules == {f"ui_{f.stem}" for f in UI_FILES}
    unused = [m for m in sorted(modules) if not re.search(rf"\bgenerated\.{m} import Ui_", sources)]
    assert unused == []
