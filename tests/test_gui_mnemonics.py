"""Every Alt+letter works: on each page of the main window (with its menus), in the session view and in the
dialogs, no two visible buttons, menus, tabs or labels share a mnemonic."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from support.gui import click_row, start_runner
from support.mnemonics import clashes, mnemonics

from jukiaudit_desktop.gui.audit_models import AuditColumn
from jukiaudit_desktop.gui.main_window import MainWindow
from jukiaudit_desktop.gui.pages.audits import AuditsPage


@pytest.fixture
def window(qtbot, demo_db_path: Path):
    runner = start_runner(qtbot, demo_db_path)
    window = MainWindow(runner)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.database_opened()
    yield window
    runner.close()


@pytest.mark.slow
def test_no_two_visible_mnemonics_share_a_letter_on_any_page(qtbot, window: MainWindow) -> None:
    seen = {}
    for row, page in enumerate(window.page_widgets):
        window.navigation.setCurrentRow(row)
        qtbot.waitUntil(lambda: not window.runner.busy, timeout=10000)
        assert "Alt+F" in mnemonics(window)  # the menus are counted
        seen[page.title] = clashes(window)
    audits = window.page(AuditsPage)
    window.navigation.setCurrentRow(window.page_widgets.index(audits))
    qtbot.waitUntil(lambda: audits.proxy.rowCount() > 0, timeout=10000)
    click_row(qtbot, audits.table, 0, AuditColumn.AGENCY)
    qtbot.keyClick(audits.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: audits.session.items.rowCount() > 0, timeout=10000)
    seen["現地監査"] = clashes(window)
    assert {title: found for title, found in seen.items() if found} == {}
