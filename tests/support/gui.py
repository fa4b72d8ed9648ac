"""Helpers of the GUI tests: a runner on the test's encrypted database, waiting for dialogs and for the worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QAbstractItemView, QApplication

from jukiaudit_desktop.gui.app import install_japanese_font
from jukiaudit_desktop.gui.pages.master import MasterPage
from jukiaudit_desktop.gui.tasks import DbRunner
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage.database import Database

WidgetT = TypeVar("WidgetT")


# Runners started by start_runner in the running test: conftest's close_started_runners closes them after
# it, passed or failed (a worker thread left running aborts the process when Qt deletes its QThread).
STARTED: list[DbRunner] = []


def start_runner(qtbot: Any, db_path: Path, prepare: Callable[[Database], None] | None = None) -> DbRunner:
    """A DbRunner whose worker opens (creating if needed) the real encrypted database at `db_path`."""
    runner = DbRunner()
    STARTED.append(runner)
    opened: list[Database] = []

    def opener() -> Database:
        db = open_app_database(db_path, create=True)
        if prepare is not None:
            prepare(db)
        return db

    runner.open_database(opener, opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=30000)
    return runner


def in_db(qtbot: Any, runner: DbRunner, work: Callable[[Database], Any]) -> Any:
    """Run `work` on the runner's worker and return its result."""
    results: list[Any] = []
    runner.submit(lambda db, _p: work(db), results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    return results[0]


def settle(qtbot: Any, runner: DbRunner) -> None:
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)


def wait_dialog(qtbot: Any, kind: type[WidgetT]) -> WidgetT:
    found: list[Any] = []

    def visible() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
        return bool(found)

    qtbot.waitUntil(visible, timeout=5000)
    return found[0]


def click_row(qtbot: Any, view: QAbstractItemView, row: int, column: int = 0) -> None:
    """Click the cell (row, column) of `view` with the left mouse button, scrolling it into view first —
    the selection then changes through Qt's own mouse handling, in the order a user's click causes."""
    index = view.model().index(row, column)
    assert index.isValid(), f"no row {row} in {view.objectName()}"
    view.scrollTo(index)
    rect = view.visualRect(index)
    assert rect.isValid() and view.viewport().rect().contains(rect.center()), f"row {row} not visible"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def key_to_row(qtbot: Any, view: QAbstractItemView, key: Qt.Key) -> None:
    """Press `key` (↑/↓/Home/End…) on the view, as a user moving through the rows."""
    view.setFocus()
    qtbot.keyClick(view, key)


def double_click_row(qtbot: Any, view: QAbstractItemView, row: int, column: int = 0) -> None:
    """Double-click the cell (row, column) of `view`, as a user opening what the row shows."""
    click_row(qtbot, view, row, column)
    rect = view.visualRect(view.model().index(row, column))
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


@contextmanager
def app_font() -> Iterator[None]:
    """The app's own font (IPAex Gothic): layouts measured and screenshots read as a user sees them; after, the
    previous font and no application font, so that what a later test measures does not depend on the order."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    previous = app.font()
    install_japanese_font(app)
    try:
        yield
    finally:
        app.setFont(previous)
        QFontDatabase.removeAllApplicationFonts()


def open_master_page(qtbot: Any, runner: DbRunner, ready: Callable[[MasterPage], bool],
                     tab: str | None = None) -> MasterPage:
    """The マスタ page shown (on its tab named `tab`, e.g. "operator_tab"), once `ready(page)` holds."""
    page = MasterPage(runner)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.refresh()
    if tab is not None:
        page.tabs.setCurrentWidget(getattr(page, tab))
    qtbot.waitUntil(lambda: ready(page), timeout=10000)
    return page
