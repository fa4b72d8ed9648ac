"""Configurable follow-up statuses (issue 16): default 措置済 / 一部措置 / 未措置 with 予定日; the inspector's own list
in the CLI and the 設定 page; the finding workflow uses it; the 0008 table rebuild keeps every row and its trail."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from support.gui import click_row, in_db, start_runner
from test_installer_upgrade import PASSPHRASE as RELEASE_PASSPHRASE
from test_installer_upgrade import release_copy  # noqa: F401 (a fixture: the 0.1.0 database, copied)

from jukiaudit_desktop.cli import EXIT_BAD_INPUT, EXIT_OK
from jukiaudit_desktop.core.audit import AuditType, FindingClass
from jukiaudit_desktop.core.errors import InputError, JukiAuditError
from jukiaudit_desktop.core.followup_status import FollowupStatus
from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.gui.followup_status_box import FollowupStatusBox
from jukiaudit_desktop.security import integrity, keys
from jukiaudit_desktop.services import audits, findings, followup_statuses, master_data
from jukiaudit_desktop.storage import trail, trail_data
from jukiaudit_desktop.storage.database import (
    Database,
    Migration,
    find_migrations,
    open_database,
    schema_version,
)


@pytest.fixture
def audit_id(db: Database) -> int:
    master_data.add_agency(db, Agency("K18", "県民の学び支援課"))
    return audits.create_audit(db, "K18", 2025, AuditType.INTERNAL).id


def test_defaults_and_the_workflow(db: Database, audit_id: int) -> None:
    current = followup_statuses.statuses(db)
    assert [(s.name, s.closes, s.asks_date) for s in current.items] == [
        ("措置済", True, False), ("一部措置", False, True), ("未措置", False, True)]
    finding = findings.add_finding(db, audit_id, FindingClass.NEEDS_IMPROVEMENT, "帳票管理簿なし",
                                   due_date=date(2026, 1, 30))
    assert finding.status == "未措置" and finding.is_overdue(date(2026, 2, 1))
    with pytest.raises(InputError, match="「一部措置」の改善報告には予定日"):
        findings.add_followup(db, finding.id, date(2026, 1, 20), "一部措置")
    with pytest.raises(InputError, match="改善状況「完了」は使えません。次のいずれかです: 措置済 / 一部措置 / 未措置"):
        findings.add_followup(db, finding.id, date(2026, 1, 20), "完了")
    assert findings.list_followups(db, finding.id) == []  # nothing half-stored
    findings.add_followup(db, finding.id, date(2026, 1, 20), "一部措置", "様式を作成", date(2026, 3, 31))
    findings.add_followup(db, finding.id, date(2026, 3, 25), "措置済", "管理簿を整備")
    closed = findings.get_finding(db, finding.id)
    assert closed.closed and not closed.is_overdue(date(2026, 4, 1))
    assert [(r.status, r.planned_on) for r in findings.list_followups(db, finding.id)] == [
        ("一部措置", date(2026, 3, 31)), ("措置済", None)]
    assert trail.verify(db) == []


def test_the_inspector_sets_their_own_list(db: Database, audit_id: int) -> None:
    used = findings.add_finding(db, audit_id, FindingClass.OPINION, "掲示物")  # at 未措置
    own = [FollowupStatus("完了", closes=True), FollowupStatus("改善中", asks_date=True), FollowupStatus("未措置")]
    followup_statuses.set_statuses(db, own)
    assert followup_statuses.statuses(db).names == ["完了", "改善中", "未措置"]
    fresh = findings.add_finding(db, audit_id, FindingClass.OPINION, "研修記録")
    assert fresh.status == "未措置"
    findings.add_followup(db, fresh.id, date(2026, 1, 5), "完了")
    assert findings.get_finding(db, fresh.id).closed
    refusals = {
        "改善状況は2つ以上": [FollowupStatus("済", closes=True)],
        "名前が重複": [FollowupStatus("済", closes=True), FollowupStatus("済")],
        "完了とする改善状況": [FollowupStatus("a"), FollowupStatus("b")],
        "最後の改善状況「済」は新しい指摘の状況": [FollowupStatus("未"), FollowupStatus("済", closes=True)],
        "1～20 文字": [FollowupStatus("済", closes=True), FollowupStatus(" ")],
        "「未措置」は指摘事項または改善報告で使われている": [FollowupStatus("完了", closes=True), FollowupStatus("改善中")],
    }
    for message, items in refusals.items():
        with pytest.raises(InputError, match=message):
            followup_statuses.set_statuses(db, items)
    assert followup_statuses.statuses(db).names == ["完了", "改善中", "未措置"]  # unchanged by the refusals
    assert used.status == "未措置"
    assert db.scalar("SELECT count(*) FROM trail WHERE action = 'followup_status.set'") == 1
    assert trail.verify(db) == []


def test_cli_lists_sets_and_reports_with_a_planned_date(cli, db: Database, audit_id: int) -> None:
    finding = findings.add_finding(db, audit_id, FindingClass.NEEDS_IMPROVEMENT, "突合なし")
    db.close()
    code, out, _ = cli("followup", "statuses")
    assert code == EXIT_OK and out.splitlines() == [
        "1\t措置済\t完了とする", "2\t一部措置\t予定日を求める", "3\t未措置\t予定日を求める",
        "新しい指摘事項は「未措置」から始まります。"]
    code, _, err = cli("followup", "add", "--finding", str(finding.id), "--status", "一部措置")
    assert code == EXIT_BAD_INPUT and "予定日" in err
    code, out, _ = cli("followup", "add", "--finding", str(finding.id), "--status", "一部措置", "--planned",
                       "R8.9.30", "--date", "2026-04-10")
    assert code == EXIT_OK and "「一部措置」(令和8年4月10日、予定日 令和8年9月30日)" in out
    code, out, _ = cli("followup", "statuses", "--set", "措置済:完了", "一部措置:予定日", "未措置:予定日", "報告待ち")
    assert code == EXIT_OK and out.splitlines()[-1] == "新しい指摘事項は「報告待ち」から始まります。"
    code, _, err = cli("followup", "statuses", "--set", "措置済:済", "未措置")
    assert code == EXIT_BAD_INPUT and "「済」は使えません" in err


@pytest.mark.real_scrypt  # the 0.1.0 file was made at the product's cost
def test_the_rebuild_keeps_rows_ids_and_the_trail_bindings(release_copy: Path) -> None:  # noqa: F811
    """A database at schema 7, where the trail already binds rows, goes through 0008: the rebuilt finding and
    followup tables hold the same rows (ids, values, column order), so every bound digest still matches; a
    change made afterwards outside the app is still found."""
    path = release_copy
    key = keys.passphrase_key(path, RELEASE_PASSPHRASE, create=False)
    before_0008 = [m for m in find_migrations() if m.target_version <= 7]
    db = open_database(path, key, migrations=before_0008)
    assert db.scalar("PRAGMA user_version") == 7
    with db.transaction():  # an old status set by the app at schema 7: the trail binds the row
        db.execute("UPDATE finding SET status = '改善が進んだ' WHERE id = (SELECT min(id) FROM finding)")
        trail.record(db, "test.followup")
    rows_before = {t: db.query(f"SELECT * FROM {t} ORDER BY id") for t in ("finding", "followup")}
    db.close()

    db = open_database(path, key, migrations=[m for m in find_migrations() if m.target_version <= 8])
    try:
        assert db.scalar("PRAGMA user_version") == 8
        assert {t: db.query(f"SELECT * FROM {t} ORDER BY id") for t in ("finding", "followup")} == rows_before
        assert db.scalar("PRAGMA foreign_key_check") is None and db.scalar("PRAGMA foreign_keys") == 1
        report = integrity.check(db)
        assert report.ok, report.lines()
        assert trail_data.verify_data(db) == []  # every bound row's digest still matches after the rebuild
        old = {f.status: f.closed for f in findings.list_findings(db)}
        assert old["改善が進んだ"] is False and old.get("完了", True) is True  # the old 完了 still closes
        findings.add_finding(db, findings.list_findings(db)[0].audit_id, FindingClass.OPINION, "移行後の指摘")
        assert db.scalar("SELECT uuid IS NOT NULL FROM finding ORDER BY id DESC LIMIT 1") == 1  # trigger remade
        db.execute("UPDATE followup SET note = 'changed outside' WHERE id = (SELECT min(id) FROM followup)")
        assert any("followup の行" in p.message for p in trail_data.verify_data(db))
    finally:
        db.close()


def test_settings_box_edits_the_list_with_clicks(qtbot, db_path: Path) -> None:
    runner = start_runner(qtbot, db_path, lambda db: master_data.add_agency(db, Agency("K18", "県民の学び支援課")))
    box = FollowupStatusBox(runner)
    qtbot.addWidget(box)
    box.show()
    box.refresh()
    qtbot.waitUntil(lambda: box.table.rowCount() == 3, timeout=5000)
    assert [s.name for s in box.statuses()] == ["措置済", "一部措置", "未措置"]
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    box.table.item(3, 0).setText("報告待ち")
    click_row(qtbot, box.table, 3, 0)
    qtbot.mouseClick(box.up_button, Qt.MouseButton.LeftButton)
    assert [s.name for s in box.statuses()] == ["措置済", "一部措置", "報告待ち", "未措置"]
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "保存しました" in box.outcome.text(), timeout=5000)
    assert "「未措置」から" in box.outcome.text()
    assert in_db(qtbot, runner, lambda db: followup_statuses.statuses(db).names) == [
        "措置済", "一部措置", "報告待ち", "未措置"]
    click_row(qtbot, box.table, 0, 0)
    qtbot.mouseClick(box.remove_button, Qt.MouseButton.LeftButton)  # no closing status left: refused
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "完了とする改善状況" in box.outcome.text(), timeout=5000)
    assert in_db(qtbot, runner, lambda db: followup_statuses.statuses(db).names)[0] == "措置済"


@pytest.mark.real_scrypt  # the 0.1.0 file was made at the product's cost
def test_a_step_that_breaks_a_foreign_key_is_rolled_back(release_copy: Path, tmp_path: Path) -> None:  # noqa: F811
    """Foreign keys are off while a step runs (so a table can be rebuilt); a step leaving a dangling reference
    is refused before it commits and the file stays at the previous version."""
    path = release_copy
    key = keys.passphrase_key(path, RELEASE_PASSPHRASE, create=False)
    open_database(path, key).close()  # at the current version
    version = schema_version()
    probe = tmp_path / f"{version + 1:04d}_dangling.sql"
    probe.write_text("INSERT INTO followup (finding_id, reported_on, status) VALUES (999999, '2026-01-01', 'x');\n",
                     encoding="utf-8")
    with pytest.raises(JukiAuditError, match="外部キーの不整合 1 件"):
        open_database(path, key, migrations=[*find_migrations(), Migration(version + 1, probe)])
    db = open_database(path, key)
    try:
        assert db.scalar("PRAGMA user_version") == version
        assert db.scalar("SELECT count(*) FROM followup WHERE finding_id = 999999") == 0
    finally:
        db.close()
