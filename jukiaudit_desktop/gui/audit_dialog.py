"""The new-audit dialog: agency, 年度 (in 和暦), type, dates, place, auditors; fresh or from the previous audit.

It creates the audit through the runner and stays open with the service's message when that refuses."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ..core.audit import Audit, AuditType
from ..core.errors import JukiAuditError
from ..core.master import Agency
from ..core.planning import AuditKind
from ..core.wareki import fiscal_year, format_fiscal_year
from ..services import audits
from ..services.database_access import Database
from .date_edit import DateEdit
from .submit_dialog import SubmitDialog
from .tasks import DbRunner

YEARS_BACK, YEARS_AHEAD = 3, 2


@dataclass(frozen=True)
class AuditRequest:
    """What the dialog asks services.audits to create."""

    agency_code: str
    fiscal_year: int
    audit_type: AuditType
    start_date: date | None
    end_date: date | None
    place: str
    auditors: tuple[str, ...]
    previous_id: int | None = None


def create_requested(db: Database, request: AuditRequest) -> Audit:
    if request.previous_id is not None:
        return audits.start_from_previous(db, request.previous_id, request.fiscal_year, request.audit_type,
                                          start_date=request.start_date, end_date=request.end_date,
                                          place=request.place, auditors=request.auditors)
    return audits.create_audit(db, request.agency_code, request.fiscal_year, request.audit_type,
                               start_date=request.start_date, end_date=request.end_date, place=request.place,
                               auditors=request.auditors)


def split_names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in re.split(r"[、,，\n]", text) if name.strip())


class AuditDialog(SubmitDialog):
    """New audit. With `previous`, the agency is fixed and the audit starts from that audit (baseline)."""

    created = Signal(object)  # the stored Audit

    def __init__(self, runner: DbRunner, agencies: list[Agency], *, previous: Audit | None = None,
                 planned: Sequence[tuple[str, AuditKind]] = (), today: date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("audit_dialog")
        self.previous = previous
        self.setWindowTitle("前回の監査から開始" if previous else "監査の新規作成")
        self.setMinimumWidth(520)
        this_year = fiscal_year(today or date.today())
        form = QFormLayout()
        if previous is not None:
            base = QLabel(f"{format_fiscal_year(previous.fiscal_year)} {previous.audit_type.value} "
                          f"{previous.agency_name}(前回の点数と所見を参考表示します)")
            base.setObjectName("baseline_label")
            base.setWordWrap(True)
            form.addRow("前回の監査", base)
        self.agency_combo = QComboBox()
        self.agency_combo.setObjectName("agency_combo")
        self.agency_combo.setEditable(True)  # type to search among ~60 agencies
        self.agency_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        kinds = dict(planned)  # the agencies this 年度's plan audits and no audit exists for yet: listed first
        first = sorted((a for a in agencies if a.active), key=lambda a: a.code not in kinds)
        for agency in first:
            mark = f" ― 今年度の計画・未着手({kinds[agency.code].value})" if agency.code in kinds else ""
            self.agency_combo.addItem(f"{agency.name}({agency.code}){mark}", agency.code)
        if previous is not None:
            self.agency_combo.setCurrentIndex(self.agency_combo.findData(previous.agency_code))
            self.agency_combo.setEnabled(False)
        form.addRow("機関", self.agency_combo)
        self.year_combo = QComboBox()
        self.year_combo.setObjectName("year_combo")
        for year in range(this_year + YEARS_AHEAD, this_year - YEARS_BACK - 1, -1):
            self.year_combo.addItem(format_fiscal_year(year), year)
        self.year_combo.setCurrentIndex(self.year_combo.findData(this_year))
        form.addRow("年度", self.year_combo)
        self.type_combo = QComboBox()
        self.type_combo.setObjectName("type_combo")
        for audit_type in AuditType:
            self.type_combo.addItem(audit_type.value, audit_type)
        self.type_combo.setCurrentText((previous.audit_type if previous else AuditType.INTERNAL).value)
        self.agency_combo.currentIndexChanged.connect(lambda _i: self._planned_kind(kinds))
        if previous is None and kinds:
            self._planned_kind(kinds)
        form.addRow("種別", self.type_combo)
        self.start_edit = DateEdit(name="start_edit")
        form.addRow("開始日", self.start_edit)
        self.end_edit = DateEdit(name="end_edit")
        form.addRow("終了日", self.end_edit)
        self.place_edit = QLineEdit(previous.place if previous else "")
        self.place_edit.setObjectName("place_edit")
        form.addRow("場所", self.place_edit)
        self.auditors_edit = QLineEdit("、".join(previous.auditors) if previous else "")
        self.auditors_edit.setObjectName("auditors_edit")
        self.auditors_edit.setPlaceholderText("読点(、)区切りで複数")
        form.addRow("監査人", self.auditors_edit)
        self.create_button = self.finish_layout(form, "作成", "create_button")
        self.request: AuditRequest | None = None

    def _planned_kind(self, kinds: dict[str, AuditKind]) -> None:
        """A planned agency brings its planned 種別 along."""
        kind = kinds.get(self.agency_combo.currentData())
        if kind is not None:
            self.type_combo.setCurrentText(kind.value)

    def _build(self) -> AuditRequest:
        code = self.agency_combo.currentData()
        if code is None or self.agency_combo.findText(self.agency_combo.currentText()) < 0:
            raise JukiAuditError("機関を一覧から選んでください。")
        return AuditRequest(code, int(self.year_combo.currentData()), self.type_combo.currentData(),
                            self.start_edit.date("開始日"), self.end_edit.date("終了日"),
                            self.place_edit.text().strip(), split_names(self.auditors_edit.text()),
                            self.previous.id if self.previous else None)

    def accept(self) -> None:
        try:
            request = self._build()
        except JukiAuditError as exc:
            self.show_problem(str(exc))
            return
        self.request = request
        self.submit(lambda db, _p: create_requested(db, request), self.created.emit, label="監査を作成しています")
