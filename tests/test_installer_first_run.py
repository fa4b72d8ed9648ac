"""First start: the welcome page explains the database and its key, sets the passphrase, offers the demo."""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QMessageBox

from jukiaudit_desktop.gui.app import Application
from jukiaudit_desktop.gui.pages.master import MasterPage
from jukiaudit_desktop.gui.welcome import WelcomeDialog
from jukiaudit_desktop.security import keys


def start(qtbot, db_path: Path) -> tuple[Application, WelcomeDialog]:  # type: ignore[no-untyped-def]
    application = Application(db_path, welcome=True)
    qtbot.addWidget(application.window)
    application.start()
    qtbot.waitUntil(lambda: application.window.findChild(WelcomeDialog) is not None)
    return application, application.window.findChild(WelcomeDialog)


def click(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    """Click where a user would: on a check or radio box's indicator, else in the middle."""
    checkable = isinstance(widget, QAbstractButton) and widget.isCheckable()
    at = QPoint(8, widget.height() // 2) if checkable else widget.rect().center()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=at)


@pytest.mark.slow
def test_welcome_explains_and_creates_a_passphrase_database_with_the_demo(qtbot, tmp_path: Path) -> None:
    db_path = tmp_path / "data" / "jukiaudit.db"
    application, welcome = start(qtbot, db_path)
    text = welcome.findChild(QLabel, "welcome_text").text()
    assert str(db_path) in text
    assert "キーリング" in text and "二度と開けません" in text and "バックアップ" in text
    assert welcome.keyring_mode.isChecked() and not welcome.passphrase.isEnabled()

    click(qtbot, welcome.passphrase_mode)
    assert welcome.passphrase.isEnabled()
    qtbot.keyClicks(welcome.passphrase, "correct horse battery")
    qtbot.keyClicks(welcome.again, "correct horse batterY")
    click(qtbot, welcome.create_button)
    assert "一致しません" in welcome.error.text()
    assert welcome.isVisible() and not db_path.exists()  # nothing created on a refused choice

    welcome.again.clear()
    qtbot.keyClicks(welcome.again, "correct horse battery")
    click(qtbot, welcome.demo)
    click(qtbot, welcome.create_button)
    master = application.window.page(MasterPage)
    assert welcome.demo.isChecked()
    qtbot.waitUntil(lambda: master.agency_tab.model.rowCount() == 47, timeout=60000)
    assert keys.uses_passphrase(db_path)
    assert "パスフレーズ" in application.window.database_label.text()
    assert application.window.findChild(QMessageBox, "demo_offer") is None  # chosen on the page already
    application.window.close()


def test_welcome_in_keyring_mode_without_demo_data(qtbot, tmp_path: Path, memory_keyring) -> None:
    db_path = tmp_path / "jukiaudit.db"
    application, welcome = start(qtbot, db_path)
    click(qtbot, welcome.create_button)
    qtbot.waitUntil(lambda: "キーリング鍵" in application.window.database_label.text(), timeout=10000)
    assert not keys.uses_passphrase(db_path)
    assert memory_keyring.secrets  # the key went to the keyring
    assert application.window.findChild(QMessageBox, "demo_offer") is None
    assert application.window.page(MasterPage).agency_tab.model.rowCount() == 0
    application.window.close()


def test_without_a_secure_keyring_the_welcome_asks_for_a_passphrase(qtbot, tmp_path: Path) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())  # the memory_keyring fixture puts its own back
    application, welcome = start(qtbot, tmp_path / "jukiaudit.db")
    assert not welcome.keyring_mode.isEnabled()
    assert welcome.passphrase_mode.isChecked() and welcome.passphrase.isEnabled()
    assert "安全なキーリングが使えません" in welcome.findChild(QLabel, "welcome_text").text()
    click(qtbot, welcome.create_button)
    assert "パスフレーズを入力してください" in welcome.error.text()
    application.window.close()


def test_cancelling_the_welcome_creates_nothing(qtbot, tmp_path: Path) -> None:
    db_path = tmp_path / "jukiaudit.db"
    application, welcome = start(qtbot, db_path)
    welcome.reject()
    assert not db_path.exists()
    assert "開いていません" in application.window.statusBar().currentMessage()
    application.window.close()


def test_an_existing_database_skips_the_welcome(qtbot, db_path: Path, db) -> None:
    db.close()
    application = Application(db_path, welcome=True)
    qtbot.addWidget(application.window)
    application.start()
    qtbot.waitUntil(lambda: "キーリング鍵" in application.window.database_label.text(), timeout=10000)
    assert application.window.findChild(WelcomeDialog) is None
    application.window.close()
