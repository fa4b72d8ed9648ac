"""Python's cyclic garbage collector runs on the GUI thread only.

Left automatic, a collection starts in whichever thread happens to allocate, also the database worker; a
cycle holding a Qt widget is then finalised off the GUI thread and Qt aborts the process ("double free",
seen in the test suite). Automatic collection is switched off and a timer on the GUI thread collects
whenever the allocation counts pass Python's own thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

_CHECK_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start(_CHECK_MS)

    @staticmethod
    def collect_if_due() -> None:
        first, second, third = gc.get_threshold()
        young, middle, old = gc.get_count()
        if old > third:
            gc.collect(2)
        elif middle > second:
            gc.collect(1)
        elif young > first:
            gc.collect(0)
