"""Every master–detail view shows the row the user picked, at once: clicked with the mouse A → B → C → A, and
moved to with the keyboard. (The detail pane read the selection before it changed and lagged one behind.)"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from support.gui import click_row, in_db, key_to_row, settle, start_runner

from jukiaudit_desktop.core.audit import (
    ALLOWED_TRANSITIONS,
    AuditStatus,
    AuditType,
    FindingClass,
)
from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.gui.audit_models import AuditColumn, FindingColumn, ItemColumn
from jukiaudit_desktop.gui.pages.audits import AuditsPage
from jukiaudit_desktop.gui.pages.findings import FindingsPage
from jukiaudit_desktop.gui.pages.reconcile import DiscrepancyColumn, ReconcilePage
from jukiaudit_desktop.gui.tasks import DbRunner
from jukiaudit_desktop.services import audits, findings, master_data, reconciliation
from jukiaudit_desktop.storage.database import Database

A_B_C_A = (0, 1, 2, 0)


def show(qtbot: Any, widget: Any) -> None:
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()


def seed_findings(db: Database) -> None:
    """Three findings that differ in every detail, one with an improvement report."""
    master_data.add_agency(db, Agency("K15", "こども・家庭課"))
    audit_id = audits.create_audit(db, "K15", 2025, AuditType.INTERNAL).id
    for n in range(3):
        finding = findings.add_finding(db, audit_id, FindingClass.NEEDS_IMPROVEMENT, f"指摘{n}",  # type: ignore[arg-type]
                                       condition=f"現状{n}", cause=f"原因{n}", due_date=date(2026, 1, 10 + n))
    findings.add_followup(db, finding.id, date(2026, 1, 9), "一部措置", "対応中です", date(2026, 3, 1))


def test_findings_detail_and_reports_follow_every_click_and_key(qtbot, db_path: Path) -> None:
    runner = start_runner(qtbot, db_path, seed_findings)
    page = FindingsPage(runner, today=date(2026, 1, 1))
    show(qtbot, page)
    page.refresh()
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 3, timeout=5000)
    by_title = {f.title: f for f in in_db(qtbot, runner, findings.list_findings)}

    def expect(row: int) -> None:
        finding = by_title[page.proxy.index(row, FindingColumn.TITLE).data()]
        assert page.detail.toPlainText() == f"【現状】{finding.condition}\n【原因】{finding.cause}"
        reports = in_db(qtbot, runner, lambda db: findings.list_followups(db, finding.id))
        settle(qtbot, runner)
        assert page.followups.rows == reports
        assert page.edit_button.isEnabled() and page.followup_button.isEnabled()

    page.table.clearSelection()
    for row in A_B_C_A:
        click_row(qtbot, page.table, row, FindingColumn.TITLE)
        expect(row)
    key_to_row(qtbot, page.table, Qt.Key.Key_Down)
    expect(1)
    key_to_row(qtbot, page.table, Qt.Key.Key_Down)
    expect(2)
    key_to_row(qtbot, page.table, Qt.Key.Key_Up)
    expect(1)
    runner.close()


def test_audits_buttons_and_next_states_follow_the_first_click(qtbot, demo_runner: DbRunner) -> None:
    page = AuditsPage(demo_runner)
    show(qtbot, page)
    page.refresh()
    qtbot.waitUntil(lambda: page.proxy.rowCount() >= 3, timeout=5000)
    page.table.clearSelection()
    page.table.sortByColumn(AuditColumn.STATUS, Qt.SortOrder.AscendingOrder)
    statuses = [page.proxy.index(r, AuditColumn.STATUS).data() for r in range(page.proxy.rowCount())]
    rows = [statuses.index(s) for s in dict.fromkeys(statuses)][:3]  # one row per state
    assert len(rows) >= 2

    def expect(row: int) -> None:
        status = AuditStatus(page.proxy.index(row, AuditColumn.STATUS).data())
        nexts = [page.next_status.itemText(i) for i in range(page.next_status.count())]
        assert nexts == [s.value for s in AuditStatus if s in ALLOWED_TRANSITIONS[status]]
        for button in (page.open_button, page.baseline_button, page.export_button, page.sheet_button):
            assert button.isEnabled()

    assert not page.open_button.isEnabled()
    for row in (*rows, rows[0]):
        click_row(qtbot, page.table, row, AuditColumn.AGENCY)
        expect(row)
    for key, row in ((Qt.Key.Key_Down, rows[0] + 1), (Qt.Key.Key_Up, rows[0]), (Qt.Key.Key_PageDown, None)):
        key_to_row(qtbot, page.table, key)
        expect(page.table.currentIndex().row() if row is None else row)


def test_session_item_detail_follows_clicks_and_keys(qtbot, demo_runner: DbRunner) -> None:
    page = AuditsPage(demo_runner)
    show(qtbot, page)
    page.refresh()
    qtbot.waitUntil(lambda: page.proxy.rowCount() >= 1, timeout=5000)
    click_row(qtbot, page.table, 0, AuditColumn.AGENCY)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    session = page.session
    qtbot.waitUntil(lambda: session.items.rowCount() > 3, timeout=5000)

    def expect(row: int) -> None:
        question = session.items.index(row, ItemColumn.QUESTION).data()
        assert session.detail.question.text() == question
        assert session.detail.heading.text().startswith(session.items.index(row, ItemColumn.CODE).data())

    for row in A_B_C_A:
        click_row(qtbot, session.item_table, row, ItemColumn.QUESTION)
        expect(row)
    key_to_row(qtbot, session.item_table, Qt.Key.Key_Down)
    expect(1)


def test_reconcile_side_by_side_follows_clicks_and_keys(qtbot, demo_runner: DbRunner) -> None:
    page = ReconcilePage(demo_runner)
    show(qtbot, page)
    page.refresh()
    qtbot.waitUntil(lambda: page.current_agency() is not None, timeout=5000)
    settle(qtbot, demo_runner)
    qtbot.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.proxy.rowCount() >= 3, timeout=30000)
    settle(qtbot, demo_runner)

    def expect(row: int) -> None:
        number = page.proxy.index(row, DiscrepancyColumn.NUMBER).data()
        chosen = page.selected()
        assert chosen is not None and str(chosen.ordinal) in str(number)
        pair = in_db(qtbot, demo_runner, lambda db: reconciliation.side_by_side(db, chosen.id))
        settle(qtbot, demo_runner)
        assert page.operation_model.rows == pair.operations and page.register_model.rows == pair.entries
        assert page.explanation_edit.text() == (chosen.explanation or "")

    for row in A_B_C_A:
        click_row(qtbot, page.table, row, DiscrepancyColumn.NUMBER)
        expect(row)
    key_to_row(qtbot, page.table, Qt.Key.Key_Down)
    expect(1)


@pytest.mark.parametrize("column", [AuditColumn.AGENCY])
def test_click_row_moves_the_selection_as_a_user_would(qtbot, demo_runner: DbRunner, column: int) -> None:
    """The helper itself: a click selects exactly the clicked row and makes it current."""
    page = AuditsPage(demo_runner)
    show(qtbot, page)
    page.refresh()
    qtbot.waitUntil(lambda: page.proxy.rowCount() >= 2, timeout=5000)
    click_row(qtbot, page.table, 1, column)
    assert [i.row() for i in page.table.selectionModel().selectedRows()] == [1]
    assert page.table.currentIndex().row() == 1
