"""Files dropped from the file manager onto a widget (ログ突合, the import dialog) are handed to a callback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QWidget


def dropped_files(mime: QMimeData) -> list[Path]:
    """The local files (not folders, not web addresses) among what is dragged."""
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile() and Path(url.toLocalFile()).is_file()]


class FileDrop(QObject):
    """Accepts a drag of local files onto `widget` and calls `on_files(paths)` when they are dropped."""

    def __init__(self, widget: QWidget, on_files: Callable[[list[Path]], object]) -> None:
        super().__init__(widget)
        self.on_files = on_files
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if isinstance(event, QDragEnterEvent | QDropEvent) and event.type() in (
                QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            paths = dropped_files(event.mimeData())
            if not paths:
                return False
            event.acceptProposedAction()
            if event.type() == QEvent.Type.Drop:
                self.on_files(paths)
            return True
        return False
