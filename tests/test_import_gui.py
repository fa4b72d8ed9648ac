"""The import wizard, the register entry dialog and the paged operation-log view, driven with qtbot."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTime
from support.gui import in_db
from support.shots import save_screenshot

from jukiaudit_desktop.gui.import_wizard import ImportWizard
from jukiaudit_desktop.gui.tasks import DbRunner
from jukiaudit_desktop.services.database_access import open_app_database

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"
OPLOG, REGISTER = DEMO / "oplog_sample_cp932.csv", DEMO / "register_sample_cp932.csv"


@pytest.fixture
def runner(qtbot, db_path: Path):
    runner = DbRunner()
    opened = []
    runner.open_database(lambda: open_app_database(db_path, create=True), opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    yield runner
    runner.close()



@pytest.fixture
def wizard(qtbot, runner):
    wizard = ImportWizard(runner, "C09")
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def test_wizard_previews_checks_and_imports_the_sample_log(qtbot, runner, wizard, tmp_path: Path) -> None:
    assert not wizard.import_button.isEnabled()
    wizard.add_files([OPLOG])
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=5000)
    assert "Shift_JIS (CP932)" in wizard.source_label.text() and "見出し 1 行目" in wizard.source_label.text()
    assert wizard.mapping["at"].currentText() == "1: 操作日時"
    assert wizard.mapping["count"].currentText() == "6: 照会件数"
    assert wizard.preview_model.verticalHeaderItem(0).text() == "2"
    assert wizard.preview_model.horizontalHeaderItem(0).text() == "操作日時\n→ 操作日時"
    qtbot.mouseClick(wizard.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "読めました" in wizard.status.text(), timeout=10000)
    assert "4,098 行" in wizard.status.text()
    save_screenshot(wizard, tmp_path, "import_wizard")
    with qtbot.waitSignal(wizard.imported, timeout=20000) as signal:
        qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].rows_added == 4098
    assert in_db(qtbot, runner, lambda db: db.scalar("SELECT count(*) FROM operation")) == 4098


def test_wizard_lists_errors_by_line_and_imports_nothing(qtbot, runner, wizard, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("使用日,開始時刻,終了時刻,端末ID,使用者ID,利用事務コード,照会件数\n"
                   "2025/04/01,09:00,09:30,T1,K1,別表5-10,3\n2025/04/01,9時半,09:30,T1,K1,別表5-10,3\n",
                   encoding="utf-8")
    wizard.kind_box.setCurrentIndex(1)
    wizard.add_files([REGISTER, bad])
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=5000)
    assert wizard.mapping["start_time"].currentText() == "2: 開始時刻"
    qtbot.mouseClick(wizard.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "エラー 1 件" in wizard.status.text(), timeout=10000)
    assert wizard.issues() == [f"エラー: {bad}:3:2: 開始時刻: 時刻「9時半」を読めません(書式: auto)"]
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "何も取り込んでいません" in wizard.status.text(), timeout=10000)
    assert in_db(qtbot, runner, lambda db: db.scalar("SELECT count(*) FROM register_entry")) == 0


def test_wizard_mapping_changes_what_is_imported(qtbot, runner, wizard, tmp_path: Path) -> None:
    odd = tmp_path / "odd.csv"
    odd.write_text("タイトル行\nいつ,どこ,だれ,何件\n2025/04/01 10:00:00,T9,K9,4\n", encoding="utf-8")
    wizard.add_files([odd])
    qtbot.waitUntil(lambda: bool(wizard.issues()), timeout=5000)  # the default names are not in this file
    assert "見出し行が見つかりません" in "\n".join(wizard.issues())
    profile = tmp_path / "odd.toml"
    profile.write_text('name = "変わった形式"\n[oplog]\nheader_row = 2\n[oplog.columns]\n'
                       'at = "いつ"\nterminal = "どこ"\noperator = "だれ"\n', encoding="utf-8")
    wizard.add_profile(profile)
    qtbot.waitUntil(lambda: wizard.preview is not None, timeout=5000)
    assert wizard.mapping["count"].currentData() is None
    wizard.mapping["count"].setCurrentIndex(4)  # "4: 何件"
    with qtbot.waitSignal(wizard.imported, timeout=10000):
        qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    rows = in_db(qtbot, runner, lambda db: db.query("SELECT line, at, terminal, count FROM operation"))
    assert rows == [(3, "2025-04-01T10:00:00", "T9", 4)]
    assert in_db(qtbot, runner, lambda db: db.scalar("SELECT profile FROM import_file")) == "変わった形式"


def import_sample(qtbot, runner) -> int:
    from jukiaudit_desktop.importers.profile import default_profile
    from jukiaudit_desktop.services import imports

    in_db(qtbot, runner, lambda db: imports.import_files(db, "C09", default_profile().layout("oplog"), [OPLOG]))
    return in_db(qtbot, runner, lambda db: db.scalar("SELECT id FROM agency WHERE code = 'C09'"))


def test_operation_log_view_pages_sorts_and_filters(qtbot, runner, tmp_path: Path) -> None:
    from jukiaudit_desktop.gui.oplog_model import LOADING, PAGE_ROWS, OperationColumn, OperationLogView

    agency_id = import_sample(qtbot, runner)
    view = OperationLogView(runner)
    qtbot.addWidget(view)
    view.resize(1200, 600)
    view.show()
    with qtbot.waitSignal(view.model.loaded, timeout=5000):
        view.set_agency(agency_id)
    model = view.model
    assert model.rowCount() == 4098 and view.count_label.text() == "4,098 件"
    assert model.index(4000, 0).data() == LOADING  # not fetched until asked for
    qtbot.waitUntil(lambda: model.index(0, 0).data() != LOADING, timeout=5000)
    assert model.index(0, OperationColumn.AT).data() == "R7.4.1 09:37:54"
    assert model.index(0, OperationColumn.SOURCE).data() == "oplog_sample_cp932.csv:2"
    view.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.index(4097, 0).data() != LOADING, timeout=5000)
    assert model.index(4097, OperationColumn.SOURCE).data() == "oplog_sample_cp932.csv:4099"
    assert len(model._pages) <= 3 and 4097 // PAGE_ROWS in model._pages
    save_screenshot(view, tmp_path, "operation_log_view")

    with qtbot.waitSignal(model.loaded, timeout=5000):
        view.table.sortByColumn(OperationColumn.COUNT, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: model.index(0, 0).data() != LOADING, timeout=5000)
    top = in_db(qtbot, runner, lambda db: db.scalar("SELECT max(count) FROM operation"))
    assert model.index(0, OperationColumn.COUNT).data() == f"{top:,}"

    view.terminal.setText("T001")
    view.date_from.edit.setText("R7.4.1")
    view.date_to.edit.setText("2025/04/02")
    with qtbot.waitSignal(model.loaded, timeout=5000):
        qtbot.keyClick(view.terminal, Qt.Key.Key_Return)
    expected = in_db(qtbot, runner, lambda db: db.scalar(
        "SELECT count(*) FROM operation WHERE terminal = 'T001' AND at >= '2025-04-01' AND at < '2025-04-03'"))
    assert model.rowCount() == expected > 0


def test_register_entry_dialog_stores_entries_past_midnight(qtbot, runner, tmp_path: Path) -> None:
    from jukiaudit_desktop.gui.register_entry_dialog import RegisterEntryDialog
    from jukiaudit_desktop.services import imports

    agency_id = in_db(qtbot, runner, lambda db: imports.ensure_agency(db, "C09")[0].id)
    dialog = RegisterEntryDialog(runner, agency_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.day.edit.setText("令和7年4月1日")
    dialog.start.setTime(QTime(23, 30))
    dialog.end.setTime(QTime(0, 15))
    assert "翌日" in dialog.midnight.text()
    dialog.terminal.setText("Ｔ００１")  # full-width, as typed with an IME
    qtbot.keyClicks(dialog.operator, "K10001")
    dialog.jimu.setText("別表5-10")
    dialog.count.setValue(3)
    save_screenshot(dialog, tmp_path, "register_entry_dialog")
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "登録しました" in dialog.status.text() and dialog.count.value() == -1
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # the next entry: count not written
    rows = in_db(qtbot, runner, lambda db: db.query(
        "SELECT file_id, line, start_at, end_at, terminal, operator, jimu_code, count FROM register_entry ORDER BY id"))
    assert rows == [(None, None, "2025-04-01T23:30", "2025-04-02T00:15", "T001", "K10001", "別表5-10", 3),
                    (None, None, "2025-04-01T23:30", "2025-04-02T00:15", "T001", "K10001", "別表5-10", None)]


def test_wizard_lists_the_inspectors_profiles(qtbot, runner, tmp_path: Path) -> None:
    from jukiaudit_desktop.services import imports

    folder = imports.profile_folder()
    folder.mkdir(parents=True)
    (folder / "vendor_y.toml").write_text('name = "ベンダーY"\n[register]\n[register.columns]\nstart_at = "開始"\n'
                                          'end_at = "終了"\nterminal = "端末"\noperator = "者"\n', encoding="utf-8")
    (folder / "broken.json").write_text("{", encoding="utf-8")
    wizard = ImportWizard(runner, "C09", kind="register")
    qtbot.addWidget(wizard)
    assert [wizard.profile_box.itemText(i) for i in range(wizard.profile_box.count())] == ["既定(標準形式)", "ベンダーY"]
    assert len(wizard.issues()) == 1 and "broken.json" in wizard.issues()[0]
    wizard.profile_box.setCurrentIndex(1)
    register = tmp_path / "y.csv"
    register.write_text("開始,終了,端末,者\nR7.4.1 9:00,R7.4.1 9:30,T1,K1\n", encoding="utf-8")
    wizard.add_files([register])
    with qtbot.waitSignal(wizard.imported, timeout=10000) as signal:
        qtbot.waitUntil(lambda: wizard.preview is not None, timeout=5000)
        qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].rows_added == 1
