"""Per-operator authority in the GUI: マスタ → 操作者 → 利用できる事務…, ticked with the keyboard from the 事務 the
agency may use, saved through the worker, shown again, and removed (the agency's list applies again)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from support.gui import app_font, click_row, open_master_page, start_runner
from support.shots import save_screenshot

from jukiaudit_desktop.core.master import Agency, Operator
from jukiaudit_desktop.gui.operator_jimu_dialog import OperatorJimuDialog
from jukiaudit_desktop.gui.pages.master import MasterPage
from jukiaudit_desktop.services import master_data, operator_authority


@pytest.fixture(autouse=True)
def _app_font(qapp):
    with app_font():  # the app's font for the screenshots, the previous one restored after
        yield


@pytest.fixture
def page(qtbot, db, db_path: Path) -> MasterPage:
    for code in ("C17", "C99"):
        master_data.add_agency(db, Agency(code, f"機関{code}"))
    master_data.add_jimu(db, "別表5-10", "旅券の発給に関する事務", agency_codes=["C17"])
    master_data.add_jimu(db, "別表5-5", "児童扶養手当に関する事務", agency_codes=["C17", "C99"])
    master_data.add_jimu(db, "条例3-2", "他機関だけの事務", agency_codes=["C99"])
    master_data.add_operator(db, Operator("C17", "O01", "照会 太郎"))
    runner = start_runner(qtbot, db_path)
    return open_master_page(qtbot, runner, lambda p: p.operator_tab.model.rowCount() == 1, "operator_tab")


def _open(qtbot, page: MasterPage) -> OperatorJimuDialog:
    click_row(qtbot, page.operator_tab.table, 0)
    qtbot.mouseClick(page.operator_jimu_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.operator_jimu_dialog is not None and page.operator_jimu_dialog.isVisible(),
                    timeout=10000)
    assert page.operator_jimu_dialog is not None
    return page.operator_jimu_dialog


def _codes(dialog: OperatorJimuDialog) -> list[str]:
    return [dialog.jimu_list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(dialog.jimu_list.count())]


def test_tick_save_show_again_and_remove(qtbot, page: MasterPage, db, tmp_path: Path) -> None:
    dialog = _open(qtbot, page)
    assert _codes(dialog) == ["別表5-10", "別表5-5"]  # only what C17 may use
    assert dialog.chosen_codes() == []
    dialog.jimu_list.setFocus()
    dialog.jimu_list.setCurrentRow(0)
    qtbot.keyClick(dialog.jimu_list, Qt.Key.Key_Space)  # tick 別表5-10 with the keyboard
    assert dialog.chosen_codes() == ["別表5-10"]
    save_screenshot(dialog, tmp_path, "operator_jimu_dialog")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.operator_jimu_dialog is None, timeout=10000)
    assert operator_authority.operator_jimu(db, "C17") == {"O01": ["別表5-10"]}

    again = _open(qtbot, page)
    assert again.chosen_codes() == ["別表5-10"]
    again.jimu_list.setFocus()
    again.jimu_list.setCurrentRow(0)
    qtbot.keyClick(again.jimu_list, Qt.Key.Key_Space)  # nothing ticked: the agency's list again
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.operator_jimu_dialog is None, timeout=10000)
    assert operator_authority.operator_jimu(db, "C17") == {}
