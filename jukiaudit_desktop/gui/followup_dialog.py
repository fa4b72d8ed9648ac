"""The 改善報告 dialog: the date of the agency's report, the status it brings the finding to (one of the inspector's
follow-up statuses), the 予定日 where that status asks for one, what it says."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QWidget,
)

from ..core.audit import Finding
from ..core.errors import JukiAuditError
from ..services import findings
from ..services.followup_statuses import FollowupStatuses
from .date_edit import DateEdit
from .submit_dialog import SubmitDialog
from .tasks import DbRunner


class FollowupDialog(SubmitDialog):
    """Adds one follow-up report to `finding` through the runner; emits `saved(Followup)`."""

    saved = Signal(object)

    def __init__(self, runner: DbRunner, finding: Finding, statuses: FollowupStatuses, *,
                 today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("followup_dialog")
        self.setWindowTitle("改善報告の登録")
        self.setMinimumWidth(520)
        self.finding = finding
        subject = QLabel(f"{finding.agency_name}: {finding.title}(現在: {finding.status})")
        subject.setWordWrap(True)
        self.date_edit = DateEdit(today or date.today(), optional=False, name="reported_on_edit")
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("followup_status_combo")
        self.status_combo.addItems(statuses.names)
        self.status_combo.setCurrentText(finding.status)
        self.statuses = statuses
        self.planned_edit = DateEdit(None, optional=True, name="planned_on_edit")
        self.status_combo.currentTextChanged.connect(self._status_changed)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setObjectName("followup_note_edit")
        self.note_edit.setPlaceholderText("報告の内容(実施した改善、添付された資料など)")
        self.note_edit.setTabChangesFocus(True)
        form = QFormLayout()
        form.addRow("指摘事項", subject)
        form.addRow("報告日", self.date_edit)
        form.addRow("改善状況", self.status_combo)
        form.addRow("予定日", self.planned_edit)
        self.form = form
        form.addRow("内容", self.note_edit)
        self.save_button = self.finish_layout(form, "登録", "save_button")
        self._status_changed(self.status_combo.currentText())

    def _status_changed(self, name: str) -> None:
        """予定日 only for the statuses that ask for it (一部措置 / 未措置 by default)."""
        status = self.statuses.get(name)
        self.form.setRowVisible(self.planned_edit, status is not None and status.asks_date)

    def accept(self) -> None:
        try:
            reported_on = self.date_edit.date("報告日")
            planned_on = self.planned_edit.date("予定日") if self.planned_edit.isVisibleTo(self) else None
        except JukiAuditError as exc:
            self.show_problem(str(exc))
            return
        status = self.status_combo.currentText()
        note = self.note_edit.toPlainText().strip()
        finding_id = self.finding.id
        self.submit(lambda db, _p: findings.add_followup(db, finding_id, reported_on, status, note,  # type: ignore[arg-type]
                                                         planned_on),
                    self.saved.emit, label="改善報告を登録しています")
