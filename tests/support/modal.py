"""The modal-dialog guard: every modal dialog a test opens is recorded and answered "cancel" instead of
blocking the test; a dialog the test did not take from the record fails it.

A test that expects a message box or a file dialog takes the `modal_dialogs` fixture and calls `take()`
(or sets `file_answer`); a test that answers a real modal dialog itself (with a timer) is marked
`@pytest.mark.real_modal`."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QProgressDialog

MESSAGE_BOXES = ("warning", "information", "critical", "question", "about")
INPUT_DIALOGS = ("getText", "getMultiLineText", "getInt", "getDouble", "getItem")
FILE_DIALOGS = ("getOpenFileName", "getOpenFileNames", "getSaveFileName", "getExistingDirectory")
EXEC_CLASSES = (QDialog, QMessageBox, QInputDialog, QFileDialog, QPrintDialog, QProgressDialog)


class ModalGuard:
    """Stands in for every modal dialog of Qt while a test runs (see the module docstring)."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    def take(self) -> list[str]:
        """The dialogs shown so far (as "kind: title: text"), no longer counted as unexpected."""
        taken, self.shown[:] = self.shown[:], []
        return taken

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for name in MESSAGE_BOXES:
            monkeypatch.setattr(QMessageBox, name, staticmethod(self._message_box(name)))
        for name in INPUT_DIALOGS:
            monkeypatch.setattr(QInputDialog, name, staticmethod(self._input_dialog(name)))
        for name in FILE_DIALOGS:
            monkeypatch.setattr(QFileDialog, name, staticmethod(self._file_dialog(name)))
        for cls in EXEC_CLASSES:
            monkeypatch.setattr(cls, "exec", self._exec())

    def _message_box(self, name: str) -> Any:
        def shown(_parent: Any, title: str, text: str, *_args: Any, **_kwargs: Any) -> QMessageBox.StandardButton:
            self.shown.append(f"QMessageBox.{name}: {title}: {text}")
            return QMessageBox.StandardButton.No if name == "question" else QMessageBox.StandardButton.Ok
        return shown

    def _input_dialog(self, name: str) -> Any:
        def shown(_parent: Any, title: str, label: str, *args: Any, **_kwargs: Any) -> tuple[Any, bool]:
            self.shown.append(f"QInputDialog.{name}: {title}: {label}")
            return (args[0] if name in ("getInt", "getDouble") and args else ""), False
        return shown

    def _file_dialog(self, name: str) -> Any:
        def shown(_parent: Any = None, caption: str = "", *_args: Any, **_kwargs: Any) -> Any:
            self.shown.append(f"QFileDialog.{name}: {caption}")
            if name == "getExistingDirectory":
                return ""
            return ([] if name == "getOpenFileNames" else ""), ""
        return shown

    def _exec(self) -> Any:
        def shown(dialog: QDialog) -> int:
            text = dialog.text() if isinstance(dialog, QMessageBox) else ""
            self.shown.append(f"{type(dialog).__name__}.exec: {dialog.windowTitle()}: {text}")
            return int(QDialog.DialogCode.Rejected.value)
        return shown

    def unexpected(self) -> str | None:
        """The failure message when dialogs were shown that the test did not take, else None."""
        if not self.shown:
            return None
        return ("a modal dialog opened unexpectedly (take it with modal_dialogs.take() if the test expects it):\n"
                + "\n".join(self.shown))
