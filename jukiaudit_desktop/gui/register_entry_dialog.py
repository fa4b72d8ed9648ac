"""A dialog to type 業務端末使用管理簿 entries in by hand (a paper register), one after another."""

from __future__ import annotations

from datetime import time

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import JukiAuditError
from ..core.records import RegisterEntry
from ..services import imports
from .date_edit import DateEdit
from .errors import show_error
from .tasks import DbRunner

NO_COUNT = -1  # the spin box's special value: 照会件数 not written in the register


def _time(edit: QTimeEdit) -> time:
    value = edit.time()
    return time(value.hour(), value.minute())


class RegisterEntryDialog(QDialog):
    """Each 登録 stores one entry (through the runner) and clears the form for the next; `saved` carries it."""

    saved = Signal(object)

    def __init__(self, runner: DbRunner, agency_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.agency_id = agency_id
        self.setWindowTitle("業務端末使用管理簿の手入力")
        self.day = DateEdit(optional=False, name="entry_date")
        self.start = QTimeEdit(QTime(9, 0))
        self.start.setObjectName("entry_start")
        self.start.setDisplayFormat("HH:mm")
        self.end = QTimeEdit(QTime(9, 30))
        self.end.setObjectName("entry_end")
        self.end.setDisplayFormat("HH:mm")
        self.midnight = QLabel("")
        self.midnight.setObjectName("midnight_label")
        self.midnight.setWordWrap(True)
        self.midnight.setStyleSheet("color: #8a5a00;")
        self.terminal = QLineEdit()
        self.terminal.setObjectName("entry_terminal")
        self.operator = QLineEdit()
        self.operator.setObjectName("entry_operator")
        self.jimu = QLineEdit()
        self.jimu.setObjectName("entry_jimu")
        self.jimu.setPlaceholderText("例: 別表5-10")
        self.count = QSpinBox()
        self.count.setObjectName("entry_count")
        self.count.setMinimum(NO_COUNT)
        self.count.setMaximum(1_000_000)
        self.count.setSpecialValueText("(記入なし)")
        self.count.setValue(NO_COUNT)
        self.status = QLabel("")
        self.status.setObjectName("entry_status")
        self.status.setWordWrap(True)
        self.setMinimumWidth(480)

        form = QFormLayout()
        form.addRow("使用日(&D)", self.day)
        form.addRow("開始時刻(&S)", self.start)
        form.addRow("終了時刻(&E)", self.end)
        form.addRow("", self.midnight)
        form.addRow("端末ID(&T)", self.terminal)
        form.addRow("使用者ID(&O)", self.operator)
        form.addRow("利用事務コード(&J)", self.jimu)
        form.addRow("照会件数(&N)", self.count)
        buttons = QDialogButtonBox()
        self.save_button = QPushButton("登録(&R)")
        self.save_button.setObjectName("entry_save")
        self.save_button.setDefault(True)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("閉じる", QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

        self.start.timeChanged.connect(self._show_midnight)
        self.end.timeChanged.connect(self._show_midnight)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)

    def _show_midnight(self) -> None:
        crosses = _time(self.end) < _time(self.start)
        self.midnight.setText("終了が開始より前なので、翌日の終了として登録します(日付をまたぐ使用)。" if crosses else "")

    def entry(self) -> RegisterEntry:
        """The entry as typed; InputError when the date is missing or unreadable."""
        day = self.day.date("使用日")
        assert day is not None  # not optional
        start_at, end_at = imports.register_window(day, _time(self.start), _time(self.end))
        count = None if self.count.value() == NO_COUNT else self.count.value()
        return RegisterEntry(start_at, end_at, self.terminal.text(), self.operator.text(), self.jimu.text(), count)

    def save(self) -> None:
        try:
            entry = self.entry()
        except JukiAuditError as exc:
            show_error(self, exc)
            return
        agency_id = self.agency_id
        self.save_button.setEnabled(False)
        self.runner.submit(lambda db, _p: imports.add_register_entry(db, agency_id, entry), self._saved,
                           self._failed)

    def _saved(self, entry: RegisterEntry) -> None:
        self.save_button.setEnabled(True)
        self.status.setText(f"登録しました: {entry.start_at:%H:%M}～{entry.end_at:%H:%M} {entry.terminal} "
                            f"{entry.operator}。続けて入力できます。")
        self.count.setValue(NO_COUNT)
        self.start.setFocus()
        self.saved.emit(entry)

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        show_error(self, exc)
