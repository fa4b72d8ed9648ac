"""The import wizard, the register entry dialog and the paged operation-log view, driven with qtbot."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from jukiaudit_desktop.gui.import_wizard import ImportWizard
from jukiaudit_desktop.gui.tasks import DbRunner
from jukiaudit_desktop.services.database_access import open_app_database

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"
OPLOG, REGISTER = DEMO / "oplog_sample_cp932.csv", DEMO / "register_sample_cp932.csv"
SHOTS = Path("/tmp/shots")


@pytest.fixture
def runner(qtbot, db_path: Path):
    runner = DbRunner()
    opened = []
    runner.open_database(lambda: open_app_database(db_path, create=True), opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    yield runner
    runner.close()


def in_db(qtbot, runner, work):
    """Run `work(db)` on the worker thread (which owns the connection) and return its result."""
    results = []
    runner.submit(lambda db, _p: work(db), results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    return results[0]


def shoot(widget, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


@pytest.fixture
def wizard(qtbot, runner):
    wizard = ImportWizard(runner, "C09")
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def test_wizard_previews_checks_and_imports_the_sample_log(qtbot, runner, wizard) -> None:
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
    assert "3,187 行" in wizard.status.text()
    shoot(wizard, "import_wizard")
    with qtbot.waitSignal(wizard.imported, timeout=20000) as signal:
        qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].rows_added == 3187
    assert in_db(qtbot, runner, lambda db: db.scalar("SELECT count(*) FROM operation")) == 3187


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
