"""Search from anywhere (Ctrl+F): agencies, audits, findings and discrepancies, each result opening its page with
it selected."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from support.gui import in_db, start_runner, wait_dialog

from jukiaudit_desktop.gui.main_window import MainWindow
from jukiaudit_desktop.gui.pages.audits import AuditsPage
from jukiaudit_desktop.gui.pages.findings import FindingsPage
from jukiaudit_desktop.gui.pages.master import MasterPage
from jukiaudit_desktop.gui.pages.reconcile import ReconcilePage
from jukiaudit_desktop.gui.search_dialog import SearchDialog
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services import reconciliation, search
from jukiaudit_desktop.services.master_demo import SAMPLE_AGENCY_CODE


def prepare(db) -> None:  # on a copy of the session's demo database
    reconciliation.run_reconciliation(db, SAMPLE_AGENCY_CODE, ReconcileSettings())


@pytest.fixture
def window(qtbot, demo_db_path: Path):
    runner = start_runner(qtbot, demo_db_path, prepare)
    window = MainWindow(runner)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    window.database_opened()
    qtbot.waitUntil(lambda: not runner.busy, timeout=20000)
    yield window
    runner.close()


def pick(qtbot, window: MainWindow, query: str, kind: str) -> search.Hit:
    """Ctrl+F, type, choose the first result of `kind` with Enter."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    dialog = wait_dialog(qtbot, SearchDialog)
    dialog.query.setText(query)
    qtbot.waitUntil(lambda: dialog.results.count() > 0, timeout=10000)
    rows = [dialog.results.item(r).data(Qt.ItemDataRole.UserRole) for r in range(dialog.results.count())]
    row = next(r for r, hit in enumerate(rows) if hit.kind == kind)
    gone: list[bool] = []
    dialog.destroyed.connect(lambda: gone.append(True))
    dialog.results.setCurrentRow(row)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(gone) and not window.runner.busy, timeout=10000)
    return rows[row]


def test_search_finds_every_kind_and_opens_it(qtbot, window: MainWindow) -> None:
    hit = pick(qtbot, window, "交通指導課", search.AUDIT)
    audits = window.page(AuditsPage)
    assert window.pages.currentWidget() is audits
    qtbot.waitUntil(lambda: audits.selected_audit() is not None, timeout=5000)
    assert audits.selected_audit().id == hit.key and audits.open_button.isEnabled()

    hit = pick(qtbot, window, "交通指導課", search.FINDING)
    findings_page = window.page(FindingsPage)
    assert window.pages.currentWidget() is findings_page
    qtbot.waitUntil(lambda: findings_page.selected_finding() is not None, timeout=5000)
    assert findings_page.selected_finding().id == hit.key

    hit = pick(qtbot, window, "無記帳 K10000", search.DISCREPANCY)
    reconcile = window.page(ReconcilePage)
    assert window.pages.currentWidget() is reconcile
    qtbot.waitUntil(lambda: reconcile.selected() is not None and reconcile.selected().id == hit.key, timeout=10000)
    assert reconcile.current_agency_code() == SAMPLE_AGENCY_CODE

    pick(qtbot, window, "交通指導課", search.AGENCY)
    master = window.page(MasterPage)
    assert window.pages.currentWidget() is master
    assert master.agency_tab.proxy.rowCount() == 1
    assert "交通指導課" in master.agency_tab.proxy.index(0, 1).data()


def test_every_word_must_match(qtbot, window: MainWindow) -> None:
    hits = in_db(qtbot, window.runner, lambda db: search.search(db, "交通指導課 存在しない語"))
    assert hits == []
    both = in_db(qtbot, window.runner, lambda db: search.search(db, "ｋ10000 無記帳"))  # width folded
    assert both and all(h.kind == search.DISCREPANCY for h in both)
