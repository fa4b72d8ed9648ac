"""The import dialog's fixes and dropping files: changing 種類 empties the list instead of misreading the files, an
empty file is named as such, 取り込む only for a readable file, no stale status, long messages wrap, xlsx dates in
和暦; files dropped on the dialog or on ログ突合 are listed for import."""

from __future__ import annotations

from pathlib import Path

import test_import_gui
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from test_import_gui import OPLOG, REGISTER

from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.gui.import_wizard import ImportWizard, cell_text
from jukiaudit_desktop.gui.pages.reconcile import ReconcilePage
from jukiaudit_desktop.services import master_data

runner, wizard = test_import_gui.runner, test_import_gui.wizard  # the fixtures of the import tests


def drop(qtbot, widget, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = QPoint(widget.width() // 2, widget.height() // 2)
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(widget, QDropEvent(centre.toPointF(), Qt.DropAction.CopyAction, mime,
                                              Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))


def test_changing_the_kind_empties_the_list_instead_of_misreading_it(qtbot, wizard: ImportWizard) -> None:
    wizard.add_files([OPLOG])
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=5000)
    wizard.kind_box.setCurrentIndex(1)  # 業務端末使用管理簿
    assert wizard.paths() == [] and wizard.issues() == []
    assert "ファイルの一覧を空にしました" in wizard.status.text()
    assert not wizard.import_button.isEnabled()
    wizard.add_files([REGISTER])
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=5000)
    assert wizard.import_button.isEnabled() and wizard.status.text() == ""  # no stale message


def test_an_empty_file_is_named_empty_and_cannot_be_imported(qtbot, wizard: ImportWizard, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    wizard.add_files([empty])
    qtbot.waitUntil(lambda: wizard.issues() != [], timeout=5000)
    assert wizard.issues() == ["empty.csv: 空のファイルです。取り込むデータの入ったファイルを選んでください。"]
    assert not wizard.import_button.isEnabled() and not wizard.check_button.isEnabled()
    assert wizard.issue_list.wordWrap()


def test_an_unreadable_file_cannot_be_imported(qtbot, wizard: ImportWizard, tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes("日時,端末\nあ,い\n".encode() * 3)
    wizard.add_files([broken])
    qtbot.waitUntil(lambda: wizard.source_label.text().startswith("読めません"), timeout=5000)
    assert not wizard.import_button.isEnabled()


def test_xlsx_dates_are_shown_in_wareki() -> None:
    assert cell_text("2025-04-01 00:00:00") == "令和7年4月1日"
    assert cell_text("2025-04-01 09:30:00") == "令和7年4月1日 09:30:00"
    assert cell_text("2019-04-30") == "平成31年4月30日"
    assert cell_text("T001") == "T001"


def test_files_dropped_on_the_dialog_are_listed(qtbot, wizard: ImportWizard) -> None:
    drop(qtbot, wizard, [OPLOG])
    assert wizard.paths() == [OPLOG]
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=5000)


def test_files_dropped_on_the_reconcile_page_open_the_import_dialog(qtbot, runner, tmp_path: Path) -> None:
    from test_import_gui import in_db

    in_db(qtbot, runner, lambda db: master_data.add_agency(db, Agency("C09", "サンプル機関")))
    page = ReconcilePage(runner)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.current_agency() is not None, timeout=5000)
    drop(qtbot, page, [OPLOG, tmp_path])  # a folder is left out
    dialog = page.import_wizard
    assert dialog is not None and dialog.isVisible() and dialog.paths() == [OPLOG]
    qtbot.addWidget(dialog)
