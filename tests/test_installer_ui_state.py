"""Remembered state: the last folder per purpose (else Documents) in real file dialogs, window geometry,
splitters, column widths and the last agency across starts, and never any audit data in the settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QSplitter

from jukiaudit_desktop.core.master import Agency, AgencyKind
from jukiaudit_desktop.gui import file_dialogs, ui_state
from jukiaudit_desktop.gui.app import Application
from jukiaudit_desktop.gui.pages.master import MasterPage
from jukiaudit_desktop.gui.pages.reconcile import ReconcilePage
from jukiaudit_desktop.services import master_data

ALLOWED_GROUPS = {"window", "splitters", "columns", "folders", "last_agency"}


def answer_file_dialog(qtbot, choose: Path | None) -> list[str]:  # type: ignore[no-untyped-def]
    """Waits for Qt's own file dialog, records the folder it opened in, then picks `choose` (or cancels)."""
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(50, answer)
            return
        seen.append(dialog.directory().absolutePath())
        if choose is None:
            dialog.reject()
        else:
            name = dialog.findChild(QLineEdit, "fileNameEdit")  # typed, as a user would (selectFile does not
            name.setText(str(choose))                            # select once a default QLocale is set)
            dialog.accept()

    QTimer.singleShot(50, answer)
    return seen


def test_folders_are_remembered_per_purpose_and_fall_back_to_documents(tmp_path: Path) -> None:
    documents = ui_state.documents_folder()
    assert ui_state.last_folder("logs") == documents
    logs, pdfs = tmp_path / "usb" / "logs", tmp_path / "out"
    logs.mkdir(parents=True)
    pdfs.mkdir()
    ui_state.remember_folder("logs", logs / "oplog.csv")
    ui_state.remember_folder("pdfs", pdfs)
    assert ui_state.last_folder("logs") == str(logs)
    assert ui_state.last_folder("pdfs") == str(pdfs)
    assert ui_state.last_folder("registers") == documents  # another purpose keeps its own folder
    logs.rmdir()
    assert ui_state.last_folder("logs") == documents  # the USB stick is gone


@pytest.mark.real_modal  # reads and closes the real Qt dialog itself
def test_a_real_file_dialog_opens_in_the_last_folder_and_remembers_the_new_one(qtbot, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        folder.mkdir()
        (folder / "register.csv").write_text("x", encoding="utf-8")
    ui_state.remember_folder("registers", first)
    seen = answer_file_dialog(qtbot, second / "register.csv")
    chosen = file_dialogs.open_file(None, "registers", "管理簿を選ぶ", "CSV (*.csv)")
    assert seen == [str(first)]
    assert Path(chosen) == second / "register.csv"
    assert ui_state.last_folder("registers") == str(second)

    seen = answer_file_dialog(qtbot, None)  # cancelled: nothing changes
    assert file_dialogs.open_file(None, "registers", "管理簿を選ぶ", "CSV (*.csv)") == ""
    assert seen == [str(second)] and ui_state.last_folder("registers") == str(second)


@pytest.mark.real_modal  # reads and closes the real Qt dialog itself
def test_a_save_dialog_suggests_the_name_in_the_last_pdf_folder(qtbot, tmp_path: Path) -> None:
    ui_state.remember_folder("pdfs", tmp_path)
    seen = answer_file_dialog(qtbot, tmp_path / "sheet.pdf")
    assert file_dialogs.save_file(None, "pdfs", "保存", "sheet.pdf", "PDF (*.pdf)") == str(tmp_path / "sheet.pdf")
    assert seen == [str(tmp_path)]


def started(qtbot, db_path: Path) -> Application:  # type: ignore[no-untyped-def]
    application = Application(db_path)
    qtbot.addWidget(application.window)
    application.start()
    qtbot.waitUntil(lambda: "暗号化済み" in application.window.database_label.text(), timeout=10000)
    return application


def test_geometry_splitters_and_column_widths_survive_a_restart(qtbot, db_path: Path) -> None:
    application = started(qtbot, db_path)
    window = application.window
    screen = window.screen().availableGeometry()  # restoreGeometry() fits the window into the screen
    window.resize(min(1100, screen.width()), min(520, screen.height()))
    size = (window.width(), window.height())
    assert size != (1280, 800)  # not the default
    main_splitter = window.centralWidget()
    assert isinstance(main_splitter, QSplitter)
    main_splitter.setSizes([170, 800])
    sizes = main_splitter.sizes()
    header = window.page(MasterPage).agency_tab.table.horizontalHeader()
    edge = QPoint(header.sectionViewportPosition(1) + header.sectionSize(1) - 2, header.height() // 2)
    wider = header.sectionSize(1) + 60
    qtbot.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=edge)  # drag the column's edge
    qtbot.mouseMove(header.viewport(), edge + QPoint(60, 0))
    qtbot.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton, pos=edge + QPoint(60, 0))
    assert header.sectionSize(1) == wider
    window.close()

    again = started(qtbot, db_path)
    assert (again.window.width(), again.window.height()) == size
    assert again.window.centralWidget().sizes() == sizes
    page = again.window.page(MasterPage)
    page.refresh()  # the page sizes its columns to the contents after each load; the user's width wins
    header = page.agency_tab.table.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionSize(1) == wider)
    again.window.close()


def test_the_last_agency_is_shown_again_after_a_restart(qtbot, db, db_path: Path) -> None:
    for code, name in (("C01", "佐久地域振興局"), ("C02", "上田地域振興局")):
        master_data.add_agency(db, Agency(code, name, AgencyKind.CHIIKI_SHINKOKYOKU))
    db.close()
    application = started(qtbot, db_path)
    page = application.window.page(ReconcilePage)
    application.window.navigation.setCurrentRow(application.window.page_widgets.index(page))
    qtbot.waitUntil(lambda: page.agency_combo.count() == 2)
    assert page.current_agency_code() == "C01"
    page.agency_combo.setCurrentIndex(page.agency_combo.findData("C02"))
    application.window.close()

    again = started(qtbot, db_path)
    page = again.window.page(ReconcilePage)
    again.window.navigation.setCurrentRow(again.window.page_widgets.index(page))
    qtbot.waitUntil(lambda: page.agency_combo.count() == 2)
    assert page.current_agency_code() == "C02"
    again.window.close()
    keys = QSettings(ui_state.settings().fileName(), QSettings.Format.IniFormat).allKeys()
    assert keys and {key.split("/")[0] for key in keys} <= ALLOWED_GROUPS  # layout and places, no audit data
