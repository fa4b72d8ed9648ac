"""Showing errors: known errors as a plain message, bugs as a crash dialog with details (no data rows)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ..core.errors import CancelledError, JukiAuditError
from ..security.app_log import crash_report


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    if isinstance(exc, CancelledError):
        QMessageBox.information(parent, "取り消し", str(exc))
    elif isinstance(exc, JukiAuditError):
        QMessageBox.warning(parent, "エラー", str(exc))
    else:
        box = QMessageBox(QMessageBox.Icon.Critical, "内部エラー",
                          "予期しないエラーが発生しました(不具合)。作業内容は保存済みの分まで残っています。\n"
                          "詳細を開発者に知らせてください。", QMessageBox.StandardButton.Ok, parent)
        box.setObjectName("crash_dialog")
        box.setDetailedText(crash_report(exc))
        box.exec()
