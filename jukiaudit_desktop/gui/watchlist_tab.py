"""The マスタ page's 注視対象者 tab: the watch-list by 表示名 (numbers are never shown, not even masked),
an add dialog whose number field is a password field, a CSV import (種別,番号,表示名), and removal."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.identifiers import IdentifierKind
from ..core.master import Agency
from ..core.wareki import format_wareki
from ..services import master_data, watchlist
from ..services.watchlist import WatchlistEntry
from .errors import show_error
from .file_dialogs import open_file
from .row_table import (
    Column,
    RowFilterProxy,
    RowTableModel,
    fit_columns,
    read_only_table,
    readable_columns,
    selected_source_row,
)
from .submit_dialog import SubmitDialog
from .tasks import DbRunner

OFFICE = "共通(すべての機関)"


def _added(entry: WatchlistEntry) -> str:
    moment = datetime.fromisoformat(entry.added_at)
    return f"{format_wareki(moment.date())} {moment:%H:%M}"


COLUMNS = [
    Column[WatchlistEntry]("ID", lambda e: str(e.id), lambda e: e.id, align_right=True),
    Column[WatchlistEntry]("表示名", lambda e: e.label),
    Column[WatchlistEntry]("種別", lambda e: e.kind),
    Column[WatchlistEntry]("対象の機関", lambda e: e.agency_code or OFFICE),
    Column[WatchlistEntry]("登録日時", _added, lambda e: (e.added_at, e.id)),
]


class WatchlistEntryDialog(SubmitDialog):
    """One entry typed in: the number goes from the password field to the worker and is hashed there."""

    saved = Signal(int)

    def __init__(self, runner: DbRunner, agencies: list[Agency], parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("watchlist_entry_dialog")
        self.setWindowTitle("注視対象者の追加")
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("watch_kind_combo")
        self.kind_combo.addItems([k.value for k in IdentifierKind])
        self.number_edit = QLineEdit()
        self.number_edit.setObjectName("watch_number_edit")
        self.number_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.number_edit.setPlaceholderText("数字のみ(表示されません)")
        self.label_edit = QLineEdit()
        self.label_edit.setObjectName("watch_label_edit")
        self.label_edit.setPlaceholderText("例: 著名人A、職員の家族(申出)")
        self.agency_combo = QComboBox()
        self.agency_combo.setObjectName("watch_agency_combo")
        self.agency_combo.addItem(OFFICE, None)
        for agency in agencies:
            self.agency_combo.addItem(f"{agency.code} {agency.name}", agency.code)
        note = QLabel("番号は照合用の値(鍵付きハッシュ)に変えて保存します。番号そのものは保存せず、後から表示もできません。")
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("種別(&K)", self.kind_combo)
        form.addRow("番号(&N)", self.number_edit)
        form.addRow("表示名(&L)", self.label_edit)
        form.addRow("対象の機関(&G)", self.agency_combo)
        form.addRow(note)
        self.save_button = self.finish_layout(form, "追加", "watch_save_button")

    def accept(self) -> None:
        kind, label, agency = self.kind_combo.currentText(), self.label_edit.text(), self.agency_combo.currentData()
        number = self.number_edit.text()
        self.number_edit.clear()  # the field never holds the number after the attempt, saved or refused
        self.submit(lambda db, _p: watchlist.add_entry(db, kind, number, label, agency), self.saved.emit,
                    label="注視対象者を追加しています")


class WatchlistTab(QWidget):
    def __init__(self, runner: DbRunner) -> None:
        super().__init__()
        self.setObjectName("watchlist_tab")
        self.runner = runner
        self.agencies: list[Agency] = []
        self.dialog: WatchlistEntryDialog | None = None
        self.model: RowTableModel[WatchlistEntry] = RowTableModel(COLUMNS)
        self.table = read_only_table("watchlist_table")
        self.table.setModel(RowFilterProxy(self.model))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        readable_columns(self.table)
        self.add_button = QPushButton("追加(&A)…")
        self.add_button.setObjectName("watchlist_add")
        self.add_button.clicked.connect(self.add_entry)
        self.import_button = QPushButton("CSV から取り込む(&I)…")
        self.import_button.setObjectName("watchlist_import")
        self.import_button.setToolTip("種別,番号,表示名 の CSV。番号は照合用の値に変えて保存し、ファイルは取り込み後に削除します")
        self.import_button.clicked.connect(self.import_file)
        self.remove_button = QPushButton("一覧から外す(&R)…")
        self.remove_button.setObjectName("watchlist_remove")
        self.remove_button.clicked.connect(self.remove_selected)
        note = QLabel("注視対象者への照会は、ログ突合で「注視対象者への照会」として必ず差異になります。一覧には表示名だけを"
                      "示し、番号は保存も表示もしません。")
        note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        self.runner.submit(lambda db, _p: (watchlist.list_entries(db), master_data.list_agencies(db)), self._show)

    def clear(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self._show(([], []))

    def _show(self, loaded: tuple[list[WatchlistEntry], list[Agency]]) -> None:
        entries, self.agencies = loaded
        self.model.set_rows(entries)
        fit_columns(self.table)

    def add_entry(self) -> None:
        self.dialog = WatchlistEntryDialog(self.runner, self.agencies, self)
        self.dialog.saved.connect(lambda _id: self.refresh())
        self.dialog.open()

    def import_file(self) -> None:
        """A 種別,番号,表示名 CSV into the list of the agency chosen next (or the office's), all or nothing."""
        path = open_file(self, "watchlist", "注視対象者の CSV を取り込む", "CSV (*.csv);;すべてのファイル (*)")
        if not path:
            return
        choices = [OFFICE, *(f"{a.code} {a.name}" for a in self.agencies)]
        chosen, ok = QInputDialog.getItem(self, "注視対象者の取り込み", "どの一覧に入れますか:", choices, 0, False)
        if not ok:
            return
        agency = None if chosen == OFFICE else self.agencies[choices.index(chosen) - 1].code

        def imported(ids: list[int]) -> None:
            self.refresh()
            QMessageBox.information(self, "注視対象者の取り込み",
                                    f"注視対象者を {len(ids)} 件登録しました。\n\n{path}\n{watchlist.DELETE_ADVICE}")

        self.runner.submit(lambda db, _p: watchlist.import_watchlist(db, path, agency), imported,
                           lambda exc: show_error(self, exc), label="注視対象者を取り込んでいます")

    def remove_selected(self) -> None:
        entry: WatchlistEntry | None = selected_source_row(self.table)
        if entry is None:
            return
        answer = QMessageBox.question(self, "注視対象者", f"「{entry.label}」を注視対象者の一覧から外しますか。")
        if answer == QMessageBox.StandardButton.Yes:
            self.runner.submit(lambda db, _p: watchlist.remove_entry(db, entry.id), lambda _e: self.refresh(),
                               lambda exc: show_error(self, exc))
