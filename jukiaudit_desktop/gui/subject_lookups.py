"""「この対象者への照会」: every lookup of one subject in the agency's logs, with the masked number only."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ..core.identifiers import VISIBLE_DIGITS
from ..core.wareki import format_wareki_short
from ..services.subjects import Lookup
from .row_table import Column, RowFilterProxy, RowTableModel, read_only_table


def _moment(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    return f"{format_wareki_short(moment.date())} {moment:%H:%M:%S}"


COLUMNS = [
    Column[Lookup]("照会日時", lambda r: _moment(r.at), lambda r: (r.at, r.operation_id)),
    Column[Lookup]("端末", lambda r: r.terminal),
    Column[Lookup]("操作者", lambda r: r.operator),
    Column[Lookup]("処理区分", lambda r: r.op_kind or ""),
    Column[Lookup]("事務", lambda r: r.jimu_code or ""),
    Column[Lookup]("処理結果", lambda r: r.result or ""),
    Column[Lookup]("対象者", lambda r: r.masked),
    Column[Lookup]("出典", lambda r: f"{r.file}:{r.line}", lambda r: (r.file, r.line)),
]


class SubjectLookupsDialog(QDialog):
    def __init__(self, lookups: list[Lookup], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("subject_lookups_dialog")
        self.setWindowTitle("この対象者への照会")
        self.resize(900, 480)
        days = len({r.at[:10] for r in lookups})
        operators = sorted({r.operator for r in lookups})
        self.summary_label = QLabel(
            f"対象者 {lookups[0].masked}: 照会 {len(lookups)} 件、{days} 日、操作者 {len(operators)} 人"
            f"({'、'.join(operators)})。番号は下 {VISIBLE_DIGITS} 桁のみ表示しています。")
        self.summary_label.setObjectName("summary_label")
        self.summary_label.setWordWrap(True)
        self.model: RowTableModel[Lookup] = RowTableModel(COLUMNS)
        self.model.set_rows(lookups)
        self.proxy = RowFilterProxy(self.model)
        self.table = read_only_table("lookups_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("閉じる")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
