"""The main window opens on a fresh database, shows it is encrypted, and navigates between areas."""

from __future__ import annotations

from pathlib import Path

from jukiaudit_desktop.gui.app import Application, install_japanese_font


def test_first_run_creates_encrypted_database_and_shows_it(qtbot, qapp, tmp_path: Path) -> None:
    family = install_japanese_font(qapp)
    assert "IPAex" in family
    db_path = tmp_path / "data" / "jukiaudit.db"
    application = Application(db_path)
    qtbot.addWidget(application.window)
    application.start()
    qtbot.waitUntil(lambda: "暗号化済み" in application.window.database_label.text(), timeout=5000)
    assert db_path.exists()
    assert b"SQLite format 3" not in db_path.read_bytes()[:16]
    assert application.window.navigation.count() == 8
    assert application.window.pages.currentWidget().title == "ホーム"  # opens first
    application.window.navigation.setCurrentRow(5)
    assert application.window.pages.currentWidget().title == "マスタ"
    application.window.close()
