"""The main window's pages, one module per area; `Page` is what they share."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ..tasks import DbRunner


class Page(QWidget):
    """A page of the main window. `refresh()` is called when the database opens and when the page is shown."""

    title = ""

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner

    def refresh(self) -> None:
        """Reload what the page shows from the database (through the runner)."""

    def clear(self) -> None:
        """Drop every decrypted value the page holds (models, fields); called when the app locks.

        Pages that show data override this and reset their models; `refresh()` fills them again on unlock.
        """
