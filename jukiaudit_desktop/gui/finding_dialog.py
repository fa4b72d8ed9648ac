"""The finding dialog: raise a finding (free, from a checklist item, from a reconciliation discrepancy) or edit one.

Other pages open it with prefilled fields, e.g. the ログ突合 page:

    dialog = FindingDialog(runner, audit_id=None, agency_id=agency_id, discrepancy_id=d.id,
                           title=DISCREPANCY_TITLES[d.kind], parent=self)
    dialog.saved.connect(...)
    dialog.open()

It saves through the runner (services.findings) and emits `saved(Finding)` once stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from ..core.audit import Audit, Finding, FindingClass, Severity
from ..core.errors import JukiAuditError
from ..core.months import add_months
from ..core.wareki import format_fiscal_year
from ..services import audits, findings, settings
from ..services.database_access import Database
from .date_edit import DateEdit
from .submit_dialog import SubmitDialog
from .tasks import DbRunner

TEXT_FIELDS = (  # (field, label, placeholder)
    ("condition", "現状(事実)", "確認した事実: 何が、どうなっていたか"),
    ("criteria", "基準", "規程・要綱など、あるべき姿"),
    ("cause", "原因", "なぜそうなったか"),
    ("effect", "影響", "放置した場合のリスク"),
    ("recommendation", "改善の提案", "何をどう改善すべきか"),
)
DISCREPANCY_HINTS = {  # raise_from_discrepancy fills these when left empty
    "condition": "空欄なら、差異の操作ログと管理簿の行を自動で記載します",
    "criteria": "空欄なら、突合の基準を自動で記載します",
}


def audit_label(audit: Audit) -> str:
    return f"{format_fiscal_year(audit.fiscal_year)} {audit.audit_type.value} {audit.agency_name}"


class FindingDialog(SubmitDialog):
    """Create or edit one finding. `finding` given: edit it; otherwise create on `audit_id` (or a chosen audit of
    `agency_id` when audit_id is None), optionally tied to `item_code` or `discrepancy_id`."""

    saved = Signal(object)  # the stored Finding

    def __init__(self, runner: DbRunner, audit_id: int | None = None, *, finding: Finding | None = None,
                 agency_id: int | None = None, item_code: str | None = None, discrepancy_id: int | None = None,
                 title: str = "", finding_class: FindingClass = FindingClass.NEEDS_IMPROVEMENT,
                 severity: Severity = Severity.MEDIUM, condition: str = "", criteria: str = "", cause: str = "",
                 effect: str = "", recommendation: str = "", due_date: date | None = None,
                 question: str = "", today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("finding_dialog")
        self.finding = finding
        self.audit_id = finding.audit_id if finding else audit_id
        self.item_code = finding.item_code if finding else item_code
        self.discrepancy_id = finding.discrepancy_id if finding else discrepancy_id
        self.setWindowTitle("指摘事項の編集" if finding else "指摘事項の起票")
        self.setMinimumWidth(620)
        if finding is not None:
            title, finding_class, severity = finding.title, finding.finding_class, finding.severity
            condition, criteria, cause = finding.condition, finding.criteria, finding.cause
            effect, recommendation, due_date = finding.effect, finding.recommendation, finding.due_date

        form = QFormLayout()
        self.audit_combo = QComboBox()
        self.audit_combo.setObjectName("audit_combo")
        self.audit_label = QLabel()
        self.audit_label.setObjectName("audit_label")
        if self.audit_id is None:
            form.addRow("監査", self.audit_combo)
            runner.submit(lambda db, _p: audits.list_audits(db, agency_id=agency_id), self._fill_audits)
        else:
            form.addRow("監査", self.audit_label)
            runner.submit(lambda db, _p: audits.get_audit(db, self.audit_id), self._show_audit)  # type: ignore[arg-type]
        source = (f"チェックリスト項目 {self.item_code}" if self.item_code else "") + \
                 (f" ログ突合の差異 ID {self.discrepancy_id}" if self.discrepancy_id else "")
        if source.strip():
            source_label = QLabel(source.strip())
            source_label.setObjectName("source_label")
            form.addRow("起票元", source_label)
        self.class_combo = self._combo("class_combo", [c.value for c in FindingClass], finding_class.value)
        form.addRow("区分", self.class_combo)
        self.severity_combo = self._combo("severity_combo", [s.value for s in Severity], severity.value)
        form.addRow("重要度", self.severity_combo)
        self.title_edit = QLineEdit(title)
        self.title_edit.setObjectName("title_edit")
        self.title_edit.setPlaceholderText("指摘の要旨(一文)")
        form.addRow("件名", self.title_edit)
        if question:  # the checklist item's question, to write the title against (not as the title)
            question_label = QLabel(question)
            question_label.setObjectName("question_label")
            question_label.setWordWrap(True)
            question_label.setStyleSheet("color: #555;")
            form.addRow("項目の問い", question_label)
        prefilled = {"condition": condition, "criteria": criteria, "cause": cause, "effect": effect,
                     "recommendation": recommendation}
        self.text_edits: dict[str, QPlainTextEdit] = {}
        for field, label, placeholder in TEXT_FIELDS:
            edit = QPlainTextEdit(prefilled[field])
            edit.setObjectName(f"{field}_edit")
            edit.setTabChangesFocus(True)
            from_discrepancy = self.discrepancy_id is not None and finding is None
            edit.setPlaceholderText(DISCREPANCY_HINTS.get(field, placeholder) if from_discrepancy else placeholder)
            edit.setFixedHeight(64 if field == "condition" else 48)
            self.text_edits[field] = edit
            form.addRow(label, edit)
        self.due_edit = DateEdit(due_date, name="due_edit")
        form.addRow("改善報告期限", self.due_edit)
        if finding is None and due_date is None:
            raised_on = today or date.today()
            runner.submit(lambda db, _p: settings.report_due_months(db),
                          lambda months: self._default_due(raised_on, months))
        self.save_button = self.finish_layout(form, "保存", "save_button")
        self.title_edit.setFocus()

    def _default_due(self, raised_on: date, months: int) -> None:
        """発行日 (the day it is raised) + the months of the setting, unless a date was typed meanwhile."""
        if not self.due_edit.edit.text().strip():
            self.due_edit.set_date(add_months(raised_on, months))
            self.due_edit.setToolTip(f"既定: 起票日の {months} か月後(設定で変更できます)")

    @staticmethod
    def _combo(name: str, values: list[str], current: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.addItems(values)
        combo.setCurrentText(current)
        return combo

    def _fill_audits(self, found: list[Audit]) -> None:
        for audit in sorted(found, key=lambda a: (-a.fiscal_year, a.agency_code, a.audit_type.value)):
            if audit.audit_type.value != "自己点検":
                self.audit_combo.addItem(audit_label(audit), audit.id)
        if self.audit_combo.count() == 0:
            self.show_problem("起票先の監査がありません。先に「監査」ページで監査を作成してください。")

    def _show_audit(self, audit: Audit) -> None:
        self.audit_label.setText(audit_label(audit))

    def values(self) -> dict[str, Any]:
        """The entered fields, as services.findings takes them; InputError for a bad due date."""
        values: dict[str, Any] = {
            "finding_class": FindingClass(self.class_combo.currentText()),
            "severity": Severity(self.severity_combo.currentText()),
            "title": self.title_edit.text().strip(),
            "due_date": self.due_edit.date("改善報告期限"),
        }
        for field, edit in self.text_edits.items():
            values[field] = edit.toPlainText().strip()
        return values

    def accept(self) -> None:
        try:
            values = self.values()
            if not values["title"]:
                raise JukiAuditError("件名を入力してください。")
            audit_id = self.audit_id if self.audit_id is not None else self.audit_combo.currentData()
            if audit_id is None:
                raise JukiAuditError("起票先の監査を選んでください。")
        except JukiAuditError as exc:
            self.show_problem(str(exc))
            return
        self.submit(lambda db, _p: self._save(db, audit_id, values), self._saved, label="指摘事項を保存しています")

    def _save(self, db: Database, audit_id: int, values: dict[str, Any]) -> Finding:
        if self.finding is not None:
            return findings.update_finding(db, self.finding.id, **values)
        if self.discrepancy_id is not None:
            given = {k: v for k, v in values.items() if v not in ("", None)}  # empty: the service fills it in
            return findings.raise_from_discrepancy(db, audit_id, self.discrepancy_id, item_code=self.item_code,
                                                   **given)
        return findings.add_finding(db, audit_id, values.pop("finding_class"), values.pop("title"),
                                    item_code=self.item_code, **values)

    def _saved(self, finding: Finding) -> None:
        self.finding = finding
        self.saved.emit(finding)
