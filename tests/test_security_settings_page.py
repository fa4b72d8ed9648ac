"""The 設定 page drives backup, restore, key change and verification through the runner, on real files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from jukiaudit_desktop.gui.app import Application
from jukiaudit_desktop.gui.pages.settings import SettingsPage
from jukiaudit_desktop.security import keys


def test_backup_restore_rekey_and_verify_from_the_page(qtbot, tmp_path: Path) -> None:
    application = Application(tmp_path / "audit.db")
    qtbot.addWidget(application.window)
    application.start()
    qtbot.waitUntil(lambda: application.lock.timer.isActive(), timeout=10000)
    page = application.window.page(SettingsPage)
    qtbot.waitUntil(lambda: page.trail_model.rowCount() > 0)

    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "問題はありません" in page.verify_result.text())

    target = tmp_path / "usb" / "copy.db"
    page.make_backup(target)
    qtbot.waitUntil(lambda: "バックアップを作成" in page.outcome.text(), timeout=10000)
    assert target.exists()
    qtbot.waitUntil(lambda: page.trail_model.rows[0].action == "backup.create")

    old_key = keys.keyring_key(application.db_path, create=False)
    page.change_key(None)
    qtbot.waitUntil(lambda: "鍵を変更" in page.outcome.text(), timeout=10000)
    assert keys.keyring_key(application.db_path, create=False) != old_key
    qtbot.waitUntil(lambda: page.trail_model.rowCount() > 0 and page.trail_model.rows[0].action == "database.rekey")

    page.restore(target)  # made under the old key: refused, the open database stays as it is
    qtbot.waitUntil(lambda: "鍵(パスフレーズ)の変更前" in page.outcome.text(), timeout=10000)
    page.refresh()
    qtbot.waitUntil(lambda: not application.runner.busy)
    assert page.trail_model.rows[0].action == "database.rekey"

    page.make_backup(target)
    qtbot.waitUntil(lambda: page.trail_model.rows[0].action == "backup.create", timeout=10000)
    page.restore(target)
    qtbot.waitUntil(lambda: "復元しました" in page.outcome.text(), timeout=10000)
    qtbot.waitUntil(lambda: page.trail_model.rowCount() > 0 and page.trail_model.rows[0].action == "backup.restore")
    application.window.close()
