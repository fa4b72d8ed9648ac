"""The 監査計画 page (placeholder until its area is built)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..tasks import DbRunner
from . import Page


class PlanningPage(Page):
    title = "監査計画"

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("監査計画(準備中)"))
