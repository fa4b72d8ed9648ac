"""GUI: the list of imports on the ログ突合 page (remove after a confirmation; the run shows 古い), and the import
wizard asking before it imports another agency's file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from support.imports import OPLOG, REGISTER, REGISTER_XLSX, layout
from support.shots import save_screenshot

from jukiaudit_desktop.core.master import Agency, Operator, Terminal
from jukiaudit_desktop.gui.import_batches_view import ImportBatchesView
from jukiaudit_desktop.gui.import_wizard import ImportWizard
from jukiaudit_desktop.gui.pages.reconcile import ReconcilePage
from jukiaudit_desktop.gui.tasks import DbRunner
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services import imports, master_data
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.services.reconciliation import run_reconciliation


@pytest.fixture
def runner(qtbot, db_path: Path) -> Iterator[DbRunner]:
    runner = DbRunner()
    opened: list[Any] = []
    runner.open_database(lambda: open_app_database(db_path), opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    yield runner
    runner.close()


class Answers:
    """Answers the next questions take, in order, and the questions asked."""

    def __init__(self) -> None:
        self.queue: list[QMessageBox.StandardButton] = []
        self.asked: list[str] = []

    def append(self, answer: QMessageBox.StandardButton) -> None:
        self.queue.append(answer)

    def question(self, _parent: Any, _title: str, text: str, *_args: Any) -> QMessageBox.StandardButton:
        self.asked.append(text)
        return self.queue.pop(0)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[Answers]:
    """Every question must be answered: none extra (pop fails), none left over."""
    prepared = Answers()
    monkeypatch.setattr(QMessageBox, "question", staticmethod(prepared.question))
    yield prepared
    assert not prepared.queue, "a prepared answer was not asked for"


def test_list_remove_with_confirmation_marks_the_run_stale(qtbot, db, runner: DbRunner, answers,
                                                           tmp_path: Path) -> None:
    imports.import_files(db, "C09", layout("oplog"), [OPLOG])
    imports.import_files(db, "C09", layout("register"), [REGISTER, REGISTER_XLSX])
    run_reconciliation(db, "C09", ReconcileSettings())
    page = ReconcilePage(runner)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: "突合 1" in page.run_label.text(), timeout=5000)

    qtbot.mouseClick(page.imports_button, Qt.MouseButton.LeftButton)
    view = page.import_list.findChild(ImportBatchesView)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5000)
    assert [view.proxy.index(r, 3).data() for r in range(2)] == ["3,187", "187"]
    assert view.proxy.index(1, 4).data() == "187" and view.proxy.index(1, 2).data() == "register_cp932.csv、register.xlsx"
    assert view.proxy.index(0, 5).data().startswith("令和")
    assert not view.remove_button.isEnabled()
    save_screenshot(page.import_list, tmp_path, "import_list")

    view.table.selectRow(0)
    answers.append(QMessageBox.StandardButton.No)  # first the user thinks again
    qtbot.mouseClick(view.remove_button, Qt.MouseButton.LeftButton)
    assert "3,187 行を削除します" in answers.asked[0]
    assert view.model.rowCount() == 2

    answers.append(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(view.removed, timeout=10000):
        qtbot.mouseClick(view.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    assert "操作ログ 3,187 行" in view.message.text() and "古くなった突合結果 1 件" in view.message.text()
    qtbot.waitUntil(lambda: "古い結果です" in page.run_label.text(), timeout=5000)
    assert "取込を削除しました" in page.run_label.text() or "古い結果です" in page.run_label.text()
    save_screenshot(page, tmp_path, "reconcile_stale")

    page.clear()  # locking closes the list: no decrypted rows stay on screen
    assert page.import_list is None


def test_wizard_asks_before_importing_another_agencys_file(qtbot, db, runner: DbRunner, answers) -> None:
    master_data.add_agency(db, Agency("C09", "長野地域振興局"))
    master_data.add_agency(db, Agency("C03", "佐久地域振興局"))
    master_data.add_terminal(db, Terminal("C03", "S001"))
    for number in range(1, 4):
        master_data.add_terminal(db, Terminal("C09", f"T00{number}"))
    master_data.add_operator(db, Operator("C09", "K10000"))
    wizard = ImportWizard(runner, "C03")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.add_files([OPLOG])
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=5000)

    answers.append(QMessageBox.StandardButton.No)
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "取り込みませんでした" in wizard.status.text(), timeout=10000)
    assert "C09 長野地域振興局 に登録されています" in answers.asked[0]

    answers.append(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(wizard.imported, timeout=20000) as signal:
        qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].rows_added == 3187
    assert any(item.startswith("注意: ") and "知ったうえで" in item for item in wizard.issues())


def test_page_shows_and_keeps_the_agencys_calendar(qtbot, db, runner: DbRunner) -> None:
    from jukiaudit_desktop.services import agency_calendar

    master_data.add_agency(db, Agency("C09", "長野地域振興局"))
    agency_calendar.set_calendar(db, "C09", "08:30-17:15", ["12-29", "12-30", "12-31", "01-02", "01-03"])
    page = ReconcilePage(runner)
    qtbot.addWidget(page)
    page.refresh()
    qtbot.waitUntil(lambda: page.hours_end.time().toString("HH:mm") == "17:15", timeout=5000)
    assert page.closed_days_edit.text() == "12-29,12-30,12-31,01-02,01-03"

    page.closed_days_edit.setText("12-29,12-30,12-31,01-02,01-03,08-14")
    qtbot.mouseClick(page.keep_calendar_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "既定として保存しました" in page.action_label.text(), timeout=5000)
    kept = []
    runner.submit(lambda db_, _p: agency_calendar.calendar(db_, "C09"), kept.append)
    qtbot.waitUntil(lambda: bool(kept), timeout=5000)
    assert kept[0].closed_days[-1] == "08-14" and kept[0].business_hours == "08:30-17:15"


def test_page_exports_the_filtered_list_as_a_inquiry_list(qtbot, db, runner: DbRunner, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl
    from PySide6.QtWidgets import QFileDialog

    from jukiaudit_desktop.reconcile.model import Kind

    imports.import_files(db, "C09", layout("oplog"), [OPLOG])
    imports.import_files(db, "C09", layout("register"), [REGISTER])
    run_reconciliation(db, "C09", ReconcileSettings())
    page = ReconcilePage(runner)
    qtbot.addWidget(page)
    page.refresh()
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 41, timeout=5000)
    for row in range(page.kind_list.count()):  # only the 無記帳照会 shown
        if page.kind_list.item(row).data(Qt.ItemDataRole.UserRole) == Kind.UNREGISTERED_OPERATION.value:
            page.kind_list.setCurrentRow(row)
    assert page.proxy.rowCount() == 10
    target = tmp_path / "list.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), "")))
    qtbot.mouseClick(page.inquiry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "疑義照会リスト(10 件)を書き出しました" in page.action_label.text(), timeout=10000)
    sheet = openpyxl.load_workbook(target).worksheets[0]
    assert {sheet.cell(r, 4).value for r in range(2, sheet.max_row + 1)} == {"無記帳照会"}
    assert sheet.max_row == 11
