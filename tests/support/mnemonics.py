"""Collect the Alt+letter mnemonics a window offers at one moment (visible buttons, labels with buddies, tabs,
menu titles), to find two that share a letter."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QLabel, QMainWindow, QTabBar, QWidget


def _key(text: str) -> str | None:
    sequence = QKeySequence.mnemonic(text)
    return sequence.toString() or None


def mnemonics(window: QWidget) -> dict[str, list[str]]:
    """Alt+X → the texts that use it, among what is visible in `window` now."""
    found: dict[str, list[str]] = defaultdict(list)

    def add(text: str, visible: bool) -> None:
        key = _key(text)
        if visible and key:
            found[key].append(text.replace("&", ""))

    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            add(action.text(), action.isVisible())
    for button in window.findChildren(QAbstractButton):
        add(button.text(), button.isVisible())
    for label in window.findChildren(QLabel):
        if label.buddy() is not None:
            add(label.text(), label.isVisible())
    for bar in window.findChildren(QTabBar):
        for index in range(bar.count()):
            add(bar.tabText(index), bar.isVisible())
    return found


def clashes(window: QWidget) -> dict[str, list[str]]:
    return {key: texts for key, texts in mnemonics(window).items() if len(texts) > 1}
