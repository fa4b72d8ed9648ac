"""The ヘルプ menu: the user guide (docs/guide/, Markdown), the keyboard shortcuts, licences, version."""

from __future__ import annotations

import platform
from dataclasses import dataclass

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QTextBrowser,
    QWidget,
)

from .. import APP_NAME, __version__, licenses
from ..paths import guide_dir
from ..services.database_access import sqlite_version

SHORTCUTS_CHAPTER = "shortcuts.md"


@dataclass(frozen=True)
class TextPage:
    title: str
    text: str
    markdown: bool = False


def guide_pages() -> list[TextPage]:
    """The guide's chapters in file-name order, each titled by its first `# ` heading."""
    pages = []
    for path in sorted(guide_dir().glob("*.md")):
        text = path.read_text(encoding="utf-8")
        title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), path.stem)
        pages.append(TextPage(title, text, markdown=True))
    return pages


def licence_pages() -> list[TextPage]:
    return [*(TextPage(title, text) for title, text in licenses.notices()),
            TextPage("同梱ライブラリ(Python パッケージ)", licenses.third_party())]


class TextPagesDialog(QDialog):
    """A non-modal reader: chapter titles on the left, the chapter on the right."""

    def __init__(self, title: str, pages: list[TextPage], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{title} — {APP_NAME}")
        self.resize(900, 640)
        self.pages = pages
        self.chapters = QListWidget()
        self.chapters.setObjectName("chapters")
        self.chapters.addItems([page.title for page in pages])
        self.chapters.setMaximumWidth(260)
        self.text = QTextBrowser()
        self.text.setObjectName("chapter_text")
        self.text.setOpenExternalLinks(False)  # offline: links are not followed
        layout = QHBoxLayout(self)
        layout.addWidget(self.chapters)
        layout.addWidget(self.text, 1)
        self.chapters.currentRowChanged.connect(self.show_page)
        self.chapters.setCurrentRow(0)

    def show_page(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            page = self.pages[row]
            if page.markdown:
                self.text.setMarkdown(page.text)
            else:
                self.text.setPlainText(page.text)
            self.chapters.setCurrentRow(row)


def open_guide(window: QMainWindow, chapter: str | None = None) -> TextPagesDialog:
    pages = guide_pages()
    dialog = TextPagesDialog("使い方", pages, window)
    dialog.setObjectName("guide_dialog")
    if chapter is not None:
        names = [p.name for p in sorted(guide_dir().glob("*.md"))]
        dialog.show_page(names.index(chapter))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def open_licences(window: QMainWindow) -> TextPagesDialog:
    dialog = TextPagesDialog("ライセンス", licence_pages(), window)
    dialog.setObjectName("licence_dialog")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def about_text() -> str:
    return (f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>住基ネット利用状況の監査支援ツール(オフライン専用)</p>"
            f"<p>Python {platform.python_version()} / Qt {qVersion()} / PySide6 {pyside_version} / "
            f"SQLite(SQLCipher){sqlite_version()}<br>{platform.platform()}</p>"
            "<p>使用しているソフトウェアのライセンスは「ヘルプ → ライセンス」をご覧ください。</p>")


def open_about(window: QMainWindow) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Information, "バージョン情報", about_text(),
                      QMessageBox.StandardButton.Ok, window)
    box.setObjectName("about_box")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.finished.connect(box.deleteLater)
    box.open()
    return box


def install_help_menu(window: QMainWindow) -> None:
    menu = window.menuBar().addMenu("ヘルプ(&H)")
    menu.setObjectName("help_menu")
    entries = [
        ("使い方(&U)", QKeySequence("F1"), lambda: open_guide(window)),
        ("ショートカット一覧(&K)", QKeySequence(), lambda: open_guide(window, SHORTCUTS_CHAPTER)),
        ("ライセンス(&L)", QKeySequence(), lambda: open_licences(window)),
        ("バージョン情報(&A)", QKeySequence(), lambda: open_about(window)),
    ]
    for text, key, slot in entries:
        action = QAction(text, window)
        action.setShortcut(key)
        action.triggered.connect(slot)
        menu.addAction(action)
