"""The 設定 page's 指摘事項 box: how many months after the day a finding is raised its 改善報告期限 defaults to."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox

from ..services import settings
from .tasks import DbRunner


class DueMonthsBox(QGroupBox):
    def __init__(self, runner: DbRunner) -> None:
        super().__init__("指摘事項")
        self.setObjectName("due_months_box")
        self.runner = runner
        self.months = QSpinBox()
        self.months.setObjectName("due_months")
        self.months.setRange(1, settings.MAX_REPORT_DUE_MONTHS)
        self.months.setValue(settings.DEFAULT_REPORT_DUE_MONTHS)
        self.months.setSuffix(" か月後")
        save = QPushButton("保存")
        save.setObjectName("save_due_months")
        save.clicked.connect(self.save)
        self.outcome = QLabel()
        row = QHBoxLayout(self)
        label = QLabel("改善報告期限の既定値: 起票日(発行日)の(&M)")
        label.setBuddy(self.months)
        for widget in (label, self.months, save, self.outcome):
            row.addWidget(widget)
        row.addStretch(1)

    def refresh(self) -> None:
        self.runner.submit(lambda db, _p: settings.report_due_months(db), self.months.setValue)

    def save(self) -> None:
        months = self.months.value()
        self.runner.submit(lambda db, _p: settings.set_report_due_months(db, months),
                           lambda _r: self.outcome.setText(f"保存しました(新しい指摘事項の期限は {months} か月後)。"))
