"""An audit's details stay editable after creation: on the command line (`audit edit`, only the options given)
and on the 監査 page (詳細を編集…), with the trail naming what changed and a refusal that keeps the dialog open."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from support.gui import in_db, start_runner, wait_dialog

from jukiaudit_desktop.cli import EXIT_BAD_INPUT, EXIT_OK
from jukiaudit_desktop.core.audit import AuditType
from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.gui.audit_details_dialog import AuditDetailsDialog
from jukiaudit_desktop.gui.pages.audits import AuditsPage
from jukiaudit_desktop.services import audits, master_data
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database


def seed(db: Database) -> None:
    master_data.add_agency(db, Agency("K15", "こども・家庭課"))
    audits.create_audit(db, "K15", 2025, AuditType.INTERNAL, start_date=date(2025, 10, 5), place="会議室",
                        auditors=("監査 一郎",))


def last_entry(db: Database) -> tuple[str, dict[str, object]]:
    entry = trail.entries(db, limit=1)[0]
    return entry.action, json.loads(entry.detail)


def test_cli_audit_edit_changes_only_what_is_given(cli, db_path: Path) -> None:
    db = open_app_database(db_path, create=True)
    seed(db)
    audit_id = audits.list_audits(db)[0].id
    db.close()
    code, out, _ = cli("audit", "edit", str(audit_id), "--end", "R7.10.6", "--attendee", "課長", "--attendee", "係長")
    assert code == EXIT_OK and "令和7年10月5日～令和7年10月6日 場所 会議室" in out and "出席者 課長、係長" in out
    code, _, err = cli("audit", "edit", str(audit_id), "--end", "R7.10.1")
    assert code == EXIT_BAD_INPUT and "終了日が開始日より前" in err
    db = open_app_database(db_path)
    try:
        audit = audits.get_audit(db, audit_id)
        assert (audit.start_date, audit.end_date, audit.place, audit.auditors, audit.attendees) == (
            date(2025, 10, 5), date(2025, 10, 6), "会議室", ("監査 一郎",), ("課長", "係長"))
        newest = [(e.action, json.loads(e.detail)) for e in trail.entries(db, limit=3)]
        assert newest == [("database.open", {"mode": "keyring"}),  # this check
                          ("database.open", {"mode": "keyring"}),  # the refused edit: it recorded nothing else
                          ("audit.update", {"audit_id": audit_id, "fields": ["end_date", "attendees"]})]
    finally:
        db.close()


def test_an_unchanged_edit_records_nothing(db: Database) -> None:
    seed(db)
    audit = audits.list_audits(db)[0]
    head = trail.current_head(db)
    same = audits.update_details(db, audit.id, start_date=audit.start_date, end_date=audit.end_date, place=audit.place,
                                 auditors=audit.auditors, attendees=audit.attendees)
    assert same == audit and trail.current_head(db) == head


@pytest.fixture
def page(qtbot, db_path: Path):
    runner = start_runner(qtbot, db_path, seed)
    page = AuditsPage(runner)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    yield page
    runner.close()


def test_details_edited_on_the_page_and_a_refusal_keeps_the_dialog(qtbot, page: AuditsPage) -> None:
    assert not page.details_button.isEnabled()
    audit = page.model.rows[0]
    page.select_audit(audit.id)
    assert page.details_button.isEnabled()
    qtbot.mouseClick(page.details_button, Qt.MouseButton.LeftButton)
    dialog = wait_dialog(qtbot, AuditDetailsDialog)
    assert dialog.place_edit.text() == "会議室" and dialog.start_edit.edit.text() == "令和7年10月5日"

    dialog.end_edit.edit.setText("R7.10.1")  # before the start: refused, the dialog stays with the input
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=10000)
    assert "終了日が開始日より前" in dialog.error_label.text() and dialog.isVisible()
    assert dialog.end_edit.edit.text() == "R7.10.1"

    dialog.end_edit.edit.setText("R7.10.6")
    qtbot.keyClicks(dialog.place_edit, " 2")
    dialog.attendees_edit.setText("課長、係長")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "詳細を保存しました" in page.message.text(), timeout=10000)
    stored = in_db(qtbot, page.runner, lambda db: audits.get_audit(db, audit.id))
    assert (stored.end_date, stored.place, stored.attendees) == (date(2025, 10, 6), "会議室 2", ("課長", "係長"))
    assert in_db(qtbot, page.runner, last_entry) == (
        "audit.update", {"audit_id": audit.id, "fields": ["end_date", "place", "attendees"]})
    qtbot.waitUntil(lambda: page.selected_audit() is not None and page.selected_audit().place == "会議室 2",
                    timeout=10000)
