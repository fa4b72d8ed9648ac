"""A whole on-site session driven through the real widgets: open an audit from the list, score every item with
the keyboard, write a note, attach a file, raise findings (from an item and from a real reconciliation
discrepancy), close; then reopen the database in a new runner and find everything there."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox
from support.gui import click_row, in_db, settle, start_runner
from test_reconcile_helpers import SAMPLES, ensure_agency, load_oplog, load_register

from jukiaudit_desktop.core.audit import NOT_APPLICABLE, AuditType, FindingClass
from jukiaudit_desktop.core.months import add_months
from jukiaudit_desktop.gui.audit_models import DIFFERENCE_COLOUR, ItemColumn
from jukiaudit_desktop.gui.finding_dialog import FindingDialog
from jukiaudit_desktop.gui.pages.audits import AuditsPage
from jukiaudit_desktop.gui.session_view import SessionView
from jukiaudit_desktop.gui.tasks import DbRunner
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services import audits, findings
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.services.findings import DISCREPANCY_TITLES
from jukiaudit_desktop.services.reconciliation import list_discrepancies, run_reconciliation
from jukiaudit_desktop.storage.database import Database

AGENCY = "C09"  # the agency the shared samples belong to


@dataclass
class Seeded:
    audit_id: int = 0
    previous_id: int = 0
    discrepancy_id: int = 0
    discrepancy_kind: str = ""
    self_two: tuple[str, ...] = ()  # items the agency scored 2 in its self-check


def seed(db: Database, seeded: Seeded) -> None:
    """The 2022 audit with an open finding, the 2025 self-check, the 2025 internal audit started from 2022,
    and a reconciliation of the shared sample files."""
    ensure_agency(db, AGENCY)
    previous = audits.create_audit(db, AGENCY, 2022, AuditType.INTERNAL, start_date=date(2022, 10, 5))
    codes = [row.item.code for row in audits.audit_items(db, previous.id)]  # type: ignore[arg-type]
    for code in codes:
        audits.set_verified_score(db, previous.id, code, 2 if code == codes[5] else 3)  # type: ignore[arg-type]
    findings.add_finding(db, previous.id, FindingClass.NEEDS_IMPROVEMENT, "帳票管理簿が作成されていなかった",  # type: ignore[arg-type]
                         item_code=codes[5], due_date=date(2023, 1, 31))
    self_check = audits.create_audit(db, AGENCY, 2025, AuditType.SELF_CHECK)
    seeded.self_two = (codes[3], codes[10])
    for code in codes:
        audits.set_self_score(db, self_check.id, code, 2 if code in seeded.self_two else 3)  # type: ignore[arg-type]
    seeded.previous_id = previous.id  # type: ignore[assignment]
    seeded.audit_id = audits.start_from_previous(db, previous.id, 2025, AuditType.INTERNAL,  # type: ignore[arg-type]
                                                 start_date=date(2025, 10, 15), place="執務室",
                                                 auditors=("市町村課 監査担当",)).id
    agency_id = ensure_agency(db, AGENCY)
    load_oplog(db, agency_id, SAMPLES / "oplog_cp932.csv")
    load_register(db, agency_id, SAMPLES / "register_cp932.csv")
    run = run_reconciliation(db, AGENCY, ReconcileSettings())
    first = list_discrepancies(db, run.run_id)[0]
    seeded.discrepancy_id, seeded.discrepancy_kind = first.id, str(first.kind)


def open_page(qtbot: Any, runner: DbRunner) -> AuditsPage:
    page = AuditsPage(runner)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    page.activateWindow()
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    return page


def open_session(qtbot: Any, page: AuditsPage, audit_id: int) -> SessionView:
    page.select_audit(audit_id)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    session = page.session
    qtbot.waitUntil(lambda: session.audit is not None and session.audit.id == audit_id
                    and session.items.rowCount() > 0, timeout=5000)
    assert page.stack.currentWidget() is session
    return session


def press(qtbot: Any, session: SessionView, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget() or session.item_table, key, modifier)


@pytest.fixture
def seeded() -> Seeded:
    return Seeded()


@pytest.mark.slow
def test_whole_session_by_keyboard_survives_closing_and_reopening(qtbot, db_path: Path, seeded: Seeded,
                                                                 tmp_path: Path, monkeypatch) -> None:
    runner = start_runner(qtbot, db_path, lambda db: seed(db, seeded))
    page = open_page(qtbot, runner)
    session = open_session(qtbot, page, seeded.audit_id)
    rows = session.items.rows
    total = len(rows)
    assert total > 40

    # opening shows the open finding of the previous audit, and previous scores beside each item
    assert session.earlier_box.isVisibleTo(page) and session.earlier_list.count() == 1
    assert "帳票管理簿が作成されていなかった" in session.earlier_list.item(0).text()
    assert [r.previous_verified for r in rows[:6]] == [3, 3, 3, 3, 3, 2]
    assert "前回: 自己 — / 確認 3" in session.detail.previous.text()
    assert session.progress_label.text() == f"確認済み 0 / {total}"
    assert session.current == 0 and session.item_table.hasFocus()

    # score every item with the keyboard: 1, N, 0, 2, then 3 for the rest; each score moves to the next item
    # (「採点したら次の項目へ」 is on by default), Ctrl+Enter finds no unscored item at the end
    assert session.advance_box.isChecked()
    plan = {0: Qt.Key.Key_1, 1: Qt.Key.Key_N, 2: Qt.Key.Key_0, 3: Qt.Key.Key_2}
    for row in range(total):
        assert session.current == row
        press(qtbot, session, plan.get(row, Qt.Key.Key_3))
    press(qtbot, session, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot, runner)
    assert session.status.text() == "すべての項目を確認済みです。"
    assert session.progress_label.text() == f"確認済み {total} / {total}"
    assert session.progress_bar.value() == total == session.progress_bar.maximum()
    assert [r.verified for r in session.items.rows[:5]] == [1, NOT_APPLICABLE, NOT_APPLICABLE, 2, 3]
    # verified: 1 + 2 + 3 × (total − 4) over total − 2 counted items; self: 3 except two 2s
    verified_mean = (1 + 2 + 3 * (total - 4)) / (total - 2)
    self_mean = (3 * total - 2) / total
    assert session.average_label.text() == f"平均 自己 {self_mean:.2f} / 確認 {verified_mean:.2f}"

    # the self score 2 against a verified 3 is highlighted; agreeing scores are not
    differing = next(i for i, r in enumerate(session.items.rows) if r.item.code == seeded.self_two[1])
    index = session.items.index(differing, ItemColumn.SELF)
    assert index.data(Qt.ItemDataRole.BackgroundRole).color() == DIFFERENCE_COLOUR
    assert session.items.index(5, ItemColumn.SELF).data(Qt.ItemDataRole.BackgroundRole) is None

    # J/K, arrows and PageUp/PageDown move between items
    session.go_to(4)
    for key, expected in ((Qt.Key.Key_J, 5), (Qt.Key.Key_K, 4), (Qt.Key.Key_Down, 5), (Qt.Key.Key_PageUp, 4),
                          (Qt.Key.Key_PageDown, 5), (Qt.Key.Key_Up, 4)):
        press(qtbot, session, key)
        assert session.current == expected
    session.go_to(differing)
    assert "異なります" in session.detail.difference.text()

    # the numeric keypad scores too, and Delete clears a score (the item counts as unscored again)
    press(qtbot, session, Qt.Key.Key_2, Qt.KeyboardModifier.KeypadModifier)
    assert session.items.rows[differing].verified == 2 and session.current == differing + 1
    session.go_to(differing)
    press(qtbot, session, Qt.Key.Key_Delete)
    assert session.items.rows[differing].verified is None
    assert session.progress_label.text() == f"確認済み {total - 1} / {total}"
    press(qtbot, session, Qt.Key.Key_3)

    # a note is saved as typed; digits typed into it are text, not scores
    session.go_to(0)
    press(qtbot, session, Qt.Key.Key_F2)
    assert session.detail.note.hasFocus()
    qtbot.keyClicks(session.detail.note, "manual 3 copies")
    assert session.items.rows[0].verified == 1
    qtbot.waitUntil(lambda: session.detail.save_state.text().startswith("保存済み"), timeout=5000)
    press(qtbot, session, Qt.Key.Key_Escape)
    assert session.item_table.hasFocus()

    # attach a file to the item (Ctrl+T) and open a copy of it
    photo = tmp_path / "施錠確認.pdf"
    photo.write_bytes(b"%PDF-1.4 evidence " * 100)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(photo), "")))
    press(qtbot, session, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: session.evidence_proxy.rowCount() == 1, timeout=5000)
    assert session.evidence.rows[0].sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert session.tabs.tabText(0) == "証跡(1)"
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))
    session.evidence_table.selectRow(0)
    qtbot.mouseClick(session.open_evidence_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    copy = Path(opened[0].toLocalFile())
    assert copy.read_bytes() == photo.read_bytes() and copy != photo

    # a file attached by mistake is deleted after a confirmation
    wrong = tmp_path / "別の機関の写真.jpg"
    wrong.write_bytes(b"\xff\xd8\xff\xe0 not this audit")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(wrong), "")))
    press(qtbot, session, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: session.evidence_proxy.rowCount() == 2, timeout=5000)
    click_row(qtbot, session.evidence_table, 1)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _parent, _title, text, *_a: asked.append(text) or QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(session.delete_evidence_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.evidence_proxy.rowCount() == 1, timeout=5000)
    assert "「別の機関の写真.jpg」を削除します" in asked[0] and session.tabs.tabText(0) == "証跡(1)"

    # raise a finding from the current item (Ctrl+I): 件名 empty with the question beside it, note and criteria
    # prefilled, 改善報告期限 two months after today (the default setting)
    session.item_table.setFocus()
    press(qtbot, session, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog = session.finding_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert dialog.title_edit.text() == ""
    assert dialog.findChild(QLabel, "question_label").text() == session.items.rows[0].item.question
    assert dialog.text_edits["condition"].toPlainText() == "manual 3 copies"
    qtbot.waitUntil(lambda: dialog.due_edit.edit.text() != "", timeout=5000)
    assert dialog.due_edit.date() == add_months(date.today(), 2)
    dialog.title_edit.setText("セキュリティ責任者の指定文書がなかった")
    dialog.class_combo.setCurrentText("不適切事項")
    dialog.due_edit.edit.setText("R8.3.31")
    assert dialog.due_edit.preview.text() == "→ 令和8年3月31日"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.findings.rowCount() == 1, timeout=5000)
    assert session.tabs.tabText(1) == "指摘事項(1)"

    # raise a finding from a reconciliation discrepancy (as the ログ突合 page does)
    from_log = FindingDialog(runner, seeded.audit_id, discrepancy_id=seeded.discrepancy_id,
                             title=DISCREPANCY_TITLES[seeded.discrepancy_kind])
    qtbot.addWidget(from_log)
    from_log.show()
    saved: list[Any] = []
    from_log.saved.connect(saved.append)
    qtbot.mouseClick(from_log.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(saved), timeout=5000)
    assert saved[0].discrepancy_id == seeded.discrepancy_id and "oplog_cp932.csv" in saved[0].condition

    # close the session, close the database
    qtbot.mouseClick(session.back_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentIndex() == 0
    settle(qtbot, runner)
    runner.close()
    assert not copy.exists()  # the decrypted copy is removed on leaving the session

    # reopen in a new runner: everything is there
    runner = start_runner(qtbot, db_path)
    page = open_page(qtbot, runner)
    session = open_session(qtbot, page, seeded.audit_id)
    again = session.items.rows
    assert [r.verified for r in again[:5]] == [1, NOT_APPLICABLE, NOT_APPLICABLE, 2, 3]
    assert all(r.verified is not None for r in again)
    assert again[0].note == "manual 3 copies" and session.detail.note.toPlainText() == "manual 3 copies"
    assert session.progress_label.text() == f"確認済み {total} / {total}"
    assert [e.file_name for e in session.evidence.rows] == ["施錠確認.pdf"]
    assert sorted(f.title for f in session.findings.rows) == sorted(
        ["セキュリティ責任者の指定文書がなかった", DISCREPANCY_TITLES[seeded.discrepancy_kind]])
    item_finding = next(f for f in session.findings.rows if f.item_code)
    assert (item_finding.finding_class.value, item_finding.due_date) == ("不適切事項", date(2026, 3, 31))
    log_row = next(r for r, f in enumerate(session.findings.rows) if f.discrepancy_id)
    assert session.findings.index(log_row, 3).data() == "突合"
    runner.close()


def test_scores_of_an_audit_whose_result_was_notified_cannot_change(qtbot, db_path: Path, seeded: Seeded) -> None:
    def prepare(db: Database) -> None:
        seed(db, seeded)
        for status in ("通知済", "実施中", "結果通知済"):
            audits.set_status(db, seeded.audit_id, audits.parse_status(status))

    runner = start_runner(qtbot, db_path, prepare)
    page = open_page(qtbot, runner)
    session = open_session(qtbot, page, seeded.audit_id)
    press(qtbot, session, Qt.Key.Key_3)
    settle(qtbot, runner)
    assert session.items.rows[0].verified is None
    assert "変更できません" in session.status.text()
    assert not session.detail.verified_buttons[3].isEnabled() and session.detail.note.isReadOnly()
    runner.close()


def test_locking_mid_note_saves_it_and_unlocking_reopens_the_session(qtbot, db_path: Path, seeded: Seeded) -> None:
    runner = start_runner(qtbot, db_path, lambda db: seed(db, seeded))
    page = open_page(qtbot, runner)
    session = open_session(qtbot, page, seeded.audit_id)
    session.go_to(2)
    press(qtbot, session, Qt.Key.Key_F2)
    qtbot.keyClicks(session.detail.note, "locked at once")
    page.clear()  # what the lock does before closing the connection: no wait for the autosave delay
    runner.close_database()
    assert page.stack.currentIndex() == 0 and session.items.rowCount() == 0
    assert session.detail.note.toPlainText() == ""

    reopened: list[Database] = []
    runner.open_database(lambda: open_app_database(db_path), reopened.append)
    qtbot.waitUntil(lambda: bool(reopened), timeout=10000)
    page.refresh()
    qtbot.waitUntil(lambda: session.items.rowCount() > 0, timeout=5000)
    assert page.stack.currentWidget() is session
    assert session.items.rows[2].note == "locked at once"

    # showing the page again (or a restored database) reloads the session and stays on the item
    in_db(qtbot, runner, lambda db: audits.set_verified_score(db, seeded.audit_id, session.items.rows[7].item.code, 2))
    session.go_to(7)
    page.refresh()
    qtbot.waitUntil(lambda: session.items.rows[7].verified == 2, timeout=5000)
    assert session.current == 7
    runner.close()
