"""The 指摘事項 page on real widgets: overdue count and colour, filters, raw-value sorting across eras, editing
with a 西暦 or 和暦 due date, follow-up reports, a free finding."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from support.gui import click_row, start_runner, wait_dialog

from jukiaudit_desktop.core.audit import AuditType, FindingClass
from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.gui.audit_models import OVERDUE_COLOUR, FindingColumn
from jukiaudit_desktop.gui.finding_dialog import FindingDialog
from jukiaudit_desktop.gui.followup_dialog import FollowupDialog
from jukiaudit_desktop.gui.pages.findings import FindingsPage
from jukiaudit_desktop.gui.tasks import DbRunner
from jukiaudit_desktop.services import audits, findings, master_data
from jukiaudit_desktop.storage.database import Database

TODAY = date(2026, 2, 15)


def seed(db: Database) -> None:
    master_data.add_agency(db, Agency("K15", "こども・家庭課"))
    master_data.add_agency(db, Agency("K20", "交通指導課"))
    kodomo = audits.create_audit(db, "K15", 2025, AuditType.INTERNAL).id
    kotsu = audits.create_audit(db, "K20", 2018, AuditType.EXTERNAL).id
    add = findings.add_finding
    add(db, kodomo, FindingClass.NEEDS_IMPROVEMENT, "帳票管理簿を作成していなかった", due_date=date(2026, 1, 30))  # overdue
    done = add(db, kodomo, FindingClass.IMPROPER, "操作ログとの突合をしていなかった", due_date=date(2026, 1, 10))
    findings.add_followup(db, done.id, date(2026, 1, 9), "措置済", "突合を開始")
    add(db, kotsu, FindingClass.CAUTION, "平成最後の日が期限", due_date=date(2019, 4, 30))  # overdue too
    add(db, kotsu, FindingClass.OPINION, "令和最初の日が期限", due_date=date(2019, 5, 1))
    add(db, kotsu, FindingClass.OPINION, "期限なしの意見")


@pytest.fixture
def runner(qtbot, db_path: Path):
    runner = start_runner(qtbot, db_path, seed)
    yield runner
    runner.close()


@pytest.fixture
def page(qtbot, runner: DbRunner) -> FindingsPage:
    page = FindingsPage(runner, today=TODAY)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=5000)
    return page


def titles(page: FindingsPage) -> list[str]:
    return [page.proxy.index(r, FindingColumn.TITLE).data() for r in range(page.proxy.rowCount())]


def select(page: FindingsPage, title: str) -> None:
    row = titles(page).index(title)
    page.table.selectRow(row)


def test_overdue_findings_are_counted_and_red(page: FindingsPage) -> None:
    assert page.overdue_label.text() == "改善報告の期限を過ぎた指摘事項: 3 件"
    overdue_row = titles(page).index("帳票管理簿を作成していなかった")
    done_row = titles(page).index("操作ログとの突合をしていなかった")  # past due but 完了: not overdue
    index = page.proxy.index(overdue_row, FindingColumn.TITLE)
    assert index.data(Qt.ItemDataRole.ForegroundRole).color() == OVERDUE_COLOUR
    assert page.proxy.index(done_row, FindingColumn.TITLE).data(Qt.ItemDataRole.ForegroundRole) is None
    assert page.proxy.index(overdue_row, FindingColumn.OVERDUE).data() == "期限超過"
    page.overdue_only.setChecked(True)
    assert sorted(titles(page)) == sorted(["帳票管理簿を作成していなかった", "平成最後の日が期限", "令和最初の日が期限"])


def test_filters_by_agency_year_class_status_and_text(page: FindingsPage) -> None:
    page.agency_filter.setCurrentText("交通指導課")
    assert len(titles(page)) == 3
    page.year_filter.setCurrentText("平成30年度")
    assert len(titles(page)) == 3
    page.class_filter.setCurrentText("意見")
    assert sorted(titles(page)) == ["令和最初の日が期限", "期限なしの意見"]
    page.search.setText("期限なし")
    assert titles(page) == ["期限なしの意見"]
    assert page.count_label.text() == "表示 1 / 全 5 件"
    for combo in (page.agency_filter, page.year_filter, page.class_filter):
        combo.setCurrentIndex(0)
    page.search.clear()
    page.status_filter.setCurrentText("未完了")
    assert "操作ログとの突合をしていなかった" not in titles(page) and len(titles(page)) == 4
    page.status_filter.setCurrentText("措置済")
    assert titles(page) == ["操作ログとの突合をしていなかった"]
    page.status_filter.setCurrentText("未措置")
    assert len(titles(page)) == 4


def test_due_dates_sort_on_the_date_not_on_the_era_text(page: FindingsPage) -> None:
    page.table.sortByColumn(FindingColumn.DUE, Qt.SortOrder.AscendingOrder)
    dated = [t for t in titles(page) if t != "期限なしの意見"]
    assert dated[:2] == ["平成最後の日が期限", "令和最初の日が期限"]  # 平成31年4月30日 before 令和元年5月1日
    assert titles(page)[-1] == "期限なしの意見"  # no due date: last


def test_edit_a_finding_with_a_seireki_due_date_clears_the_overdue(qtbot, page: FindingsPage) -> None:
    select(page, "帳票管理簿を作成していなかった")
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, FindingDialog)
    assert dialog.due_edit.edit.text() == "令和8年1月30日"
    dialog.due_edit.edit.setText("2026/13/01")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "改善報告期限" in dialog.error_label.text()
    dialog.due_edit.edit.setText("2026/03/31")
    dialog.text_edits["cause"].setPlainText("担当者の異動で引継ぎがなかった")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.overdue_label.text() == "改善報告の期限を過ぎた指摘事項: 2 件", timeout=5000)
    row = titles(page).index("帳票管理簿を作成していなかった")
    assert page.proxy.index(row, FindingColumn.DUE).data() == "令和8年3月31日"
    assert "【原因】担当者の異動で引継ぎがなかった" in page.detail.toPlainText()


def test_follow_up_reports_move_the_finding_to_done(qtbot, page: FindingsPage) -> None:
    select(page, "帳票管理簿を作成していなかった")
    for status, note, planned in (("一部措置", "様式を作成中", "R8.3.31"), ("措置済", "管理簿を整備し責任者が確認", None)):
        qtbot.mouseClick(page.followup_button, Qt.MouseButton.LeftButton)
        dialog = wait_dialog(qtbot, FollowupDialog)
        assert [dialog.status_combo.itemText(i) for i in range(dialog.status_combo.count())] == [
            "措置済", "一部措置", "未措置"]
        dialog.date_edit.edit.setText("R8.2.10")
        dialog.status_combo.setCurrentText(status)
        assert dialog.planned_edit.isVisibleTo(dialog) is (planned is not None)  # 予定日 only where asked
        if planned:
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # without its 予定日: refused
            qtbot.waitUntil(lambda d=dialog: "予定日" in d.error_label.text(), timeout=5000)
            dialog.planned_edit.edit.setText(planned)
        dialog.note_edit.setPlainText(note)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda s=status: page.selected_finding() is not None
                        and page.selected_finding().status == s, timeout=5000)
    qtbot.waitUntil(lambda: page.followups.rowCount() == 2, timeout=5000)
    assert [page.followups.index(r, 1).data() for r in range(2)] == ["一部措置", "措置済"]
    assert [page.followups.index(r, 2).data() for r in range(2)] == ["令和8年3月31日", ""]
    assert page.followups.index(0, 0).data() == "令和8年2月10日"
    assert page.overdue_label.text() == "改善報告の期限を過ぎた指摘事項: 2 件"


def test_a_free_finding_is_raised_on_a_chosen_audit(qtbot, page: FindingsPage) -> None:
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, FindingDialog)
    qtbot.waitUntil(lambda: dialog.audit_combo.count() == 2, timeout=5000)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text() == "件名を入力してください。"
    dialog.audit_combo.setCurrentIndex(dialog.audit_combo.findText("令和7年度 内部監査 こども・家庭課"))
    qtbot.keyClicks(dialog.title_edit, "Entry room log kept in pencil")
    dialog.due_edit.edit.setText("令和8年4月30日")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 6, timeout=5000)
    assert page.selected_finding().title == "Entry room log kept in pencil"
    assert page.selected_finding().agency_name == "こども・家庭課"
    assert page.selected_finding().due_date == date(2026, 4, 30)


def test_delete_asks_first_and_removes_the_finding(qtbot, page: FindingsPage, modal_dialogs,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    row = titles(page).index("期限なしの意見")
    click_row(qtbot, page.table, row)
    assert page.delete_button.isEnabled()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)  # the guard answers いいえ: nothing goes
    (asked,) = modal_dialogs.take()
    assert "指摘事項「期限なしの意見」(交通指導課)を、その改善報告とともに削除します" in asked
    assert page.model.rowCount() == 5
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=5000)
    assert "期限なしの意見" not in titles(page)
    assert page.message.text() == "「期限なしの意見」を削除しました。"
