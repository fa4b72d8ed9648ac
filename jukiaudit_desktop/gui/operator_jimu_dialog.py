"""The 事務 one operator may use (per-operator authority): ticked from the 事務 its agency may use. With none
ticked, `unauthorized_jimu` checks the agency's list for this operator, as before."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ..core.master import Jimu, Operator
from ..services import master_data, operator_authority
from ..services.database_access import Database
from .submit_dialog import SubmitDialog
from .tasks import DbRunner


@dataclass(frozen=True)
class OperatorJimuChoice:
    """The agency's 事務 (code order) and the codes on the operator's own list (empty: none)."""

    jimu: list[Jimu]
    chosen: list[str]


def load_choice(db: Database, operator: Operator) -> OperatorJimuChoice:
    usable = [j for j in master_data.list_jimu(db) if operator.agency_code in j.agency_codes]
    own = operator_authority.operator_jimu(db, operator.agency_code).get(operator.operator_code, [])
    return OperatorJimuChoice(sorted(usable, key=lambda j: j.code), own)


class OperatorJimuDialog(SubmitDialog):
    saved = Signal(object)  # the codes stored

    def __init__(self, runner: DbRunner, operator: Operator, choice: OperatorJimuChoice,
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("operator_jimu_dialog")
        self.setWindowTitle(f"利用できる事務 — {operator.agency_code} {operator.operator_code}")
        self.resize(560, 480)
        self.operator = operator
        self.jimu_list = QListWidget()
        self.jimu_list.setObjectName("operator_jimu_list")
        for jimu in choice.jimu:
            item = QListWidgetItem(f"{jimu.code}  {jimu.name}")
            item.setData(Qt.ItemDataRole.UserRole, jimu.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if jimu.code in choice.chosen else Qt.CheckState.Unchecked)
            self.jimu_list.addItem(item)
        label = QLabel(f"操作者 {operator.operator_code}{'(' + operator.name + ')' if operator.name else ''} が"
                       "利用できる事務に印を付けてください(スペースキーで切り替え)。何も選ばなければ、機関が利用できる"
                       "事務で「権限外の事務」を判定します。")
        label.setWordWrap(True)
        label.setBuddy(self.jimu_list)
        form = QVBoxLayout()
        form.addWidget(label)
        form.addWidget(self.jimu_list, 1)
        self.save_button = self.finish_layout(form, "保存", "operator_jimu_save")

    def chosen_codes(self) -> list[str]:
        items = (self.jimu_list.item(row) for row in range(self.jimu_list.count()))
        return [str(i.data(Qt.ItemDataRole.UserRole)) for i in items if i.checkState() == Qt.CheckState.Checked]

    def accept(self) -> None:
        agency, code, chosen = self.operator.agency_code, self.operator.operator_code, self.chosen_codes()
        self.submit(lambda db, _p: operator_authority.set_operator_jimu(db, agency, code, chosen), self.saved.emit,
                    label="利用できる事務を保存しています")
