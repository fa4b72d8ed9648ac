"""The マスタ page shows the agency set's assumption and the placeholders as 【仮】; a placeholder is deleted there."""

from __future__ import annotations

from pathlib import Path

import test_master_gui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from support.shots import save_screenshot

from jukiaudit_desktop.gui.pages.master import AgencyColumn, MasterPage

# The demo-loaded マスタ page of the master GUI tests, with their check that no error box was shown.
runner, page, shown_errors = test_master_gui.runner, test_master_gui.page, test_master_gui.shown_errors


def names(page: MasterPage) -> list[str]:
    return [page.agency_tab.proxy.index(r, AgencyColumn.NAME).data() for r in range(page.agency_tab.proxy.rowCount())]


def test_assumption_is_visible_and_a_placeholder_is_deleted_from_the_page(qtbot, page: MasterPage,
                                                                          tmp_path: Path) -> None:
    note = page.assumption_label
    assert note.isVisible() and note.text().startswith("仮定: ")
    assert "「事務利用機関(40機関)」" in note.text() and "「事務利用機関、運用機関(40機関)」" in note.text()
    placeholders = [n for n in names(page) if n.endswith("【仮】")]
    assert placeholders == [f"事務利用機関(名称未掲載){x}【仮】" for x in "ABC"]
    save_screenshot(page, tmp_path, "master_assumption")

    page.agency_tab.filter_edit.setText("名称未掲載")
    page.agency_tab.table.selectRow(1)
    qtbot.mouseClick(page.delete_agency_button, Qt.MouseButton.LeftButton)
    box = page.findChild(QMessageBox, "agency_delete_confirm")
    assert box is not None and "入力済みの監査" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.agency_tab.proxy.rowCount() == 2, timeout=10000)
    assert names(page) == ["事務利用機関(名称未掲載)A【仮】", "事務利用機関(名称未掲載)C【仮】"]
