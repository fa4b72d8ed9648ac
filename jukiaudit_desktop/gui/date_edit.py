"""A date input that accepts 和暦 or 西暦 (R7.10.3, 令和7年10月3日, 2025/10/03) and shows what it understood."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from ..core.errors import InputError
from ..core.wareki import format_wareki, format_wareki_or, parse_date


class DateEdit(QWidget):
    """A line edit plus a preview of the parsed date in 和暦; empty is allowed when `optional`."""

    def __init__(self, value: date | None = None, *, optional: bool = True, name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.optional = optional
        self.edit = QLineEdit(format_wareki_or(value))
        self.edit.setObjectName(name or "date_edit")
        self.edit.setPlaceholderText("令和7年10月3日 / R7.10.3 / 2025/10/03")
        self.preview = QLabel()
        self.preview.setMinimumWidth(150)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.preview)
        self.edit.textChanged.connect(self._show_preview)
        self._show_preview()

    def set_date(self, value: date | None) -> None:
        self.edit.setText(format_wareki_or(value))

    def date(self, what: str = "日付") -> date | None:
        """The entered date (None when empty and optional); InputError naming `what` when unreadable."""
        text = self.edit.text().strip()
        if not text:
            if self.optional:
                return None
            raise InputError(f"{what}を入力してください。")
        try:
            return parse_date(text)
        except InputError as exc:
            raise InputError(f"{what}: {exc}") from None

    def _show_preview(self) -> None:
        text = self.edit.text().strip()
        if not text:
            self.preview.setText("")
            return
        try:
            self.preview.setText("→ " + format_wareki(parse_date(text)))
            self.preview.setStyleSheet("color: #2e7d32;")
        except InputError:
            self.preview.setText("読めない日付")
            self.preview.setStyleSheet("color: #b00020;")
