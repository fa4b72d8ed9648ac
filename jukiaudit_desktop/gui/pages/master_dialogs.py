"""Add / edit dialogs of the マスタ page: 機関, 事務, 端末, 操作者. They build values; the page saves them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QWidget,
)

from ...core.errors import JukiAuditError
from ...core.master import Agency, AgencyKind, Jimu, Operator, Terminal
from ...core.wareki import format_wareki, parse_date
from ...services import master_data
from ..generated.ui_agency_dialog import Ui_agency_dialog
from ..generated.ui_jimu_dialog import Ui_jimu_dialog
from ..generated.ui_operator_dialog import Ui_operator_dialog
from ..generated.ui_terminal_dialog import Ui_terminal_dialog


class FormUi(Protocol):
    """What every dialog of ui/*_dialog.ui has besides its fields: an error line and OK / Cancel."""

    error_label: QLabel
    buttons: QDialogButtonBox

    def setupUi(self, dialog: QDialog) -> None: ...


class FormDialog(QDialog):
    """A form built from its .ui file with OK / キャンセル; `validate()` raises JukiAuditError to keep it open.

    Subclasses also name their input fields as attributes (`dialog.code`): the page and the tests read them.
    """

    def __init__(self, ui: FormUi, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ui = ui
        ui.setupUi(self)
        self.error_label = ui.error_label
        self.error_label.hide()
        ui.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")

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


def _fill_agencies(combo: QComboBox, agencies: Sequence[Agency], selected: str | None) -> None:
    for agency in agencies:
        combo.addItem(f"{agency.code} {agency.name}", agency.code)
    if selected is not None:
        combo.setCurrentIndex(max(combo.findData(selected), 0))


class AgencyDialog(FormDialog):
    ui: Ui_agency_dialog

    def __init__(self, parent: QWidget | None, agency: Agency | None = None) -> None:
        super().__init__(Ui_agency_dialog(), parent)
        ui = self.ui
        self.original = agency
        self.code, self.name, self.kind = ui.code, ui.name, ui.kind
        self.parent_name, self.first_use_year, self.active = ui.parent_name, ui.first_use_year, ui.active
        for kind in AgencyKind:
            self.kind.addItem(kind.value, kind)
        if agency:
            self.setWindowTitle("機関の編集")
            self.code.setText(agency.code)
            self.name.setText(agency.name)
            self.kind.setCurrentIndex(self.kind.findData(agency.kind))
            self.parent_name.setText(agency.parent_name or "")
            self.first_use_year.setValue(agency.first_use_year or self.first_use_year.minimum())
            self.active.setChecked(agency.active)

    def value(self) -> Agency:
        year = self.first_use_year.value()
        return Agency(self.code.text().strip(), self.name.text().strip(), AgencyKind(self.kind.currentData()),
                      _optional_text(self.parent_name), None if year == self.first_use_year.minimum() else year,
                      self.active.isChecked(), self.original.id if self.original else None,
                      placeholder=self.original.placeholder if self.original else False)

    def validate(self) -> None:
        if not self.code.text().strip() or not self.name.text().strip():
            raise JukiAuditError("機関コードと機関名は必須です。")


class JimuDialog(FormDialog):
    """事務: code and first validity date only when adding (later changes of basis keep the history)."""

    ui: Ui_jimu_dialog

    def __init__(self, parent: QWidget | None, agencies: Sequence[Agency], jimu: Jimu | None = None) -> None:
        super().__init__(Ui_jimu_dialog(), parent)
        ui = self.ui
        self.code, self.name, self.division, self.summary = ui.code, ui.name, ui.division, ui.summary
        self.valid_from, self.new_code, self.agency_list = ui.valid_from, ui.new_code, ui.agency_list
        if jimu is None:
            ui.form.setRowVisible(ui.history, False)
            ui.form.setRowVisible(ui.new_code, False)
        else:
            self.setWindowTitle("事務の編集")
            self.code.setText(jimu.code)
            self.code.setEnabled(False)
            self.name.setText(jimu.name)
            self.division.setText(jimu.division or "")
            self.summary.setText(jimu.summary or "")
            ui.history.setText(" → ".join(f"{b.citation}({_span(b.valid_from, b.valid_to)})" for b in jimu.bases))
            ui.valid_from_label.setText("新しい根拠の開始日")
            self.valid_from.setPlaceholderText("公布日・施行日など(前日で旧根拠は終了)")
        allowed = set(jimu.agency_codes) if jimu else set()
        for agency in agencies:
            item = QListWidgetItem(f"{agency.code} {agency.name}", self.agency_list)
            item.setData(Qt.ItemDataRole.UserRole, agency.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if agency.code in allowed else Qt.CheckState.Unchecked)

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
    ui: Ui_terminal_dialog

    def __init__(self, parent: QWidget | None, agencies: Sequence[Agency], terminal: Terminal | None = None,
                 agency_code: str | None = None) -> None:
        super().__init__(Ui_terminal_dialog(), parent)
        ui = self.ui
        self.original = terminal
        self.agency, self.code, self.location = ui.agency, ui.code, ui.location
        _fill_agencies(self.agency, agencies, terminal.agency_code if terminal else agency_code)
        if terminal:
            self.setWindowTitle("端末の編集")
            self.agency.setEnabled(False)
            self.code.setText(terminal.code)
            self.location.setText(terminal.location or "")

    def value(self) -> Terminal:
        return Terminal(self.agency.currentData(), self.code.text().strip(), _optional_text(self.location),
                        self.original.id if self.original else None)

    def validate(self) -> None:
        if self.agency.currentData() is None or not self.code.text().strip():
            raise JukiAuditError("機関と端末IDは必須です。")


class OperatorDialog(FormDialog):
    ui: Ui_operator_dialog

    def __init__(self, parent: QWidget | None, agencies: Sequence[Agency], operator: Operator | None = None,
                 agency_code: str | None = None) -> None:
        super().__init__(Ui_operator_dialog(), parent)
        ui = self.ui
        self.original = operator
        self.agency, self.code, self.name = ui.agency, ui.code, ui.name
        self.registered_on, self.revoked_on = ui.registered_on, ui.revoked_on
        _fill_agencies(self.agency, agencies, operator.agency_code if operator else agency_code)
        if operator:
            self.setWindowTitle("操作者の編集")
            self.agency.setEnabled(False)
            self.code.setText(operator.operator_code)
            self.name.setText(operator.name or "")
            self.registered_on.setText(_date_text(operator.registered_on))
            self.revoked_on.setText(_date_text(operator.revoked_on))

    def value(self) -> Operator:
        return Operator(self.agency.currentData(), self.code.text().strip(), _optional_text(self.name),
                        _optional_date(self.registered_on, "登録日"), _optional_date(self.revoked_on, "失効日"),
                        self.original.id if self.original else None)

    def validate(self) -> None:
        if self.agency.currentData() is None or not self.code.text().strip():
            raise JukiAuditError("機関と操作者IDは必須です。")
        master_data.check_operator_dates(self.value())
