"""A read-only table model over a list of row objects, with columns declared once, a filter proxy, and the
read-only table view every list in the app uses.

Each column says how to show a row (display text) and how to sort it (a raw value), so tables sort on
raw values, never on display strings. The proxy filters by free text and by exact per-column values.

The proxy reads the rows' texts and sort keys straight from the model, each computed once per row (per
column) after `set_rows`/`replace_row`, instead of through Qt's data() for every comparison and every filter
pass: a table of thousands of rows (the trail) sorts and filters without calling back into Python per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSettings,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QHelpEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionHeader,
    QTableView,
    QToolTip,
    QWidget,
)

RowT = TypeVar("RowT")
AnyIndex = QModelIndex | QPersistentModelIndex

NO_PARENT = QModelIndex()


@dataclass(frozen=True)
class Column(Generic[RowT]):
    header: str
    display: Callable[[RowT], str]
    sort_key: Callable[[RowT], Any] | None = None  # raw value; defaults to the display text
    align_right: bool = False
    tooltip: bool = False  # show the full text as a tooltip (long text columns)


Colouring = Callable[[RowT, int], "QColor | None"]


class RowTableModel(QAbstractTableModel, Generic[RowT]):
    """Rows are plain objects; `columns` decides what each cell shows and how it sorts."""

    def __init__(self, columns: Sequence[Column[RowT]], *, background: Colouring[RowT] | None = None,
                 foreground: Colouring[RowT] | None = None) -> None:
        super().__init__()
        self.columns = list(columns)
        self.rows: list[RowT] = []
        self._background = background
        self._foreground = foreground
        self._texts: dict[int, list[str]] = {}  # row number → each column's display text (for filters)
        self._keys: dict[int, list[Any]] = {}  # column → each row's sort key

    def set_rows(self, rows: Sequence[RowT]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._texts, self._keys = {}, {}
        self.endResetModel()

    def replace_row(self, row_number: int, row: RowT) -> None:
        self.rows[row_number] = row
        self._texts.pop(row_number, None)
        self._keys = {}
        self.dataChanged.emit(self.index(row_number, 0), self.index(row_number, len(self.columns) - 1))

    def texts(self, row_number: int) -> list[str]:
        """Each column's display text of a row (what the filters match)."""
        texts = self._texts.get(row_number)
        if texts is None:
            row = self.rows[row_number]
            texts = self._texts[row_number] = [str(column.display(row) or "") for column in self.columns]
        return texts

    def sort_keys(self, column: int) -> list[Any]:
        """The column's sort key (its raw value, else its display text) of every row, in row order."""
        keys = self._keys.get(column)
        if keys is None:
            key = self.columns[column].sort_key or self.columns[column].display
            keys = self._keys[column] = [key(row) for row in self.rows]
        return keys

    def row_at(self, index: AnyIndex) -> RowT:
        return self.rows[index.row()]

    def rowCount(self, parent: AnyIndex = NO_PARENT) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = NO_PARENT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.display(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self._background:
            colour = self._background(row, index.column())
            return QBrush(colour) if colour else None
        if role == Qt.ItemDataRole.ForegroundRole and self._foreground:
            colour = self._foreground(row, index.column())
            return QBrush(colour) if colour else None
        return None


class RowFilterProxy(QSortFilterProxyModel):
    """Sorts on each column's sort keys (RowTableModel.sort_keys; None last) and keeps rows matching the free
    text and every column filter."""

    def __init__(self, source: RowTableModel[Any]) -> None:
        super().__init__()
        self.setSourceModel(source)
        self._text = ""
        self._exact: dict[int, str] = {}
        self._predicate: Callable[[Any], bool] | None = None

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self._rows_changed()

    def set_column_value(self, column: int, value: str | None) -> None:
        """Keep only rows whose display text in `column` equals `value` (None: no filter on it)."""
        self.beginFilterChange()
        if value is None:
            self._exact.pop(column, None)
        else:
            self._exact[column] = value
        self._rows_changed()

    def set_predicate(self, predicate: Callable[[Any], bool] | None) -> None:
        self.beginFilterChange()
        self._predicate = predicate
        self._rows_changed()

    def refilter(self) -> None:
        """Filter again after the rows changed in a way the filters care about."""
        self.beginFilterChange()
        self._rows_changed()

    def _rows_changed(self) -> None:
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def source_row(self, proxy_index: AnyIndex) -> Any:
        source: RowTableModel[Any] = self.sourceModel()  # type: ignore[assignment]
        return source.row_at(self.mapToSource(proxy_index))

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:  # noqa: N802
        source: RowTableModel[Any] = self.sourceModel()  # type: ignore[assignment]
        if self._predicate is not None and not self._predicate(source.rows[source_row]):
            return False
        if not self._exact and not self._text:
            return True
        texts = source.texts(source_row)
        if any(texts[c] != value for c, value in self._exact.items()):
            return False
        return not self._text or any(self._text in t.casefold() for t in texts)

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:  # noqa: N802
        source: RowTableModel[Any] = self.sourceModel()  # type: ignore[assignment]
        keys = source.sort_keys(left.column())
        a, b = keys[left.row()], keys[right.row()]
        if a is None or b is None:
            return a is not None and b is None
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)


def read_only_table(name: str) -> QTableView:
    """A table whose rows are selected one at a time and never edited in place; uniform rows sized to the font."""
    table = QTableView()
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    return table


def on_selection_changed(table: QTableView, slot: Callable[[], object]) -> None:
    """Call `slot` once the table's selection HAS changed. (currentRowChanged fires before the selection moves:
    a slot reading selectedRows() there sees the previous row, one selection behind.) `slot` is a method of a
    QObject so that the connection ends with its object (a lambda would be called during the page's teardown)."""
    table.selectionModel().selectionChanged.connect(slot)


def selected_source_row(table: QTableView) -> Any | None:
    """The row object behind the table's selected row (through its RowFilterProxy), or None."""
    indexes = table.selectionModel().selectedRows()
    proxy: RowFilterProxy = table.model()  # type: ignore[assignment]
    return proxy.source_row(indexes[0]) if indexes else None


def select_source_row(table: QTableView, row_id: int | None) -> None:
    """Selects and makes current the table's row whose object has the id `row_id` (nothing if none shown has)."""
    proxy: RowFilterProxy = table.model()  # type: ignore[assignment]
    for row in range(proxy.rowCount()):
        index = proxy.index(row, 0)
        if proxy.source_row(index).id == row_id:
            table.setCurrentIndex(index)
            table.selectRow(row)
            return


WIDEST_COLUMN = 420  # px: a column sized to its content stops here (the text is elided, its tooltip is whole)
NARROWEST_COLUMN = 40
# Rows a column is sized to: those in view, then the next ones up to this many (Qt's default is 1,000, and all
# rows of a table not shown yet: each row one size hint through the model, for every page refreshed).
FITTED_ROWS = 100


class ElidedTextTips(QObject):
    """Shows a cell's whole text as its tooltip when the view had to elide it (and the model gave no tooltip)."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self.view = view
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.ToolTip or not isinstance(event, QHelpEvent):
            return False
        index = self.view.indexAt(event.pos())
        if index.isValid() and index.data(Qt.ItemDataRole.ToolTipRole):
            return False  # the model's own tooltip is shown as usual
        tip = self.elided_text(event.pos())
        if tip:
            QToolTip.showText(event.globalPos(), tip, self.view.viewport())
        else:
            QToolTip.hideText()
        return True

    def elided_text(self, pos: QPoint) -> str | None:
        """The whole text of the cell at `pos` when it does not fit its column, else None."""
        index = self.view.indexAt(pos)
        text = str(index.data() or "") if index.isValid() else ""
        margin = self.view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.view) + 1
        room = self.view.visualRect(index).width() - 2 * margin  # as the item delegate lays text out
        return text if text and self.view.fontMetrics().horizontalAdvance(text) > room else None


class SortArrowStyle(QProxyStyle):
    """Header arrows that point the way the values go: ▲ ascending, ▼ descending. (Qt hands the style SortDown
    for an ascending column, which most styles draw as ▲'s opposite of what a Japanese spreadsheet shows.)"""

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,  # noqa: N802 (Qt's name)
                      painter: QPainter, widget: QWidget | None = None) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(option, QStyleOptionHeader):
            swapped = QStyleOptionHeader(option)
            up, down = QStyleOptionHeader.SortIndicator.SortUp, QStyleOptionHeader.SortIndicator.SortDown
            swapped.sortIndicator = down if option.sortIndicator == up else up
            option = swapped
        super().drawPrimitive(element, option, painter, widget)


def readable_columns(table: QTableView, stretch: int | None = None) -> None:
    """Make `table`'s columns readable: sized to their content (call fit_columns after rows arrive), column
    `stretch` (default: the last) taking the room left, elided text shown whole as a tooltip, widths the user
    drags remembered (per table objectName) for the next time."""
    header = table.horizontalHeader()
    arrows = SortArrowStyle()
    arrows.setParent(header)  # the widget does not own its style; this keeps it alive as long as the header
    header.setStyle(arrows)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setMinimumSectionSize(NARROWEST_COLUMN)
    header.setResizeContentsPrecision(FITTED_ROWS)
    ElidedTextTips(table)
    header.sectionResized.connect(lambda column, _old, new: _remember(table, column, new))


def _settings() -> QSettings:
    return QSettings("JukiAudit", "table-widths")


def _remember(table: QTableView, column: int, width: int) -> None:
    if table.property("fitting") or _stretches(table, column):
        return  # only a width the user set is kept (fit_columns sizes the others; the stretching one follows)
    _settings().setValue(f"{table.objectName()}/{column}", width)


def _stretches(table: QTableView, column: int) -> bool:
    header = table.horizontalHeader()
    if header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch:
        return True
    return header.stretchLastSection() and column == header.count() - 1


def fit_columns(table: QTableView, widest: int = WIDEST_COLUMN) -> None:
    """Size each visible column to its header and the rows in view (up to FITTED_ROWS), at most `widest`, unless
    the user set its width before (remembered)."""
    header, settings = table.horizontalHeader(), _settings()
    table.setProperty("fitting", True)
    try:
        for column in range(header.count()):
            if table.isColumnHidden(column) or _stretches(table, column):
                continue
            saved = settings.value(f"{table.objectName()}/{column}")
            if saved is not None:
                table.setColumnWidth(column, int(saved))
                continue
            wanted = max(table.sizeHintForColumn(column), header.sectionSizeHint(column))
            table.setColumnWidth(column, max(NARROWEST_COLUMN, min(wanted, widest)))
    finally:
        table.setProperty("fitting", False)
