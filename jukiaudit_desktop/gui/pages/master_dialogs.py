"""Add / edit dialogs of the マスタ page: 機関, 事務, 端末, 操作者. They build values; the page saves them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Protocol

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
from ...core.wareki import format_fiscal_year, format_wareki_or, parse_date, parse_fiscal_year
from ...services import master_data
from ...services.database_access import Database
from ..errors import show_error
from ..generated.ui_agency_dialog import Ui_agency_dialog
from ..generated.ui_jimu_dialog import Ui_jimu_dialog
from ..generated.ui_operator_dialog import Ui_operator_dialog
from ..generated.ui_terminal_dialog import Ui_terminal_dialog
from ..tasks import DbRunner


class FormUi(Protocol):
    """What every dialog of ui/*_dialog.ui has besides its fields: an error line and OK / Cancel."""

    error_label: QLabel
    buttons: QDialogButtonBox

    def setupUi(self, dialog: QDialog) -> None: ...


SaveWork = Callable[[Database], Any]


class FormDialog(QDialog):
    """A form built from its .ui file with OK / キャンセル. OK checks the input (`validate()` raises
    JukiAuditError), then runs the save given to `save_through()` on the worker: the dialog closes only when the
    save succeeded; a refusal (e.g. a duplicate code) is shown in the dialog with the input kept.

    Subclasses also name their input fields as attributes (`dialog.code`): the page and the tests read them.
    """

    def __init__(self, ui: FormUi, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ui = ui
        ui.setupUi(self)
        self.error_label = ui.error_label
        self.error_label.hide()
        ui.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("キャンセル")
        self._save: tuple[DbRunner, Callable[[], SaveWork], Callable[[Any], None]] | None = None

    def validate(self) -> None:
        """Check the input; raise JukiAuditError with a message for the user."""

    def save_through(self, runner: DbRunner, collect: Callable[[], SaveWork], on_saved: Callable[[Any], None]) -> None:
        """On OK: `collect()` (GUI thread) gives the save, which runs on `runner`'s worker."""
        self._save = (runner, collect, on_saved)

    def _show_problem(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def accept(self) -> None:
        try:
            self.validate()
            work = None if self._save is None else self._save[1]()
        except JukiAuditError as exc:
            self._show_problem(str(exc))
            return
        if self._save is None or work is None:
            super().accept()
            return
        runner, _collect, on_saved = self._save
        ok = self.ui.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)

        def saved(result: Any) -> None:
            on_saved(result)
            super(FormDialog, self).accept()

        def refused(exc: BaseException) -> None:
            ok.setEnabled(True)
            if isinstance(exc, JukiAuditError):
                self._show_problem(str(exc))
            else:
                show_error(self, exc)

        save = work
        runner.submit(lambda db, _p: save(db), saved, refused, label="保存しています")


def _span(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return "期限なし"
    return f"{format_wareki_or(start)}～{format_wareki_or(end)}"


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
            self.first_use_year.setText(format_fiscal_year(agency.first_use_year) if agency.first_use_year else "")
            self.active.setChecked(agency.active)

    def value(self) -> Agency:
        year = _optional_text(self.first_use_year)
        return Agency(self.code.text().strip(), self.name.text().strip(), AgencyKind(self.kind.currentData()),
                      _optional_text(self.parent_name), None if year is None else parse_fiscal_year(year, "利用開始年度"),
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
            self.registered_on.setText(format_wareki_or(operator.registered_on))
            self.revoked_on.setText(format_wareki_or(operator.revoked_on))

    def value(self) -> Operator:
        return Operator(self.agency.currentData(), self.code.text().strip(), _optional_text(self.name),
                        _optional_date(self.registered_on, "登録日"), _optional_date(self.revoked_on, "失効日"),
                        self.original.id if self.original else None)

    def validate(self) -> None:
        if self.agency.currentData() is None or not self.code.text().strip():
            raise JukiAuditError("機関と操作者IDは必須です。")
        master_data.check_operator_dates(self.value())
