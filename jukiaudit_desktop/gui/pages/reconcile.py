"""The ログ突合 page: pick an agency, set up and run a reconciliation, review, explain or raise its discrepancies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTime,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ...core.audit import Audit
from ...core.errors import JukiAuditError
from ...core.master import Agency
from ...core.progress import Progress
from ...core.wareki import format_fiscal_year, format_wareki, format_wareki_or, format_wareki_short
from ...reconcile.help import threshold_help
from ...reconcile.model import REGISTER_KINDS, Kind
from ...reconcile.settings import ReconcileSettings, format_hours
from ...services import (
    agency_calendar,
    analysis_thresholds,
    audits,
    day_timeline,
    master_data,
    operation_log,
    reconciliation,
    subjects,
)
from ...services.agency_calendar import AgencyCalendar
from ...services.database_access import Database
from ...services.findings import DISCREPANCY_TITLES
from ...services.reconciliation import STATUS_LABELS, DiscrepancyView, Period, RunInfo, SideBySide
from ...services.subjects import Lookup
from .. import ui_state
from ..date_edit import DateEdit
from ..day_timeline import DayTimeline
from ..errors import show_error
from ..file_drop import FileDrop
from ..finding_dialog import FindingDialog
from ..import_batches_view import ImportBatchesView, import_list_window
from ..import_wizard import ImportWizard
from ..inquiry_export import export_shown
from ..oplog_model import OperationLogView
from ..register_entry_dialog import RegisterEntryDialog
from ..row_table import Column, RowTableModel, fit_columns, read_only_table, readable_columns
from ..sample_dialog import SampleDialog
from ..subject_lookups import SubjectLookupsDialog
from ..subject_thresholds import SubjectThresholdsDialog
from ..tasks import DbRunner
from . import Page

AnyIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
ALL_KINDS = "all"


KIND_HELP = {
    Kind.UNREGISTERED_OPERATION: "どの記帳の時間(前後の許容幅を含む)にも入らない操作",
    Kind.UNUSED_REGISTER_ENTRY: "記帳の時間(前後の許容幅を含む)に、その端末の操作が一つもない記帳",
    Kind.OPERATOR_MISMATCH: "記帳の使用者と違う操作者IDによる操作(操作ごとに表示)",
    Kind.PURPOSE_MISMATCH: "記帳の利用事務と違う事務コードの操作(両方に事務がある場合)",
    Kind.COUNT_MISMATCH: "記帳の照会件数と、その記帳に属する操作の照会件数の合計が違う記帳(件数の記入がある場合)",
    Kind.OFF_HOURS: "業務時間外、土日・祝日(振替休日を含む)・設定した休業日の操作",
    Kind.UNAUTHORIZED_JIMU: "権限外の事務(機関に権限のない事務、または根拠の有効期間外の事務)の操作",
    Kind.UNKNOWN_OPERATOR: "操作者一覧にない、または登録前・失効後の操作者IDによる操作",
    Kind.CONCURRENT_SESSION: "同じ操作者IDが別の端末を使っている間(判定間隔以内の連続操作)の操作",
}
ATTRIBUTION_HELP = (
    "操作は、同じ端末の記帳の時間(終了の分を含む)を前後に許容幅だけ広げた範囲に入れば、その記帳のものとします。"
    "複数の記帳に入るときは、①広げない時間に入る(または最も近い)記帳、②操作者が同じ記帳、③開始が早い記帳、"
    "④管理簿で先の行の記帳の順に選びます。"
)


def wareki_moment(iso: str) -> str:
    """2025-04-01T10:05:33 → R7.4.1 10:05:33 (minutes only when the text has no seconds); "" stays ""."""
    if not iso:
        return ""  # the row's import was removed
    moment = datetime.fromisoformat(iso)
    clock = moment.strftime("%H:%M:%S" if len(iso) > 16 else "%H:%M")
    return f"{format_wareki_short(moment.date())} {clock}"


@dataclass(frozen=True)
class RunView:
    """What the page shows of one agency: its latest run, that run's discrepancies and the agency's audits."""

    agency_code: str
    run: RunInfo | None = None
    discrepancies: list[DiscrepancyView] = field(default_factory=list)
    audits: list[Audit] = field(default_factory=list)


def load_run_view(db: Database, agency_code: str, run_id: int | None = None) -> RunView:
    agency = master_data.require_agency(db, agency_code)
    run = reconciliation.latest_run(db, agency_code) if run_id is None else reconciliation.require_run(db, run_id)
    views = [] if run is None else reconciliation.view_run(db, run.id)
    return RunView(agency_code, run, views, audits.list_audits(db, agency_id=agency.id))


@dataclass(frozen=True)
class AgencyChoice:
    """The agencies to pick from, and the one whose files were imported last (None: nothing imported yet)."""

    agencies: list[Agency]
    last_imported: str | None


def load_agency_choice(db: Database) -> AgencyChoice:
    agencies = master_data.list_agencies(db)
    imported = [(f.imported_at, f.id, a.code) for a in agencies if a.id is not None
                for f in operation_log.imported_files(db, a.id)]
    return AgencyChoice(agencies, max(imported)[2] if imported else None)


class DiscrepancyColumn(IntEnum):
    NUMBER, STATUS, KIND, AT, TERMINAL, OPERATOR, SUMMARY, SOURCE, EXPLANATION = range(9)


HEADERS = ["No.", "状態", "種別", "日時", "端末", "操作者", "内容", "出典(ファイル:行)", "説明"]
# Each column is as wide as this text in the table's font; 内容 takes the room left.
def _display(row: DiscrepancyView, column: DiscrepancyColumn) -> str:
    if column is DiscrepancyColumn.NUMBER:
        return str(row.ordinal)
    if column is DiscrepancyColumn.KIND:
        return row.kind.label
    if column is DiscrepancyColumn.AT:
        return wareki_moment(row.at)
    if column is DiscrepancyColumn.TERMINAL:
        return row.terminal
    if column is DiscrepancyColumn.OPERATOR:
        return row.operator
    if column is DiscrepancyColumn.SUMMARY:
        return row.summary
    if column is DiscrepancyColumn.SOURCE:
        return f"{row.file or '手入力'}:{row.line or '-'}"
    if column is DiscrepancyColumn.STATUS:
        return STATUS_LABELS[row.status]
    return row.explanation or ""


def _sort_key(row: DiscrepancyView, column: DiscrepancyColumn) -> Any:
    """Raw values: numbers as numbers, times as ISO text, kinds in their listed order."""
    if column is DiscrepancyColumn.NUMBER:
        return row.ordinal
    if column is DiscrepancyColumn.KIND:
        return (row.kind.rank, row.ordinal)
    if column is DiscrepancyColumn.AT:
        return (row.at, row.ordinal)
    if column is DiscrepancyColumn.SOURCE:
        return (row.file or "", row.line or 0)
    return (_display(row, column), row.ordinal)


class DiscrepancyModel(QAbstractTableModel):
    """The discrepancies of one run. Sorting happens here with Python's sort on raw keys: tens of thousands of
    rows sort in milliseconds, where a proxy's per-comparison callbacks would freeze the window."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[DiscrepancyView] = []

    def set_rows(self, rows: list[DiscrepancyView]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def replace(self, updated: DiscrepancyView) -> None:
        for number, row in enumerate(self.rows):
            if row.id == updated.id:
                self.rows[number] = updated
                self.dataChanged.emit(self.index(number, 0), self.index(number, len(HEADERS) - 1))
                return

    def rowCount(self, parent: AnyIndex = ROOT) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], DiscrepancyColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (DiscrepancyColumn.SUMMARY, DiscrepancyColumn.SOURCE,
                                                               DiscrepancyColumn.EXPLANATION):
            return _display(row, column)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.rows.sort(key=lambda r: _sort_key(r, DiscrepancyColumn(column)),
                       reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()


class DiscrepancyFilter(QSortFilterProxyModel):
    """Filters by kind, status and free text, reading the rows directly; sorting is left to the model."""

    def __init__(self, source: DiscrepancyModel) -> None:
        super().__init__()
        self.setSourceModel(source)
        self.source = source
        self.kind: Kind | None = None
        self.status: str | None = None
        self.text = ""

    def set_filter(self, *, kind: Kind | None, status: str | None, text: str) -> None:
        self.beginFilterChange()
        self.kind, self.status, self.text = kind, status, text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:  # noqa: N802
        row = self.source.rows[source_row]
        if (self.kind is not None and row.kind is not self.kind) or (self.status and row.status != self.status):
            return False
        if not self.text:
            return True
        return any(self.text in _display(row, c).casefold() for c in DiscrepancyColumn)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source.sort(column, order)

    def row_at(self, index: AnyIndex) -> DiscrepancyView:
        return self.source.rows[self.mapToSource(index).row()]


# The file name comes last: it is long and the same on every row, so it takes the room left (elided).
OPERATION_COLUMNS: list[Column[tuple[Any, ...]]] = [
    Column("行", lambda r: str(r[2]), sort_key=lambda r: r[2], align_right=True),
    Column("操作日時", lambda r: wareki_moment(r[3]), sort_key=lambda r: r[3]),
    Column("端末", lambda r: r[4]),
    Column("操作者", lambda r: r[5]),
    Column("処理区分", lambda r: r[6] or ""),
    Column("事務", lambda r: r[7] or ""),
    Column("件数", lambda r: str(r[8]), sort_key=lambda r: r[8], align_right=True),
    Column("ファイル", lambda r: r[1]),
]

REGISTER_COLUMNS: list[Column[tuple[Any, ...]]] = [
    Column("行", lambda r: "" if r[2] is None else str(r[2]), sort_key=lambda r: r[2], align_right=True),
    Column("開始", lambda r: wareki_moment(r[3]), sort_key=lambda r: r[3]),
    Column("終了", lambda r: wareki_moment(r[4]), sort_key=lambda r: r[4]),
    Column("端末", lambda r: r[5]),
    Column("使用者", lambda r: r[6]),
    Column("事務", lambda r: r[7] or ""),
    Column("件数", lambda r: "" if r[8] is None else str(r[8]), sort_key=lambda r: r[8], align_right=True),
    Column("ファイル", lambda r: r[1] or "手入力"),
]


def _table(name: str) -> QTableView:
    """A read-only table sized to its contents; the last column takes the room left, long text elided in the
    middle (a file name keeps its end, a 出典 its line number)."""
    table = read_only_table(name)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class ReconcilePage(Page):
    title = "ログ突合"

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.view = RunView("")
        self._agencies: list[Agency] = []
        self._chosen_code: str | None = ui_state.last_agency() or None  # the agency shown last (kept over starts)
        self._generation = 0  # clear() raises it: answers to work submitted before a lock are dropped
        self._reselect_id: int | None = None  # the discrepancy to select again once refresh() has loaded
        self._reopen_log = False  # the operation-log window was open when the page was cleared

        self.agency_combo = QComboBox()
        self.agency_combo.setObjectName("agency_combo")
        self.agency_combo.setMinimumWidth(260)
        self.agency_combo.currentIndexChanged.connect(self._agency_changed)
        agency_label = QLabel("機関(&A):")
        agency_label.setBuddy(self.agency_combo)
        self.import_button = QPushButton("取り込み(&I)…")
        self.import_button.setObjectName("import_button")
        self.import_button.setToolTip("操作ログ・業務端末使用管理簿のファイル(CSV / xlsx)を取り込みます")
        self.import_button.clicked.connect(lambda: self.open_import_wizard())
        FileDrop(self, self.open_import_wizard)  # files dropped on the page open the import dialog with them
        self.import_wizard: ImportWizard | None = None
        self.entry_button = QPushButton("記帳を手入力(&T)…")
        self.entry_button.setObjectName("entry_button")
        self.entry_button.setToolTip("紙の業務端末使用管理簿を 1 行ずつ入力します")
        self.entry_button.clicked.connect(self.open_entry_dialog)
        self.entry_dialog: RegisterEntryDialog | None = None
        self.log_button = QPushButton("操作ログを見る(&L)…")
        self.log_button.setObjectName("log_button")
        self.log_button.clicked.connect(self.open_log_view)
        self.log_window: QDialog | None = None
        self.imports_button = QPushButton("取込の一覧(&M)…")
        self.imports_button.setObjectName("imports_button")
        self.imports_button.setToolTip("この機関の取込を一覧し、誤って取り込んだものを削除します")
        self.imports_button.clicked.connect(self.open_import_list)
        self.import_list: QDialog | None = None
        self.sample_button = QPushButton("根拠書類の抽出(&B)…")
        self.sample_button.setObjectName("sample_button")
        self.sample_button.setToolTip("申請書・根拠書類を確認する照会を、事務ごとに比例して再現可能に抽出し、結果を記録します")
        self.sample_button.clicked.connect(self.open_sample_dialog)
        self.sample_dialog: SampleDialog | None = None
        self.finding_dialog: FindingDialog | None = None
        top = QHBoxLayout()
        top.addWidget(agency_label)
        top.addWidget(self.agency_combo)
        # 根拠書類の抽出 samples the settings' period (else the dialog's own); here, as the period's row is full
        for button in (self.import_button, self.entry_button, self.log_button, self.imports_button, self.sample_button):
            top.addWidget(button)
        top.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self._build_settings())
        self.run_label = QLabel("まだ突合していません。")
        self.run_label.setObjectName("run_label")
        self.run_label.setWordWrap(True)
        layout.addWidget(self.run_label)

        self.panes = QSplitter(Qt.Orientation.Vertical)
        self.panes.addWidget(self._build_list())
        self.panes.addWidget(self._build_detail())
        self.panes.setStretchFactor(0, 1)
        self.panes.setStretchFactor(1, 1)
        self._panes_sized = False
        layout.addWidget(self.panes, 1)
        self._update_actions()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """The first time the page has its size: share the height out (the panes' size hints would not fit)."""
        super().showEvent(event)
        if not self._panes_sized:
            self._panes_sized = True
            height = self.panes.height()
            self.panes.setSizes([height * 2 // 5, height - height * 2 // 5])
            detail = self.sides.height()
            self.sides.setSizes([detail * 3 // 10, detail - detail * 3 // 10])

    # ----- building -----

    def _build_settings(self) -> QGroupBox:
        """Two rows (the period; times, closed days and the run button), leaving the height to the tables."""
        box = QGroupBox("突合の設定")
        self.from_edit = DateEdit(name="from_edit")
        self.to_edit = DateEdit(name="to_edit")
        period = QHBoxLayout()
        period.addWidget(QLabel("期間(空欄は全期間):"))
        for number, day in enumerate((self.from_edit, self.to_edit)):
            day.edit.setMinimumWidth(day.edit.fontMetrics().horizontalAdvance(day.edit.placeholderText()) + 16)
            if number:
                period.addWidget(QLabel("～"))
            period.addWidget(day)
        period.addStretch(1)

        defaults = ReconcileSettings()
        self.tolerance_spin = QSpinBox()
        self.tolerance_spin.setObjectName("tolerance_spin")
        self.tolerance_spin.setRange(0, 120)
        self.tolerance_spin.setSuffix(" 分")
        self.tolerance_spin.setValue(defaults.tolerance_minutes)
        self.tolerance_spin.setToolTip(ATTRIBUTION_HELP)
        self.hours_start = QTimeEdit(QTime(defaults.hours_start.hour, defaults.hours_start.minute))
        self.hours_start.setObjectName("hours_start")
        self.hours_end = QTimeEdit(QTime(defaults.hours_end.hour, defaults.hours_end.minute))
        self.hours_end.setObjectName("hours_end")
        for edit in (self.hours_start, self.hours_end):
            edit.setDisplayFormat("HH:mm")
        self.session_gap_spin = QSpinBox()
        self.session_gap_spin.setObjectName("session_gap_spin")
        self.session_gap_spin.setRange(0, 24 * 60)
        self.session_gap_spin.setSuffix(" 分")
        self.session_gap_spin.setValue(defaults.session_gap_minutes)
        self.thresholds = ReconcileSettings()  # its subject and activity thresholds; refresh() loads the saved ones
        self.thresholds_button = QPushButton("しきい値(&D)…")
        self.thresholds_button.setObjectName("thresholds_button")
        self.thresholds_button.setToolTip("同一対象者への繰り返し照会・照会件数の急増・照会失敗の連続の判定基準")
        self.thresholds_button.clicked.connect(self.edit_thresholds)
        self.run_button = QPushButton("突合を実行(&R)")
        self.run_button.setObjectName("run_button")
        self.run_button.clicked.connect(self.run_reconciliation)
        timing = QHBoxLayout()
        for label, widget in (("許容幅:", self.tolerance_spin), ("業務時間:", self.hours_start), ("～", self.hours_end),
                              ("同時使用の判定間隔:", self.session_gap_spin)):
            timing.addWidget(QLabel(label))
            timing.addWidget(widget)

        self.closed_days_edit = QLineEdit()
        self.closed_days_edit.setObjectName("closed_days_edit")
        self.closed_days_edit.setPlaceholderText("例: 12-29,12-31,01-02 または 2025-12-29")
        self.closed_days_edit.setToolTip("祝日(振替休日を含む)と土日のほかの休業日を、月-日(毎年)または年-月-日で、"
                                         "カンマ区切りで入力します。")
        closed_label = QLabel("休業日(&H):")
        closed_label.setBuddy(self.closed_days_edit)
        timing.addSpacing(12)
        timing.addWidget(closed_label)
        timing.addWidget(self.closed_days_edit, 1)
        timing.addWidget(self.thresholds_button)
        self.keep_calendar_button = QPushButton("機関の既定に(&K)")
        self.keep_calendar_button.setObjectName("keep_calendar_button")
        self.keep_calendar_button.setToolTip("この業務時間と休業日を、この機関の突合の既定として保存します")
        self.keep_calendar_button.clicked.connect(self.keep_calendar)
        timing.addWidget(self.keep_calendar_button)
        timing.addWidget(self.run_button)

        rows = QVBoxLayout(box)
        rows.addLayout(period)
        rows.addLayout(timing)
        return box

    def _build_list(self) -> QWidget:
        self.kind_list = QListWidget()
        self.kind_list.setObjectName("kind_list")
        self.kind_list.setMaximumWidth(max(self.kind_list.fontMetrics().horizontalAdvance(f"{kind.label} (10,000)")
                                            for kind in Kind) + 32)
        self.kind_list.currentItemChanged.connect(lambda *_: self._apply_filter())

        self.model = DiscrepancyModel()
        self.proxy = DiscrepancyFilter(self.model)
        self.table = _table("discrepancy_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(DiscrepancyColumn.NUMBER, Qt.SortOrder.AscendingOrder)
        readable_columns(self.table, stretch=DiscrepancyColumn.SUMMARY)  # 内容 elided to the room left (tooltip whole)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())

        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("filter_edit")
        self.filter_edit.setPlaceholderText("絞り込み(端末、操作者、内容、ファイル名 …)")
        self.filter_edit.textChanged.connect(lambda *_: self._apply_filter())
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("status_combo")
        self.status_combo.addItem("すべての状態", None)
        for status, label in STATUS_LABELS.items():
            self.status_combo.addItem(label, status)
        self.status_combo.currentIndexChanged.connect(lambda *_: self._apply_filter())
        self.shown_label = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.status_combo)
        filters.addWidget(self.shown_label)
        self.inquiry_button = QPushButton("疑義照会リスト(&Q)…")
        self.inquiry_button.setObjectName("inquiry_button")
        self.inquiry_button.setToolTip("表示している差異を、機関への疑義照会リスト(xlsx / CSV、回答欄つき)として書き出します")
        self.inquiry_button.clicked.connect(self.export_inquiry)
        filters.addWidget(self.inquiry_button)

        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addLayout(filters)
        right.addWidget(self.table, 1)
        right_widget = QWidget()
        right_widget.setLayout(right)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.kind_list)
        splitter.addWidget(right_widget)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([self.kind_list.maximumWidth(), 10 * self.kind_list.maximumWidth()])
        return splitter

    def _build_detail(self) -> QWidget:
        self.operation_model: RowTableModel[tuple[Any, ...]] = RowTableModel(OPERATION_COLUMNS)
        self.register_model: RowTableModel[tuple[Any, ...]] = RowTableModel(REGISTER_COLUMNS)
        self.operation_table = _table("operation_table")
        self.operation_table.setModel(self.operation_model)
        self.register_table = _table("register_table")
        self.register_table.setModel(self.register_model)
        # One above the other, each the page's full width: every column readable, times aligned for comparing.
        self.subject_button = QPushButton("この対象者への照会(&P)…")
        self.subject_button.setObjectName("subject_button")
        self.subject_button.setToolTip("この差異の対象者(個人番号・住民票コード)への照会を、この機関の全操作ログから一覧にします")
        self.subject_button.clicked.connect(self.show_subject_lookups)
        self.subject_dialog: SubjectLookupsDialog | None = None
        self.sides = sides = QSplitter(Qt.Orientation.Vertical)
        # The register entries share their place with the picture of the terminal's day (no room for a third pane
        # at 1280×800); the operations stay in view below.
        self.timeline = DayTimeline()
        self.timeline.discrepancy_clicked.connect(self.select_discrepancy)
        self.register_tabs = QTabWidget()
        self.register_tabs.setObjectName("register_tabs")
        self.register_tabs.addTab(self.register_table, "業務端末使用管理簿")
        self.register_tabs.addTab(self.timeline, "端末の一日(記帳・許容時間・操作・差異)")
        sides.addWidget(self.register_tabs)
        box = QGroupBox("操作ログ")
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(4, 4, 4, 4)
        box_layout.addWidget(self.operation_table)
        box_layout.addWidget(self.subject_button, 0, Qt.AlignmentFlag.AlignRight)
        sides.addWidget(box)
        sides.setStretchFactor(1, 1)

        self.explanation_edit = QLineEdit()
        self.explanation_edit.setObjectName("explanation_edit")
        self.explanation_edit.setPlaceholderText("説明の内容(例: 端末障害時の再照会、管理簿の記入漏れを確認済み)")
        self.explanation_edit.textChanged.connect(lambda *_: self._update_actions())
        self.explain_button = QPushButton("説明済みにする(&E)")
        self.explain_button.setObjectName("explain_button")
        self.explain_button.clicked.connect(self.explain_selected)
        self.reopen_button = QPushButton("説明済みを取り消す(&U)")
        self.reopen_button.setObjectName("reopen_button")
        self.reopen_button.clicked.connect(self.reopen_selected)
        self.audit_combo = QComboBox()
        self.audit_combo.setObjectName("audit_combo")
        self.audit_combo.setMinimumWidth(220)
        self.audit_combo.currentIndexChanged.connect(lambda *_: self._update_actions())
        self.raise_button = QPushButton("指摘事項にする(&S)")
        self.raise_button.setObjectName("raise_button")
        self.raise_button.clicked.connect(self.raise_selected)
        self.action_label = QLabel()
        self.action_label.setObjectName("action_label")
        actions = QHBoxLayout()
        actions.addWidget(self.explanation_edit, 1)
        actions.addWidget(self.explain_button)
        actions.addWidget(self.reopen_button)
        actions.addSpacing(16)
        actions.addWidget(self.audit_combo)
        actions.addWidget(self.raise_button)

        widget = QWidget()
        layout = QVBoxLayout(widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(sides, 1)
        layout.addLayout(actions)
        layout.addWidget(self.action_label)
        return widget

    # ----- importing and loading -----

    def current_agency(self) -> Agency | None:
        code = self.current_agency_code()
        found = next((a for a in self._agencies if a.code == code), None)
        if found is None:
            self.action_label.setText("機関を選んでください(マスタの画面で登録できます)。")
        return found

    def _data_changed(self, what: str) -> None:
        self.run_label.setText(f"{what}。「突合を実行」で新しいデータを突合してください。")

    def open_import_wizard(self, files: list[Path] | None = None) -> None:
        """The import dialog for the chosen agency (with `files` listed: dropped onto the page)."""
        agency = self.current_agency()
        if agency is None:
            return
        self.import_wizard = ImportWizard(self.runner, agency.code, self)
        self.import_wizard.imported.connect(lambda _summary: self._data_changed("取り込みました"))
        self.import_wizard.show()
        if files:
            self.import_wizard.add_files(list(files))

    def open_entry_dialog(self) -> None:
        agency = self.current_agency()
        if agency is None or agency.id is None:
            return
        self.entry_dialog = RegisterEntryDialog(self.runner, agency.id, self)
        self.entry_dialog.saved.connect(lambda _entry: self._data_changed("記帳を登録しました"))
        self.entry_dialog.show()

    def open_log_view(self) -> None:
        agency = self.current_agency()
        if agency is None:
            return
        window = QDialog(self)
        window.setWindowTitle(f"操作ログ — {agency.code} {agency.name}")
        window.resize(1100, 700)
        view = OperationLogView(self.runner, window)
        QVBoxLayout(window).addWidget(view)
        view.set_agency(agency.id)
        self.log_window = window
        window.show()

    def open_import_list(self) -> None:
        agency = self.current_agency()
        if agency is None:
            return
        self.import_list = import_list_window(self.runner, agency.code, f"{agency.code} {agency.name}", self)
        view = self.import_list.findChild(ImportBatchesView)
        assert view is not None
        view.removed.connect(self._import_removed)
        self.import_list.show()

    def open_sample_dialog(self) -> None:
        agency = self.current_agency()
        if agency is None:
            return
        try:
            period = (self.from_edit.date("期間の開始日"), self.to_edit.date("期間の終了日"))
        except JukiAuditError:
            period = (None, None)  # the dialog has its own period fields
        self.sample_dialog = SampleDialog(self.runner, agency.code, agency.name, period, self)
        self.sample_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.sample_dialog.destroyed.connect(self._sample_dialog_gone)
        self.sample_dialog.show()

    def _sample_dialog_gone(self) -> None:
        self.sample_dialog = None

    def _import_removed(self, _removal: object) -> None:
        self._agency_changed()  # the run shown may have become 古い
        self._data_changed("取込を削除しました")

    def export_inquiry(self) -> None:
        run, code = self.view.run, self.current_agency_code()
        if run is None or code is None:
            self.action_label.setText("突合を実行してから書き出してください。")
            return
        shown = [self.proxy.row_at(self.proxy.index(row, 0)).id for row in range(self.proxy.rowCount())]
        export_shown(self, self.runner, run.id, shown, code, self.action_label.setText)

    def _current(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        """`callback`, dropped when the page was cleared after the work was submitted."""
        generation = self._generation
        return lambda result: callback(result) if generation == self._generation else None

    def refresh(self) -> None:
        self.runner.submit(lambda db, _progress: load_agency_choice(db), self._current(self._show_agencies))
        self.runner.submit(lambda db, _progress: analysis_thresholds.kept(db), self._current(self._set_thresholds))

    def _set_thresholds(self, kept: ReconcileSettings) -> None:
        self.thresholds = kept

    def clear(self) -> None:
        """On locking: every decrypted row goes (discrepancies, side-by-side rows, the operation-log window);
        refresh() loads the same agency, selects the same discrepancy and reopens the log window."""
        self._generation += 1
        chosen = self.selected()
        reselect = self._reselect_id if chosen is None else chosen.id
        if self.log_window is not None:
            self._reopen_log = self.log_window.isVisible()
            view = self.log_window.findChild(OperationLogView)
            if view is not None:
                view.set_agency(None)
            self.log_window.close()
            self.log_window.deleteLater()
            self.log_window = None
        if self.subject_dialog is not None:  # masked subjects and operators are decrypted rows too
            self.subject_dialog.close()
            self.subject_dialog.deleteLater()
            self.subject_dialog = None
        if self.sample_dialog is not None:  # sampled operations are decrypted rows too
            self.sample_dialog.close()
        if self.import_list is not None:
            self.import_list.close()
            self.import_list.deleteLater()
            self.import_list = None
        self._agencies = []
        self.agency_combo.blockSignals(True)
        self.agency_combo.clear()
        self.agency_combo.blockSignals(False)
        self._show_view(RunView(""))
        self._reselect_id = reselect
        self.explanation_edit.clear()
        self.run_label.clear()
        self.action_label.clear()

    def _show_agencies(self, choice: AgencyChoice) -> None:
        """Show the agency chosen last (also in an earlier start), else the one imported last, else the first."""
        self._agencies = choice.agencies
        self.agency_combo.blockSignals(True)
        self.agency_combo.clear()
        for agency in choice.agencies:
            self.agency_combo.addItem(f"{agency.code} {agency.name}", agency.code)
        found = [i for i in map(self.agency_combo.findData, (self._chosen_code, choice.last_imported)) if i >= 0]
        self.agency_combo.setCurrentIndex(found[0] if found else 0 if choice.agencies else -1)
        self.agency_combo.blockSignals(False)
        self._agency_changed()
        if self._reopen_log:
            self._reopen_log = False
            self.open_log_view()

    def show_discrepancy(self, agency_code: str, discrepancy_id: int | None) -> None:
        """Show `agency_code`'s latest run with the discrepancy selected (a search result); None: the agency
        alone (from ホーム)."""
        self._chosen_code, self._reselect_id = agency_code, discrepancy_id
        if self.isVisible():
            self.refresh()

    def current_agency_code(self) -> str | None:
        code = self.agency_combo.currentData()
        return None if code is None else str(code)

    def _agency_changed(self) -> None:
        code = self.current_agency_code()
        self._chosen_code = code or self._chosen_code
        if code is not None:
            ui_state.remember_agency(code)
        if code is None:
            self._show_view(RunView(""))
            return
        self.runner.submit(lambda db, _progress: load_run_view(db, code), self._current(self._show_view))
        self.runner.submit(lambda db, _progress: agency_calendar.calendar(db, code), self._current(self._show_calendar))

    def _show_calendar(self, kept: AgencyCalendar) -> None:
        """The agency's business hours and closed days fill the settings (年末年始 unless it keeps others)."""
        self.hours_start.setTime(QTime(kept.hours_start.hour, kept.hours_start.minute))
        self.hours_end.setTime(QTime(kept.hours_end.hour, kept.hours_end.minute))
        self.closed_days_edit.setText(",".join(kept.closed_days))

    def keep_calendar(self) -> None:
        code = self.current_agency_code()
        if code is None:
            return
        try:
            kept = self.settings()
        except JukiAuditError as exc:
            show_error(self, exc)
            return
        hours, days = format_hours(kept.hours_start, kept.hours_end), list(kept.closed_days)
        self.runner.submit(lambda db, _progress: agency_calendar.set_calendar(db, code, hours, days),
                           lambda _kept: self.action_label.setText(f"{code} の業務時間と休業日を既定として保存しました。"),
                           lambda exc: show_error(self, exc))

    def settings(self) -> ReconcileSettings:
        start, end = self.hours_start.time(), self.hours_end.time()
        closed = tuple(p.strip() for p in self.closed_days_edit.text().split(",") if p.strip())
        return replace(self.thresholds, tolerance_minutes=self.tolerance_spin.value(),
                       hours_start=time(start.hour(), start.minute()),
                       hours_end=time(end.hour(), end.minute()), closed_days=closed,
                       session_gap_minutes=self.session_gap_spin.value())

    def edit_thresholds(self) -> None:
        dialog = SubjectThresholdsDialog(self.thresholds, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        chosen = self.thresholds = dialog.applied_to(self.thresholds)
        self.runner.submit(lambda db, _progress: analysis_thresholds.keep(db, chosen),
                           lambda _kept: self.action_label.setText("しきい値を保存しました。次の突合から使います。"),
                           lambda exc: show_error(self, exc))

    def run_reconciliation(self) -> None:
        code = self.current_agency_code()
        if code is None:
            self.action_label.setText("機関を選んでください。")
            return
        try:
            settings = self.settings()
            period = Period(self.from_edit.date("期間の開始日"), self.to_edit.date("期間の終了日"))
        except JukiAuditError as exc:
            show_error(self, exc)
            return

        def work(db: Database, progress: Progress) -> RunView:
            result = reconciliation.run_reconciliation(db, code, settings, period, progress)
            return load_run_view(db, code, result.run_id)

        show = self._current(self._show_view)

        def finished(view: RunView) -> None:
            self.run_button.setEnabled(True)
            show(view)

        self.run_button.setEnabled(False)
        self.runner.submit(work, finished, self._run_failed, label="操作ログと管理簿を突合しています…")

    def _run_failed(self, exc: BaseException) -> None:
        self.run_button.setEnabled(True)
        show_error(self, exc)

    def _show_view(self, view: RunView) -> None:
        self.view = view
        self.model.set_rows([])  # the filter is reset on an empty list, so the new rows are filtered once
        self._show_run_label()
        self._show_counts()
        self._apply_filter()
        self.model.set_rows(view.discrepancies)
        fit_columns(self.table)
        self.audit_combo.clear()
        self.audit_combo.addItem("監査を選択してください", None)
        for audit in view.audits:
            self.audit_combo.addItem(f"{format_fiscal_year(audit.fiscal_year)} {audit.audit_type.value}"
                                     f"({audit.status.value})", audit.id)
        self._show_shown_count()
        if not self._select_again():
            self._selection_changed()

    def _select_again(self) -> bool:
        """Select the discrepancy that was selected when the page was cleared, if it is still shown."""
        wanted, self._reselect_id = self._reselect_id, None
        return wanted is not None and self.select_discrepancy(wanted)

    def select_discrepancy(self, discrepancy_id: int) -> bool:
        """Select the discrepancy's row (a mark clicked on the day's picture); False when it is not shown."""
        for row in range(self.proxy.rowCount()):
            if self.proxy.row_at(self.proxy.index(row, 0)).id == discrepancy_id:
                self.table.setCurrentIndex(self.proxy.index(row, 0))
                self.table.scrollTo(self.proxy.index(row, 0))
                return True
        return False

    def _show_run_label(self) -> None:
        run = self.view.run
        if run is None:
            self.run_label.setText("この機関はまだ突合していません。設定を確かめて「突合を実行」を押してください。")
            return
        first = format_wareki_or(run.period.first, "最初")
        last = format_wareki_or(run.period.last, "最後")
        at = datetime.fromisoformat(run.run_at)
        s = run.settings
        self.run_label.setText(
            f"突合 {run.id}({format_wareki(at.date())} {at:%H:%M} 実行)  期間: {first}～{last}  "
            f"許容幅 {s['tolerance_minutes']} 分  業務時間 {s['business_hours']}  "
            f"休業日 {', '.join(s['closed_days']) or '祝日のみ'}  差異 {len(self.view.discrepancies):,} 件"
            + (f"\n{run.stale}" if run.stale else ""))

    def _show_counts(self) -> None:
        counts = {kind: 0 for kind in Kind}
        for row in self.view.discrepancies:
            counts[row.kind] += 1
        skipped = {} if self.view.run is None else {s["kind"]: s["reason"] for s in self.view.run.skipped}
        run_settings = None if self.view.run is None else self.view.run.settings
        self.kind_list.blockSignals(True)
        self.kind_list.clear()
        everything = QListWidgetItem(f"すべて ({len(self.view.discrepancies):,})")
        everything.setData(Qt.ItemDataRole.UserRole, ALL_KINDS)
        self.kind_list.addItem(everything)
        for kind in Kind:
            if kind.value in skipped:
                item = QListWidgetItem(f"{kind.label}: 未確認")
                item.setToolTip(skipped[kind.value])
                item.setFlags(Qt.ItemFlag.NoItemFlags)
            else:
                item = QListWidgetItem(f"{kind.label} ({counts[kind]:,})")
                item.setData(Qt.ItemDataRole.UserRole, kind.value)
                item.setToolTip(KIND_HELP.get(kind) or threshold_help(kind, run_settings) or "")
            self.kind_list.addItem(item)
        self.kind_list.setCurrentRow(0)
        self.kind_list.blockSignals(False)

    def _apply_filter(self) -> None:
        item = self.kind_list.currentItem()
        chosen = None if item is None else item.data(Qt.ItemDataRole.UserRole)
        self.proxy.set_filter(kind=None if chosen in (None, ALL_KINDS) else Kind(chosen),
                              status=self.status_combo.currentData(), text=self.filter_edit.text())
        self._show_shown_count()

    def _show_shown_count(self) -> None:
        self.shown_label.setText(f"{self.proxy.rowCount():,} / {self.model.rowCount():,} 件")

    # ----- the selected discrepancy -----

    def selected(self) -> DiscrepancyView | None:
        index = self.table.currentIndex()
        return self.proxy.row_at(index) if index.isValid() else None

    def _selection_changed(self) -> None:
        chosen = self.selected()
        self._update_actions()
        if chosen is None:
            self.explanation_edit.clear()  # not the previous agency's or row's reason
            self._show_side_by_side(SideBySide([], []))
            self.timeline.clear_day()
            return
        self.explanation_edit.setText(chosen.explanation or "")
        self.runner.submit(lambda db, _progress: reconciliation.side_by_side(db, chosen.id),
                           self._current(self._show_side_by_side))
        self._load_day(chosen)

    def _load_day(self, chosen: DiscrepancyView) -> None:
        """The picture of the chosen discrepancy's terminal and day (kept when it is the day already shown)."""
        shown = self.timeline.picture
        if shown is not None and shown.terminal == chosen.terminal and shown.day.isoformat() == chosen.at[:10]:
            self.timeline.show_day(replace(shown, selected_id=chosen.id))
            return
        code, views, run = self.view.agency_code, self.view.discrepancies, self.view.run
        assert run is not None  # a discrepancy is chosen: it belongs to the run shown
        tolerance = int(run.settings.get("tolerance_minutes", ReconcileSettings().tolerance_minutes))
        self.runner.submit(lambda db, _progress: day_timeline.load_day(db, code, chosen, views, tolerance),
                           self._current(self.timeline.show_day))

    def _show_side_by_side(self, rows: SideBySide) -> None:
        self.operation_model.set_rows(rows.operations)
        self.register_model.set_rows(rows.entries)

    def _update_actions(self) -> None:
        chosen = self.selected()
        is_open = chosen is not None and chosen.status == reconciliation.OPEN
        self.explain_button.setEnabled(is_open and bool(self.explanation_edit.text().strip()))
        self.reopen_button.setEnabled(chosen is not None and chosen.status == reconciliation.EXPLAINED)
        self.raise_button.setEnabled(is_open and self.audit_combo.currentData() is not None)
        self.subject_button.setEnabled(chosen is not None and chosen.kind not in REGISTER_KINDS)
        if chosen is not None and not self.view.audits:
            self.action_label.setText("指摘事項にするには、この機関の監査を「監査」の画面で作成してください。")

    def show_subject_lookups(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        discrepancy_id = chosen.id

        def show(lookups: list[Lookup]) -> None:
            self.subject_dialog = SubjectLookupsDialog(lookups, self)
            self.subject_dialog.open()

        self.runner.submit(lambda db, _p: subjects.lookups_of_discrepancy(db, discrepancy_id), self._current(show),
                           lambda exc: show_error(self, exc), label="対象者への照会を集めています")

    def _replace(self, updated: DiscrepancyView, message: str) -> None:
        self.model.replace(updated)
        self.action_label.setText(message)
        self._apply_filter()
        self._update_actions()

    def _reload_row(self, discrepancy_id: int, message: str) -> None:
        run = self.view.run
        assert run is not None

        def work(db: Database, _progress: Progress) -> DiscrepancyView:
            return next(v for v in reconciliation.view_run(db, run.id) if v.id == discrepancy_id)

        self.runner.submit(work, lambda updated: self._replace(updated, message))

    def explain_selected(self) -> None:
        chosen, reason = self.selected(), self.explanation_edit.text().strip()
        if chosen is None or not reason:
            return
        self.runner.submit(lambda db, _progress: reconciliation.mark_explained(db, chosen.id, reason),
                           lambda _stored: self._reload_row(chosen.id, f"No.{chosen.ordinal} を説明済みにしました。"))

    def reopen_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        self.runner.submit(lambda db, _progress: reconciliation.reopen(db, chosen.id),
                           lambda _stored: self._reload_row(chosen.id, f"No.{chosen.ordinal} を未対応に戻しました。"))

    def raise_selected(self) -> None:
        """Open the finding dialog prefilled from the selected discrepancy; saving it marks the discrepancy raised."""
        chosen, audit_id, agency = self.selected(), self.audit_combo.currentData(), self.current_agency()
        if chosen is None or agency is None:
            return
        if audit_id is None:
            self.action_label.setText("監査を選択してください。")
            return
        dialog = FindingDialog(self.runner, int(audit_id), agency_id=agency.id, discrepancy_id=chosen.id,
                               title=DISCREPANCY_TITLES.get(chosen.kind.value, ""), parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda finding: self._reload_row(
            chosen.id, f"No.{chosen.ordinal} を指摘事項「{finding.title}」にしました(指摘事項の画面で編集できます)。"))
        self.finding_dialog = dialog
        dialog.open()
