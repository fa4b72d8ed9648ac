"""Auto-lock: after minutes without input (wall clock), on suspend where Qt reports it, or on Ctrl+L.

Locking records the lock in the trail, clears every page's models, closes the database on the worker thread
and shows the unlock screen in place of the pages. Unlocking reopens the database and refreshes the pages.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import JukiAuditError
from ..security import viewing
from ..services import app_trail, settings
from ..services.database_access import Database, open_app_database
from .errors import show_error
from .main_window import MainWindow
from .tasks import DbRunner

CHECK_INTERVAL_MS = 5000
_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
})


def tell_key_change_settled(parent: QWidget, db: Database) -> None:
    """Opening finished or rolled back a key change that was interrupted (a crash, a killed rekey): say which,
    so the user knows which passphrase or key is now in force."""
    if db.notice:
        QMessageBox.information(parent, "中断されていた鍵の変更", db.notice)


class UnlockScreen(QWidget):
    """Shown instead of the pages while locked: the passphrase, or (keyring mode) a confirming click."""

    unlock_requested = Signal(object)  # the passphrase, or None in keyring mode

    def __init__(self, passphrase_mode: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlock_screen")
        self.passphrase_mode = passphrase_mode
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("ロック中")
        title.setStyleSheet("font-size: 20pt;")
        layout.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        if passphrase_mode:
            text = "データベースを閉じ、表示していたデータを消去しました。\nパスフレーズを入力してロックを解除してください。"
        else:
            text = ("データベースを閉じ、表示していたデータを消去しました。\n"
                    "鍵は OS のキーリング(Windows では資格情報マネージャー)にあり、OS にログオンした本人だけが使えます。\n"
                    "ご本人であることを確認して[ロック解除]を押してください。")
        explanation = QLabel(text)
        explanation.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(explanation, 0, Qt.AlignmentFlag.AlignHCenter)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("unlock_passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("パスフレーズ")
        self.passphrase.setFixedWidth(360)
        self.passphrase.setVisible(passphrase_mode)
        self.passphrase.returnPressed.connect(self._request)
        layout.addWidget(self.passphrase, 0, Qt.AlignmentFlag.AlignHCenter)
        self.button = QPushButton("ロック解除(&U)")
        self.button.setObjectName("unlock_button")
        self.button.clicked.connect(self._request)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.message = QLabel("")
        self.message.setObjectName("unlock_message")
        self.message.setStyleSheet("color: #b00020;")
        layout.addWidget(self.message, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def _request(self) -> None:
        if self.passphrase_mode and not self.passphrase.text():
            self.message.setText("パスフレーズを入力してください。")
            return
        self.button.setEnabled(False)
        self.message.setText("確認しています…")
        self.unlock_requested.emit(self.passphrase.text() if self.passphrase_mode else None)

    def failed(self, message: str) -> None:
        self.passphrase.clear()
        self.button.setEnabled(True)
        self.message.setText(message)
        self.passphrase.setFocus()


class LockController(QObject):
    """Watches input application-wide and locks the window; one per main window."""

    def __init__(self, window: MainWindow, runner: DbRunner, db_path: Path,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(window)
        self.window = window
        self.runner = runner
        self.db_path = db_path
        self.clock = clock
        self.minutes = settings.DEFAULT_AUTO_LOCK_MINUTES
        self.passphrase_mode = False
        self.last_input = clock()
        self.screen: UnlockScreen | None = None
        self._pages: QWidget | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self.check_idle)
        self.action = QAction("ロック(&L)", window)
        self.action.setShortcut(QKeySequence("Ctrl+L"))
        self.action.setEnabled(False)
        self.action.triggered.connect(lambda: self.lock("manual"))
        window.addAction(self.action)
        window.file_menu.insertAction(window.file_menu.actions()[0], self.action)
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication)
        app.installEventFilter(self)
        app.applicationStateChanged.connect(self._on_application_state)

    @property
    def locked(self) -> bool:
        return self.screen is not None

    def start(self, passphrase_mode: bool) -> None:
        """The database is open: read the configured minutes and start watching."""
        self.passphrase_mode = passphrase_mode
        self.last_input = self.clock()
        self.action.setEnabled(True)
        self.runner.submit(lambda db, _p: settings.auto_lock_minutes(db), self.set_minutes)
        self.timer.start()

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in _INPUT_EVENTS:
            self.last_input = self.clock()
        return False

    def check_idle(self) -> None:
        """Judged by the wall clock, so a laptop that slept past the limit locks as soon as it wakes."""
        if not self.locked and self.clock() - self.last_input >= self.minutes * 60:
            self.lock("idle")

    def _on_application_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationSuspended and self.timer.isActive():
            self.lock("suspend")

    def lock(self, reason: str) -> None:
        if self.locked:
            return
        self.runner.submit(lambda db, _p: app_trail.record_lock(db, reason))
        for page in self.window.page_widgets:
            page.clear()
        for dialog in self.window.findChildren(QDialog):
            # An open editor or question would stay above the lock screen. Progress dialogs stay: closing one
            # would cancel its work, and they show no data.
            if dialog.isVisible() and not isinstance(dialog, QProgressDialog):
                dialog.reject()
        self.window.statusBar().clearMessage()
        viewing.remove_copies()  # clear copies of evidence do not outlive the unlocked session
        self.runner.close_database()
        self.timer.stop()
        self.action.setEnabled(False)
        self.window.menuBar().setEnabled(False)
        self.screen = UnlockScreen(self.passphrase_mode)
        self.screen.unlock_requested.connect(self._unlock)
        self._pages = self.window.takeCentralWidget()
        self.window.setCentralWidget(self.screen)
        if self.passphrase_mode:
            self.screen.passphrase.setFocus()

    def _unlock(self, passphrase: str | None) -> None:
        def reopen() -> Database:
            db = open_app_database(self.db_path, passphrase)
            app_trail.record_unlock(db)
            return db

        def failed(exc: BaseException) -> None:
            if self.screen is not None:
                self.screen.failed(str(exc) if isinstance(exc, JukiAuditError) else "ロックを解除できませんでした。")
            if not isinstance(exc, JukiAuditError):
                show_error(self.window, exc)

        self.runner.open_database(reopen, self._restore_view, failed)

    def _restore_view(self, db: Database) -> None:
        assert self._pages is not None
        self.window.takeCentralWidget()
        if self.screen is not None:
            self.screen.deleteLater()
        self.screen = None
        self.window.setCentralWidget(self._pages)
        self._pages = None
        self.window.menuBar().setEnabled(True)
        self.window.database_opened()
        self.start(self.passphrase_mode)
        tell_key_change_settled(self.window, db)
