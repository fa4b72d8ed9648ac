"""The Qt binding keeps Python's None alive: a call of a Qt method that returns nothing must not drop a
reference to None (PySide6 6.12.0 on Python 3.11 did, and the app aborted after a few thousand calls)."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_do_not_drop_references_to_none(qapp: Any) -> None:
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")  # returns nothing
        label.setEnabled(True)
    assert sys.getrefcount(None) > before - 100  # with the bug: 4,000 fewer
