"""The 設定 page: auto-lock, backup and restore, key change, integrity check, and the trail viewer."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from ...core.errors import JukiAuditError
from ...core.wareki import format_wareki_moment
from ...security import integrity, keys
from ...services import app_trail, backup, settings
from ...services.database_access import Database
from .. import file_dialogs
from ..errors import show_error
from ..followup_status_box import FollowupStatusBox
from ..generated.ui_settings_page import Ui_settings_page
from ..row_table import Column, RowFilterProxy, RowTableModel, fit_columns, readable_columns
from ..tasks import DatabaseClosedError, DbRunner
from ..trail_filters import TrailFilters
from ..trail_words import action_label, describe
from ..workbench_settings import DueMonthsBox
from . import Page

TRAIL_ROWS = 5000


TRAIL_COLUMNS: list[Column[app_trail.TrailEntry]] = [
    Column("番号", lambda e: str(e.seq), lambda e: e.seq, align_right=True),
    Column("日時", lambda e: format_wareki_moment(e.at), lambda e: e.at),
    Column("操作", lambda e: action_label(e.action), lambda e: e.action),
    Column("内容", lambda e: describe(e.action, e.detail), tooltip=True),
]


def _load(db: Database) -> tuple[int, bool, list[app_trail.TrailEntry]]:
    return settings.auto_lock_minutes(db), keys.uses_passphrase(db.path), app_trail.latest_entries(db, TRAIL_ROWS)


class SettingsPage(Page):
    title = "設定"
    auto_lock_changed = Signal(int)
    database_replaced = Signal()  # after restore or key change: every page reloads

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.passphrase_mode = False
        self.ui = ui = Ui_settings_page()
        ui.setupUi(self)
        # the widgets the page updates (and the tests drive) keep their short names
        self.minutes, self.outcome = ui.auto_lock_minutes, ui.settings_outcome
        self.backup_button, self.rekey_button = ui.backup_button, ui.rekey_button
        self.verify_button, self.verify_result = ui.verify_button, ui.verify_result
        self.minutes.setRange(1, settings.MAX_AUTO_LOCK_MINUTES)
        self.minutes.setValue(settings.DEFAULT_AUTO_LOCK_MINUTES)
        ui.save_auto_lock.clicked.connect(self._save_minutes)
        self.backup_button.clicked.connect(self._ask_backup)
        ui.restore_button.clicked.connect(self._ask_restore)
        self.rekey_button.clicked.connect(self._ask_rekey)
        self.verify_button.clicked.connect(self.verify)
        self._set_up_trail()
        self.due_months = DueMonthsBox(runner)
        ui.general_layout.insertWidget(ui.general_layout.count() - 1, self.due_months)  # above the stretch
        self.followup_statuses = FollowupStatusBox(runner)
        ui.general_layout.insertWidget(ui.general_layout.count() - 1, self.followup_statuses)

    def _set_up_trail(self) -> None:
        self.trail_model: RowTableModel[app_trail.TrailEntry] = RowTableModel(TRAIL_COLUMNS)
        self.trail_proxy = RowFilterProxy(self.trail_model)
        self.ui.trail_filter.textChanged.connect(self.trail_proxy.set_text)
        self.trail_filters = TrailFilters(self.trail_proxy)
        self.ui.trail_layout.insertLayout(1, self.trail_filters.row)
        table = self.ui.trail_table
        table.setModel(self.trail_proxy)
        readable_columns(table)
        table.setWordWrap(False)  # one line per entry; the whole text is in the tooltip
        table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first, shown ▼ (row_table's arrow style)
        self.ui.trail_note.setText(f"新しい順に最大 {TRAIL_ROWS} 件。各記録は前の記録と HMAC で連鎖しています。")

    # --- loading and clearing -------------------------------------------------------------------

    def refresh(self) -> None:
        self.runner.submit(lambda db, _p: _load(db), self._show)
        self.due_months.refresh()
        self.followup_statuses.refresh()

    def _show(self, loaded: tuple[int, bool, list[app_trail.TrailEntry]]) -> None:
        minutes, self.passphrase_mode, entries = loaded
        self.minutes.setValue(minutes)
        self.rekey_button.setText("パスフレーズを変更…" if self.passphrase_mode else "鍵を更新(キーリング)…")
        self.trail_model.set_rows(entries)
        self.trail_filters.set_actions(sorted({e.action for e in entries}, key=action_label))
        fit_columns(self.ui.trail_table)

    def clear(self) -> None:
        self.trail_model.set_rows([])
        self.verify_result.clear()

    # --- actions ----------------------------------------------------------------------------------

    def _save_minutes(self) -> None:
        minutes = self.minutes.value()

        def saved(_result: object) -> None:
            self.auto_lock_changed.emit(minutes)
            self.refresh()

        self.runner.submit(lambda db, _p: settings.set_auto_lock_minutes(db, minutes), saved)

    def verify(self) -> None:
        self.verify_result.setText("検証しています…")
        self.runner.submit(lambda db, _p: integrity.check(db), self._show_verification, label="完全性を検証しています")

    def _show_verification(self, report: integrity.IntegrityReport) -> None:
        if report.ok:
            self.verify_result.setStyleSheet("color: #1b5e20;")
            self.verify_result.setText("問題はありません(監査証跡の連鎖と全ページの HMAC を確認しました)。")
        else:
            self.verify_result.setStyleSheet("color: #b00020; font-weight: bold;")
            self.verify_result.setText("改ざんまたは破損を検出しました:\n" + "\n".join(report.lines()))

    def _ask_backup(self) -> None:
        name = file_dialogs.save_file(self, "backups", "バックアップの保存先", f"jukiaudit-{datetime.now():%Y%m%d}.db",
                                      "JukiAudit バックアップ (*.db)")
        if name:
            self.make_backup(Path(name))

    def make_backup(self, target: Path) -> None:
        def done(head: app_trail.TrailHead) -> None:
            self.report(f"バックアップを作成し、開き直して検証しました: {target}")
            self.refresh()

        self.runner.submit(lambda db, _p: backup.create_backup(db, target), done, self._failed,
                           label="バックアップを作成しています")

    def _ask_restore(self) -> None:
        name = file_dialogs.open_file(self, "backups", "復元するバックアップ", "JukiAudit バックアップ (*.db)")
        if not name:
            return
        answer = QMessageBox.question(
            self, "復元", f"{name}\nで現在のデータを置き換えます。現在のファイルは .before-restore-*.bak として残します。続けますか?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        backup_passphrase = None
        if self.passphrase_mode:
            text, ok = QInputDialog.getText(self, "復元", "バックアップ作成時のパスフレーズ(現在と同じなら空欄):",
                                            QLineEdit.EchoMode.Password)
            if not ok:
                return
            backup_passphrase = text or None
        self.restore(Path(name), backup_passphrase)

    def restore(self, source: Path, backup_passphrase: str | None = None) -> None:
        self.runner.replace_database(lambda db: backup.restore_backup(_open(db), source, backup_passphrase),
                                     lambda _db: self._replaced("復元しました。"), self._failed, label="復元しています")

    def _ask_rekey(self) -> None:
        new_passphrase = None
        if self.passphrase_mode:
            from ..app import ask_passphrase  # app imports the pages: import at call time

            new_passphrase = ask_passphrase(self, Path(), new=True, prompt="新しいパスフレーズを入力してください(12文字以上を推奨):")
            if new_passphrase is None:
                return
        elif QMessageBox.question(self, "鍵の更新", "新しい乱数鍵でデータベースを暗号化し直し、キーリングの鍵を置き換えます。"
                                  "続けますか?") != QMessageBox.StandardButton.Yes:
            return
        self.change_key(new_passphrase)

    def change_key(self, new_passphrase: str | None) -> None:
        self.runner.replace_database(lambda db: backup.change_key(_open(db), new_passphrase),
                                     lambda _db: self._replaced("鍵を変更し、開き直して検証しました。"),
                                     self._failed, label="暗号化し直しています")

    def _replaced(self, message: str) -> None:
        self.report(message)
        self.database_replaced.emit()

    def report(self, message: str, *, error: bool = False) -> None:
        """The outcome of the last backup, restore or key change, kept visible on the page."""
        self.outcome.setStyleSheet("color: #b00020;" if error else "")
        self.outcome.setText(message)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, JukiAuditError):
            self.report(str(exc), error=True)
        else:
            show_error(self, exc)


def _open(db: Database | None) -> Database:
    if db is None:
        raise DatabaseClosedError()
    return db
