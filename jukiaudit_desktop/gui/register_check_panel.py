"""The session's 管理簿 section: per register kind, kept? since, last entry, the agency's own 突合, notes;
the findings the gaps suggest, raised with one button. Database work goes through the runner."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import InputError
from ..core.progress import Progress
from ..core.registers import RegisterCheck, RegisterKind
from ..core.wareki import format_wareki, parse_date
from ..services import register_checks
from ..services.database_access import Database
from .errors import show_error
from .tasks import DbRunner

HEADERS = ("管理簿", "備えている", "作成開始日", "最終記帳日", "所属の突合頻度", "最終突合日", "突合の確認者", "備考")
KIND, KEPT, SINCE, LAST_ENTRY, FREQUENCY, LAST_CHECKED, CHECKED_BY, NOTE = range(len(HEADERS))


def _date_text(day: date | None) -> str:
    return format_wareki(day) if day else ""


class RegisterCheckPanel(QWidget):
    findings_raised = Signal(int)  # how many

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("register_check_panel")
        self.runner = runner
        self.audit_id: int | None = None
        self.table = QTableWidget(len(RegisterKind), len(HEADERS))
        self.table.setObjectName("register_check_table")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.save_button = QPushButton("管理簿の点検を保存(&S)")
        self.save_button.setObjectName("register_check_save")
        self.raise_button = QPushButton("提案の指摘事項を起票(&R)")
        self.raise_button.setObjectName("register_check_raise")
        self.proposals_label = QLabel()
        self.proposals_label.setObjectName("register_check_proposals")
        self.proposals_label.setWordWrap(True)
        self.save_button.clicked.connect(self.save)
        self.raise_button.clicked.connect(self.raise_proposals)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.raise_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.proposals_label)
        layout.addLayout(buttons)
        self._fill([])

    def load(self, audit_id: int) -> None:
        self.audit_id = audit_id
        self.runner.submit(lambda db, _p: register_checks.register_view(db, audit_id), self._show)

    def clear(self) -> None:
        self.audit_id = None
        self._fill([])
        self.proposals_label.setText("")

    def _fill(self, checks: list[RegisterCheck]) -> None:
        recorded = {c.kind: c for c in checks}
        for row, kind in enumerate(RegisterKind):
            check = recorded.get(kind)
            name = QTableWidgetItem(kind.value)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, KIND, name)
            kept = QTableWidgetItem("")
            kept.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            kept.setCheckState(Qt.CheckState.Checked if check is None or check.kept else Qt.CheckState.Unchecked)
            self.table.setItem(row, KEPT, kept)
            values = ("", "", "", "", "", "", "") if check is None else (
                _date_text(check.since), _date_text(check.last_entry), check.check_frequency,
                _date_text(check.last_checked), check.checked_by, check.note)
            for column, value in zip(range(SINCE, NOTE + 1), values, strict=False):
                self.table.setItem(row, column, QTableWidgetItem(value))

    def _show(self, view: register_checks.RegisterView) -> None:
        self._fill(view.checks)
        recorded = len(view.checks)
        lines = [f"・[{p.finding_class.value}] {p.title} — {p.condition}" for p in view.proposals]
        head = f"記録済み {recorded}/{len(RegisterKind)} 種。"
        self.proposals_label.setText(head + ("提案する指摘事項:\n" + "\n".join(lines) if lines
                                             else "管理簿から提案する指摘事項はありません。"))
        self.raise_button.setEnabled(bool(view.proposals))

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return "" if item is None else item.text().strip()

    def _day(self, row: int, column: int) -> date | None:
        text = self._text(row, column)
        if not text:
            return None
        try:
            return parse_date(text)
        except InputError as exc:
            raise InputError(f"{RegisterKind(self._text(row, KIND)).value}・{HEADERS[column]}: {exc}") from None

    def _kept(self, row: int) -> bool:
        item = self.table.item(row, KEPT)
        return item is not None and item.checkState() == Qt.CheckState.Checked

    def checks(self) -> list[RegisterCheck]:
        """The table as records (InputError naming the register and column of an unreadable date)."""
        return [RegisterCheck(kind, self._kept(row),
                              self._day(row, SINCE), self._day(row, LAST_ENTRY), self._text(row, FREQUENCY),
                              self._day(row, LAST_CHECKED), self._text(row, CHECKED_BY), self._text(row, NOTE))
                for row, kind in enumerate(RegisterKind)]

    def save(self) -> None:
        if self.audit_id is None:
            return
        try:
            checks = self.checks()
        except InputError as exc:
            show_error(self, exc)
            return
        audit_id = self.audit_id

        def record(db: Database, _progress: Progress) -> Any:
            register_checks.record_checks(db, audit_id, checks)
            return register_checks.register_view(db, audit_id)

        self.runner.submit(record, self._show, lambda exc: show_error(self, exc), label="保存しています")

    def raise_proposals(self) -> None:
        if self.audit_id is None:
            return
        audit_id = self.audit_id

        def work(db, _p):  # type: ignore[no-untyped-def]
            raised = register_checks.raise_proposals(db, audit_id)
            return len(raised), register_checks.register_view(db, audit_id)

        def done(result: tuple[int, register_checks.RegisterView]) -> None:
            self._show(result[1])
            self.findings_raised.emit(result[0])

        self.runner.submit(work, done, lambda exc: show_error(self, exc), label="起票しています")
