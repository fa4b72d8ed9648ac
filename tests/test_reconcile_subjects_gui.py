"""Subject analytics in the GUI: the 注視対象者 tab (password-style number field, nothing shown again), the
thresholds dialog and the kind list's explanations, 「この対象者への照会」 from a discrepancy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox
from support.subject_log import open_watchlist_tab

from jukiaudit_desktop.core.master import Agency, Terminal
from jukiaudit_desktop.gui.pages.reconcile import ReconcilePage
from jukiaudit_desktop.gui.subject_thresholds import SubjectThresholdsDialog
from jukiaudit_desktop.gui.tasks import DbRunner
from jukiaudit_desktop.importers.profile import OPLOG, load_profile
from jukiaudit_desktop.reconcile.model import Kind
from jukiaudit_desktop.services import imports, master_data
from jukiaudit_desktop.services.database_access import open_app_database

ROOT = Path(__file__).resolve().parents[1]
NUMBER = "30000000015"  # a 住民票コード with a passing check digit


@pytest.fixture
def runner(qtbot, db, db_path: Path):
    master_data.add_agency(db, Agency("C17", "分析機関"))
    runner = DbRunner()
    opened = []
    runner.open_database(lambda: open_app_database(db_path), opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    yield runner
    runner.close()


def _dump(db) -> str:
    tables = [name for (name,) in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return "\n".join(repr(row) for table in tables for row in db.query(f'SELECT * FROM "{table}"'))


def _answer_next_question(button: QMessageBox.StandardButton) -> None:
    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        box.button(button).click()
    QTimer.singleShot(0, answer)


@pytest.mark.real_modal  # answers its dialogs itself, with a timer
def test_watchlist_tab_adds_without_keeping_or_showing_the_number(qtbot, runner: DbRunner, db,
                                                                  tmp_path: Path) -> None:
    tab = open_watchlist_tab(qtbot, runner)

    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.number_edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.kind_combo.setCurrentText("住民票コード")
    qtbot.keyClicks(dialog.number_edit, NUMBER)
    dialog.label_edit.setText("著名人A")
    dialog.agency_combo.setCurrentIndex(dialog.agency_combo.findData("C17"))
    dialog.grab().save(str(tmp_path / "watch_dialog.png"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=5000)
    assert not dialog.isVisible() and dialog.number_edit.text() == ""
    shown = [tab.model.data(tab.model.index(0, c)) for c in range(tab.model.columnCount())]
    assert "著名人A" in shown and "C17" in shown and not any(NUMBER[-4:] in str(s) for s in shown)
    tab.window().grab().save(str(tmp_path / "watch_tab.png"))

    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)  # the same person again: refused, stays open
    again = tab.dialog
    assert again is not None
    again.kind_combo.setCurrentText("住民票コード")
    qtbot.keyClicks(again.number_edit, NUMBER)
    again.label_edit.setText("重複")
    again.agency_combo.setCurrentIndex(again.agency_combo.findData("C17"))
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: again.error_label.isVisible(), timeout=5000)
    assert "既に" in again.error_label.text() and again.isVisible() and again.number_edit.text() == ""
    again.reject()
    assert NUMBER not in _dump(db) and "著名人A" in _dump(db)

    tab.table.selectRow(0)
    _answer_next_question(QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0, timeout=5000)


@pytest.fixture
def reconcile_page(qtbot, runner: DbRunner, db, tmp_path: Path) -> ReconcilePage:
    planted = tmp_path / "planted"
    subprocess.run([sys.executable, str(ROOT / "tools" / "gen_subject_log.py"), str(planted)], check=True,
                   env={"PYTHONPATH": str(ROOT)})
    for code in ("T01", "T02", "T03"):
        master_data.add_terminal(db, Terminal("C17", code))
    profile = load_profile(planted / "profile.toml")
    imports.import_files(db, "C17", profile.layout(OPLOG), [planted / "oplog.csv"], profile_name=profile.name)
    page = ReconcilePage(runner)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.current_agency_code() == "C17" and not runner.busy, timeout=5000)
    return page


@pytest.mark.real_modal  # answers its dialogs itself, with a timer
def test_thresholds_dialog_and_the_kind_list_explaining_them(qtbot, reconcile_page: ReconcilePage,
                                                              tmp_path: Path) -> None:
    page = reconcile_page

    def change_and_accept() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SubjectThresholdsDialog)
        dialog.grab().save(str(tmp_path / "thresholds.png"))
        dialog.edits["spike_minimum"].setValue(61)
        dialog.accept()

    QTimer.singleShot(0, change_and_accept)
    qtbot.mouseClick(page.thresholds_button, Qt.MouseButton.LeftButton)
    assert page.settings().spike_minimum == 61 and page.settings().repeat_days == 3
    qtbot.waitUntil(lambda: "しきい値を保存しました" in page.action_label.text(), timeout=10000)
    next_session = ReconcilePage(page.runner)  # saved: the next start of the page uses them too
    qtbot.addWidget(next_session)
    assert next_session.thresholds.spike_minimum == 50
    next_session.refresh()
    qtbot.waitUntil(lambda: next_session.thresholds.spike_minimum == 61, timeout=10000)
    assert next_session.settings().spike_minimum == 61 and next_session.settings().repeat_days == 3
    page.run_reconciliation()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not page.runner.busy, timeout=20000)
    items = {page.kind_list.item(i).data(Qt.ItemDataRole.UserRole): page.kind_list.item(i)
             for i in range(page.kind_list.count())}
    assert items[Kind.VOLUME_SPIKE.value].text() == "照会件数の急増 (0)"  # O07's 60 is below 61
    assert "61 件以上" in items[Kind.VOLUME_SPIKE.value].toolTip()
    assert items[Kind.REPEATED_SUBJECT.value].text() == "同一対象者への繰り返し照会 (4)"
    assert "30 日以内に 3 日以上" in items[Kind.REPEATED_SUBJECT.value].toolTip()
    assert items[Kind.FAILED_SEARCH_BURST.value].text() == "照会失敗の連続 (2)"
    assert items[Kind.UNREGISTERED_TERMINAL.value].text() == "未登録の端末 (1)"
    page.grab().save(str(tmp_path / "reconcile_page.png"))


def test_lookups_of_the_subject_from_a_discrepancy(qtbot, reconcile_page: ReconcilePage, tmp_path: Path) -> None:
    page = reconcile_page
    page.run_reconciliation()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not page.runner.busy, timeout=20000)
    row = next(r for r in range(page.proxy.rowCount())
               if page.proxy.row_at(page.proxy.index(r, 0)).kind is Kind.REPEATED_SUBJECT)
    page.table.setCurrentIndex(page.proxy.index(row, 0))
    qtbot.waitUntil(lambda: page.subject_button.isEnabled() and page.operation_model.rowCount() == 3, timeout=5000)
    qtbot.mouseClick(page.subject_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.subject_dialog is not None and page.subject_dialog.isVisible(), timeout=5000)
    dialog = page.subject_dialog
    assert dialog.model.rowCount() == 3
    cells = [str(dialog.model.data(dialog.model.index(r, c))) for r in range(3) for c in range(8)]
    masked = {lookup.masked for lookup in dialog.model.rows}
    assert len(masked) == 1 and next(iter(masked)).startswith("*******")
    assert not any(len(c) == 11 and c.isdigit() for c in cells)
    assert "照会 3 件" in dialog.summary_label.text()
    dialog.grab().save(str(tmp_path / "lookups.png"))

    page.clear()  # locking drops the decrypted rows of the dialog too
    assert page.subject_dialog is None
