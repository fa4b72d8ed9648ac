"""The 監査 page on real widgets: create an audit through the dialog (和暦 dates), start from the previous audit,
filter, change status, and send the self-check form out and back in as .xlsx."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from support.gui import in_db, start_runner, wait_dialog
from support.modal import ModalGuard

from jukiaudit_desktop.core.audit import Audit, AuditStatus, AuditType
from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.gui.audit_dialog import AuditDialog
from jukiaudit_desktop.gui.audit_models import AuditColumn
from jukiaudit_desktop.gui.pages.audits import AuditsPage
from jukiaudit_desktop.gui.tasks import DbRunner
from jukiaudit_desktop.services import audits, master_data
from jukiaudit_desktop.storage.database import Database


def seed(db: Database) -> None:
    master_data.add_agency(db, Agency("K15", "こども・家庭課"))
    master_data.add_agency(db, Agency("K20", "交通指導課"))
    audits.create_audit(db, "K15", 2022, AuditType.INTERNAL, start_date=date(2022, 10, 5))
    audits.create_audit(db, "K20", 2025, AuditType.SELF_CHECK)


@pytest.fixture
def runner(qtbot, db_path: Path):
    runner = start_runner(qtbot, db_path, seed)
    yield runner
    runner.close()


@pytest.fixture
def page(qtbot, runner: DbRunner) -> AuditsPage:
    page = AuditsPage(runner)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=5000)
    return page


def audit_of(page: AuditsPage, agency: str, year_text: str) -> Audit:
    return next(a for a in page.model.rows if a.agency_name == agency and year_text in page.model.index(
        page.model.rows.index(a), AuditColumn.FISCAL_YEAR).data())


def test_create_an_audit_through_the_dialog_with_wareki_dates(qtbot, page: AuditsPage, runner: DbRunner) -> None:
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = wait_dialog(qtbot, AuditDialog)
    dialog.agency_combo.setCurrentIndex(dialog.agency_combo.findData("K20"))
    dialog.year_combo.setCurrentIndex(dialog.year_combo.findText("令和7年度"))
    dialog.type_combo.setCurrentText("内部監査")
    dialog.start_edit.edit.setText("R7.11.12")
    dialog.end_edit.edit.setText("R7.11.10")
    dialog.accept()  # the service refuses an end before the start; the dialog stays open and says why
    qtbot.waitUntil(lambda: dialog.error_label.text() == "終了日が開始日より前になっています。", timeout=5000)
    assert dialog.isVisible() and page.model.rowCount() == 2
    dialog.end_edit.edit.setText("令和7年11月12日")
    dialog.place_edit.setText("交通指導課 執務室")
    dialog.auditors_edit.setText("市町村課 甲、デジタルインフラ整備室 乙")
    dialog.accept()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    created = page.selected_audit()
    assert created is not None and created.agency_code == "K20" and created.audit_type is AuditType.INTERNAL
    assert (created.start_date, created.end_date) == (date(2025, 11, 12), date(2025, 11, 12))
    assert created.auditors == ("市町村課 甲", "デジタルインフラ整備室 乙")
    row = page.model.rows.index(created)
    assert page.model.index(row, AuditColumn.START).data() == "令和7年11月12日"
    assert "作成しました" in page.message.text()


def test_dialog_refuses_an_unreadable_date(qtbot, page: AuditsPage) -> None:
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, AuditDialog)
    dialog.start_edit.edit.setText("R7.13.40")
    assert dialog.start_edit.preview.text() == "読めない日付"
    dialog.accept()
    assert dialog.isVisible() and dialog.error_label.text().startswith("開始日:")
    dialog.reject()


def test_start_from_the_previous_audit_and_walk_the_status(qtbot, page: AuditsPage, runner: DbRunner) -> None:
    previous = audit_of(page, "こども・家庭課", "令和4年度")
    page.select_audit(previous.id)
    qtbot.mouseClick(page.baseline_button, Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, AuditDialog)
    assert not dialog.agency_combo.isEnabled() and dialog.agency_combo.currentData() == "K15"
    dialog.year_combo.setCurrentIndex(dialog.year_combo.findData(2025))
    dialog.accept()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    created = page.selected_audit()
    assert created is not None and created.previous_id == previous.id and created.fiscal_year == 2025

    assert [page.next_status.itemText(i) for i in range(page.next_status.count())] == ["通知済"]
    qtbot.mouseClick(page.status_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.selected_audit() is not None
                    and page.selected_audit().status is AuditStatus.NOTIFIED, timeout=5000)
    assert [page.next_status.itemText(i) for i in range(page.next_status.count())] == ["計画", "実施中"]
    stored = in_db(qtbot, runner, lambda db: audits.get_audit(db, created.id))
    assert stored.status is AuditStatus.NOTIFIED

    page.status_filter.setCurrentText("通知済")
    assert page.proxy.rowCount() == 1
    page.status_filter.setCurrentIndex(0)
    page.type_filter.setCurrentText("自己点検")
    assert [page.proxy.source_row(page.proxy.index(r, 0)).agency_name for r in range(page.proxy.rowCount())] == [
        "交通指導課"]


def test_self_check_form_out_and_back_in(qtbot, page: AuditsPage, runner: DbRunner, tmp_path: Path,
                                         monkeypatch, modal_dialogs: ModalGuard) -> None:
    self_check = audit_of(page, "交通指導課", "令和7年度")
    page.select_audit(self_check.id)
    form = tmp_path / "form.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(form), "")))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.exists() and "出力しました" in page.message.text(), timeout=10000)

    wb = load_workbook(form)
    ws = wb["自己点検"]
    for row in range(6, ws.max_row + 1):
        ws[f"G{row}"] = 3
    ws["G6"], ws["G7"] = 2, "該当なし"
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(filled), "")))
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "取り込みました" in page.message.text(), timeout=10000)
    assert "うち該当なし 1" in page.message.text()
    items = in_db(qtbot, runner, lambda db: audits.audit_items(db, self_check.id))
    assert [i.self_score for i in items[:3]] == [2, 0, 3]

    # a broken form is refused with a message naming the cell; nothing changes
    ws["G8"] = "5"
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(broken), "")))
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(modal_dialogs.shown), timeout=10000)
    [refused] = modal_dialogs.take()
    assert "G8" in refused and "何も取り込んでいません" in refused
    items = in_db(qtbot, runner, lambda db: audits.audit_items(db, self_check.id))
    assert items[2].self_score == 3
