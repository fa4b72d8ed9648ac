"""Dialogs of the 市町村 page: a J-LIS audit or seminar (a row of 資料5's table) and a municipality followed up."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)

from ..core.errors import JukiAuditError
from ..core.municipal import MunicipalActivity, MunicipalActivityKind
from ..core.wareki import format_fiscal_year
from ..services import municipal
from .submit_dialog import SubmitDialog
from .tasks import DbRunner

ALL_MUNICIPALITIES = 0  # the count spin box's special value: 全市町村
FOLLOWUP_SOURCES = ("自己点検", *(k.value for k in MunicipalActivityKind))


def _line(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    return edit


class ActivityDialog(SubmitDialog):
    """Records one activity of the year; emits `saved(id)`."""

    saved = Signal(object)

    def __init__(self, runner: DbRunner, year: int, municipalities: list[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("municipal_activity_dialog")
        self.setWindowTitle(f"監査等の追加({format_fiscal_year(year)})")
        self.year = year
        self.kind = QComboBox()
        self.kind.setObjectName("activity_kind")
        self.kind.addItems([k.value for k in MunicipalActivityKind])
        self.auditor = _line("activity_auditor")
        self.auditor.setText("J-LIS")
        self.targets = _line("activity_targets", "資料の書き方のまま(例: 3町3村(箕輪町ほか))")
        self.count = QSpinBox()
        self.count.setObjectName("activity_count")
        self.count.setRange(ALL_MUNICIPALITIES, 999)
        self.count.setSpecialValueText("全市町村")
        self.period = _line("activity_period", "例: R7.11～R8.2")
        self.content = _line("activity_content")
        self.named = QListWidget()
        self.named.setObjectName("activity_municipalities")
        for code, name in municipalities:
            item = QListWidgetItem(f"{code} {name}", self.named)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setCheckState(Qt.CheckState.Unchecked)
        form = QFormLayout()
        for label, widget in (("区分", self.kind), ("実施者", self.auditor), ("対象", self.targets),
                              ("対象数", self.count), ("時期", self.period), ("内容", self.content),
                              ("名前の分かる市町村", self.named)):
            form.addRow(label, widget)
        self.save_button = self.finish_layout(form, "追加", "save_button")

    def accept(self) -> None:
        if not self.targets.text().strip():
            self.show_problem("対象を入力してください(例: 全市町村、3町3村(箕輪町ほか))。")
            return
        codes = tuple(str(self.named.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.named.count())
                      if self.named.item(i).checkState() == Qt.CheckState.Checked)
        try:
            kind = municipal.parse_kind(self.kind.currentText())
        except JukiAuditError as exc:
            self.show_problem(str(exc))
            return
        count = None if self.count.value() == ALL_MUNICIPALITIES else self.count.value()
        activity = MunicipalActivity(self.year, kind, self.auditor.text().strip(), self.targets.text().strip(),
                                     count, self.period.text().strip(), self.content.text().strip(), codes)
        self.submit(lambda db, _p: municipal.add_activity(db, activity), self.saved.emit, label="記録しています")


class MunicipalFollowupDialog(SubmitDialog):
    """Adds a municipality to the year's follow-up list; emits `saved(id)`."""

    saved = Signal(object)

    def __init__(self, runner: DbRunner, year: int, municipalities: list[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.setObjectName("municipal_followup_dialog")
        self.setWindowTitle(f"フォローアップの追加({format_fiscal_year(year)})")
        self.year = year
        self.municipality = QComboBox()
        self.municipality.setObjectName("followup_municipality")
        for code, name in municipalities:
            self.municipality.addItem(f"{code} {name}", code)
        self.source = QComboBox()
        self.source.setObjectName("followup_source")
        self.source.addItems(FOLLOWUP_SOURCES)
        self.subject = _line("followup_subject", "例: 緊急時対応訓練の実施")
        self.status = _line("followup_status", "例: R8.3 実施予定")
        form = QFormLayout()
        for label, widget in (("市町村", self.municipality), ("きっかけ", self.source), ("事項", self.subject),
                              ("状況", self.status)):
            form.addRow(label, widget)
        self.save_button = self.finish_layout(form, "追加", "save_button")

    def accept(self) -> None:
        code = self.municipality.currentData()
        if code is None:
            self.show_problem("市町村がありません。マスタで区分「市町村」の機関を登録してください。")
            return
        year, source, subject, status = (self.year, self.source.currentText(), self.subject.text(),
                                          self.status.text())
        self.submit(lambda db, _p: municipal.add_followup(db, year, str(code), source, subject, status),
                    self.saved.emit, label="記録しています")
