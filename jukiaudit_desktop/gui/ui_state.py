"""What the app remembers between starts, in QSettings: window geometry, splitter positions, column widths,
the last agency and the last folder per purpose. Never audit data (no findings, logs or notes), only layout
and where files were.

The settings live in an INI file in the user config folder (`ui-state.ini`), readable by the user.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, QStandardPaths
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter, QTableView

from .pages import Page

SETTINGS_FILE = "ui-state.ini"


def settings() -> QSettings:
    folder = Path(platformdirs.user_config_dir("JukiAudit", appauthor=False))
    return QSettings(str(folder / SETTINGS_FILE), QSettings.Format.IniFormat)


def documents_folder() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())


def last_folder(purpose: str) -> str:
    """The folder used last for `purpose` ("logs", "registers", "pdfs", …), else Documents."""
    folder = settings().value(f"folders/{purpose}", "", str)
    return folder if folder and Path(folder).is_dir() else documents_folder()


def remember_folder(purpose: str, chosen: str | Path) -> None:
    path = Path(chosen)
    settings().setValue(f"folders/{purpose}", str(path if path.is_dir() else path.parent))


def last_agency() -> str:
    """The code of the agency chosen last (master data, not audit data); "" when none."""
    return str(settings().value("last_agency", "", str))


def remember_agency(code: str) -> None:
    settings().setValue("last_agency", code)


def _layout_widgets(window: QMainWindow) -> dict[str, QSplitter | QHeaderView]:
    """The window's splitters and table headers, each under a stable name: its page's class and its index
    among that page's splitters or tables (pages build their widgets in a fixed order)."""
    found: dict[str, QSplitter | QHeaderView] = {}
    if isinstance(window.centralWidget(), QSplitter):
        found["splitters/main"] = window.centralWidget()
    for page in window.findChildren(Page):
        name = type(page).__name__
        for index, splitter in enumerate(page.findChildren(QSplitter)):
            found[f"splitters/{name}/{index}"] = splitter
        for index, view in enumerate(page.findChildren(QTableView)):
            found[f"columns/{name}/{index}"] = view.horizontalHeader()
    return found


class WindowStateKeeper(QObject):
    """Restores the main window's geometry, splitters and column widths, and saves them when it closes.

    Column widths are applied when a table first gets its columns (its model is filled after start-up).
    """

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.store = settings()
        geometry = self.store.value("window/geometry")
        if isinstance(geometry, QByteArray):
            window.restoreGeometry(geometry)
        for key, widget in _layout_widgets(window).items():
            state = self.store.value(key)
            if not isinstance(state, QByteArray):
                continue
            if isinstance(widget, QSplitter):
                widget.restoreState(state)
            else:
                _restore_when_filled(widget, state)
        window.installEventFilter(self)

    def save(self) -> None:
        self.store.setValue("window/geometry", self.window.saveGeometry())
        for key, widget in _layout_widgets(self.window).items():
            if isinstance(widget, QSplitter) or widget.count():
                self.store.setValue(key, widget.saveState())
        self.store.sync()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.save()
        return False


def _restore_when_filled(header: QHeaderView, state: QByteArray) -> None:
    if header.count():
        header.restoreState(state)
        return

    def first_columns(_old: int, new: int) -> None:
        if new:
            header.sectionCountChanged.disconnect(first_columns)
            header.restoreState(state)

    header.sectionCountChanged.connect(first_columns)
