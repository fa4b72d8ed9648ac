"""Editing an audit's details after creation: dates (和暦 or 西暦), place, auditors and attendees.

Saves through the runner (services.audits.update_details) and stays open with the reason when refused."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from ..core.audit import Audit
from ..core.errors import JukiAuditError
from ..core.wareki import format_fiscal_year
from ..services import audits
from .audit_dialog import split_names
from .date_edit import DateEdit
from .submit_dialog import SubmitDialog
from .tasks import DbRunner


class AuditDetailsDialog(SubmitDialog):
    saved = Signal(object)  # the stored Audit after the change

    def __init__(self, runner: DbRunner, audit: Audit, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("audit_details_dialog")
        self.setWindowTitle("監査の詳細を編集")
        self.setMinimumWidth(520)
        self.audit = audit
        form = QFormLayout()
        form.addRow("監査", QLabel(f"{format_fiscal_year(audit.fiscal_year)} {audit.audit_type.value} "
                                 f"{audit.agency_name}"))
        self.start_edit = DateEdit(audit.start_date, name="start_edit")
        form.addRow("開始日", self.start_edit)
        self.end_edit = DateEdit(audit.end_date, name="end_edit")
        form.addRow("終了日", self.end_edit)
        self.place_edit = QLineEdit(audit.place)
        self.place_edit.setObjectName("place_edit")
        form.addRow("場所", self.place_edit)
        self.auditors_edit = QLineEdit("、".join(audit.auditors))
        self.auditors_edit.setObjectName("auditors_edit")
        self.auditors_edit.setPlaceholderText("読点(、)区切りで複数")
        form.addRow("監査人", self.auditors_edit)
        self.attendees_edit = QLineEdit("、".join(audit.attendees))
        self.attendees_edit.setObjectName("attendees_edit")
        self.attendees_edit.setPlaceholderText("読点(、)区切りで複数")
        form.addRow("対象機関出席者", self.attendees_edit)
        self.save_button = self.finish_layout(form, "保存", "save_details_button")

    def accept(self) -> None:
        try:
            start, end = self.start_edit.date("開始日"), self.end_edit.date("終了日")
        except JukiAuditError as exc:
            self.show_problem(str(exc))
            return
        audit_id, place = self.audit.id, self.place_edit.text().strip()
        auditors, attendees = split_names(self.auditors_edit.text()), split_names(self.attendees_edit.text())
        self.submit(lambda db, _p: audits.update_details(db, audit_id, start_date=start, end_date=end, place=place,
                                                         auditors=auditors, attendees=attendees),
                    self.saved.emit, label="保存しています")
