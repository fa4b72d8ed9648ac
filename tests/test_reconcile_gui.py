"""The ログ突合 page driven offscreen: run, counts, filter, sort, side by side, explain/undo, raise a finding, lock."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QLabel
from support.gui import app_font
from test_reconcile_helpers import SAMPLES, ensure_agency, load_oplog, load_register

from jukiaudit_desktop.core.audit import AuditType
from jukiaudit_desktop.gui.oplog_model import OperationLogView
from jukiaudit_desktop.gui.pages.reconcile import DiscrepancyColumn, ReconcilePage
from jukiaudit_desktop.gui.tasks import DbRunner
from jukiaudit_desktop.importers.profile import OPLOG, REGISTER, default_profile
from jukiaudit_desktop.reconcile.model import Kind
from jukiaudit_desktop.services import audits, imports, master_data
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.services.master_demo import SAMPLE_AGENCY_CODE


@pytest.fixture
def runner(qtbot, db_path: Path):
    runner = DbRunner()
    opened = []
    runner.open_database(lambda: open_app_database(db_path), opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    yield runner
    runner.close()


def _open_page(qtbot, runner: DbRunner) -> ReconcilePage:
    widget = ReconcilePage(runner)
    qtbot.addWidget(widget)
    widget.refresh()
    qtbot.waitUntil(lambda: "この機関はまだ突合" in widget.run_label.text(), timeout=5000)  # loaded
    return widget


@pytest.fixture
def page(qtbot, db, runner: DbRunner):
    agency_id = ensure_agency(db)
    load_oplog(db, agency_id, SAMPLES / "oplog_cp932.csv")
    load_register(db, agency_id, SAMPLES / "register_cp932.csv")
    audit = audits.create_audit(db, "C09", 2025, AuditType.INTERNAL)
    widget = _open_page(qtbot, runner)
    assert widget.agency_combo.count() == 1
    widget.audit_id = audit.id
    return widget


def _import_samples(db) -> None:
    """The sample log and register through the real importer, as the import wizard does."""
    profile = default_profile()
    imports.import_files(db, "C09", profile.layout(OPLOG), [SAMPLES / "oplog_cp932.csv"])
    imports.import_files(db, "C09", profile.layout(REGISTER), [SAMPLES / "register_cp932.csv"])


def _drain(qtbot, runner: DbRunner) -> None:
    """Wait until the worker has answered everything submitted so far (it works in order)."""
    done = []
    runner.submit(lambda _db, _p: None, done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=5000)


def _select_kind(page: ReconcilePage, kind: Kind) -> None:
    for row in range(page.kind_list.count()):
        if page.kind_list.item(row).data(Qt.ItemDataRole.UserRole) == kind.value:
            page.kind_list.setCurrentRow(row)
            return
    raise AssertionError(kind)


def _select_row(qtbot, page: ReconcilePage, row: int) -> None:
    page.table.setCurrentIndex(page.proxy.index(row, 0))
    qtbot.waitUntil(lambda: page.operation_model.rowCount() + page.register_model.rowCount() > 0, timeout=5000)


def test_run_shows_counts_and_skipped_checks(qtbot, page: ReconcilePage) -> None:
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 41, timeout=10000)
    texts = [page.kind_list.item(r).text() for r in range(page.kind_list.count())]
    assert texts[0] == "すべて (41)"
    assert "無記帳照会 (10)" in texts and "照会件数の不一致 (3)" in texts and "同一IDの同時使用 (0)" in texts
    assert "未登録・失効済みの操作者ID: 未確認" in texts
    assert "差異 41 件" in page.run_label.text()

    _select_kind(page, Kind.COUNT_MISMATCH)
    assert page.proxy.rowCount() == 3
    _select_row(qtbot, page, 0)
    assert page.register_model.rowCount() == 1  # the entry beside its operations
    assert page.operation_model.rowCount() > 1

    _select_kind(page, Kind.OPERATOR_MISMATCH)
    page.filter_edit.setText("oplog_cp932.csv:329")
    assert page.proxy.rowCount() == 1
    page.filter_edit.clear()

    page.kind_list.setCurrentRow(0)
    page.table.sortByColumn(DiscrepancyColumn.AT, Qt.SortOrder.DescendingOrder)
    first = page.proxy.row_at(page.proxy.index(0, 0))
    assert first.at == max(row.at for row in page.model.rows)


def test_explain_undo_and_raise_a_finding(qtbot, page: ReconcilePage, db) -> None:
    page.tolerance_spin.setValue(5)
    page.run_reconciliation()
    qtbot.waitUntil(lambda: page.model.rowCount() == 41, timeout=10000)
    _select_kind(page, Kind.UNREGISTERED_OPERATION)
    _select_row(qtbot, page, 0)
    assert not page.explain_button.isEnabled()  # no reason yet
    page.explanation_edit.setText("端末障害時の再照会")  # QTest types ASCII only
    qtbot.mouseClick(page.explain_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.selected() is not None and page.selected().status == "explained", timeout=5000)
    chosen = page.selected()
    assert db.scalar("SELECT explanation FROM discrepancy WHERE id = ?", (chosen.id,)) == "端末障害時の再照会"

    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.selected().status == "open", timeout=5000)
    assert db.scalar("SELECT status FROM discrepancy WHERE id = ?", (chosen.id,)) == "open"

    assert not page.raise_button.isEnabled()  # 「監査を選択してください」 until an audit is picked
    page.audit_combo.setCurrentIndex(page.audit_combo.findData(page.audit_id))
    qtbot.mouseClick(page.raise_button, Qt.MouseButton.LeftButton)
    dialog = page.finding_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.title_edit.text() == "業務端末使用管理簿に記載のない照会(無記帳照会)があった"
    assert dialog.findChild(QLabel, "source_label").text() == f"ログ突合の差異 ID {chosen.id}"
    qtbot.waitUntil(lambda: "テスト機関" in dialog.audit_label.text(), timeout=5000)
    assert db.scalar("SELECT count(*) FROM finding") == 0  # nothing saved before 保存
    dialog.class_combo.setCurrentText("不適切事項")
    dialog.severity_combo.setCurrentText("高")
    dialog.due_edit.edit.setText("R8.3.31")
    dialog.text_edits["recommendation"].setPlainText("管理簿の記帳を徹底すること")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.selected().status == "raised", timeout=5000)
    stored = db.query("SELECT finding_class, severity, due_date, recommendation, condition FROM finding "
                      "WHERE discrepancy_id = ?", (chosen.id,))
    assert len(stored) == 1
    finding_class, severity, due_date, recommendation, condition = stored[0]
    assert (finding_class, severity, due_date, recommendation) == ("不適切事項", "高", "2026-03-31",
                                                                   "管理簿の記帳を徹底すること")
    assert f"{chosen.file}" in condition  # left empty in the dialog: the service quotes the log line
    assert "指摘事項" in page.action_label.text() and not page.raise_button.isEnabled()


def test_import_button_imports_through_the_wizard(qtbot, page: ReconcilePage, db) -> None:
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    wizard = page.import_wizard
    assert wizard is not None and wizard.isVisible() and wizard.agency_code == "C09"
    wizard.kind_box.setCurrentIndex(1)  # 業務端末使用管理簿
    wizard.add_files([SAMPLES / "register.xlsx"])
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=5000)
    with qtbot.waitSignal(wizard.imported, timeout=20000):
        qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    assert "突合を実行" in page.run_label.text()
    # the same register as the CSV the page was loaded with: stored once (issue 12)
    assert db.scalar("SELECT count(*) FROM register_entry") == 187
    assert "すべての行が取込済み" in wizard.status.text()
    wizard.close()


def test_typed_in_entry_covers_an_unregistered_operation(qtbot, page: ReconcilePage, db) -> None:
    qtbot.mouseClick(page.entry_button, Qt.MouseButton.LeftButton)
    dialog = page.entry_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.day.edit.setText("令和7年6月4日")  # the night operation at line 3181: 2025/06/04 21:30:16 T003 K10006
    dialog.start.setTime(QTime(21, 25))
    dialog.end.setTime(QTime(21, 40))
    qtbot.keyClicks(dialog.terminal, "T003")
    qtbot.keyClicks(dialog.operator, "K10006")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    dialog.close()
    assert "記帳を登録しました" in page.run_label.text()

    page.run_reconciliation()
    qtbot.waitUntil(lambda: page.model.rowCount() == 40, timeout=10000)  # 41 less the one covered
    unregistered = [r for r in page.model.rows if r.kind is Kind.UNREGISTERED_OPERATION]
    assert 3181 not in [r.line for r in unregistered] and len(unregistered) == 9


def test_log_button_shows_the_agencys_operation_log(qtbot, page: ReconcilePage) -> None:
    qtbot.mouseClick(page.log_button, Qt.MouseButton.LeftButton)
    window = page.log_window
    assert window is not None and window.isVisible()
    view = window.findChild(OperationLogView)
    qtbot.waitUntil(lambda: view.count_label.text() == "3,187 件", timeout=5000)
    window.close()


def test_clear_drops_every_decrypted_row_and_refresh_brings_it_back(qtbot, db, runner: DbRunner) -> None:
    _import_samples(db)
    page = _open_page(qtbot, runner)
    page.run_reconciliation()
    qtbot.waitUntil(lambda: page.model.rowCount() == 41, timeout=10000)
    _select_kind(page, Kind.COUNT_MISMATCH)
    _select_row(qtbot, page, 0)
    chosen = page.selected()
    page.explanation_edit.setText("memo")
    qtbot.mouseClick(page.log_button, Qt.MouseButton.LeftButton)
    view = page.log_window.findChild(OperationLogView)
    qtbot.waitUntil(lambda: view.model.rowCount() == 3187, timeout=5000)

    page.clear()
    assert view.model.rowCount() == 0 and page.log_window is None
    assert page.model.rowCount() == 0 and page.proxy.rowCount() == 0
    assert page.operation_model.rowCount() == 0 and page.register_model.rowCount() == 0
    assert page.agency_combo.count() == 0 and page.audit_combo.count() == 1  # 「監査を選択してください」 only
    assert page.kind_list.item(0).text() == "すべて (0)"
    assert page.explanation_edit.text() == "" and page.run_label.text() == ""

    page.refresh()
    page.clear()  # locked again before the worker answered: its answers must not fill the page
    _drain(qtbot, runner)
    assert page.model.rowCount() == 0 and page.agency_combo.count() == 0

    page.refresh()  # on unlock
    qtbot.waitUntil(lambda: page.model.rowCount() == 41 and page.register_model.rowCount() == 1, timeout=10000)
    assert page.selected().id == chosen.id and page.operation_model.rowCount() > 1
    assert page.current_agency_code() == "C09"
    reopened = page.log_window.findChild(OperationLogView)
    qtbot.waitUntil(lambda: reopened.count_label.text() == "3,187 件", timeout=5000)
    page.log_window.close()


def test_opens_on_the_agency_imported_last_then_on_the_one_chosen(qtbot, demo_db, runner: DbRunner) -> None:
    db = demo_db  # many agencies; the sample log is imported for C09, which is not the first
    assert master_data.list_agencies(db)[0].code != SAMPLE_AGENCY_CODE
    page = _open_page(qtbot, runner)
    assert page.current_agency_code() == SAMPLE_AGENCY_CODE

    page.agency_combo.setCurrentIndex(0)  # the user picks another agency
    first = page.current_agency_code()
    page.clear()  # a lock …
    page.refresh()  # … and the unlock keep the user's choice
    qtbot.waitUntil(lambda: page.agency_combo.count() > 1, timeout=5000)
    assert page.current_agency_code() == first

    another_session = _open_page(qtbot, runner)  # the agency chosen last is remembered (QSettings, issue 13)
    assert another_session.current_agency_code() == first


@pytest.fixture
def japanese_font(qapp):
    """The app's Japanese font, set before the page is built (as the app does): measured as a user sees it."""
    with app_font():
        yield


def test_fits_a_1280_pixel_window(qtbot, japanese_font, page: ReconcilePage) -> None:
    page.resize(1090, 730)  # the page's room in the 1280×800 main window, beside the navigation
    page.show()
    qtbot.waitExposed(page)
    page.run_reconciliation()
    qtbot.waitUntil(lambda: page.model.rowCount() == 41, timeout=10000)
    _select_kind(page, Kind.COUNT_MISMATCH)
    _select_row(qtbot, page, 0)
    qtbot.waitUntil(lambda: page.operation_model.rowCount() > 1, timeout=5000)
    for table in (page.operation_table, page.register_table):  # every column readable, no sideways scrolling
        assert table.horizontalScrollBar().maximum() == 0, table.objectName()
    assert page.operation_table.viewport().height() >= 4 * page.operation_table.rowHeight(0)
    assert page.table.viewport().height() >= 5 * page.table.rowHeight(0)
    source = DiscrepancyColumn.SOURCE
    assert page.table.columnViewportPosition(source) + page.table.columnWidth(source) <= page.table.viewport().width()
    for edit in (page.from_edit.edit, page.to_edit.edit):  # the date format hint is not cut off
        assert edit.width() >= edit.fontMetrics().horizontalAdvance(edit.placeholderText())
