"""The imported operation log as a paged table: the model keeps only row ids and fetches rows a page at a time
through the runner, so a log of a million rows scrolls, sorts and filters smoothly (sorting and filtering
happen in SQL, on raw values)."""

from __future__ import annotations

from array import array
from collections import OrderedDict
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import JukiAuditError
from ..core.wareki import format_wareki_short
from ..services import operation_log
from ..services.operation_log import OperationFilter
from .date_edit import DateEdit
from .errors import show_error
from .row_table import read_only_table
from .tasks import DbRunner

AnyIndex = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
PAGE_ROWS = 200
KEPT_PAGES = 40  # pages held in memory (8,000 rows); older ones are fetched again when scrolled back to
LOADING = "…"


class OperationColumn(IntEnum):
    AT = 0
    TERMINAL = 1
    OPERATOR = 2
    OP_KIND = 3
    JIMU = 4
    COUNT = 5
    RESULT = 6
    SUBJECT = 7
    SOURCE = 8


HEADERS = {
    OperationColumn.AT: "操作日時", OperationColumn.TERMINAL: "端末ID", OperationColumn.OPERATOR: "操作者ID",
    OperationColumn.OP_KIND: "処理区分", OperationColumn.JIMU: "利用事務コード", OperationColumn.COUNT: "照会件数",
    OperationColumn.RESULT: "処理結果", OperationColumn.SUBJECT: "対象者(伏せ字)", OperationColumn.SOURCE: "取込元(ファイル:行)",
}
SORT_KEYS = {
    OperationColumn.AT: "at", OperationColumn.TERMINAL: "terminal", OperationColumn.OPERATOR: "operator",
    OperationColumn.OP_KIND: "op_kind", OperationColumn.JIMU: "jimu_code", OperationColumn.COUNT: "count",
    OperationColumn.RESULT: "result", OperationColumn.SUBJECT: "subject", OperationColumn.SOURCE: "source",
}


def display(row: tuple[Any, ...], column: OperationColumn) -> str:
    """Cell text of a row from imports_repo.operations_by_id: (id, at, terminal, operator, op_kind, jimu_code,
    count, result, subject_mask, file_name, line)."""
    if column is OperationColumn.AT:
        moment = datetime.fromisoformat(row[1])
        return f"{format_wareki_short(moment.date())} {moment:%H:%M:%S}"
    if column is OperationColumn.COUNT:
        return f"{row[6]:,}"
    if column is OperationColumn.SOURCE:
        return f"{row[9]}:{row[10]}"
    value = row[{OperationColumn.TERMINAL: 2, OperationColumn.OPERATOR: 3, OperationColumn.OP_KIND: 4,
                 OperationColumn.JIMU: 5, OperationColumn.RESULT: 7, OperationColumn.SUBJECT: 8}[column]]
    return "" if value is None else str(value)


class OperationLogModel(QAbstractTableModel):
    """Row ids of the current filter and order; rows fetched in pages on the worker thread."""

    loaded = Signal(int)  # number of rows after a (re)load

    def __init__(self, runner: DbRunner) -> None:
        super().__init__()
        self.runner = runner
        self.agency_id: int | None = None
        self.where = OperationFilter()
        self.sort_column = OperationColumn.SOURCE  # import order: no sort step on a big log
        self.descending = False
        self.ids: array[int] = array("q")
        self._pages: OrderedDict[int, list[tuple[Any, ...]]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0  # answers to an older load are dropped

    def load(self, agency_id: int | None, where: OperationFilter | None = None) -> None:
        self.agency_id = agency_id
        if where is not None:
            self.where = where
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        if self.agency_id is None:
            self._reset(array("q"))
            return
        agency_id, where, sort, descending = self.agency_id, self.where, SORT_KEYS[self.sort_column], self.descending
        self.runner.submit(lambda db, _p: operation_log.operation_ids(db, agency_id, where, sort, descending),
                           lambda ids: self._ids_loaded(generation, ids), label="操作ログを並べています")

    def _ids_loaded(self, generation: int, ids: array[int]) -> None:
        if generation == self._generation:
            self._reset(ids)

    def _reset(self, ids: array[int]) -> None:
        self.beginResetModel()
        self.ids = ids
        self._pages.clear()
        self._pending.clear()
        self.endResetModel()
        self.loaded.emit(len(ids))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column = OperationColumn(column)
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def rowCount(self, parent: AnyIndex = ROOT) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: AnyIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(OperationColumn)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return HEADERS[OperationColumn(section)]
        return str(section + 1)

    def row(self, number: int) -> tuple[Any, ...] | None:
        """The row at `number` if its page is here; otherwise its page is requested and None returned."""
        page = number // PAGE_ROWS
        rows = self._pages.get(page)
        if rows is None:
            self._request(page)
            return None
        self._pages.move_to_end(page)
        offset = number - page * PAGE_ROWS
        return rows[offset] if offset < len(rows) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = OperationColumn(index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and column is OperationColumn.COUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self.row(index.row())
        return LOADING if row is None else display(row, column)

    def _request(self, page: int) -> None:
        if page in self._pending:
            return
        self._pending.add(page)
        generation = self._generation
        ids = self.ids[page * PAGE_ROWS:(page + 1) * PAGE_ROWS].tolist()
        self.runner.submit(lambda db, _p: operation_log.operation_rows(db, ids),
                           lambda rows: self._page_loaded(generation, page, rows))

    def _page_loaded(self, generation: int, page: int, rows: list[tuple[Any, ...]]) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page)
        self._pages[page] = rows
        while len(self._pages) > KEPT_PAGES:
            self._pages.popitem(last=False)
        first = page * PAGE_ROWS
        last = min(first + PAGE_ROWS, len(self.ids)) - 1
        self.dataChanged.emit(self.index(first, 0), self.index(last, len(OperationColumn) - 1))


class OperationLogView(QWidget):
    """Filter fields above the paged table of one agency's imported operations."""

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = OperationLogModel(runner)
        self.terminal = QLineEdit()
        self.terminal.setObjectName("filter_terminal")
        self.terminal.setPlaceholderText("端末ID(前方一致)")
        self.operator = QLineEdit()
        self.operator.setObjectName("filter_operator")
        self.operator.setPlaceholderText("操作者ID(前方一致)")
        self.jimu = QLineEdit()
        self.jimu.setObjectName("filter_jimu")
        self.jimu.setPlaceholderText("利用事務コード(前方一致)")
        self.date_from = DateEdit(name="filter_from")
        self.date_to = DateEdit(name="filter_to")
        apply = QPushButton("絞り込む")
        apply.setObjectName("filter_button")
        self.count_label = QLabel("")
        self.count_label.setObjectName("count_label")
        self.table = read_only_table("operation_table")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(OperationColumn.SOURCE, Qt.SortOrder.AscendingOrder)
        # uniform rows: no per-row size queries over a million rows
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((OperationColumn.AT, 150), (OperationColumn.OP_KIND, 140), (OperationColumn.SOURCE, 200)):
            self.table.setColumnWidth(column, width)

        filters = QHBoxLayout()
        for widget in (self.terminal, self.operator, self.jimu):
            filters.addWidget(widget)
        filters.addWidget(QLabel("期間"))
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("～"))
        filters.addWidget(self.date_to)
        filters.addWidget(apply)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        apply.clicked.connect(self.apply_filter)
        for edit in (self.terminal, self.operator, self.jimu, self.date_from.edit, self.date_to.edit):
            edit.returnPressed.connect(self.apply_filter)
        self.model.loaded.connect(self._loaded)

    def _loaded(self, count: int) -> None:
        self.count_label.setText(f"{count:,} 件")
        self.table.scrollToTop()

    def set_agency(self, agency_id: int | None) -> None:
        self.model.load(agency_id, self.current_filter())

    def refresh(self) -> None:
        self.model.reload()

    def current_filter(self) -> OperationFilter:
        return OperationFilter(self.terminal.text().strip(), self.operator.text().strip(), self.jimu.text().strip(),
                               self.date_from.date("期間の開始"), self.date_to.date("期間の終了"))

    def apply_filter(self) -> None:
        try:
            where = self.current_filter()
        except JukiAuditError as exc:
            show_error(self, exc)
            return
        self.model.load(self.model.agency_id, where)
