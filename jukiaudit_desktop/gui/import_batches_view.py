"""The imports of an agency (one row per import: kind, files, rows added and skipped, when, by whom), with a
button that removes the chosen one after a confirmation. Shown on the ログ突合 page."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.wareki import format_wareki
from ..services import import_batches
from ..services.import_batches import Batch, Removal
from ..services.imports import KIND_LABELS
from .errors import show_error
from .row_table import Column, RowFilterProxy, RowTableModel, read_only_table
from .tasks import DbRunner


def _when(batch: Batch) -> str:
    return f"{format_wareki(datetime.fromisoformat(batch.imported_at).date())} {batch.imported_at[11:16]}"


COLUMNS: list[Column[Batch]] = [
    Column("番号", lambda b: str(b.id), lambda b: b.id, align_right=True),
    Column("種類", lambda b: KIND_LABELS[b.kind]),
    Column("ファイル", lambda b: "、".join(f.file_name for f in b.files), tooltip=True),
    Column("追加した行", lambda b: f"{b.rows:,}", lambda b: b.rows, align_right=True),
    Column("飛ばした行", lambda b: f"{b.skipped:,}", lambda b: b.skipped, align_right=True),
    Column("取込日時", _when, lambda b: b.imported_at),
    Column("取込者", lambda b: b.imported_by or "-"),
]


class ImportBatchesView(QGroupBox):
    """Lists the imports of one agency; `removed` is emitted after an import was removed."""

    removed = Signal(object)  # Removal

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__("取込の一覧", parent)
        self.setObjectName("import_batches")
        self.runner = runner
        self.agency_code: str | None = None
        self.model: RowTableModel[Batch] = RowTableModel(COLUMNS)
        self.proxy = RowFilterProxy(self.model)
        self.table = read_only_table("import_batch_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_button())
        self.remove_button = QPushButton("取込を削除(&D)…")
        self.remove_button.setObjectName("remove_import_button")
        self.remove_button.setToolTip("選んだ取込が追加した行を削除します。その後の突合結果は「古い」と表示されます")
        self.remove_button.clicked.connect(self.remove_selected)
        self.message = QLabel()
        self.message.setObjectName("import_batches_message")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_button()

    def set_agency(self, code: str | None) -> None:
        self.agency_code = code
        self.model.set_rows([])
        self.message.clear()
        self.reload()

    def reload(self) -> None:
        code = self.agency_code
        if code is None:
            self._update_button()
            return
        self.runner.submit(lambda db, _progress: import_batches.list_imports(db, code),
                           lambda rows: self._show(code, rows))

    def _show(self, code: str, rows: list[Batch]) -> None:
        if code != self.agency_code:
            return  # another agency was chosen meanwhile
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self._update_button()

    def selected(self) -> Batch | None:
        chosen = self.table.selectionModel().selectedRows()
        return self.model.row_at(self.proxy.mapToSource(chosen[0])) if chosen else None

    def _update_button(self) -> None:
        self.remove_button.setEnabled(self.selected() is not None)

    def remove_selected(self) -> None:
        batch = self.selected()
        if batch is None:
            return
        files = "、".join(f.file_name for f in batch.files)
        answer = QMessageBox.question(
            self, "取込の削除",
            f"取込 {batch.id}({KIND_LABELS[batch.kind]}: {files})が追加した {batch.rows:,} 行を削除します。\n"
            "この取込の後に実行した突合結果は「古い」と表示されます(発行済みの指摘事項票はそのまま検証できます)。\n"
            "削除しますか?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.runner.submit(lambda db, _progress: import_batches.remove_import(db, batch.id), self._removed,
                           lambda exc: show_error(self, exc), label="取込を削除しています")

    def _removed(self, removal: Removal) -> None:
        self.message.setText(f"取込 {removal.batch.id} を削除しました(操作ログ {removal.operations:,} 行、"
                             f"管理簿 {removal.register_entries:,} 行、古くなった突合結果 {removal.stale_runs} 件)。")
        self.removed.emit(removal)
        self.reload()


def import_list_window(runner: DbRunner, agency_code: str, title: str, parent: QWidget) -> QDialog:
    """A window holding the list of one agency's imports (the ログ突合 page opens it beside the log view)."""
    window = QDialog(parent)
    window.setObjectName("import_list_window")
    window.setWindowTitle(f"取込の一覧 — {title}")
    window.resize(900, 420)
    view = ImportBatchesView(runner, window)
    QVBoxLayout(window).addWidget(view)
    view.set_agency(agency_code)
    return window
