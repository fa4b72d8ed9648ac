"""The ヘルプ menu: the guide from docs/guide/ opens inside the app, the shortcut list matches the real
shortcuts, the licences and the version are shown."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu, QMessageBox

from jukiaudit_desktop import __version__, licenses
from jukiaudit_desktop.gui.app import Application
from jukiaudit_desktop.gui.help_menu import SHORTCUTS_CHAPTER, TextPagesDialog
from jukiaudit_desktop.paths import guide_dir

GUIDE_TOPICS = ["1年の流れ", "現地監査", "取り込み", "突合結果", "指摘事項票", "バックアップ"]


def window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    application = Application(tmp_path / "audit.db")  # not opened: the menu works before unlocking
    qtbot.addWidget(application.window)
    application.window.show()
    application.window.activateWindow()
    qtbot.waitUntil(application.window.isActiveWindow)  # a window shortcut (F1) needs the active window
    return application.window


def help_action(main_window, text: str) -> QAction:  # type: ignore[no-untyped-def]
    menu = main_window.findChild(QMenu, "help_menu")
    assert menu.title() == "ヘルプ(&H)"
    return next(a for a in menu.actions() if a.text().startswith(text))


def open_dialog(qtbot, main_window, name: str) -> TextPagesDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: main_window.findChild(TextPagesDialog, name) is not None)
    dialog = main_window.findChild(TextPagesDialog, name)
    qtbot.waitExposed(dialog)
    return dialog


def test_f1_opens_the_guide_and_every_chapter_reads(qtbot, tmp_path: Path) -> None:
    main_window = window(qtbot, tmp_path)
    qtbot.keyClick(main_window, Qt.Key.Key_F1)
    dialog = open_dialog(qtbot, main_window, "guide_dialog")
    titles = [dialog.chapters.item(i).text() for i in range(dialog.chapters.count())]
    assert len(titles) == len(list(guide_dir().glob("*.md")))
    for topic in GUIDE_TOPICS:
        assert any(topic in title for title in titles), topic
    for row in range(dialog.chapters.count()):
        item = dialog.chapters.item(row)
        qtbot.mouseClick(dialog.chapters.viewport(), Qt.MouseButton.LeftButton,
                         pos=dialog.chapters.visualItemRect(item).center())
        shown = dialog.text.toPlainText()
        assert shown.startswith(item.text()), (item.text(), shown[:40])  # the chapter's heading, rendered
        assert "#" not in shown.splitlines()[0]  # Markdown rendered, not shown raw
    dialog.close()


def test_the_shortcut_list_names_every_shortcut_of_the_window(qtbot, tmp_path: Path) -> None:
    main_window = window(qtbot, tmp_path)
    help_action(main_window, "ショートカット一覧").trigger()
    dialog = open_dialog(qtbot, main_window, "guide_dialog")
    assert dialog.text.toPlainText().startswith("キーボードショートカット")
    listed = set(re.findall(r"`([^`]+)`", (guide_dir() / SHORTCUTS_CHAPTER).read_text(encoding="utf-8")))
    portable = QKeySequence.SequenceFormat.PortableText
    keys = {k.toString(portable) for a in main_window.findChildren(QAction) for k in a.shortcuts()}
    keys |= {s.key().toString(portable) for s in main_window.findChildren(QShortcut)}
    keys.discard("")
    assert len(keys) > 30
    assert keys - listed == set()


def test_licences_show_the_app_the_font_qt_and_every_wheel(qtbot, tmp_path: Path) -> None:
    main_window = window(qtbot, tmp_path)
    help_action(main_window, "ライセンス").trigger()
    dialog = open_dialog(qtbot, main_window, "licence_dialog")
    texts = []
    for row in range(dialog.chapters.count()):
        dialog.chapters.setCurrentRow(row)
        texts.append(dialog.text.toPlainText())
    everything = "\n".join(texts)
    assert "IPA フォントライセンス" in dialog.chapters.item(1).text() and "IPA" in texts[1]
    assert "GNU Lesser General Public License" in everything
    for dist in licenses.runtime_distributions():
        if dist.metadata["Name"] != licenses.APP_DISTRIBUTION:
            assert f"=== {dist.metadata['Name']} {dist.version}" in texts[-1]
    dialog.close()


def test_third_party_licences_carry_the_files_the_wheels_ship() -> None:
    text = licenses.collect_third_party()
    reportlab = text.split("=== reportlab ")[1].split("\n=== ")[0]
    assert "ReportLab" in reportlab and len(reportlab) > 500  # the licence file itself, not only its name
    assert "=== PySide6_Essentials" in text and "LGPL-3.0-only" in text


def test_version_information(qtbot, tmp_path: Path) -> None:
    main_window = window(qtbot, tmp_path)
    help_action(main_window, "バージョン情報").trigger()
    qtbot.waitUntil(lambda: main_window.findChild(QMessageBox, "about_box") is not None)
    box = main_window.findChild(QMessageBox, "about_box")
    assert __version__ in box.text() and "Qt 6" in box.text() and "SQLCipher" in box.text()
    box.accept()
