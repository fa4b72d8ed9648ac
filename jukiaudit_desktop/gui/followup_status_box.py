"""The 設定 page's 改善状況 box: the inspector's follow-up statuses, best first, each closing the finding or
asking for a 予定日; new findings start at the last one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..core.errors import JukiAuditError
from ..services import followup_statuses
from ..services.followup_statuses import FollowupStatus, FollowupStatuses
from .errors import show_error
from .tasks import DbRunner

NAME, CLOSES, ASKS_DATE = range(3)


class FollowupStatusBox(QGroupBox):
    def __init__(self, runner: DbRunner) -> None:
        super().__init__("改善状況の区分(よい順)")
        self.setObjectName("followup_status_box")
        self.runner = runner
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("followup_status_table")
        self.table.setHorizontalHeaderLabels(["名前", "完了とする", "予定日を求める"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setMaximumHeight(180)
        buttons = QHBoxLayout()
        self.add_button, self.remove_button, self.up_button, self.down_button, self.save_button = (
            self._button(text, name) for text, name in (("追加", "add_status"), ("削除", "remove_status"),
                                                         ("上へ", "status_up"), ("下へ", "status_down"),
                                                         ("保存", "save_statuses")))
        self.add_button.clicked.connect(lambda: self._insert(self.table.rowCount(), FollowupStatus("新しい区分")))
        self.remove_button.clicked.connect(self._remove)
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button.clicked.connect(lambda: self._move(1))
        self.save_button.clicked.connect(self.save)
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button, self.save_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.outcome = QLabel()
        self.outcome.setObjectName("followup_status_outcome")
        self.outcome.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("新しい指摘事項は最後の区分から始まります。「完了とする」区分の改善報告で指摘事項は完了になります。"))
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.outcome)

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        return button

    def refresh(self) -> None:
        self.runner.submit(lambda db, _p: followup_statuses.statuses(db), self.show_statuses)

    def show_statuses(self, statuses: FollowupStatuses) -> None:
        self.table.setRowCount(0)
        for status in statuses.items:
            self._insert(self.table.rowCount(), status)

    def _insert(self, row: int, status: FollowupStatus) -> None:
        self.table.insertRow(row)
        self.table.setItem(row, NAME, QTableWidgetItem(status.name))
        for column, on in ((CLOSES, status.closes), (ASKS_DATE, status.asks_date)):
            item = QTableWidgetItem()
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.table.setItem(row, column, item)
        self.table.selectRow(row)

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def _move(self, step: int) -> None:
        row = self.table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        status = self.statuses()[row]
        self.table.removeRow(row)
        self._insert(target, status)

    def statuses(self) -> list[FollowupStatus]:
        """The list as the table shows it now."""
        def cell(row: int, column: int) -> QTableWidgetItem:
            item = self.table.item(row, column)
            assert item is not None  # _insert fills every cell
            return item

        def checked(row: int, column: int) -> bool:
            return cell(row, column).checkState() == Qt.CheckState.Checked

        return [FollowupStatus(cell(row, NAME).text().strip(), checked(row, CLOSES), checked(row, ASKS_DATE))
                for row in range(self.table.rowCount())]

    def save(self) -> None:
        items = self.statuses()

        def saved(result: FollowupStatuses) -> None:
            self.show_statuses(result)
            self.outcome.setText(f"保存しました(新しい指摘事項は「{result.initial}」から)。")

        def refused(exc: BaseException) -> None:
            if isinstance(exc, JukiAuditError):
                self.outcome.setText(str(exc))
            else:
                show_error(self, exc)

        self.runner.submit(lambda db, _p: followup_statuses.set_statuses(db, items), saved, refused,
                           label="改善状況の区分を保存しています")
