"""Ctrl+F from anywhere in the main window: the search dialog, then the page showing the result with it selected."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from ..services.search import AGENCY, AUDIT, DISCREPANCY, FINDING, Hit
from .pages.audits import AuditsPage
from .pages.findings import FindingsPage
from .pages.master import MasterPage
from .pages.reconcile import ReconcilePage
from .search_dialog import SearchDialog

if TYPE_CHECKING:
    from .main_window import MainWindow


def install_search(window: MainWindow) -> QAction:
    """Add 検索 (Ctrl+F) to the window; returns the action."""
    action = QAction("検索…", window)
    action.setObjectName("search_action")
    action.setShortcut(QKeySequence.StandardKey.Find)
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda: open_search(window))
    window.addAction(action)
    return action


def open_search(window: MainWindow) -> SearchDialog:
    dialog = SearchDialog(window.runner, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.chosen.connect(lambda hit: show_hit(window, hit))
    dialog.open()
    return dialog


def show_hit(window: MainWindow, hit: Hit) -> None:
    """Open the page of `hit` and select it there once the page has loaded."""
    if hit.kind == AGENCY:
        master = window.page(MasterPage)
        assert isinstance(master, MasterPage)
        master.tabs.setCurrentWidget(master.agency_tab)
        master.agency_tab.filter_edit.setText(str(hit.key))
        go_to(window, master)
    elif hit.kind == AUDIT:
        audits = window.page(AuditsPage)
        assert isinstance(audits, AuditsPage)
        go_to(window, audits)
        window.runner.submit(lambda _db, _p: None, lambda _r: audits.select_audit(int(hit.key)))
    elif hit.kind == FINDING:
        findings = window.page(FindingsPage)
        assert isinstance(findings, FindingsPage)
        go_to(window, findings)
        window.runner.submit(lambda _db, _p: None, lambda _r: findings.select_finding(int(hit.key)))
    elif hit.kind == DISCREPANCY:
        reconcile = window.page(ReconcilePage)
        assert isinstance(reconcile, ReconcilePage)
        reconcile.show_discrepancy(hit.agency_code, int(hit.key))
        go_to(window, reconcile)


def go_to(window: MainWindow, page: object) -> None:
    window.navigation.setCurrentRow(window.page_widgets.index(page))  # type: ignore[arg-type]
