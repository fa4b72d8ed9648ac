"""Readable tables: columns sized to their content (at most WIDEST_COLUMN), one column taking the room left,
elided text shown whole as a tooltip, a width the user set kept for the next time."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip
from support.gui import start_runner

from jukiaudit_desktop.core.audit import AuditType, FindingClass
from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.gui.audit_models import FindingColumn
from jukiaudit_desktop.gui.pages.findings import FindingsPage
from jukiaudit_desktop.gui.row_table import WIDEST_COLUMN, ElidedTextTips
from jukiaudit_desktop.services import audits, findings, master_data
from jukiaudit_desktop.storage.database import Database

LONG_AGENCY = "健康福祉部 健康福祉政策課 地域医療推進室 医療従事者確保係 兼 災害医療対策係 兼 救急医療体制整備係 兼 在宅医療推進係 兼 医療安全支援センター 兼 看護職員確保対策係"


def seed(db: Database) -> None:
    master_data.add_agency(db, Agency("K15", LONG_AGENCY))
    audit_id = audits.create_audit(db, "K15", 2025, AuditType.INTERNAL).id
    findings.add_finding(db, audit_id, FindingClass.NEEDS_IMPROVEMENT, "管理帳票を作成していなかった" * 6,  # type: ignore[arg-type]
                         due_date=date(2026, 1, 30))


@pytest.fixture
def page(qtbot, db_path: Path):
    QSettings("JukiAudit", "table-widths").remove("finding_table")
    runner = start_runner(qtbot, db_path, seed)
    page = FindingsPage(runner, today=date(2026, 1, 1))
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 1, timeout=5000)
    yield page
    QSettings("JukiAudit", "table-widths").remove("finding_table")
    runner.close()


def text_width(page: FindingsPage, column: int) -> int:
    metrics = page.table.fontMetrics()
    return max(metrics.horizontalAdvance(str(page.proxy.index(0, column).data() or "")),
               metrics.horizontalAdvance(page.proxy.headerData(column, Qt.Orientation.Horizontal)))


def test_columns_fit_their_content_up_to_a_limit_and_the_title_takes_the_rest(page: FindingsPage) -> None:
    for column in FindingColumn:
        width = page.table.columnWidth(column)
        if column == FindingColumn.TITLE:
            assert width > 300  # the room left, not 5 px
        elif column == FindingColumn.AGENCY:
            assert width == WIDEST_COLUMN < text_width(page, column)  # capped, elided
        else:
            assert width >= text_width(page, column), column.name  # 改善報告期限 「令和8年1月30日」 whole


def test_an_elided_cell_shows_its_whole_text_as_a_tooltip(qtbot, page: FindingsPage) -> None:
    rect = page.table.visualRect(page.proxy.index(0, FindingColumn.AGENCY))
    event = QHelpEvent(QEvent.Type.ToolTip, rect.center(), page.table.viewport().mapToGlobal(rect.center()))
    QApplication.sendEvent(page.table.viewport(), event)
    qtbot.waitUntil(lambda: QToolTip.text() == LONG_AGENCY, timeout=2000)
    tips = page.table.findChild(ElidedTextTips)
    short = page.table.visualRect(page.proxy.index(0, FindingColumn.CLASS)).center()
    assert tips.elided_text(short) is None and tips.elided_text(rect.center()) == LONG_AGENCY  # only cut text


def test_a_width_the_user_sets_is_kept_for_the_next_time(qtbot, page: FindingsPage) -> None:
    page.table.horizontalHeader().resizeSection(FindingColumn.AGENCY, 150)  # as a drag of the handle does
    again = FindingsPage(page.runner, today=date(2026, 1, 1))
    qtbot.addWidget(again)
    again.show()
    again.refresh()
    qtbot.waitUntil(lambda: again.proxy.rowCount() == 1, timeout=5000)
    assert again.table.columnWidth(FindingColumn.AGENCY) == 150
    assert again.table.columnWidth(FindingColumn.DUE) == page.table.columnWidth(FindingColumn.DUE)  # still fitted
