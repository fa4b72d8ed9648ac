"""The マスタ page (placeholder until its area is built)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..tasks import DbRunner
from . import Page


class MasterPage(Page):
    title = "マスタ"

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("マスタ(準備中)"))
