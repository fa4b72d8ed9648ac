"""ホーム on the demo data: what it lists is what services/home.py computes, a double-click opens the audit, the
finding or the agency on its own page, and the navigation counts overdue findings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from support.gui import app_font, click_row, double_click_row, in_db, start_runner

from jukiaudit_desktop.core.planning import AuditKind
from jukiaudit_desktop.gui.audit_models import OVERDUE_COLOUR
from jukiaudit_desktop.gui.main_window import MainWindow
from jukiaudit_desktop.gui.pages.audits import AuditsPage
from jukiaudit_desktop.gui.pages.findings import FindingsPage
from jukiaudit_desktop.gui.pages.home import HomePage
from jukiaudit_desktop.gui.pages.reconcile import ReconcilePage
from jukiaudit_desktop.services import audits, backup, home, master_data, planning

# A day of 令和7年度 (the demo's latest year), eleven days after the demo findings' 改善報告期限 (R8.1.30).
TODAY = date(2026, 2, 10)


@pytest.fixture
def window(qtbot, demo_db_path: Path):
    demo_runner = start_runner(qtbot, demo_db_path)  # a copy of the session's demo database
    window = MainWindow(demo_runner)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    home_page = window.page(HomePage)
    assert isinstance(home_page, HomePage)
    home_page.today = TODAY
    window.show()
    window.database_opened()
    qtbot.waitUntil(lambda: home_page.summary is not None and not demo_runner.busy, timeout=20000)
    yield window
    window.close()
    demo_runner.close()


def home_of(window: MainWindow) -> HomePage:
    page = window.page(HomePage)
    assert isinstance(page, HomePage)
    return page


def reload(qtbot, window: MainWindow) -> HomePage:
    page = home_of(window)
    page.summary = None
    page.refresh()
    qtbot.waitUntil(lambda: page.summary is not None and not window.runner.busy, timeout=10000)
    return page


def cells(table, row: int) -> list[str]:
    model = table.model()
    return [model.index(row, c).data() for c in range(model.columnCount())]


def rows_of(table) -> list[list[str]]:
    return [cells(table, r) for r in range(table.model().rowCount())]


def test_home_opens_first_and_lists_what_the_service_finds(qtbot, window, tmp_path: Path) -> None:
    # One planned audit not created yet and one planned audit already made, then a backup.
    made = in_db(qtbot, window.runner, lambda db: next(a for a in audits.list_audits(db, fiscal_year=2025)
                                                     if a.audit_type.value == "内部監査"))
    fresh = in_db(qtbot, window.runner, lambda db: next(
        a.code for a in master_data.list_agencies(db)
        if not audits.list_audits(db, fiscal_year=2025, agency_id=a.id)))
    in_db(qtbot, window.runner, lambda db: planning.pin_agency(db, fresh, 2025, AuditKind.INTERNAL))
    in_db(qtbot, window.runner, lambda db: planning.pin_agency(db, made.agency_code, 2025, AuditKind.INTERNAL))
    in_db(qtbot, window.runner, lambda db: backup.create_backup(db, tmp_path / "copy.db"))
    page = reload(qtbot, window)
    assert window.pages.currentWidget() is page and window.navigation.currentRow() == 0
    summary = in_db(qtbot, window.runner, lambda db: home.load_home(db, TODAY))

    assert page.heading.text() == "令和7年度  今日は 令和8年2月10日"
    assert page.backup_label.text().startswith("最後のバックアップ: 令和")
    assert summary.backup_age_days is not None and summary.backup_age_days < 0  # made "today", after TODAY
    # 今年度の監査: the two plan entries first (in the plan's order), then the year's other 内部/外部監査.
    audit_rows = rows_of(page.audit_table)
    assert [(r[0].split()[0], r[1], r[2]) for r in audit_rows] == [
        (a.agency_code, a.audit_type, a.state) for a in summary.audits]
    assert all(r[5] == "計画どおり" for r in audit_rows[:2]) and all(r[5] == "計画外" for r in audit_rows[2:])
    assert len(summary.audits) == 12 + 1  # the demo's 12 audits of R7 and the planned one not yet made
    not_made = next(r for r in audit_rows if r[0].startswith(fresh))
    assert not_made[1:4] == ["内部監査", "未着手", "監査未作成"] and not_made[5] == "計画どおり"
    planned_made = next(r for r in audit_rows if r[0].startswith(made.agency_code) and r[1] == "内部監査")
    assert planned_made[2] == home.IN_PROGRESS if made.status.value == "改善確認中" else home.DONE
    assert planned_made[5] == "計画どおり"
    assert "未着手 1 件" in page.audit_box.title()
    # Findings: every demo finding not 完了 is past its due day, red; the 完了 ones are not listed.
    finding_rows = rows_of(page.finding_table)
    assert len(finding_rows) == len(summary.due_findings) == summary.overdue_count == 4
    assert {r[3] for r in finding_rows} == {d.finding.title for d in summary.due_findings}
    assert all(r[1] == "11 日超過" and r[4] != "完了" for r in finding_rows)
    model = page.finding_table.model()
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole).color() == OVERDUE_COLOUR
    # C09's logs were imported and never reconciled.
    assert [r[0].split()[0] for r in rows_of(page.agency_table)] == [a.code for a in summary.unreconciled] == ["C09"]
    assert rows_of(page.agency_table)[0][2] == "未実施"


def test_double_click_opens_the_finding_the_audit_and_the_agency(qtbot, window) -> None:
    page = home_of(window)
    title = cells(page.finding_table, 1)[3]
    double_click_row(qtbot, page.finding_table, 1)
    findings_page = window.page(FindingsPage)
    assert isinstance(findings_page, FindingsPage)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is findings_page, timeout=5000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10000)
    assert findings_page.selected_finding().title == title
    assert window.navigation.currentItem().text() == "指摘事項 ④"

    window.navigation.setCurrentRow(0)
    row = next(r for r, cols in enumerate(rows_of(page.audit_table)) if cols[3] == "改善確認中")
    agency = cells(page.audit_table, row)[0]
    click_row(qtbot, page.audit_table, row)
    qtbot.keyClick(page.audit_table, Qt.Key.Key_Return)  # Enter does what a double-click does
    audits_page = window.page(AuditsPage)
    assert isinstance(audits_page, AuditsPage)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is audits_page and not window.runner.busy, timeout=10000)
    chosen = audits_page.selected_audit()
    assert f"{chosen.agency_code} {chosen.agency_name}" == agency and chosen.fiscal_year == 2025
    assert chosen.status.value == "改善確認中"

    window.navigation.setCurrentRow(0)
    double_click_row(qtbot, page.agency_table, 0)
    reconcile = window.page(ReconcilePage)
    assert isinstance(reconcile, ReconcilePage)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is reconcile, timeout=5000)
    qtbot.waitUntil(lambda: reconcile.current_agency_code() == "C09", timeout=10000)


def test_navigation_counts_follow_the_data(qtbot, window) -> None:
    texts = [window.navigation.item(r).text() for r in range(window.navigation.count())]
    assert texts == ["ホーム", "監査計画", "監査", "ログ突合 ①", "指摘事項 ④", "マスタ", "設定", "市町村"]
    assert all(not window.navigation.item(r).icon().isNull() for r in range(window.navigation.count()))
    # Ten days earlier nothing is overdue yet: the findings are due soon, not red, and the count goes.
    home_of(window).today = date(2026, 1, 20)
    page = reload(qtbot, window)
    assert window.navigation.item(4).text() == "指摘事項"
    assert all(r[1] == "あと 10 日" for r in rows_of(page.finding_table))
    assert page.finding_table.model().index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    # A reconciliation of C09: the ログ突合 count goes once a page is shown again.
    from jukiaudit_desktop.reconcile.settings import ReconcileSettings
    from jukiaudit_desktop.services import reconciliation

    in_db(qtbot, window.runner, lambda db: reconciliation.run_reconciliation(db, "C09", ReconcileSettings()))
    window.navigation.setCurrentRow(5)
    qtbot.waitUntil(lambda: window.navigation.item(3).text() == "ログ突合", timeout=10000)


def test_a_year_without_plan_or_audits_says_so(qtbot, window) -> None:
    home_of(window).today = date(2027, 5, 1)  # 令和9年度: nothing planned, nothing done
    page = reload(qtbot, window)
    assert page.audit_table.isHidden() and page.audits.rowCount() == 0
    assert page.no_plan_label.isVisible() and page.no_plan_label.text().startswith("令和9年度の監査は計画も実施もまだ")
    assert rows_of(page.finding_table)[0][1] == "456 日超過"  # R8.1.30 → R9.5.1


@pytest.fixture
def font_first(qapp):
    """The app's Japanese font, set before the window is built (as the app does): measured as a user sees it."""
    with app_font():
        yield


def test_every_page_fits_a_1280_by_800_laptop_beside_a_readable_navigation(qtbot, font_first, window) -> None:
    """At 1280×800: the window is not forced wider than the screen, the navigation is not squeezed below its
    widest entry (icon, title, count), and each page gets at least the room it needs."""
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=5000)
    assert window.minimumSizeHint().width() <= 1280
    navigation = window.navigation
    assert "指摘事項 ④" in [navigation.item(r).text() for r in range(navigation.count())]
    assert navigation.width() >= navigation.sizeHintForColumn(0) + 2 * navigation.frameWidth()
    for page in window.page_widgets:
        assert page.minimumSizeHint().width() <= window.pages.width(), type(page).__name__
