"""The 設定 page: auto-lock, backup and restore, key change, integrity check, and the trail viewer."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import JukiAuditError
from ...core.wareki import format_wareki
from ...security import integrity, keys
from ...services import backup, settings
from ...storage import trail
from ...storage.database import Database
from ..errors import show_error
from ..row_table import Column, RowFilterProxy, RowTableModel
from ..tasks import DatabaseClosedError, DbRunner
from . import Page

TRAIL_ROWS = 5000


def _when(entry: trail.TrailEntry) -> str:
    at = datetime.fromisoformat(entry.at)
    return f"{format_wareki(at.date())} {at:%H:%M:%S}"


TRAIL_COLUMNS: list[Column[trail.TrailEntry]] = [
    Column("番号", lambda e: str(e.seq), lambda e: e.seq, align_right=True),
    Column("日時", _when, lambda e: e.at),
    Column("操作", lambda e: e.action),
    Column("内容", lambda e: e.detail, tooltip=True),
]


def _load(db: Database) -> tuple[int, bool, list[trail.TrailEntry]]:
    return settings.auto_lock_minutes(db), keys.uses_passphrase(db.path), trail.entries(db, limit=TRAIL_ROWS)


class SettingsPage(Page):
    title = "設定"
    auto_lock_changed = Signal(int)
    database_replaced = Signal()  # after restore or key change: every page reloads

    def __init__(self, runner: DbRunner, parent: QWidget | None = None) -> None:
        super().__init__(runner, parent)
        self.passphrase_mode = False
        tabs = QTabWidget()
        tabs.setObjectName("settings_tabs")
        tabs.addTab(self._build_general(), "一般")
        tabs.addTab(self._build_trail(), "監査証跡")
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)

    def _build_general(self) -> QWidget:
        general = QWidget()
        layout = QVBoxLayout(general)

        lock_box = QGroupBox("自動ロック")
        lock_form = QFormLayout(lock_box)
        self.minutes = QSpinBox()
        self.minutes.setObjectName("auto_lock_minutes")
        self.minutes.setRange(1, settings.MAX_AUTO_LOCK_MINUTES)
        self.minutes.setSuffix(" 分")
        self.minutes.setValue(settings.DEFAULT_AUTO_LOCK_MINUTES)
        save_minutes = QPushButton("保存")
        save_minutes.setObjectName("save_auto_lock")
        save_minutes.clicked.connect(self._save_minutes)
        row = QHBoxLayout()
        row.addWidget(self.minutes)
        row.addWidget(save_minutes)
        row.addStretch(1)
        lock_form.addRow("操作がないときロックするまで:", row)
        lock_form.addRow(QLabel("スリープから復帰したときも、最後の操作からの時間を時計で判定します。Ctrl+L ですぐにロックできます。"))
        layout.addWidget(lock_box)

        backup_box = QGroupBox("バックアップと復元")
        backup_row = QHBoxLayout(backup_box)
        self.backup_button = QPushButton("バックアップを作成…")
        self.backup_button.setObjectName("backup_button")
        self.backup_button.clicked.connect(self._ask_backup)
        self.restore_button = QPushButton("バックアップから復元…")
        self.restore_button.setObjectName("restore_button")
        self.restore_button.clicked.connect(self._ask_restore)
        backup_row.addWidget(self.backup_button)
        backup_row.addWidget(self.restore_button)
        backup_row.addStretch(1)
        layout.addWidget(backup_box)

        key_box = QGroupBox("鍵の変更")
        key_row = QHBoxLayout(key_box)
        self.rekey_button = QPushButton("鍵を変更…")
        self.rekey_button.setObjectName("rekey_button")
        self.rekey_button.clicked.connect(self._ask_rekey)
        key_row.addWidget(self.rekey_button)
        key_row.addWidget(QLabel("データベース全体を新しい鍵で暗号化し直します(以前のバックアップは古い鍵のままです)。"))
        key_row.addStretch(1)
        layout.addWidget(key_box)

        check_box = QGroupBox("改ざん・破損の検査")
        check_layout = QVBoxLayout(check_box)
        self.verify_button = QPushButton("監査証跡と暗号化ページを検証")
        self.verify_button.setObjectName("verify_button")
        self.verify_button.clicked.connect(self.verify)
        self.verify_result = QLabel("")
        self.verify_result.setObjectName("verify_result")
        self.verify_result.setWordWrap(True)
        self.verify_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        check_layout.addWidget(self.verify_button, 0, Qt.AlignmentFlag.AlignLeft)
        check_layout.addWidget(self.verify_result)
        layout.addWidget(check_box)
        self.outcome = QLabel("")
        self.outcome.setObjectName("settings_outcome")
        self.outcome.setWordWrap(True)
        layout.addWidget(self.outcome)
        layout.addStretch(1)
        return general

    def _build_trail(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.trail_filter = QLineEdit()
        self.trail_filter.setObjectName("trail_filter")
        self.trail_filter.setPlaceholderText("絞り込み(操作名・内容)")
        self.trail_model: RowTableModel[trail.TrailEntry] = RowTableModel(TRAIL_COLUMNS)
        self.trail_proxy = RowFilterProxy(self.trail_model)
        self.trail_filter.textChanged.connect(self.trail_proxy.set_text)
        self.trail_table = QTableView()
        self.trail_table.setObjectName("trail_table")
        self.trail_table.setModel(self.trail_proxy)
        self.trail_table.setSortingEnabled(True)
        self.trail_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.trail_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.trail_table.verticalHeader().setVisible(False)
        header = self.trail_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.trail_filter)
        layout.addWidget(self.trail_table)
        layout.addWidget(QLabel(f"新しい順に最大 {TRAIL_ROWS} 件。各記録は前の記録と HMAC で連鎖しています。"))
        return page

    # --- loading and clearing -------------------------------------------------------------------

    def refresh(self) -> None:
        self.runner.submit(lambda db, _p: _load(db), self._show)

    def _show(self, loaded: tuple[int, bool, list[trail.TrailEntry]]) -> None:
        minutes, self.passphrase_mode, entries = loaded
        self.minutes.setValue(minutes)
        self.rekey_button.setText("パスフレーズを変更…" if self.passphrase_mode else "鍵を更新(キーリング)…")
        self.trail_model.set_rows(entries)

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
        name, _ = QFileDialog.getSaveFileName(self, "バックアップの保存先", f"jukiaudit-{datetime.now():%Y%m%d}.db",
                                              "JukiAudit バックアップ (*.db)")
        if name:
            self.make_backup(Path(name))

    def make_backup(self, target: Path) -> None:
        def done(head: trail.TrailHead) -> None:
            self.report(f"バックアップを作成し、開き直して検証しました: {target}")
            self.refresh()

        self.runner.submit(lambda db, _p: backup.create_backup(db, target), done, self._failed,
                           label="バックアップを作成しています")

    def _ask_restore(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "復元するバックアップ", "", "JukiAudit バックアップ (*.db)")
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
