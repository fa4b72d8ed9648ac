"""The on-site session as a workbench: score keys advance (and stop advancing when the option is off, remembered),
Ctrl+Z puts back the last score or note, the hint to raise a finding goes once one exists, the cheat line lists the
keys; 監査 → 新規作成 offers this year's planned agencies first and Enter opens the audit just created."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from support.gui import click_row, in_db, settle, start_runner, wait_dialog

from jukiaudit_desktop.core.audit import AuditType
from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.core.planning import AuditKind
from jukiaudit_desktop.core.wareki import fiscal_year
from jukiaudit_desktop.gui.audit_dialog import AuditDialog
from jukiaudit_desktop.gui.audit_models import AuditColumn
from jukiaudit_desktop.gui.finding_dialog import FindingDialog
from jukiaudit_desktop.gui.pages.audits import AuditsPage
from jukiaudit_desktop.gui.session_view import SessionView
from jukiaudit_desktop.services import audits, master_data, planning, settings
from jukiaudit_desktop.storage.database import Database


def seed(db: Database) -> None:
    master_data.add_agency(db, Agency("K15", "こども・家庭課"))
    audits.create_audit(db, "K15", 2025, AuditType.INTERNAL, start_date=date(2025, 10, 5))


@pytest.fixture
def runner(qtbot, db_path: Path):
    runner = start_runner(qtbot, db_path, seed)
    yield runner
    runner.close()


def open_session(qtbot, runner) -> tuple[AuditsPage, SessionView]:
    page = AuditsPage(runner)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.activateWindow()
    page.refresh()
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 1, timeout=5000)
    click_row(qtbot, page.table, 0, AuditColumn.AGENCY)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    session = page.session
    qtbot.waitUntil(lambda: session.items.rowCount() > 5, timeout=5000)
    return page, session


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def stored(qtbot, runner, session: SessionView, row: int):
    code = session.items.rows[row].item.code
    settle(qtbot, runner)
    return next(r for r in in_db(qtbot, runner, lambda db: audits.audit_items(db, session.audit_id))
                if r.item.code == code)


def test_score_keys_advance_unless_turned_off_and_the_choice_is_kept(qtbot, runner) -> None:
    _page, session = open_session(qtbot, runner)
    assert "1/2/3 採点" in session.cheat_line.text() and "Ctrl+Z 取り消し" in session.cheat_line.text()
    assert session.current == 0 and session.advance_box.isChecked()
    press(qtbot, Qt.Key.Key_3)
    assert session.current == 1 and session.items.rows[0].verified == 3
    session.advance_box.click()  # off
    session.item_table.setFocus()
    press(qtbot, Qt.Key.Key_2)
    assert session.current == 1 and session.items.rows[1].verified == 2
    settle(qtbot, runner)
    assert in_db(qtbot, runner, settings.advance_after_score) is False
    session.close_session()
    session.open_audit(session.audit_id)
    qtbot.waitUntil(lambda: session.items.rowCount() > 5, timeout=5000)
    assert not session.advance_box.isChecked()


def test_ctrl_z_puts_back_the_last_score_then_the_note_then_the_score_before(qtbot, runner) -> None:
    _page, session = open_session(qtbot, runner)
    press(qtbot, Qt.Key.Key_1)  # item 0: 1, on to item 1
    press(qtbot, Qt.Key.Key_F2)
    qtbot.keyClicks(session.detail.note, "no key log")
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_2)  # item 1: 2, on to item 2
    assert (stored(qtbot, runner, session, 1).verified, stored(qtbot, runner, session, 1).note) == (2, "no key log")

    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the score of item 1
    assert session.current == 1 and session.items.rows[1].verified is None
    assert stored(qtbot, runner, session, 1).verified is None
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the note of item 1
    assert session.detail.note.toPlainText() == "" and stored(qtbot, runner, session, 1).note == ""
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the score of item 0
    assert session.current == 0 and stored(qtbot, runner, session, 0).verified is None
    press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.status.text() == "取り消せる変更はありません。"


def test_the_hint_to_raise_a_finding_goes_once_the_item_has_one(qtbot, runner) -> None:
    _page, session = open_session(qtbot, runner)
    session.advance_box.setChecked(False)
    session.item_table.setFocus()
    press(qtbot, Qt.Key.Key_1)
    assert "指摘事項の起票を検討" in session.detail.difference.text()
    press(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog = wait_dialog(qtbot, FindingDialog)
    assert dialog.title_edit.text() == ""
    dialog.title_edit.setText("責任者の指定文書がなかった")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.findings.rowCount() == 1, timeout=5000)
    assert session.detail.difference.text() == ""
    session.window().activateWindow()
    session.item_table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is session.item_table, timeout=2000)
    qtbot.keyClick(session.item_table, Qt.Key.Key_J)
    qtbot.keyClick(session.item_table, Qt.Key.Key_K)  # coming back to the item: still no hint
    assert session.current == 0 and session.detail.difference.text() == ""


def test_new_audit_offers_the_planned_agencies_first_and_enter_opens_it(qtbot, db_path: Path) -> None:
    year = fiscal_year(date.today())

    def plan(db: Database) -> None:
        for code, name in (("A01", "会計課"), ("K15", "こども・家庭課"), ("Z99", "総務課")):
            master_data.add_agency(db, Agency(code, name))
        planning.add_period(db, "今期", year, year + 2)
        planning.pin_agency(db, "Z99", year, AuditKind.EXTERNAL)
        planning.pin_agency(db, "K15", year, AuditKind.INTERNAL)
        audits.create_audit(db, "K15", year, AuditType.INTERNAL)  # started: not offered first

    runner = start_runner(qtbot, db_path, plan)
    page = AuditsPage(runner)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    page.refresh()
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 1, timeout=5000)
    assert [(code, kind) for code, kind in page.planned] == [("Z99", AuditKind.EXTERNAL)]
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = wait_dialog(qtbot, AuditDialog)
    assert dialog.agency_combo.currentData() == "Z99" and "今年度の計画・未着手" in dialog.agency_combo.currentText()
    assert dialog.type_combo.currentText() == "外部監査"
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 2, timeout=5000)
    settle(qtbot, runner)
    assert page.focusWidget() is page.table
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # no click needed: Enter opens the audit just created
    qtbot.waitUntil(lambda: page.session.audit is not None and page.session.audit.agency_code == "Z99", timeout=5000)
    runner.close()


def test_the_due_date_default_is_a_setting(qtbot, runner) -> None:
    from jukiaudit_desktop.core.months import add_months
    from jukiaudit_desktop.gui.pages.settings import SettingsPage

    page = SettingsPage(runner)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    settle(qtbot, runner)
    box = page.due_months
    assert box.months.value() == 2
    box.months.setValue(3)
    qtbot.mouseClick(box.findChild(QPushButton, "save_due_months"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "保存しました" in box.outcome.text(), timeout=5000)
    assert in_db(qtbot, runner, settings.report_due_months) == 3
    audit_id = in_db(qtbot, runner, lambda db: audits.list_audits(db)[0].id)
    dialog = FindingDialog(runner, audit_id, today=date(2025, 11, 30))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.due_edit.edit.text() != "", timeout=5000)
    assert dialog.due_edit.date() == add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
