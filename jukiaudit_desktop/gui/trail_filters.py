"""The 監査証跡 tab's filters: one action (in words) and a span of days, on top of the free-text filter."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel

from ..core.errors import InputError
from ..services.app_trail import TrailEntry
from .date_edit import DateEdit
from .row_table import RowFilterProxy
from .trail_words import action_label


class TrailFilters:
    """`row` holds the widgets; the proxy keeps the entries of the chosen action between the two days."""

    def __init__(self, proxy: RowFilterProxy) -> None:
        self.proxy = proxy
        self.action_box = QComboBox()
        self.action_box.setObjectName("trail_action_filter")
        self.action_box.addItem("すべての操作", None)
        self.since = DateEdit(name="trail_since")
        self.until = DateEdit(name="trail_until")
        self.row = QHBoxLayout()
        for label, widget in (("操作", self.action_box), ("期間", self.since), ("～", self.until)):
            self.row.addWidget(QLabel(label))
            self.row.addWidget(widget, 1 if widget is not self.action_box else 0)
        self.action_box.currentIndexChanged.connect(lambda _i: self.apply())
        self.since.edit.textChanged.connect(lambda _t: self.apply())
        self.until.edit.textChanged.connect(lambda _t: self.apply())

    def set_actions(self, actions: list[str]) -> None:
        """The actions present in the trail, keeping the one chosen if it is still there."""
        chosen = self.action_box.currentData()
        self.action_box.blockSignals(True)
        self.action_box.clear()
        self.action_box.addItem("すべての操作", None)
        for action in actions:
            self.action_box.addItem(action_label(action), action)
        self.action_box.setCurrentIndex(max(0, self.action_box.findData(chosen)))
        self.action_box.blockSignals(False)
        self.apply()

    def _day(self, edit: DateEdit) -> date | None:
        try:
            return edit.date()
        except InputError:
            return None  # still being typed: the preview beside it says it cannot be read

    def apply(self) -> None:
        action, since, until = self.action_box.currentData(), self._day(self.since), self._day(self.until)

        def keep(entry: TrailEntry) -> bool:
            day = datetime.fromisoformat(entry.at).date()
            return ((action is None or entry.action == action) and (since is None or day >= since)
                    and (until is None or day <= until))

        self.proxy.set_predicate(None if action is None and since is None and until is None else keep)
