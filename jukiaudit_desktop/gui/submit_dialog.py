"""A dialog whose confirm button saves through the database worker and stays open, showing the reason, when
the save is refused (audit, finding and follow-up dialogs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLayout, QPushButton, QVBoxLayout, QWidget

from ..core.errors import JukiAuditError
from .errors import show_error
from .tasks import DbRunner, Work


class SubmitDialog(QDialog):
    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self._confirm_button: QPushButton | None = None

    def finish_layout(self, form: QLayout, confirm_text: str, confirm_name: str) -> QPushButton:
        """Put `form`, the error line and the confirm/cancel buttons in place; returns the confirm button."""
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        confirm = buttons.button(QDialogButtonBox.StandardButton.Ok)
        confirm.setText(confirm_text)
        confirm.setObjectName(confirm_name)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._confirm_button = confirm
        return confirm

    def show_problem(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def submit(self, work: Work, on_saved: Callable[[Any], None], label: str) -> None:
        """Run `work` on the worker; on success call `on_saved(result)` and close, else show why and stay open."""
        assert self._confirm_button is not None, "finish_layout() first"
        self._confirm_button.setEnabled(False)

        def saved(result: Any) -> None:
            on_saved(result)
            super(SubmitDialog, self).accept()

        self.runner.submit(work, saved, self._failed, label=label)

    def _failed(self, exc: BaseException) -> None:
        assert self._confirm_button is not None
        self._confirm_button.setEnabled(True)
        if isinstance(exc, JukiAuditError):
            self.show_problem(str(exc))
        else:
            show_error(self, exc)
