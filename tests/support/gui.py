"""GUI test helpers that act as a user does: click a table row with the mouse, move with the keyboard."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView


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
