"""Japanese everywhere: Qt's own buttons and dialogs are translated (qtbase_ja) once the app installs them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
)

from jukiaudit_desktop.gui.translations import install_qt_translations


@pytest.fixture
def japanese(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    locale = QLocale()
    translators = install_qt_translations(qapp)
    assert translators  # qtbase_ja.qm was found in Qt's translations folder
    yield
    for translator in translators:
        qapp.removeTranslator(translator)
    QLocale.setDefault(locale)


def test_standard_buttons_are_japanese(qtbot, japanese) -> None:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                           | QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
    qtbot.addWidget(box)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert "キャンセル" in texts and any("保存" in t for t in texts) and any("閉じる" in t for t in texts)
    message = QMessageBox(QMessageBox.Icon.Question, "確認", "続けますか?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(message)
    assert "はい" in message.button(QMessageBox.StandardButton.Yes).text()
    assert "いいえ" in message.button(QMessageBox.StandardButton.No).text()


@pytest.mark.real_modal  # reads and closes the real Qt dialog itself
def test_qt_file_dialog_is_japanese(qtbot, japanese, tmp_path: Path) -> None:
    seen: list[str] = []

    def read_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(50, read_and_close)
            return
        seen.extend(w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QPushButton))
        dialog.reject()

    QTimer.singleShot(50, read_and_close)
    QFileDialog.getSaveFileName(None, "保存", str(tmp_path / "x.pdf"), "PDF (*.pdf)")
    text = " ".join(seen)
    assert "ファイル名" in text and "キャンセル" in text and "場所" in text and "ファイルの種類" in text
    for english in ("File name", "Cancel", "Look in", "Files of type"):
        assert english not in text.replace("&", "")


def test_qt_print_dialog_is_japanese(qtbot, japanese) -> None:
    dialog = QPrintDialog(QPrinter())
    qtbot.addWidget(dialog)
    english = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)
               if re.search("[A-Za-z]{3}", w.text()) and not re.search("[ぁ-んァ-ヶ一-龯]", w.text())]
    assert english == []
