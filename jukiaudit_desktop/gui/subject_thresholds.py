"""The thresholds of the subject and activity kinds (同一対象者・急増・失敗の連続), saved for the next runs."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..reconcile.settings import ReconcileSettings

# settings field → (label, suffix, maximum)
FIELDS = {
    "repeat_window_days": ("同一対象者: 判定期間(&W)", " 日", 366),
    "repeat_days": ("同一対象者: 照会日数(&D)", " 日以上", 366),
    "repeat_operators": ("同一対象者: 照会した操作者(&O)", " 人以上", 999),
    "spike_factor": ("急増: 中央値の(&F)", " 倍以上", 1000),
    "spike_minimum": ("急増: 1 日の件数(&M)", " 件以上", 1_000_000),
    "burst_minutes": ("失敗の連続: 判定時間(&T)", " 分", 24 * 60),
    "burst_failures": ("失敗の連続: 回数(&N)", " 回以上", 10_000),
}


class SubjectThresholdsDialog(QDialog):
    def __init__(self, settings: ReconcileSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("subject_thresholds_dialog")
        self.setWindowTitle("対象者・操作の分析のしきい値")
        form = QFormLayout()
        self.edits: dict[str, Any] = {}
        for name, (label, suffix, maximum) in FIELDS.items():
            value = getattr(settings, name)
            edit: QSpinBox | QDoubleSpinBox = QDoubleSpinBox() if isinstance(value, float) else QSpinBox()
            if isinstance(edit, QDoubleSpinBox):
                edit.setDecimals(1)
            edit.setObjectName(f"{name}_spin")
            edit.setRange(1, maximum)
            edit.setSuffix(suffix)
            edit.setValue(value)
            form.addRow(label, edit)
            self.edits[name] = edit
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        for button, text in ((QDialogButtonBox.StandardButton.Ok, "保存して次の突合に使う"),
                             (QDialogButtonBox.StandardButton.Cancel, "キャンセル"),
                             (QDialogButtonBox.StandardButton.RestoreDefaults, "既定値に戻す")):
            buttons.button(button).setText(text)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def restore_defaults(self) -> None:
        defaults = ReconcileSettings()
        for name, edit in self.edits.items():
            edit.setValue(getattr(defaults, name))

    def applied_to(self, settings: ReconcileSettings) -> ReconcileSettings:
        return replace(settings, **{name: edit.value() for name, edit in self.edits.items()})
