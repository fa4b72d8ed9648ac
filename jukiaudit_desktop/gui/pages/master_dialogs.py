"""Add / edit dialogs of the マスタ page: 機関, 事務, 端末, 操作者. They build values; the page saves them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import JukiAuditError
from ...core.master import Agency, AgencyKind, Jimu, Operator, Terminal
from ...core.wareki import format_wareki, parse_date
from ...services import master_data


class FormDialog(QDialog):
    """A titled form with OK / キャンセル; `validate()` raises JukiAuditError to keep the dialog open."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def line(self, label: str, name: str, text: str | None = None, *, enabled: bool = True) -> QLineEdit:
        edit = QLineEdit(text or "")
        edit.setObjectName(name)
        edit.setEnabled(enabled)
        self.form.addRow(label, edit)
        return edit

    def validate(self) -> None:
        """Check the input; raise JukiAuditError with a message for the user."""

    def accept(self) -> None:
        try:
            self.validate()
        except JukiAuditError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        super().accept()


def _date_text(day: date | None) -> str:
    return "" if day is None else format_wareki(day)


def _span(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return "期限なし"
    return f"{_date_text(start)}〜{_date_text(end)}"


def _optional_date(edit: QLineEdit, what: str) -> date | None:
    text = edit.text().strip()
    return None if not text else parse_date(text, what)


def _optional_text(edit: QLineEdit) -> str | None:
    return edit.text().strip() or None


def _agency_combo(agencies: Sequence[Agency], selected: str | None) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName("agency")
    for agency in agencies:
        combo.addItem(f"{agency.code} {agency.name}", agency.code)
    if selected is not None:
        combo.setCurrentIndex(max(combo.findData(selected), 0))
    return combo


class AgencyDialog(FormDialog):
    def __init__(self, parent: QWidget | None, agency: Agency | None = None) -> None:
        super().__init__("機関の編集" if agency else "機関の追加", parent)
        self.original = agency
        self.code = self.line("機関コード", "code", agency.code if agency else "")
        self.name = self.line("機関名", "name", agency.name if agency else "")
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for kind in AgencyKind:
            self.kind.addItem(kind.value, kind)
        if agency:
            self.kind.setCurrentIndex(self.kind.findData(agency.kind))
        self.form.addRow("種別", self.kind)
        self.parent_name = self.line("所属(部局・執行機関)", "parent_name", agency.parent_name if agency else "")
        self.first_use_year = QSpinBox()
        self.first_use_year.setObjectName("first_use_year")
        self.first_use_year.setRange(1999, 2100)
        self.first_use_year.setSpecialValueText("不明")
        self.first_use_year.setValue(agency.first_use_year if agency and agency.first_use_year else 1999)
        self.form.addRow("利用開始年度(西暦)", self.first_use_year)
        self.active = QCheckBox("利用中")
        self.active.setObjectName("active")
        self.active.setChecked(agency.active if agency else True)
        self.form.addRow("", self.active)

    def value(self) -> Agency:
        year = self.first_use_year.value()
        return Agency(self.code.text().strip(), self.name.text().strip(), AgencyKind(self.kind.currentData()),
                      _optional_text(self.parent_name), None if year == self.first_use_year.minimum() else year,
                      self.active.isChecked(), self.original.id if self.original else None)

    def validate(self) -> None:
        if not self.code.text().strip() or not self.name.text().strip():
            raise JukiAuditError("機関コードと機関名は必須です。")


class JimuDialog(FormDialog):
    """事務: code and first validity date only when adding (later changes of basis keep the history)."""

    def __init__(self, parent: QWidget | None, agencies: Sequence[Agency], jimu: Jimu | None = None) -> None:
        super().__init__("事務の編集" if jimu else "事務の追加", parent)
        self.code = self.line("事務コード(別表5-10 など)", "code", jimu.code if jimu else "", enabled=jimu is None)
        self.name = self.line("事務名", "name", jimu.name if jimu else "")
        self.division = self.line("担当課", "division", jimu.division if jimu else "")
        self.summary = self.line("利用事務の概要", "summary", jimu.summary if jimu else "")
        self.valid_from = self.line("有効期間の開始日", "valid_from")
        self.valid_from.setPlaceholderText("空欄: 以前から / 例 令和8年4月1日, 2026-04-01")
        self.new_code = QLineEdit()
        self.new_code.setObjectName("new_code")
        self.new_code.setPlaceholderText("根拠を変えるときだけ(例 別表6-4)")
        if jimu is not None:
            self.form.removeRow(self.valid_from)
            history = QLabel(" → ".join(f"{b.citation}({_span(b.valid_from, b.valid_to)})" for b in jimu.bases))
            history.setWordWrap(True)
            self.form.addRow("根拠の履歴", history)
            self.form.addRow("新しい根拠のコード", self.new_code)
            self.valid_from = self.line("新しい根拠の開始日", "valid_from")
            self.valid_from.setPlaceholderText("公布日・施行日など(前日で旧根拠は終了)")
        self.agency_list = QListWidget()
        self.agency_list.setObjectName("agency_list")
        allowed = set(jimu.agency_codes) if jimu else set()
        for agency in agencies:
            item = QListWidgetItem(f"{agency.code} {agency.name}", self.agency_list)
            item.setData(Qt.ItemDataRole.UserRole, agency.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if agency.code in allowed else Qt.CheckState.Unchecked)
        self.form.addRow("利用できる機関", self.agency_list)

    def agency_codes(self) -> list[str]:
        items = (self.agency_list.item(i) for i in range(self.agency_list.count()))
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked]

    def set_agency_checked(self, code: str, checked: bool) -> None:
        for i in range(self.agency_list.count()):
            item = self.agency_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == code:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def valid_from_date(self) -> date | None:
        return _optional_date(self.valid_from, "開始日")

    def new_basis(self) -> tuple[str, date] | None:
        """(code, effective day) when the user asked for a change of basis."""
        code = self.new_code.text().strip()
        if not code:
            return None
        effective = self.valid_from_date()
        if effective is None:
            raise JukiAuditError("新しい根拠の開始日を入力してください。")
        return code, effective

    def validate(self) -> None:
        if not self.code.text().strip() or not self.name.text().strip():
            raise JukiAuditError("事務コードと事務名は必須です。")
        self.valid_from_date()
        self.new_basis()


class TerminalDialog(FormDialog):
    def __init__(self, parent: QWidget | None, agencies: Sequence[Agency], terminal: Terminal | None = None,
                 agency_code: str | None = None) -> None:
        super().__init__("端末の編集" if terminal else "端末の追加", parent)
        self.original = terminal
        self.agency = _agency_combo(agencies, terminal.agency_code if terminal else agency_code)
        self.agency.setEnabled(terminal is None)
        self.form.addRow("機関", self.agency)
        self.code = self.line("端末ID", "code", terminal.code if terminal else "")
        self.location = self.line("設置場所", "location", terminal.location if terminal else "")

    def value(self) -> Terminal:
        return Terminal(self.agency.currentData(), self.code.text().strip(), _optional_text(self.location),
                        self.original.id if self.original else None)

    def validate(self) -> None:
        if self.agency.currentData() is None or not self.code.text().strip():
            raise JukiAuditError("機関と端末IDは必須です。")


class OperatorDialog(FormDialog):
    def __init__(self, parent: QWidget | None, agencies: Sequence[Agency], operator: Operator | None = None,
                 agency_code: str | None = None) -> None:
        super().__init__("操作者の編集" if operator else "操作者の追加", parent)
        self.original = operator
        self.agency = _agency_combo(agencies, operator.agency_code if operator else agency_code)
        self.agency.setEnabled(operator is None)
        self.form.addRow("機関", self.agency)
        self.code = self.line("操作者ID", "code", operator.operator_code if operator else "")
        self.name = self.line("氏名", "name", operator.name if operator else "")
        self.registered_on = self.line("登録日", "registered_on", _date_text(operator.registered_on if operator else None))
        self.revoked_on = self.line("失効日(この日から使用不可)", "revoked_on",
                                    _date_text(operator.revoked_on if operator else None))
        for edit in (self.registered_on, self.revoked_on):
            edit.setPlaceholderText("例 令和7年4月1日, R7.4.1, 2025-04-01")

    def value(self) -> Operator:
        return Operator(self.agency.currentData(), self.code.text().strip(), _optional_text(self.name),
                        _optional_date(self.registered_on, "登録日"), _optional_date(self.revoked_on, "失効日"),
                        self.original.id if self.original else None)

    def validate(self) -> None:
        if self.agency.currentData() is None or not self.code.text().strip():
            raise JukiAuditError("機関と操作者IDは必須です。")
        master_data.check_operator_dates(self.value())
