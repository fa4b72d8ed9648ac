"""The マスタ page edits master data through real dialogs and the worker thread; first run offers the demo data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from support.gui import in_db, open_master_page

from jukiaudit_desktop.gui.app import Application
from jukiaudit_desktop.gui.pages.master import AgencyColumn, JimuColumn, MasterPage
from jukiaudit_desktop.services import master_data


@pytest.fixture(autouse=True)
def shown_errors(monkeypatch):
    """Errors the GUI would show in a (blocking) message box; every test here expects none."""
    errors: list[BaseException] = []
    monkeypatch.setattr("jukiaudit_desktop.gui.errors.show_error", lambda _parent, exc: errors.append(exc))
    yield errors
    assert errors == []


@pytest.fixture
def runner(demo_runner):
    return demo_runner


@pytest.fixture
def page(qtbot, runner):
    return open_master_page(qtbot, runner, lambda p: p.agency_tab.model.rowCount() > 0)



def click_ok(qtbot, dialog) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def cell_texts(tab, column: int) -> list[str]:
    return [tab.proxy.index(r, column).data() for r in range(tab.proxy.rowCount())]


def test_tables_show_the_demo_data_sorted_on_raw_values_and_filtered(qtbot, page) -> None:
    assert page.agency_tab.model.rowCount() == 47
    assert page.jimu_tab.model.rowCount() == 52
    assert page.jimu_tab.model.headerData(JimuColumn.USAGE, Qt.Orientation.Horizontal) == "利用件数(令和6年度)"
    page.jimu_tab.table.sortByColumn(JimuColumn.USAGE, Qt.SortOrder.DescendingOrder)
    usage = [page.jimu_tab.proxy.index(r, JimuColumn.USAGE).data() for r in range(3)]
    assert usage == ["190,333", "93,939", "92,717"]  # numeric order, not the order of the display strings
    page.jimu_tab.table.sortByColumn(JimuColumn.CODE, Qt.SortOrder.AscendingOrder)
    codes = cell_texts(page.jimu_tab, JimuColumn.CODE)
    assert codes.index("別表5-2") < codes.index("別表5-10")
    page.agency_tab.filter_edit.setText("地域振興局")  # keyClicks types ASCII only
    assert page.agency_tab.proxy.rowCount() == 10
    assert page.agency_tab.count_label.text() == "10 件 / 全 47 件"
    history = cell_texts(page.jimu_tab, JimuColumn.HISTORY)
    assert "条例3-6(～R8.3.18) → 別表6-4(R7.8.16～)" in history


def test_add_agency_through_the_dialog(qtbot, page, runner) -> None:
    qtbot.mouseClick(page.agency_tab.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.keyClicks(dialog.code, "K40")
    dialog.name.setText("試験利用課")
    dialog.kind.setCurrentText("本庁課")
    dialog.first_use_year.setText("令和9")  # keyClicks types ASCII only
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: page.agency_tab.model.rowCount() == 48, timeout=5000)
    agency = in_db(qtbot, runner, lambda db: master_data.require_agency(db, "K40"))
    assert (agency.name, agency.first_use_year) == ("試験利用課", 2027)


@pytest.mark.parametrize(("typed", "year"), [("R8", 2026), ("2026", 2026), ("令和8年度", 2026), ("", None)])
def test_agency_dialog_reads_the_first_year_in_any_form(qtbot, page, typed, year) -> None:
    qtbot.mouseClick(page.agency_tab.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.keyClicks(dialog.code, "K41")
    dialog.name.setText("年度課")
    dialog.first_use_year.setText(typed)
    assert dialog.value().first_use_year == year
    dialog.reject()


def test_an_unreadable_first_year_is_said_in_the_dialog(qtbot, page) -> None:
    qtbot.mouseClick(page.agency_tab.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.keyClicks(dialog.code, "K42")
    dialog.name.setText("年度課")
    qtbot.keyClicks(dialog.first_use_year, "8")
    click_ok(qtbot, dialog)
    assert dialog.isVisible() and "年度「8」を読めません" in dialog.error_label.text()
    assert "令和8" in dialog.error_label.text()
    dialog.reject()


def test_a_refused_duplicate_keeps_the_dialog_open_with_the_input(qtbot, page, runner) -> None:
    qtbot.mouseClick(page.agency_tab.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.keyClicks(dialog.code, "C09")  # the demo's 長野地域振興局 has it
    dialog.name.setText("重複した課")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=10000)
    assert "C09" in dialog.error_label.text() and dialog.isVisible() and page.dialog is dialog
    assert (dialog.code.text(), dialog.name.text()) == ("C09", "重複した課")
    assert in_db(qtbot, runner, lambda db: master_data.require_agency(db, "C09")).name == "長野地域振興局"

    dialog.code.setText("K41")  # corrected in place: now it is saved and the dialog closes
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: page.agency_tab.model.rowCount() == 48, timeout=10000)
    assert page.dialog is None
    assert in_db(qtbot, runner, lambda db: master_data.require_agency(db, "K41")).name == "重複した課"


def test_edit_jimu_changes_its_basis_and_allowed_agencies(qtbot, page, runner) -> None:
    page.jimu_tab.filter_edit.setText("住民監査請求")
    assert page.jimu_tab.proxy.rowCount() == 1
    page.jimu_tab.table.selectRow(0)
    qtbot.mouseClick(page.jimu_tab.edit_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert not dialog.code.isEnabled()
    dialog.set_agency_checked("E01", True)
    dialog.new_code.setText("別表6-5")
    dialog.valid_from.setText("令和9年4月1日")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: "別表6-5" in page.jimu_tab.proxy.index(0, JimuColumn.HISTORY).data(), timeout=5000)
    jimu = in_db(qtbot, runner, lambda db: master_data.require_jimu(db, "条例3-6"))
    assert [b.code for b in jimu.bases] == ["条例3-6", "別表6-4", "別表6-5"]
    assert jimu.bases[1].valid_to == date(2027, 3, 31)
    assert jimu.agency_codes == ("E01", "E04")


def test_bad_date_keeps_the_operator_dialog_open_with_a_message(qtbot, page, runner) -> None:
    page.tabs.setCurrentWidget(page.operator_tab)
    page.agency_tab.table.selectRow(0)
    qtbot.mouseClick(page.operator_tab.add_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    dialog.agency.setCurrentIndex(dialog.agency.findData("C09"))
    qtbot.keyClicks(dialog.code, "K10020")
    dialog.registered_on.setText("令和7年13月1日")
    click_ok(qtbot, dialog)
    assert dialog.isVisible() and "登録日" in dialog.error_label.text()
    dialog.registered_on.setText("R7.10.1")
    click_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: page.operator_tab.model.rowCount() == 10, timeout=5000)
    added = in_db(qtbot, runner, lambda db: master_data.list_operators(db, "C09"))
    assert next(o for o in added if o.operator_code == "K10020").registered_on == date(2025, 10, 1)
    row = next(r for r in range(page.operator_tab.proxy.rowCount())
               if page.operator_tab.proxy.index(r, 1).data() == "K10020")
    assert page.operator_tab.proxy.index(row, 3).data() == "令和7年10月1日"


def test_agency_table_sorts_first_use_year_numerically(qtbot, page) -> None:
    page.agency_tab.table.sortByColumn(AgencyColumn.FIRST_USE, Qt.SortOrder.DescendingOrder)
    assert [page.agency_tab.proxy.index(r, AgencyColumn.FIRST_USE).data() for r in range(3)] == ["令和8年度"] * 3


@pytest.mark.slow
def test_first_run_offers_the_demo_data_and_loads_it(qtbot, qapp, tmp_path: Path) -> None:
    application = Application(tmp_path / "fresh" / "jukiaudit.db")
    qtbot.addWidget(application.window)
    application.start()
    qtbot.waitUntil(lambda: application.window.findChild(QMessageBox, "demo_offer") is not None, timeout=10000)
    offer = application.window.findChild(QMessageBox, "demo_offer")
    assert application.window.load_demo_action in application.window.file_menu.actions()
    qtbot.mouseClick(offer.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    master = application.window.page(MasterPage)
    qtbot.waitUntil(lambda: master.agency_tab.model.rowCount() == 47, timeout=60000)  # a real demo load
    assert "デモデータを読み込みました" in application.window.statusBar().currentMessage()
    application.window.close()


def test_keyboard_find_and_enter_to_edit(qtbot, page) -> None:
    page.agency_tab.table.setFocus()
    # Alt+L (絞り込み) focuses the filter; Ctrl+F is the search of the whole app (test_gui_search.py)
    qtbot.keyClick(page.agency_tab.table, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(page.agency_tab.filter_edit.hasFocus, timeout=2000)
    qtbot.keyClicks(page.agency_tab.filter_edit, "C09")
    page.agency_tab.table.setFocus()
    page.agency_tab.table.setCurrentIndex(page.agency_tab.proxy.index(0, 0))
    qtbot.keyClick(page.agency_tab.table, Qt.Key.Key_Return)
    assert page.dialog is not None and page.dialog.name.text() == "長野地域振興局"
    page.dialog.reject()
