"""The 指摘事項 page: every finding, filtered by agency/year/class/status, overdue ones in red, edit and follow up."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.audit import Finding, FindingClass, Followup
from ...core.wareki import format_fiscal_year, format_wareki_or
from ...services import findings, followup_statuses
from ...services.followup_statuses import FollowupStatuses
from ..audit_models import OVERDUE_COLOUR, FindingColumn, finding_model
from ..errors import show_error
from ..finding_dialog import FindingDialog
from ..followup_dialog import FollowupDialog
from ..row_table import (
    Column,
    RowFilterProxy,
    RowTableModel,
    fit_columns,
    on_selection_changed,
    read_only_table,
    readable_columns,
    select_source_row,
    selected_source_row,
)
from ..tasks import DbRunner
from . import Page

ALL = "すべて"
NOT_DONE = "未完了"

FOLLOWUP_COLUMNS: list[Column[Followup]] = [
    Column("報告日", lambda f: format_wareki_or(f.reported_on), lambda f: f.reported_on),
    Column("改善状況", lambda f: f.status),
    Column("予定日", lambda f: format_wareki_or(f.planned_on), lambda f: f.planned_on),
    Column("内容", lambda f: f.note, tooltip=True),
]


def _combo(name: str, values: list[str]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem(ALL)
    combo.addItems(values)
    return combo


def _set_choices(combo: QComboBox, values: list[str]) -> None:
    """Replace the choices after ALL, keeping the current one if it is still there."""
    current = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(ALL)
    combo.addItems(values)
    combo.setCurrentText(current if combo.findText(current) >= 0 else ALL)
    combo.blockSignals(False)


def finding_summary(finding: Finding) -> str:
    parts = [("現状", finding.condition), ("基準", finding.criteria), ("原因", finding.cause),
             ("影響", finding.effect), ("改善の提案", finding.recommendation)]
    return "\n".join(f"【{label}】{text}" for label, text in parts if text)


class FindingsPage(Page):
    title = "指摘事項"

    def __init__(self, runner: DbRunner, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(runner, parent)
        self.today = today or date.today()
        self.model = finding_model(self.today)
        self.proxy = RowFilterProxy(self.model)

        self.overdue_label = QLabel()
        self.overdue_label.setObjectName("overdue_label")
        self.count_label = QLabel()
        self.count_label.setObjectName("count_label")
        self.agency_filter = _combo("agency_filter", [])
        self.year_filter = _combo("year_filter", [])
        self.class_filter = _combo("class_filter", [c.value for c in FindingClass])
        self.statuses = FollowupStatuses()
        self.status_filter = _combo("status_filter", [NOT_DONE, *self.statuses.names])
        self.overdue_only = QCheckBox("期限超過のみ")
        self.overdue_only.setObjectName("overdue_only")
        for combo, column in ((self.agency_filter, FindingColumn.AGENCY), (self.year_filter, FindingColumn.FISCAL_YEAR),
                              (self.class_filter, FindingColumn.CLASS)):
            combo.currentTextChanged.connect(lambda text, c=column: self._filter_column(c, text))
        self.status_filter.currentTextChanged.connect(lambda _t: self._apply_predicate())
        self.overdue_only.toggled.connect(lambda _c: self._apply_predicate())
        self.search = QLineEdit()
        self.search.setObjectName("finding_search")
        self.search.setPlaceholderText("検索(件名・機関・項目)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search)
        top = QHBoxLayout()
        top.addWidget(self.overdue_label)
        top.addStretch(1)
        top.addWidget(self.count_label)
        filters = QHBoxLayout()
        for label, widget in (("機関", self.agency_filter), ("年度", self.year_filter), ("区分", self.class_filter),
                              ("状況", self.status_filter)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.overdue_only)
        filters.addWidget(self.search, 1)

        self.table = read_only_table("finding_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(FindingColumn.DUE, Qt.SortOrder.AscendingOrder)
        readable_columns(self.table, stretch=FindingColumn.TITLE)
        self.table.activated.connect(lambda _index: self.edit_selected())
        on_selection_changed(self.table, self._selection_changed)

        self.detail = QPlainTextEdit()
        self.detail.setObjectName("finding_detail")
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("指摘事項を選ぶと、内容(現状・基準・原因・影響・改善の提案)を表示します")
        self.followups: RowTableModel[Followup] = RowTableModel(FOLLOWUP_COLUMNS)
        self.followup_table = QTableView()
        self.followup_table.setObjectName("followup_table")
        self.followup_table.setModel(self.followups)
        self.followup_table.verticalHeader().setVisible(False)
        readable_columns(self.followup_table)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.detail)
        lower.addWidget(self.followup_table)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        self.new_button = QPushButton("新規起票…")
        self.new_button.setObjectName("new_finding_button")
        self.new_button.clicked.connect(self.new_finding)
        self.edit_button = QPushButton("編集… (Enter)")
        self.edit_button.setObjectName("edit_finding_button")
        self.edit_button.clicked.connect(self.edit_selected)
        self.followup_button = QPushButton("改善報告を登録…")
        self.followup_button.setObjectName("add_followup_button")
        self.followup_button.clicked.connect(self.add_followup)
        self.delete_button = QPushButton("削除… (Del)")
        self.delete_button.setObjectName("delete_finding_button")
        self.delete_button.setToolTip("誤って起票した指摘事項を削除します(発行済みの指摘事項票に載ったものは削除できません)")
        self.delete_button.clicked.connect(self.delete_selected)
        delete_shortcut = QShortcut(QKeySequence.StandardKey.Delete, self.table)
        delete_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_shortcut.activated.connect(self.delete_selected)
        self.message = QLabel()
        self.message.setObjectName("findings_message")
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.followup_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addWidget(self.message, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self._selection_changed()

    # ------------------------------------------------------------ loading and filters

    def refresh(self) -> None:
        self.runner.submit(lambda db, _p: (followup_statuses.statuses(db), findings.list_findings(db)),
                           lambda loaded: self._loaded(loaded[1], loaded[0]))

    def clear(self) -> None:
        self.model.set_rows([])
        self.followups.set_rows([])
        self.detail.clear()
        self._update_counts()

    def _loaded(self, found: list[Finding], statuses: FollowupStatuses | None = None) -> None:
        selected = self.selected_finding()
        self.statuses = statuses or self.statuses
        self.model.set_rows(found)
        older = sorted({f.status for f in found} - set(self.statuses.names))  # statuses from before 0008
        _set_choices(self.status_filter, [NOT_DONE, *self.statuses.names, *older])
        fit_columns(self.table)
        _set_choices(self.agency_filter, sorted({f.agency_name for f in found}))
        _set_choices(self.year_filter, [format_fiscal_year(y) for y in sorted({f.fiscal_year for f in found},
                                                                               reverse=True)])
        self._update_counts()
        if selected is not None:
            self.select_finding(selected.id)
        elif self.proxy.rowCount():
            self.table.selectRow(0)
        self._selection_changed()

    def _filter_column(self, column: int, text: str) -> None:
        self.proxy.set_column_value(column, None if text == ALL else text)
        self._update_counts()

    def _search(self, text: str) -> None:
        self.proxy.set_text(text)
        self._update_counts()

    def _apply_predicate(self) -> None:
        status, overdue_only, today = self.status_filter.currentText(), self.overdue_only.isChecked(), self.today

        def keep(finding: Finding) -> bool:
            if overdue_only and not finding.is_overdue(today):
                return False
            if status == NOT_DONE:
                return not finding.closed
            return status == ALL or finding.status == status

        self.proxy.set_predicate(keep)
        self._update_counts()

    def _update_counts(self) -> None:
        overdue = sum(1 for f in self.model.rows if f.is_overdue(self.today))
        if overdue:
            self.overdue_label.setText(f"改善報告の期限を過ぎた指摘事項: {overdue} 件")
            self.overdue_label.setStyleSheet(f"color: white; background: {OVERDUE_COLOUR.name()}; "
                                             "font-weight: bold; padding: 4px 8px;")
        else:
            self.overdue_label.setText("期限を過ぎた指摘事項はありません")
            self.overdue_label.setStyleSheet("color: #2e7d32; padding: 4px 8px;")
        self.count_label.setText(f"表示 {self.proxy.rowCount()} / 全 {len(self.model.rows)} 件")

    # ------------------------------------------------------------ selection

    def selected_finding(self) -> Finding | None:
        return selected_source_row(self.table)

    def select_finding(self, finding_id: int | None) -> None:
        select_source_row(self.table, finding_id)

    def _selection_changed(self) -> None:
        finding = self.selected_finding()
        self.edit_button.setEnabled(finding is not None)
        self.followup_button.setEnabled(finding is not None)
        self.delete_button.setEnabled(finding is not None)
        self.followups.set_rows([])
        if finding is None:
            self.detail.clear()
            return
        self.detail.setPlainText(finding_summary(finding))
        finding_id = finding.id
        self.runner.submit(lambda db, _p: findings.list_followups(db, finding_id),
                           lambda rows: self._show_followups(finding_id, rows))

    def _show_followups(self, finding_id: int | None, rows: list[Followup]) -> None:
        current = self.selected_finding()
        if current is not None and current.id == finding_id:
            self.followups.set_rows(rows)
            fit_columns(self.followup_table)

    # ------------------------------------------------------------ actions

    def new_finding(self) -> None:
        self._open_dialog(FindingDialog(self.runner, None, parent=self))

    def edit_selected(self) -> None:
        finding = self.selected_finding()
        if finding is not None:
            self._open_dialog(FindingDialog(self.runner, finding=finding, parent=self))

    def _open_dialog(self, dialog: FindingDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        self.dialog = dialog
        dialog.open()

    def _saved(self, finding: Finding) -> None:
        self.message.setText(f"「{finding.title}」を保存しました。")
        self.runner.submit(lambda db, _p: findings.list_findings(db), lambda found: self._reloaded(found, finding.id))

    def _reloaded(self, found: list[Finding], select_id: int | None) -> None:
        self._loaded(found)
        self.select_finding(select_id)

    def add_followup(self) -> None:
        finding = self.selected_finding()
        if finding is None:
            return
        dialog = FollowupDialog(self.runner, finding, self.statuses, today=self.today, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._followup_saved)
        self.dialog = dialog  # type: ignore[assignment]
        dialog.open()

    def delete_selected(self) -> None:
        finding = self.selected_finding()
        if finding is None:
            return
        reopened = "\n起票のもとになった突合の差異は未対応に戻ります。" if finding.discrepancy_id is not None else ""
        answer = QMessageBox.question(
            self, "指摘事項の削除",
            f"指摘事項「{finding.title}」({finding.agency_name})を、その改善報告とともに削除します。{reopened}\n"
            "削除は監査証跡に記録されます。削除しますか?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        finding_id = finding.id
        self.runner.submit(lambda db, _p: findings.delete_finding(db, finding_id), self._deleted,
                           lambda exc: show_error(self, exc))

    def _deleted(self, finding: Finding) -> None:
        self.message.setText(f"「{finding.title}」を削除しました。")
        self.refresh()

    def _followup_saved(self, followup: Followup) -> None:
        self.message.setText(f"改善報告を登録しました({followup.status})。")
        self.refresh()
