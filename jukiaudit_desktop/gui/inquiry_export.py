"""Writing the discrepancies a list shows (its filter applied) as a 疑義照会 list for the audited agency."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from ..services import inquiry_list
from .errors import show_error
from .tasks import DbRunner


def export_shown(parent: QWidget, runner: DbRunner, run_id: int, ids: Sequence[int], agency_code: str,
                 done: Callable[[str], None]) -> None:
    """Ask where to save (.xlsx or .csv), write the rows `ids` of run `run_id`, then call `done` with a message."""
    path_text, _filter = QFileDialog.getSaveFileName(parent, "疑義照会リストを書き出す",
                                                     f"疑義照会_{agency_code}_突合{run_id}.xlsx",
                                                     "Excel (*.xlsx);;CSV (*.csv)")
    if not path_text:
        return
    path, wanted = Path(path_text), list(ids)
    runner.submit(lambda db, _progress: inquiry_list.export_inquiry(db, path, run_id, wanted),
                  lambda rows: done(f"疑義照会リスト({rows:,} 件)を書き出しました: {path.name}"),
                  lambda exc: show_error(parent, exc), label="疑義照会リストを書き出しています")
