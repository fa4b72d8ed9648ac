"""All database work on one worker thread that owns the connection (as Anki's taskman).

Widgets call `runner.submit(fn, on_done, on_error, label=...)`, where `fn(db, progress)` runs on the worker.
Callbacks run on the GUI thread. A progress dialog with a cancel button appears when a labelled task
takes longer than 600 ms; nothing ever calls processEvents() in a loop.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..core.errors import JukiAuditError
from ..core.progress import Progress
from ..services.database_access import Database

PROGRESS_DELAY_MS = 600

DbOpener = Callable[[], Database]
Work = Callable[[Database, Progress], Any]
# Work that replaces the worker's connection: gets the current one (None when closed), returns the next one.
DbReplacer = Callable[[Database | None], Database | None]


@dataclass(eq=False)
class Task:
    id: int
    work: Work
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    label: str | None
    replaces_database: bool = False
    progress: Progress = field(default_factory=Progress)


class DatabaseClosedError(JukiAuditError):
    """Work arrived while no database is open (before opening, or while the app is locked)."""

    def __init__(self) -> None:
        super().__init__("データベースが開かれていません(ロック中)。ロックを解除してからやり直してください。")


class _Worker(QObject):
    finished = Signal(object, object)  # task, result
    failed = Signal(object, object)  # task, exception
    progressed = Signal(object, int, int, str)  # task, done, total, message

    def __init__(self) -> None:
        super().__init__()
        self.db: Database | None = None

    @Slot(object)
    def run(self, task: Task) -> None:
        try:
            if task.replaces_database:
                self.db = task.work(self.db, task.progress)  # type: ignore[arg-type]
                result = self.db
            elif self.db is None:
                raise DatabaseClosedError()
            else:
                result = task.work(self.db, task.progress)
        except BaseException as exc:  # reported to the GUI thread, which decides how to show it
            self.failed.emit(task, exc)
        else:
            self.finished.emit(task, result)

    @Slot()
    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


class DbRunner(QObject):
    """Owns the worker thread. `submit` queues work; callbacks come back on the GUI thread."""

    _run_requested = Signal(object)
    _close_requested = Signal()
    busy_changed = Signal(bool)

    def __init__(self, parent_widget: QWidget | None = None) -> None:
        super().__init__()
        self.parent_widget = parent_widget
        self._thread = QThread()
        self._thread.setObjectName("jukiaudit-db")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._run_requested.connect(self._worker.run, Qt.ConnectionType.QueuedConnection)
        self._close_requested.connect(self._worker.close, Qt.ConnectionType.BlockingQueuedConnection)
        self._worker.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._worker.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self._worker.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._ids = itertools.count(1)
        self._pending: dict[int, Task] = {}
        self._dialogs: dict[int, QProgressDialog] = {}
        self._thread.start()

    def submit(
        self,
        work: Work,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        label: str | None = None,
    ) -> Task:
        return self._enqueue(Task(next(self._ids), work, on_done, on_error, label))

    def open_database(self, opener: DbOpener, on_done: Callable[[Any], None] | None = None,
                      on_error: Callable[[BaseException], None] | None = None) -> Task:
        """Open the database on the worker thread, which then owns the connection."""

        def reopen(current: Database | None) -> Database:
            if current is not None:
                current.close()
            return opener()

        return self.replace_database(reopen, on_done, on_error)

    def close_database(self, on_done: Callable[[Any], None] | None = None) -> Task:
        """Close the connection on the worker thread, after the work queued before; the thread stays."""

        def close(current: Database | None) -> None:
            if current is not None:
                current.close()

        return self.replace_database(close, on_done)

    def replace_database(self, replacer: DbReplacer, on_done: Callable[[Any], None] | None = None,
                         on_error: Callable[[BaseException], None] | None = None, *,
                         label: str | None = None) -> Task:
        """Run `replacer(current)` on the worker; what it returns becomes the worker's connection
        (open, close, restore, rekey)."""
        task = Task(next(self._ids), lambda db, _progress: replacer(db), on_done, on_error, label,
                    replaces_database=True)
        return self._enqueue(task)

    def _enqueue(self, task: Task) -> Task:
        def progressed(done: int, total: int, message: str) -> None:
            self._worker.progressed.emit(task, done, total, message)

        task.progress = Progress(progressed)
        self._pending[task.id] = task
        if len(self._pending) == 1:
            self.busy_changed.emit(True)
        if task.label is not None:
            QTimer.singleShot(PROGRESS_DELAY_MS, lambda: self._show_dialog(task))
        self._run_requested.emit(task)
        return task

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def close(self) -> None:
        """Close the connection (on its thread) and stop the thread. Pending work is dropped."""
        if self._thread.isRunning():
            self._close_requested.emit()
            self._thread.quit()
            self._thread.wait()

    def _show_dialog(self, task: Task) -> None:
        if task.id not in self._pending or task.id in self._dialogs:
            return
        dialog = QProgressDialog(task.label or "", "取り消し", 0, 0, self.parent_widget)
        dialog.setWindowTitle("処理中")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.canceled.connect(task.progress.cancel)
        dialog.show()
        self._dialogs[task.id] = dialog

    def _on_progress(self, task: Task, done: int, total: int, message: str) -> None:
        dialog = self._dialogs.get(task.id)
        if dialog is None:
            return
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        if message:
            dialog.setLabelText(f"{task.label}\n{message}")

    def _finish(self, task: Task) -> None:
        self._pending.pop(task.id, None)
        dialog = self._dialogs.pop(task.id, None)
        if dialog is not None:
            dialog.canceled.disconnect()
            dialog.close()
            dialog.deleteLater()
        if not self._pending:
            self.busy_changed.emit(False)

    def _on_finished(self, task: Task, result: Any) -> None:
        self._finish(task)
        if task.on_done is not None:
            task.on_done(result)

    def _on_failed(self, task: Task, exc: BaseException) -> None:
        self._finish(task)
        if isinstance(exc, DatabaseClosedError) and task.on_error is None:
            return  # a page reloading before the database opened or while locked: it reloads on (un)lock
        if task.on_error is not None:
            task.on_error(exc)
        else:
            from .errors import show_error

            show_error(self.parent_widget, exc)
