"""The 監査 page: the list of audits (filter, sort, create, status, self-check forms) and the on-site session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.audit import ALLOWED_TRANSITIONS, Audit, AuditStatus, AuditType
from ...core.master import Agency
from ...core.planning import AuditKind
from ...core.progress import Progress
from ...core.wareki import fiscal_year, format_fiscal_year
from ...services import audits, master_data, planning, selfcheck_xlsx
from ...services.database_access import Database
from .. import file_dialogs
from ..audit_details_dialog import AuditDetailsDialog
from ..audit_dialog import AuditDialog
from ..audit_models import AuditColumn, audit_model
from ..row_table import (
    RowFilterProxy,
    fit_columns,
    on_selection_changed,
    read_only_table,
    readable_columns,
    select_source_row,
    selected_source_row,
)
from ..session_view import SessionView
from ..sheet_preview import open_sheet_preview
from ..tasks import DbRunner
from . import Page

ALL = "すべて"


@dataclass(frozen=True)
class AuditsSnapshot:
    audits: list[Audit]
    agencies: list[Agency]
    planned: list[tuple[str, AuditKind]]  # this 年度's planned audits not yet created


def load_snapshot(db: Database, _progress: Progress) -> AuditsSnapshot:
    return AuditsSnapshot(audits.list_audits(db), master_data.list_agencies(db),
                          planning.planned_not_started(db, fiscal_year(date.today())))


def _filter_combo(name: str, values: list[str]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem(ALL)
    combo.addItems(values)
    return combo


class AuditsPage(Page):
    title = "監査"

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.agencies: list[Agency] = []
        self.planned: list[tuple[str, AuditKind]] = []
        self._reopen_after_unlock: int | None = None
        self.model = audit_model()
        self.proxy = RowFilterProxy(self.model)

        self.year_filter = _filter_combo("year_filter", [])
        self.type_filter = _filter_combo("type_filter", [t.value for t in AuditType])
        self.status_filter = _filter_combo("status_filter", [s.value for s in AuditStatus])
        for combo, column in ((self.year_filter, AuditColumn.FISCAL_YEAR), (self.type_filter, AuditColumn.AUDIT_TYPE),
                              (self.status_filter, AuditColumn.STATUS)):
            combo.currentTextChanged.connect(
                lambda text, c=column: self.proxy.set_column_value(c, None if text == ALL else text))
        self.search = QLineEdit()
        self.search.setObjectName("audit_search")
        self.search.setPlaceholderText("検索(機関名・場所・監査人)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_text)
        filters = QHBoxLayout()
        for label, combo in (("年度", self.year_filter), ("種別", self.type_filter), ("状態", self.status_filter)):
            filters.addWidget(QLabel(label))
            filters.addWidget(combo)
        filters.addWidget(self.search, 1)

        self.table = read_only_table("audit_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(AuditColumn.FISCAL_YEAR, Qt.SortOrder.DescendingOrder)
        readable_columns(self.table, stretch=AuditColumn.AUDITORS)
        self.table.activated.connect(lambda _index: self.open_selected())
        on_selection_changed(self.table, self._selection_changed)

        self.new_button = self._button("新規作成… (Ctrl+N)", "new_audit_button", self.new_audit)
        self.baseline_button = self._button("前回から開始…", "baseline_button", self.start_from_selected)
        self.details_button = self._button("詳細を編集…", "edit_details_button", self.edit_selected_details)
        self.open_button = self._button("現地監査を開く (Enter)", "open_session_button", self.open_selected)
        self.next_status = QComboBox()
        self.next_status.setObjectName("next_status_combo")
        self.status_button = self._button("状態を変更", "change_status_button", self.change_status)
        self.export_button = self._button("自己点検表を出力…", "export_selfcheck_button", self.export_selfcheck)
        self.import_button = self._button("自己点検表を取り込む…", "import_selfcheck_button", self.import_selfcheck)
        self.sheet_button = self._button("指摘事項票を印刷…", "print_sheet_button", self.print_sheet)
        buttons = QHBoxLayout()  # the audit itself
        widget: QWidget
        for widget in (self.new_button, self.baseline_button, self.details_button, self.open_button,
                       QLabel("次の状態"), self.next_status, self.status_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        documents = QHBoxLayout()  # its documents, on a row of their own: a laptop's width
        documents.addStretch(1)
        documents.addWidget(self.export_button)
        documents.addWidget(self.import_button)
        documents.addWidget(self.sheet_button)
        self.message = QLabel()
        self.message.setObjectName("audits_message")
        self.message.setWordWrap(True)

        list_panel = QWidget()
        list_layout = QVBoxLayout(list_panel)
        list_layout.addLayout(filters)
        list_layout.addWidget(self.table, 1)
        list_layout.addLayout(buttons)
        list_layout.addLayout(documents)
        list_layout.addWidget(self.message)
        self.session = SessionView(runner)
        self.session.closed.connect(self.show_list)
        self.stack = QStackedWidget()
        self.stack.addWidget(list_panel)
        self.stack.addWidget(self.session)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        new_shortcut = QShortcut(QKeySequence("Ctrl+N"), list_panel)
        new_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_shortcut.activated.connect(self.new_audit)
        self._selection_changed()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    # ------------------------------------------------------------ list

    def refresh(self) -> None:
        if self.stack.currentWidget() is self.session:
            self.session.reload()  # the list reloads on the way back
            return
        self.runner.submit(load_snapshot, self._loaded)
        if self._reopen_after_unlock is not None:
            self.open_session(self._reopen_after_unlock)
            self._reopen_after_unlock = None

    def clear(self) -> None:
        """On locking: the session's pending note is saved, then nothing decrypted stays on screen; the
        session opens again on unlock."""
        if self.stack.currentWidget() is self.session and self.session.audit is not None:
            self._reopen_after_unlock = self.session.audit.id
        self.session.clear()
        self.stack.setCurrentIndex(0)
        self.model.set_rows([])
        self.agencies = []

    def _loaded(self, snapshot: AuditsSnapshot) -> None:
        selected = self.selected_audit()
        self.agencies, self.planned = snapshot.agencies, snapshot.planned
        self.model.set_rows(snapshot.audits)
        fit_columns(self.table)
        years = sorted({a.fiscal_year for a in snapshot.audits}, reverse=True)
        current = self.year_filter.currentText()
        self.year_filter.blockSignals(True)
        self.year_filter.clear()
        self.year_filter.addItem(ALL)
        self.year_filter.addItems([format_fiscal_year(y) for y in years])
        self.year_filter.setCurrentText(current if self.year_filter.findText(current) >= 0 else ALL)
        self.year_filter.blockSignals(False)
        if selected is not None:
            self.select_audit(selected.id)
        self._selection_changed()

    def selected_audit(self) -> Audit | None:
        return selected_source_row(self.table)

    def select_audit(self, audit_id: int | None) -> None:
        select_source_row(self.table, audit_id)

    def _selection_changed(self) -> None:
        audit = self.selected_audit()
        self.next_status.clear()
        if audit is not None:
            for status in AuditStatus:  # in workflow order
                if status in ALLOWED_TRANSITIONS[audit.status]:
                    self.next_status.addItem(status.value, status)
        for widget in (self.baseline_button, self.details_button, self.open_button, self.export_button,
                       self.sheet_button):
            widget.setEnabled(audit is not None)
        self.status_button.setEnabled(self.next_status.count() > 0)

    # ------------------------------------------------------------ create, status

    def new_audit(self) -> None:
        self._open_dialog(AuditDialog(self.runner, self.agencies, planned=self.planned, parent=self))

    def start_from_selected(self) -> None:
        audit = self.selected_audit()
        if audit is not None:
            self._open_dialog(AuditDialog(self.runner, self.agencies, previous=audit, parent=self))

    def _open_dialog(self, dialog: AuditDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self._created)
        self.audit_dialog = dialog
        dialog.open()

    def edit_selected_details(self) -> None:
        audit = self.selected_audit()
        if audit is None:
            return
        dialog = AuditDetailsDialog(self.runner, audit, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._details_saved)
        self.details_dialog = dialog
        dialog.open()

    def _details_saved(self, audit: Audit) -> None:
        self.message.setText(f"{format_fiscal_year(audit.fiscal_year)} {audit.audit_type.value} "
                             f"{audit.agency_name} の詳細を保存しました。")
        self.runner.submit(load_snapshot, lambda snapshot: self._reloaded(snapshot, audit.id))

    def _created(self, audit: Audit) -> None:
        self.message.setText(f"{format_fiscal_year(audit.fiscal_year)} {audit.audit_type.value} "
                             f"{audit.agency_name} を作成しました(状態: {audit.status.value})。")
        self.runner.submit(load_snapshot, lambda snapshot: self._reloaded(snapshot, audit.id))

    def _reloaded(self, snapshot: AuditsSnapshot, select_id: int | None) -> None:
        self._loaded(snapshot)
        self.select_audit(select_id)
        self.table.setFocus()  # Enter opens the new audit at once

    def change_status(self) -> None:
        audit, status = self.selected_audit(), self.next_status.currentData()
        if audit is None or status is None:
            return
        audit_id = audit.id
        self.runner.submit(lambda db, _p: audits.set_status(db, audit_id, status),
                           self._status_changed)

    def _status_changed(self, changed: Audit) -> None:
        self.message.setText(f"{changed.agency_name} の監査を「{changed.status.value}」にしました。")
        self.refresh()

    # ------------------------------------------------------------ session

    def open_selected(self) -> None:
        audit = self.selected_audit()
        if audit is not None:
            self.open_session(audit.id)

    def open_session(self, audit_id: int) -> None:
        self.session.open_audit(audit_id)
        self.stack.setCurrentWidget(self.session)

    def show_list(self, reload: bool = True) -> None:
        self.stack.setCurrentIndex(0)
        if reload:
            self.refresh()
        self.table.setFocus()

    # ------------------------------------------------------------ self-check forms

    def export_selfcheck(self) -> None:
        audit = self.selected_audit()
        if audit is None:
            return
        suggested = f"自己点検表_{format_fiscal_year(audit.fiscal_year)}_{audit.agency_name}.xlsx"
        path = file_dialogs.save_file(self, "selfcheck", "自己点検表を出力", suggested, "Excel (*.xlsx)")
        if path:
            self.export_to(audit.id, Path(path))

    def export_to(self, audit_id: int, path: Path) -> None:
        self.runner.submit(lambda db, _p: selfcheck_xlsx.export_form(db, audit_id, path),
                           lambda written: self.message.setText(f"自己点検表を出力しました: {written}"),
                           label="自己点検表を出力しています")

    def print_sheet(self) -> None:
        """Preview the selected audit's findings sheet, to print or save it."""
        audit = self.selected_audit()
        if audit is not None:
            open_sheet_preview(self.runner, audit.id, self)

    def import_selfcheck(self) -> None:
        path = file_dialogs.open_file(self, "selfcheck", "記入済みの自己点検表を取り込む", "Excel (*.xlsx)")
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> None:
        self.runner.submit(lambda db, _p: selfcheck_xlsx.import_form(db, path), self._imported,
                           label="自己点検表を取り込んでいます")

    def _imported(self, result: selfcheck_xlsx.SelfcheckImport) -> None:
        self.message.setText(f"自己点検表を取り込みました(監査 ID {result.audit_id} {result.agency}: {result.items} 項目、"
                             f"うち該当なし {result.not_applicable})。")
        self.refresh()
