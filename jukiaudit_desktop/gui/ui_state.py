"""What the app remembers between starts, in QSettings: window geometry, splitter positions, column widths,
the last agency and the last folder per purpose. Never audit data (no findings, logs or notes), only layout
and where files were.

The settings live in an INI file in the user config folder (`ui-state.ini`), readable by the user.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, QStandardPaths, Qt, QTimer
from PySide6.QtWidgets import QApplication, QHeaderView, QMainWindow, QSplitter, QTableView

from .pages import Page

SETTINGS_FILE = "ui-state.ini"


def settings() -> QSettings:
    folder = Path(platformdirs.user_config_dir("JukiAudit", appauthor=False))
    return QSettings(str(folder / SETTINGS_FILE), QSettings.Format.IniFormat)


def documents_folder() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())


def last_folder(purpose: str) -> str:
    """The folder used last for `purpose` ("logs", "registers", "pdfs", …), else Documents."""
    folder = str(settings().value(f"folders/{purpose}", "", str))
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
    central = window.centralWidget()
    if isinstance(central, QSplitter):
        found["splitters/main"] = central
    for page in window.findChildren(Page):
        name = type(page).__name__
        for index, splitter in enumerate(page.findChildren(QSplitter)):
            found[f"splitters/{name}/{index}"] = splitter
        for index, view in enumerate(page.findChildren(QTableView)):
            found[f"columns/{name}/{index}"] = view.horizontalHeader()
    return found


class ColumnWidths(QObject):
    """The widths a user gave a table's resizable (Interactive) columns, put back whenever the table is
    filled again (pages size their columns to the contents after each load; the user's widths win)."""

    def __init__(self, header: QHeaderView, widths: dict[int, int]) -> None:
        super().__init__(header)
        self.header = header
        self.widths = widths
        header.sectionResized.connect(self._resized)
        header.sectionCountChanged.connect(self._apply_soon)
        view = header.parentWidget()
        if isinstance(view, QTableView) and view.model() is not None:
            view.model().modelReset.connect(self._apply_soon)
            view.model().layoutChanged.connect(self._apply_soon)
        self._apply_soon()

    def _interactive(self, column: int) -> bool:
        return (column < self.header.count()
                and self.header.sectionResizeMode(column) == QHeaderView.ResizeMode.Interactive)

    def _resized(self, column: int, _old: int, new: int) -> None:
        if QApplication.mouseButtons() != Qt.MouseButton.NoButton and self._interactive(column):
            self.widths[column] = new  # dragged by the user (not sized by the page)

    def _apply_soon(self, *_args: object) -> None:
        QTimer.singleShot(0, self.apply)  # after the page's own resizeColumnsToContents()

    def apply(self) -> None:
        for column, width in self.widths.items():
            if self._interactive(column):
                self.header.resizeSection(column, width)


class WindowStateKeeper(QObject):
    """Restores the main window's geometry, splitters and column widths, and saves them when it closes."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.store = settings()
        geometry = self.store.value("window/geometry")
        if isinstance(geometry, QByteArray):
            window.restoreGeometry(geometry)
        self.columns: dict[str, ColumnWidths] = {}
        for key, widget in _layout_widgets(window).items():
            state = self.store.value(key)
            if isinstance(widget, QSplitter):
                if isinstance(state, QByteArray):
                    widget.restoreState(state)
            else:
                saved = state if isinstance(state, dict) else {}
                self.columns[key] = ColumnWidths(widget, {int(c): int(w) for c, w in saved.items()})
        window.installEventFilter(self)

    def save(self) -> None:
        self.store.setValue("window/geometry", self.window.saveGeometry())
        for key, widget in _layout_widgets(self.window).items():
            if isinstance(widget, QSplitter):
                self.store.setValue(key, widget.saveState())
        for key, columns in self.columns.items():
            if columns.widths:
                self.store.setValue(key, {str(c): w for c, w in columns.widths.items()})
        self.store.sync()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.save()
        return False
