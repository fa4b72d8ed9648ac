"""ホーム wired into the main window: a row of the home page opens its page with it selected, and the
navigation carries an icon per page and the home page's counts (「指摘事項 ③」: three findings overdue)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QStyle

from ..services.home import Home
from ..services.search import AUDIT, FINDING, Hit
from .pages import Page
from .pages.audits import AuditsPage
from .pages.findings import FindingsPage
from .pages.home import HomePage
from .pages.reconcile import ReconcilePage
from .search_navigation import go_to, show_hit

if TYPE_CHECKING:
    from .main_window import MainWindow

SP = QStyle.StandardPixmap
ICONS = {"ホーム": SP.SP_DirHomeIcon, "監査計画": SP.SP_FileDialogDetailedView, "監査": SP.SP_FileDialogContentsView,
         "ログ突合": SP.SP_BrowserReload, "指摘事項": SP.SP_MessageBoxWarning, "マスタ": SP.SP_FileDialogListView,
         "設定": SP.SP_ComputerIcon, "市町村": SP.SP_DirIcon}


def circled(count: int) -> str:
    """① … ⑳ for 1–20, (21) above; empty for none."""
    if count <= 0:
        return ""
    return chr(0x2460 + count - 1) if count <= 20 else f"({count})"


def page_counts(summary: Home) -> dict[type[Page], int]:
    """What each page's navigation entry counts: this year's audits not started, findings overdue, agencies
    whose logs wait for reconciliation."""
    return {AuditsPage: summary.not_started_count, FindingsPage: summary.overdue_count,
            ReconcilePage: len(summary.unreconciled)}


def install_home(window: MainWindow) -> None:
    home = window.page(HomePage)
    assert isinstance(home, HomePage)
    style = window.style()
    for row, page in enumerate(window.page_widgets):
        if page.title in ICONS:
            window.navigation.item(row).setIcon(style.standardIcon(ICONS[page.title]))
    window.fit_navigation()
    home.open_audit.connect(lambda audit_id: open_audit(window, audit_id))
    home.open_finding.connect(lambda finding_id: show_hit(window, Hit(FINDING, "", finding_id, "")))
    home.open_agency.connect(lambda code: open_agency(window, code))
    home.loaded.connect(lambda summary: show_counts(window, summary))
    # Counts follow the data: every page shown reloads the home page's summary as well.
    window.navigation.currentRowChanged.connect(lambda row: home.refresh() if window.page_widgets[row] is not home
                                                else None)


def open_audit(window: MainWindow, audit_id: int | None) -> None:
    if audit_id is None:  # planned, not created yet: the audit list, where 新規作成 offers it first
        go_to(window, window.page(AuditsPage))
    else:
        show_hit(window, Hit(AUDIT, "", audit_id, ""))


def open_agency(window: MainWindow, code: str) -> None:
    reconcile = window.page(ReconcilePage)
    assert isinstance(reconcile, ReconcilePage)
    reconcile.show_discrepancy(code, None)
    go_to(window, reconcile)


def show_counts(window: MainWindow, summary: Home) -> None:
    counts = page_counts(summary)
    for row, page in enumerate(window.page_widgets):
        mark = circled(counts.get(type(page), 0))
        window.navigation.item(row).setText(f"{page.title} {mark}" if mark else page.title)
    window.fit_navigation()
