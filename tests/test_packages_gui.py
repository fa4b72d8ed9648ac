"""Sealed packages in the GUI: a conflict reviewed side by side and chosen with the mouse; export; peers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton

from jukiaudit_desktop.core.audit import AuditType
from jukiaudit_desktop.gui.app import install_japanese_font
from jukiaudit_desktop.gui.package_dialogs import PackageExportDialog, PackageImportDialog, PeersDialog
from jukiaudit_desktop.gui.tasks import DbRunner
from jukiaudit_desktop.services import audits, master_demo, packages
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage.database import Database

ITEM = "A-1"


def _installation(path: Path, name: str) -> Database:
    db = open_app_database(path, create=True)
    with db.transaction():
        master_demo.load(db)
    packages.ensure_identity(db, name)
    packages.export_identity(db, path.with_suffix(".pub"))
    return db


@pytest.fixture
def setting(tmp_path: Path, qtbot: Any) -> Iterator[dict[str, Any]]:
    """The office (opened by the GUI's worker) has audit A from the laptop; both then edited one note."""
    office = _installation(tmp_path / "office.db", "office")
    laptop = _installation(tmp_path / "laptop.db", "laptop")
    packages.add_peer(office, tmp_path / "laptop.pub", "laptop")
    packages.add_peer(laptop, tmp_path / "office.pub", "office", office=True)
    audit = audits.create_audit(laptop, "C01", 2026, AuditType.INTERNAL)
    assert audit.id is not None
    audits.set_note(laptop, audit.id, ITEM, "初回")
    packages.export_package(laptop, [audit.id], "office", tmp_path / "first.jkp")
    packages.import_package(office, tmp_path / "first.jkp")
    office_audit = int(office.scalar("SELECT id FROM audit WHERE fiscal_year = 2026"))
    audits.set_note(office, office_audit, ITEM, "本庁で追記")
    audits.set_note(laptop, audit.id, ITEM, "現地で追記")
    packages.export_package(laptop, [audit.id], "office", tmp_path / "second.jkp")
    office.close()
    runner = DbRunner()
    opened: list[Database] = []
    runner.open_database(lambda: open_app_database(tmp_path / "office.db"), opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    yield {"runner": runner, "laptop": laptop, "audit": office_audit, "dir": tmp_path}
    runner.close()
    laptop.close()


def _on_worker(qtbot: Any, runner: DbRunner, work: Any) -> Any:
    results: list[Any] = []
    runner.submit(work, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10000)
    return results[0]


def test_conflict_is_shown_side_by_side_and_the_choice_is_applied(setting: dict[str, Any], qtbot: Any,
                                                                   qapp: Any) -> None:
    install_japanese_font(qapp)  # for the screenshot
    runner: DbRunner = setting["runner"]
    dialog = PackageImportDialog(runner, setting["dir"] / "second.jkp")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.conflicts.rowCount() == 1, timeout=10000)
    assert dialog.conflicts.item(0, 1).text() == "本庁で追記"
    assert dialog.conflicts.item(0, 2).text() == "現地で追記"
    assert "項目 A-1 の所見" in dialog.conflicts.item(0, 0).text()
    assert "競合 1 件" in dialog.summary.text() and "更新 1 件" in dialog.summary.text()
    dialog.grab().save(str(setting["dir"] / "package_import_dialog.png"))
    combo = dialog.conflicts.cellWidget(0, 3)
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData("both"))
    import_button = dialog.findChild(QPushButton, "import_button")
    qtbot.mouseClick(import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    note = _on_worker(qtbot, runner, lambda db, _p: next(
        i.note for i in audits.audit_items(db, setting["audit"]) if i.item.code == ITEM))
    assert note == "本庁で追記\n――(相手の記載)――\n現地で追記"


def test_a_refused_package_says_why_and_cannot_be_imported(setting: dict[str, Any], qtbot: Any) -> None:
    broken = setting["dir"] / "broken.jkp"
    data = bytearray((setting["dir"] / "second.jkp").read_bytes())
    data[-1] ^= 0xFF
    broken.write_bytes(bytes(data))
    dialog = PackageImportDialog(setting["runner"], broken)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=10000)
    assert "署名が正しくありません" in dialog.error_label.text()
    assert not dialog.findChild(QPushButton, "import_button").isEnabled()


def test_export_dialog_seals_the_checked_audit(setting: dict[str, Any], qtbot: Any) -> None:
    out = setting["dir"] / "to_laptop.jkp"
    runner: DbRunner = setting["runner"]
    _on_worker(qtbot, runner, lambda db, _p: packages.add_peer(db, setting["dir"] / "laptop.pub", "laptop2")
               if packages.list_peers(db) == [] else None)
    dialog = PackageExportDialog(runner, out)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.audit_list.count() == 1, timeout=10000)
    dialog.audit_list.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(dialog.findChild(QPushButton, "export_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=10000)
    plan = packages.plan_import(setting["laptop"], out)
    assert plan.identical == [] and len(plan.updated) == 1   # the office's note comes back as an update


def test_peers_dialog_shows_the_fingerprint_and_adds_a_peer(setting: dict[str, Any], qtbot: Any,
                                                            tmp_path: Path) -> None:
    other = _installation(tmp_path / "third.db", "third")
    other.close()
    dialog = PeersDialog(setting["runner"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10000)
    assert dialog.own.text().startswith("office: ") and len(dialog.own.text().split(": ")[1]) == 79
    dialog.add_peer(tmp_path / "third.pub", "第三の端末", office=False)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=10000)
    assert dialog.table.item(1, 0).text() == "第三の端末"


def test_home_page_shows_what_is_waiting_to_be_sent_to_the_office(tmp_path: Path, qtbot: Any, qapp: Any) -> None:
    from support.gui import start_runner

    from jukiaudit_desktop.gui.pages.home import HomePage

    install_japanese_font(qapp)  # for the screenshot
    office = _installation(tmp_path / "office.db", "office")
    office.close()

    def prepare(db: Database) -> None:
        if not packages.list_peers(db):
            with db.transaction():
                master_demo.load(db)
            packages.add_peer(db, tmp_path / "office.pub", "本庁", office=True)
            sent = audits.create_audit(db, "C01", 2026, AuditType.INTERNAL)
            audits.create_audit(db, "C02", 2026, AuditType.INTERNAL)
            assert sent.id is not None
            packages.export_package(db, [sent.id], "本庁", tmp_path / "sent.jkp")

    runner = start_runner(qtbot, tmp_path / "laptop.db", prepare)
    page = HomePage(runner)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.summary is not None, timeout=20000)
    text = page.waiting_label.text()
    assert "送付待ち(本庁あて): 監査 1 件" in text and "C02" in text and "C01" not in text, text
    page.grab().save(str(tmp_path / "home_waiting.png"))
    _on_worker(qtbot, runner, lambda db, _p: audits.set_note(
        db, int(db.scalar("SELECT a.id FROM audit a JOIN agency g ON g.id = a.agency_id WHERE g.code = 'C01'")),
        ITEM, "送付後の追記"))
    page.refresh()
    qtbot.waitUntil(lambda: "監査 2 件" in page.waiting_label.text(), timeout=20000)
