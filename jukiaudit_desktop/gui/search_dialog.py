"""検索 (Ctrl+F from anywhere): type words, pick a result (Enter or double-click) and the page showing it opens
with it selected. The search runs on the worker; a newer query makes an older answer be dropped."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ..services import search
from ..services.search import Hit
from .tasks import DbRunner

TYPING_PAUSE_MS = 250


class SearchDialog(QDialog):
    chosen = Signal(object)  # the Hit picked

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("search_dialog")
        self.setWindowTitle("検索(機関・監査・指摘事項・差異)")
        self.resize(720, 480)
        self.runner = runner
        self.query = QLineEdit()
        self.query.setObjectName("search_query")
        self.query.setPlaceholderText("例: 交通指導課 / 管理簿 / T003 K10006(空白で区切ると、すべてを含むもの)")
        self.results = QListWidget()
        self.results.setObjectName("search_results")
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.count)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(TYPING_PAUSE_MS)
        self._pause.timeout.connect(self.run)
        self.query.textChanged.connect(lambda _t: self._pause.start())
        self.query.returnPressed.connect(self._pick_first)
        self.results.itemActivated.connect(self._pick)

    def run(self) -> None:
        text = self.query.text()
        self.runner.submit(lambda db, _p: search.search(db, text), lambda hits: self._show(text, hits))

    def _show(self, text: str, hits: list[Hit]) -> None:
        if text != self.query.text():
            return  # an answer to what was typed before
        self.results.clear()
        for hit in hits:
            item = QListWidgetItem(f"[{hit.kind}] {hit.label}")
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.results.addItem(item)
        self.count.setText(f"{len(hits)} 件" if text.strip() else "")
        if hits:
            self.results.setCurrentRow(0)

    def _pick_first(self) -> None:
        item = self.results.currentItem()
        if item is not None:
            self._pick(item)

    def _pick(self, item: QListWidgetItem) -> None:
        self.chosen.emit(item.data(Qt.ItemDataRole.UserRole))
        self.accept()
