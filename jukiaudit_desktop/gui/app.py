"""Starting the GUI: the Japanese font, the database (keyring or passphrase), the main window."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox, QWidget

from .. import APP_NAME
from ..core.errors import JukiAuditError
from ..paths import resource
from ..security import app_log, integrity, keys, no_network, viewing
from ..services.database_access import Database, default_database_path, open_app_database
from .errors import show_error
from .gui_thread_gc import GuiThreadCollector
from .help_menu import install_help_menu
from .lock import LockController, tell_key_change_settled
from .main_window import MainWindow
from .pages.settings import SettingsPage
from .tasks import DbRunner
from .translations import install_qt_translations
from .ui_state import WindowStateKeeper
from .welcome import WelcomeDialog

# Set to 1, the GUI quits with exit code 0 as soon as its main window shows the open database (1 when it
# cannot open it): CI and the frozen build's smoke test start the real GUI this way.
QUIT_WHEN_READY_ENV = "JUKIAUDIT_QUIT_WHEN_READY"

FONT_FILE = ("fonts", "ipaexg.ttf")


def install_japanese_font(app: QApplication) -> str:
    """Register the bundled IPAex Gothic so Japanese renders on machines without Japanese fonts."""
    font_id = QFontDatabase.addApplicationFont(str(resource(*FONT_FILE)))
    if font_id < 0:
        raise RuntimeError(f"cannot load the bundled font {resource(*FONT_FILE)}")
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    app.setFont(QFont(family, 10))
    return family


def ask_passphrase(parent: QWidget | None, path: Path, *, new: bool, prompt: str | None = None) -> str | None:
    """Ask for the passphrase of `path` (twice when creating). None if the user cancels."""
    prompt = prompt or ("安全なキーリングが使えないため、データベースをパスフレーズで暗号化します。\n"
              "新しいパスフレーズを入力してください(12文字以上を推奨):" if new
              else f"{path}\nのパスフレーズを入力してください:")
    while True:
        text, ok = QInputDialog.getText(parent, APP_NAME, prompt, QLineEdit.EchoMode.Password)
        if not ok:
            return None
        if not text:
            continue
        if not new:
            return text
        again, ok = QInputDialog.getText(parent, APP_NAME, "確認のため、もう一度入力してください:",
                                         QLineEdit.EchoMode.Password)
        if not ok:
            return None
        if again == text:
            return text
        QMessageBox.warning(parent, APP_NAME, "2回の入力が一致しません。もう一度入力してください。")


def choose_passphrase(parent: QWidget | None, path: Path) -> tuple[str | None, bool]:
    """(passphrase or None for keyring mode, cancelled?) for opening or creating `path`."""
    if path.exists():
        if not keys.uses_passphrase(path):
            return None, False
        passphrase = ask_passphrase(parent, path, new=False)
        return passphrase, passphrase is None
    try:
        keys.secure_keyring()
        return None, False
    except keys.KeyringUnavailableError:
        passphrase = ask_passphrase(parent, path, new=True)
        return passphrase, passphrase is None


class Application:
    """Wires the runner, the window and the unlock flow together."""

    def __init__(self, db_path: Path, passphrase: str | None = None, *, welcome: bool = False) -> None:
        """welcome=True: when no database exists yet, the welcome page creates it (the app's first start)."""
        self.db_path = db_path
        self.runner = DbRunner()
        self.window = MainWindow(self.runner)
        self.runner.parent_widget = self.window
        install_help_menu(self.window)
        self.state_keeper = WindowStateKeeper(self.window)
        self.created = False
        self.welcome = welcome
        self.quit_when_ready = os.environ.get(QUIT_WHEN_READY_ENV) == "1"
        self._fixed_passphrase = passphrase
        self.lock = LockController(self.window, self.runner, db_path)
        settings_page = self.window.page(SettingsPage)
        settings_page.auto_lock_changed.connect(self.lock.set_minutes)
        settings_page.database_replaced.connect(self.window.database_opened)

    def start(self) -> None:
        viewing.remove_copies()  # clear copies of evidence left behind by a crash
        self.window.show()
        if self.welcome and self._fixed_passphrase is None and not self.db_path.exists():
            self.show_welcome()
        else:
            self.unlock()

    def show_welcome(self) -> WelcomeDialog:
        """The first start: the welcome page chooses key mode, passphrase and demo data, then creates."""
        try:
            keys.secure_keyring()
            keyring_problem = None
        except keys.KeyringUnavailableError as exc:
            keyring_problem = str(exc)
        dialog = WelcomeDialog(self.db_path, keyring_problem, self.window)
        dialog.accepted.connect(lambda: self.open(dialog.choice().passphrase, load_demo=dialog.choice().load_demo))
        dialog.rejected.connect(lambda: self.window.statusBar().showMessage("データベースを開いていません。", 0))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def unlock(self) -> None:
        passphrase: str | None
        if self._fixed_passphrase is not None:
            passphrase, cancelled = self._fixed_passphrase, False
        else:
            passphrase, cancelled = choose_passphrase(self.window, self.db_path)
        if cancelled:
            self.window.statusBar().showMessage("データベースを開いていません。", 0)
            return
        self.open(passphrase)

    def open(self, passphrase: str | None, *, load_demo: bool | None = None) -> None:
        """Open (or create) the database; a new one loads the demo data when chosen, or offers it (None)."""
        self.created = not self.db_path.exists()
        mode = "passphrase" if passphrase is not None else "keyring"

        def opened(opened_db: Database) -> None:
            self.window.show_database(self.db_path, mode)
            self.window.database_opened()
            self.lock.start(passphrase_mode=passphrase is not None)
            # The trail chain; opening has checked every page's HMAC already (as in the CLI).
            self.runner.submit(lambda db, _p: integrity.check(db, pages=False), self._warn_if_damaged)
            if self.created:
                self.window.statusBar().showMessage("新しい暗号化データベースを作成しました。", 10000)
                if load_demo is None:
                    self.window.offer_demo_data()
                elif load_demo:
                    self.window.load_demo_data()
            if not self.quit_when_ready:  # (a message box would hold the smoke start)
                tell_key_change_settled(self.window, opened_db)
            else:
                print(f"jukiaudit: ready: {self.window.windowTitle()}", flush=True)
                self.window.close()  # stops the worker thread and closes the database
                QApplication.exit(0)

        def failed(exc: BaseException) -> None:
            if self.quit_when_ready:
                print(f"jukiaudit: {exc}", file=sys.stderr, flush=True)
                self.window.close()
                QApplication.exit(1)
                return
            show_error(self.window, exc)
            if isinstance(exc, JukiAuditError) and passphrase is not None and self._fixed_passphrase is None:
                self.unlock()  # wrong passphrase: ask again

        self.runner.open_database(lambda: open_app_database(self.db_path, passphrase, create=True),
                                  opened, failed)

    def _warn_if_damaged(self, report: integrity.IntegrityReport) -> None:
        """The start-up check failed: say so loudly, before any work is done on the data."""
        if not report.ok:
            QMessageBox.critical(self.window, "改ざん・破損の検出", report.warning(self.db_path))


def run_gui(args: argparse.Namespace) -> int:
    no_network.install()
    app_log.configure_logging()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    _collector = GuiThreadCollector(app)  # lives while run_gui runs: widgets are never finalised on the worker
    app.setApplicationName(APP_NAME)
    install_japanese_font(app)
    install_qt_translations(app)
    db_path = Path(args.db) if getattr(args, "db", None) else default_database_path()
    passphrase = os.environ.get(args.passphrase_env) if getattr(args, "passphrase_env", None) else None
    application = Application(db_path, passphrase, welcome=True)
    application.start()
    return int(app.exec())
