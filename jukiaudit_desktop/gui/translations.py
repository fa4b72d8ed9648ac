"""Qt's own Japanese translations, so standard buttons and dialogs (OK/キャンセル, file and print dialogs) speak
Japanese like the rest of the app."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator

log = logging.getLogger("jukiaudit.gui.translations")

QT_CATALOGUE = "qtbase_ja"

# Strings of this Qt version that its qtbase_ja catalogue does not have yet (found by listing every string
# the file and print dialogs ask for): (context, source) → Japanese.
MISSING_FROM_QTBASE_JA = {
    ("QFileDialog", "&Look in:"): "場所(&L):",
    ("QFileDialog", "Files of &type:"): "ファイルの種類(&T):",
    ("QAbstractFileIconProvider", "Folder"): "フォルダー",
    ("QPrintSettingsOutput", "Double Sided Printing"): "両面印刷",
    ("QPrintSettingsOutput", "Long side binding"): "長辺とじ",
    ("QPrintSettingsOutput", "Short side binding"): "短辺とじ",
    ("QPrintSettingsOutput", "Off"): "片面",
    ("QPrintSettingsOutput", "Pages"): "ページ指定",
    ("QPrintSettingsOutput", "Page &Set:"): "印刷するページ(&S):",
    ("QPrintSettingsOutput", "Specify pages or ranges separated by commas. Ranges are specified by two numbers "
     "separated by a hyphen. E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9."):
        "ページまたは範囲をカンマで区切って指定します。範囲はハイフンでつないだ 2 つの番号です。"
        "例: 3,5-7,9 は 3、5、6、7、9 ページを印刷します。",
}


class MissingStrings(QTranslator):
    """Answers only the strings above; everything else falls through to Qt's catalogue (None becomes a null
    QString, which is how a translator says "not mine"; an empty string would blank the text)."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,  # noqa: D102
                  n: int = -1) -> str | None:
        return MISSING_FROM_QTBASE_JA.get((context, source))


def install_qt_translations(app: QCoreApplication) -> list[QObject]:
    """Load qtbase_ja from Qt's translations folder (in the PySide6 wheel or the frozen bundle) and the
    strings it lacks; returns the installed translators (empty when the catalogue is missing)."""
    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    catalogue = QTranslator(app)
    if not catalogue.load(QT_CATALOGUE, folder):
        log.warning("Qt translations %s not found in %s: standard dialogs stay in English", QT_CATALOGUE, folder)
        return []
    supplement = MissingStrings(app)
    for translator in (catalogue, supplement):  # the one installed last is asked first
        app.installTranslator(translator)
    return [catalogue, supplement]
