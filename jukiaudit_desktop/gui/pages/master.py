"""The マスタ page: tabs 機関 / 事務 / 端末 / 操作者, each a sortable, filterable table with add and edit; and 注視対象者."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.master import Agency, Jimu, Operator, Terminal, code_sort_key
from ...core.progress import Progress
from ...core.wareki import format_fiscal_year, format_wareki_or, format_wareki_short
from ...services import master_data
from ...services.database_access import Database
from ..operator_jimu_dialog import OperatorJimuChoice, OperatorJimuDialog, load_choice
from ..row_table import Column, RowFilterProxy, RowTableModel, read_only_table, selected_source_row
from ..tasks import DbRunner
from ..watchlist_tab import WatchlistTab
from . import Page
from .master_dialogs import AgencyDialog, FormDialog, JimuDialog, OperatorDialog, TerminalDialog


@dataclass(frozen=True)
class MasterSnapshot:
    agencies: list[Agency] = field(default_factory=list)
    jimu: list[Jimu] = field(default_factory=list)
    terminals: list[Terminal] = field(default_factory=list)
    operators: list[Operator] = field(default_factory=list)
    usage_year: int | None = None
    usage: dict[str, int] = field(default_factory=dict)
    assumptions: str = ""  # how the agency set reads the material, where it had to assume (shown as such)


def load_snapshot(db: Database, _progress: Progress) -> MasterSnapshot:
    usage_year, usage = master_data.latest_usage(db)
    return MasterSnapshot(master_data.list_agencies(db), master_data.list_jimu(db),
                          master_data.list_terminals(db), master_data.list_operators(db), usage_year, usage,
                          master_data.agency_set_assumption(db))


def _iso(day: date | None) -> str:
    return "" if day is None else day.isoformat()


class AgencyColumn(IntEnum):
    CODE, NAME, KIND, PARENT, FIRST_USE, ACTIVE = range(6)


class JimuColumn(IntEnum):
    CODE, NAME, BASIS, HISTORY, DIVISION, AGENCIES, USAGE = range(7)


class TerminalColumn(IntEnum):
    AGENCY, CODE, LOCATION = range(3)


class OperatorColumn(IntEnum):
    AGENCY, CODE, NAME, REGISTERED, REVOKED, STATE = range(6)


def basis_history(jimu: Jimu) -> str:
    """条例3-6(～R8.3.18)→ 別表6-4(R8.3.19～): every basis the 事務 had, oldest first."""
    parts = []
    for b in jimu.bases:
        span = ""
        if b.valid_from or b.valid_to:
            start = format_wareki_short(b.valid_from) if b.valid_from else ""
            end = format_wareki_short(b.valid_to) if b.valid_to else ""
            span = f"({start}～{end})"
        parts.append(f"{b.code}{span}")
    return " → ".join(parts)


class MasterTab(QWidget):
    """One master table: a filter box, the table (sorted on raw values) and 追加 / 編集 buttons."""

    def __init__(self, name: str, columns: Sequence[Column[Any]], on_add: Callable[[], None],
                 on_edit: Callable[[Any], None]) -> None:
        super().__init__()
        self.setObjectName(f"{name}_tab")
        self.model: RowTableModel[Any] = RowTableModel(columns)
        self.proxy = RowFilterProxy(self.model)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName(f"{name}_filter")
        self.filter_edit.setPlaceholderText("絞り込み(コード・名称など、どの列でも)")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.count_label = QLabel()
        self.table = read_only_table(f"{name}_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(lambda index: on_edit(self.proxy.source_row(index)))
        self.add_button = QPushButton("追加(&A)…")
        self.add_button.setObjectName(f"{name}_add")
        self.add_button.clicked.connect(on_add)
        self.edit_button = QPushButton("編集(&E)…")
        self.edit_button.setObjectName(f"{name}_edit")
        self.edit_button.clicked.connect(self._edit_selected)
        self._on_edit = on_edit

        top = QHBoxLayout()
        filter_label = QLabel("絞り込み(&L):")  # Ctrl+F is the search of the whole app
        filter_label.setBuddy(self.filter_edit)
        top.addWidget(filter_label)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        self.buttons = buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 320))
        self._update_count()

    def selected_row(self) -> Any | None:
        return selected_source_row(self.table)

    def _edit_selected(self) -> None:
        row = self.selected_row()
        if row is not None:
            self._on_edit(row)

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_count()

    def _update_count(self) -> None:
        self.count_label.setText(f"{self.proxy.rowCount()} 件 / 全 {self.model.rowCount()} 件")


class MasterPage(Page):
    title = "マスタ"

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.snapshot = MasterSnapshot()
        self.dialog: FormDialog | None = None
        self.agency_tab = MasterTab("agency", self._agency_columns(), self.add_agency, self.edit_agency)
        self.jimu_tab = MasterTab("jimu", self._jimu_columns(), self.add_jimu, self.edit_jimu)
        self.terminal_tab = MasterTab("terminal", self._terminal_columns(), self.add_terminal, self.edit_terminal)
        self.operator_tab = MasterTab("operator", self._operator_columns(), self.add_operator, self.edit_operator)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("master_tabs")
        for tab, label in ((self.agency_tab, "機関(&1)"), (self.jimu_tab, "事務(&2)"),
                           (self.terminal_tab, "端末(&3)"), (self.operator_tab, "操作者(&4)")):
            self.tabs.addTab(tab, label)
        self.watchlist_tab = WatchlistTab(runner)
        self.tabs.addTab(self.watchlist_tab, "注視対象者(&5)")
        self.delete_agency_button = QPushButton("削除(&D)…")
        self.delete_agency_button.setObjectName("agency_delete")
        self.delete_agency_button.setToolTip("【仮】の機関は入力済みの監査ごと削除します")
        self.delete_agency_button.clicked.connect(self.delete_agency)
        self.agency_tab.buttons.insertWidget(2, self.delete_agency_button)
        self.operator_jimu_button = QPushButton("利用できる事務(&J)…")
        self.operator_jimu_button.setObjectName("operator_jimu")
        self.operator_jimu_button.setToolTip("この操作者が利用できる事務(なければ機関の事務で判定)")
        self.operator_jimu_button.clicked.connect(self.edit_operator_jimu)
        self.operator_tab.buttons.insertWidget(2, self.operator_jimu_button)
        self.operator_jimu_dialog: OperatorJimuDialog | None = None
        self.assumption_label = QLabel()
        self.assumption_label.setObjectName("master_assumption")
        self.assumption_label.setWordWrap(True)
        self.assumption_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.assumption_label)
        layout.addWidget(self.tabs)

    # --- loading ---

    def refresh(self) -> None:
        self.runner.submit(load_snapshot, self._show_snapshot)
        self.watchlist_tab.refresh()

    def clear(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        if self.operator_jimu_dialog is not None:
            self.operator_jimu_dialog.reject()
        self.watchlist_tab.clear()
        self._show_snapshot(MasterSnapshot())

    def _show_snapshot(self, snapshot: MasterSnapshot) -> None:
        self.snapshot = snapshot
        usage_header = f"利用件数({format_fiscal_year(snapshot.usage_year)})" if snapshot.usage_year else "利用件数"
        self.jimu_tab.model.columns[JimuColumn.USAGE] = Column(usage_header, self._usage_text, self._usage_count,
                                                                align_right=True)
        self.assumption_label.setText(f"仮定: {snapshot.assumptions}" if snapshot.assumptions else "")
        self.assumption_label.setVisible(bool(snapshot.assumptions))
        self.agency_tab.set_rows(snapshot.agencies)
        self.jimu_tab.set_rows(snapshot.jimu)
        self.terminal_tab.set_rows(snapshot.terminals)
        self.operator_tab.set_rows(snapshot.operators)

    def _usage_count(self, jimu: Jimu) -> int:
        return self.snapshot.usage.get(jimu.code, -1)

    def _usage_text(self, jimu: Jimu) -> str:
        count = self.snapshot.usage.get(jimu.code)
        return "" if count is None else f"{count:,}"

    # --- columns ---

    def _agency_name(self, code: str) -> str:
        return next((f"{a.code} {a.display_name}" for a in self.snapshot.agencies if a.code == code), code)

    @staticmethod
    def _agency_columns() -> list[Column[Agency]]:
        return [
            Column("コード", lambda a: a.code),
            Column("機関名", lambda a: a.display_name),
            Column("種別", lambda a: a.kind.value),
            Column("所属", lambda a: a.parent_name or ""),
            Column("利用開始年度", lambda a: format_fiscal_year(a.first_use_year) if a.first_use_year else "",
                   lambda a: a.first_use_year or 0),
            Column("状態", lambda a: "利用中" if a.active else "利用終了"),
        ]

    def _jimu_columns(self) -> list[Column[Jimu]]:
        today = date.today()

        def current_citation(j: Jimu) -> str:
            basis = j.basis_on(today)
            return basis.citation if basis else "(現在有効な根拠なし)"

        return [
            Column("コード", lambda j: j.code, lambda j: code_sort_key(j.code)),
            Column("事務名", lambda j: j.name, tooltip=True),
            Column("現在の根拠", current_citation),
            Column("根拠の履歴", basis_history, tooltip=True),
            Column("担当課", lambda j: j.division or ""),
            Column("利用できる機関", lambda j: "、".join(self._agency_name(c) for c in j.agency_codes),
                   lambda j: len(j.agency_codes), tooltip=True),
            Column("利用件数", self._usage_text, self._usage_count, align_right=True),
        ]

    def _terminal_columns(self) -> list[Column[Terminal]]:
        return [
            Column("機関", lambda t: self._agency_name(t.agency_code), lambda t: t.agency_code),
            Column("端末ID", lambda t: t.code),
            Column("設置場所", lambda t: t.location or ""),
        ]

    def _operator_columns(self) -> list[Column[Operator]]:
        today = date.today()
        return [
            Column("機関", lambda o: self._agency_name(o.agency_code), lambda o: o.agency_code),
            Column("操作者ID", lambda o: o.operator_code),
            Column("氏名", lambda o: o.name or ""),
            Column("登録日", lambda o: format_wareki_or(o.registered_on), lambda o: _iso(o.registered_on)),
            Column("失効日", lambda o: format_wareki_or(o.revoked_on), lambda o: _iso(o.revoked_on)),
            Column("状態", lambda o: "有効" if o.valid_on(today) else "失効" if o.revoked_on else "未登録"),
        ]

    # --- dialogs: opened window-modal; OK saves on the worker and closes them only when the save succeeded ---

    def _open(self, dialog: FormDialog, collect: Callable[[], Callable[[Database], Any]]) -> None:
        """`collect()` runs on the GUI thread when the user presses OK and returns the save to run."""
        self.dialog = dialog
        dialog.save_through(self.runner, collect, lambda _result: self.refresh())
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _selected_agency_code(self) -> str | None:
        row = self.agency_tab.selected_row()
        return row.code if isinstance(row, Agency) else None

    def add_agency(self) -> None:
        dialog = AgencyDialog(self)
        self._open(dialog, lambda: partial(master_data.add_agency, agency=dialog.value()))

    def edit_agency(self, agency: Agency) -> None:
        dialog = AgencyDialog(self, agency)
        self._open(dialog, lambda: partial(master_data.update_agency, agency=dialog.value()))

    def delete_agency(self) -> None:
        """Ask, then delete the selected agency (a 【仮】 one with the audits entered for it)."""
        row = self.agency_tab.selected_row()
        if not isinstance(row, Agency):
            return
        extra = "入力済みの監査(自己点検・履歴)も削除します。" if row.placeholder else ""
        box = QMessageBox(QMessageBox.Icon.Question, "機関の削除", f"{row.code} {row.display_name} を削除しますか。{extra}",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("agency_delete_confirm")
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Yes:
                self.runner.submit(lambda db, _p: master_data.delete_agency(db, row.code),
                                   lambda _result: self.refresh(), label="削除しています")

        box.finished.connect(answered)
        box.finished.connect(box.deleteLater)
        box.open()

    def add_jimu(self) -> None:
        dialog = JimuDialog(self, self.snapshot.agencies)
        self._open(dialog, lambda: partial(
            master_data.add_jimu, code=dialog.code.text(), name=dialog.name.text(),
            division=dialog.division.text().strip() or None, summary=dialog.summary.text().strip() or None,
            agency_codes=dialog.agency_codes(), valid_from=dialog.valid_from_date()))

    def edit_jimu(self, jimu: Jimu) -> None:
        dialog = JimuDialog(self, self.snapshot.agencies, jimu)
        self._open(dialog, lambda: partial(
            master_data.update_jimu, code=jimu.code, name=dialog.name.text(),
            division=dialog.division.text().strip() or None, summary=dialog.summary.text().strip() or None,
            agency_codes=dialog.agency_codes(), new_basis=dialog.new_basis()))

    def add_terminal(self) -> None:
        dialog = TerminalDialog(self, self.snapshot.agencies, agency_code=self._selected_agency_code())
        self._open(dialog, lambda: partial(master_data.add_terminal, terminal=dialog.value()))

    def edit_terminal(self, terminal: Terminal) -> None:
        dialog = TerminalDialog(self, self.snapshot.agencies, terminal)
        self._open(dialog, lambda: partial(master_data.update_terminal, terminal=dialog.value()))

    def add_operator(self) -> None:
        dialog = OperatorDialog(self, self.snapshot.agencies, agency_code=self._selected_agency_code())
        self._open(dialog, lambda: partial(master_data.add_operator, operator=dialog.value()))

    def edit_operator(self, operator: Operator) -> None:
        dialog = OperatorDialog(self, self.snapshot.agencies, operator)
        self._open(dialog, lambda: partial(master_data.update_operator, operator=dialog.value()))

    def edit_operator_jimu(self) -> None:
        """Load the agency's 事務 and the operator's list, then open the dialog to tick them."""
        operator = self.operator_tab.selected_row()
        if not isinstance(operator, Operator):
            return

        def show(choice: OperatorJimuChoice) -> None:
            dialog = self.operator_jimu_dialog = OperatorJimuDialog(self.runner, operator, choice, self)
            dialog.finished.connect(lambda _result: setattr(self, "operator_jimu_dialog", None))
            dialog.finished.connect(dialog.deleteLater)
            dialog.open()

        self.runner.submit(lambda db, _p: load_choice(db, operator), show)
