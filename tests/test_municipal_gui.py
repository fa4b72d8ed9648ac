"""The 市町村 page (issue 16): the 市町村 checklist's self-checks and 資料5's part, driven by clicks — a self-check
made for the selected municipality, a J-LIS activity and a follow-up added through their dialogs, the tally of
items under 3 by category, the 年度 typed in any form."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from support.gui import click_row, in_db, start_runner, wait_dialog
from support.mnemonics import clashes, mnemonics
from support.shots import save_screenshot

from jukiaudit_desktop.core.audit import AuditType, ChecklistTarget
from jukiaudit_desktop.core.master import Agency, AgencyKind
from jukiaudit_desktop.gui.municipal_dialogs import ActivityDialog, MunicipalFollowupDialog
from jukiaudit_desktop.gui.pages.municipal import MunicipalPage
from jukiaudit_desktop.services import audits, checklists, master_data, municipal
from jukiaudit_desktop.storage.database import Database

REASON = "セキュリティ会議・緊急時対応訓練の未実施"  # 資料5 3点未満の主な理由


def _prepare(db: Database) -> None:
    checklists.install_default_templates(db)
    for code, name in (("M01", "松本市"), ("M04", "箕輪町"), ("M05", "辰野町")):
        master_data.add_agency(db, Agency(code, name, AgencyKind.SHICHOSON))
    master_data.add_agency(db, Agency("K01", "職員総務課"))  # not a municipality: not listed
    audit = audits.create_audit(db, "M01", 2025, AuditType.SELF_CHECK)
    for row in audits.audit_items(db, audit.id):
        low = row.item.code in ("L-1", "L-2")
        audits.set_self_score(db, audit.id, row.item.code, 2 if low else 3)
        if low:
            audits.set_self_comment(db, audit.id, row.item.code, REASON)


@pytest.fixture
def page(qtbot, db_path: Path) -> MunicipalPage:
    runner = start_runner(qtbot, db_path, _prepare)
    page = MunicipalPage(runner, today=date(2026, 12, 1))
    qtbot.addWidget(page)
    page.resize(1100, 900)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.self_checks.rowCount() == 3, timeout=10000)
    return page


def cells(table, column: int) -> list[str]:
    model = table.model()
    return [model.index(r, column).data() for r in range(model.rowCount())]


def show_year(qtbot, page: MunicipalPage, typed: str) -> None:
    page.year_edit.clear()
    if typed.isascii():
        qtbot.keyClicks(page.year_edit, typed)
    else:  # keyClicks types ASCII only
        page.year_edit.setText(typed)
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)


def test_the_year_is_typed_as_the_council_writes_it(qtbot, page: MunicipalPage) -> None:
    assert page.year_edit.text() == "令和8年度" and "自己点検 0/3 市町村" in page.counts_label.text()
    show_year(qtbot, page, "R7")
    qtbot.waitUntil(lambda: "令和7年度: 自己点検 1/3 市町村" in page.counts_label.text(), timeout=5000)
    assert page.year_edit.text() == "令和7年度"
    show_year(qtbot, page, "7")
    assert "年度「7」を読めません" in page.message.text() and page.year == 2025


def test_its_mnemonics_clash_neither_together_nor_with_the_menus(page: MunicipalPage) -> None:
    assert clashes(page) == {}
    assert set(mnemonics(page)) == {"Alt+Y", "Alt+V", "Alt+S", "Alt+C", "Alt+A", "Alt+U"}  # menus: Alt+F, Alt+H


def test_self_checks_reasons_activities_and_followups_by_clicks(qtbot, page: MunicipalPage, tmp_path: Path) -> None:
    show_year(qtbot, page, "2025")
    qtbot.waitUntil(lambda: page.reasons.rowCount() == 1, timeout=5000)
    assert cells(page.self_check_table, 1) == ["松本市", "箕輪町", "辰野町"]
    assert cells(page.self_check_table, 2) == ["計画", "未作成", "未作成"]
    assert cells(page.self_check_table, 3)[0] == "市町村 住基ネット自己点検チェックリスト 第1版"
    assert cells(page.self_check_table, 4)[0] == "2 項目"
    assert [page.reason_table.model().index(0, c).data() for c in range(4)][1:] == ["2", "1", REASON]

    click_row(qtbot, page.self_check_table, 0)
    assert not page.create_button.isEnabled()  # 松本市 has its self-check
    click_row(qtbot, page.self_check_table, 1)
    assert page.create_button.isEnabled()
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cells(page.self_check_table, 2)[1] == "計画", timeout=5000)
    assert "箕輪町 の令和7年度の自己点検を作成しました" in page.message.text()
    made = in_db(qtbot, page.runner, lambda db: [
        checklists.get_template(db, a.template_id).target for a in audits.list_audits(db, 2025)
        if a.agency_code == "M04"])
    assert made == [ChecklistTarget.MUNICIPALITY]

    qtbot.mouseClick(page.add_activity_button, Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, ActivityDialog)
    dialog.kind.setCurrentText("リモート監査")
    dialog.targets.setText("3町3村(箕輪町ほか)")
    dialog.count.setValue(6)
    dialog.period.setText("R7.11～R8.2")
    dialog.named.item(1).setCheckState(Qt.CheckState.Checked)  # M04 箕輪町
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.activities.rowCount() == 1, timeout=5000)
    assert cells(page.activity_table, 0) == ["リモート監査"] and cells(page.activity_table, 3) == ["6"]
    assert "リモート監査 1件" in page.counts_label.text()

    qtbot.mouseClick(page.add_activity_button, Qt.MouseButton.LeftButton)
    refused = wait_dialog(qtbot, ActivityDialog)
    refused.targets.setText("1村")
    refused.count.setValue(1)
    refused.named.item(0).setCheckState(Qt.CheckState.Checked)
    refused.named.item(1).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(refused.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "対象数 1 より多く" in refused.error_label.text(), timeout=5000)
    assert refused.isVisible()
    refused.reject()

    qtbot.mouseClick(page.add_followup_button, Qt.MouseButton.LeftButton)
    followup = wait_dialog(qtbot, MunicipalFollowupDialog)
    followup.municipality.setCurrentIndex(1)
    followup.subject.setText("緊急時対応訓練の実施")
    followup.status.setText("R8.3 実施予定")
    qtbot.mouseClick(followup.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.followups.rowCount() == 1, timeout=5000)
    assert [page.followup_table.model().index(0, c).data() for c in range(4)] == [
        "箕輪町", "自己点検", "緊急時対応訓練の実施", "R8.3 実施予定"]
    part = in_db(qtbot, page.runner, lambda db: municipal.summary(db, 2025))
    assert part.counts == {"リモート監査": 1} and part.activities[0].agency_codes == ("M04",)
    save_screenshot(page, tmp_path, "municipal_page")


def test_the_annual_report_with_the_municipal_part_is_saved_from_the_page(qtbot, page: MunicipalPage,
                                                                          modal_dialogs, tmp_path: Path) -> None:
    show_year(qtbot, page, "令和7年度")
    qtbot.waitUntil(lambda: page.reasons.rowCount() == 1, timeout=5000)
    qtbot.mouseClick(page.report_button, Qt.MouseButton.LeftButton)
    assert modal_dialogs.take() == ["QFileDialog.getSaveFileName: 年度の結果報告を保存"]  # cancelled: nothing
    assert page.message.text() == ""
    target = tmp_path / "結果報告_2025.pdf"
    page.write_report(target)  # what the dialog's answer leads to
    qtbot.waitUntil(lambda: "結果報告を保存しました" in page.message.text(), timeout=30000)
    text = "".join(subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert "自己点検(市町村)" in text and "松本市(1機関)" in text
    assert "緊急時対応市町村数2主な理由1" + REASON in text  # the tally of reasons under 3 (資料5)
