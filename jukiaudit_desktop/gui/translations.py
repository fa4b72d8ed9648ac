"""Qt's own Japanese translations, so standard buttons and dialogs (OK/キャンセル, file and print dialogs) speak
Japanese like the rest of the app."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger("jukiaudit.gui.translations")

QT_CATALOGUE = "qtbase_ja"


def install_qt_translations(app: QApplication) -> QTranslator | None:
    """Load qtbase_ja from Qt's translations folder (in the PySide6 wheel or the frozen bundle)."""
    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if not translator.load(QT_CATALOGUE, folder):
        log.warning("Qt translations %s not found in %s: standard dialogs stay in English", QT_CATALOGUE, folder)
        return None
    app.installTranslator(translator)
    return translator
