"""Findings: from an item, from a reconciliation discrepancy (with its evidence), free; follow-up and overdue."""

from __future__ import annotations

import json
import time
from datetime import date

import pytest

from jukiaudit_desktop.core.audit import AuditStatus, AuditType, FindingClass, Severity
from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.services import audits, findings, reconciliation
from jukiaudit_desktop.services.master_data import add_agency
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database


@pytest.fixture
def audit_id(db: Database) -> int:
    add_agency(db, Agency("K18", "県民の学び支援課"))
    add_agency(db, Agency("K20", "農業政策課"))
    return audits.create_audit(db, "K18", 2025, AuditType.INTERNAL).id


def _discrepancy(db: Database, agency_code: str, kind: str = "unregistered_operation") -> int:
    """A reconciliation run with one discrepancy over one logged operation and one register entry."""
    agency_id = db.scalar("SELECT id FROM agency WHERE code = ?", (agency_code,))
    with db.transaction():
        log = db.execute("INSERT INTO import_file (agency_id, kind, file_name, sha256, encoding, profile, row_count, "
                         "imported_at) VALUES (?, 'oplog', 'oplog_cp932.csv', ?, 'cp932', 'default', 1, "
                         "'2025-10-01T09:00:00')", (agency_id, f"aa-{kind}")).lastrowid
        reg = db.execute("INSERT INTO import_file (agency_id, kind, file_name, sha256, encoding, profile, row_count, "
                         "imported_at) VALUES (?, 'register', 'register_cp932.csv', ?, 'cp932', 'default', 1, "
                         "'2025-10-01T09:00:00')", (agency_id, f"bb-{kind}")).lastrowid
        op = db.execute("INSERT INTO operation (file_id, line, agency_id, at, terminal, operator, op_kind, jimu_code, "
                        "count, result, subject_mask) VALUES (?, 42, ?, '2025-09-03T18:12:05', 'T001', 'K10003', "
                        "'照会', '別表5-10', 1, '正常', '*******1234')", (log, agency_id)).lastrowid
        entry = db.execute("INSERT INTO register_entry (file_id, line, agency_id, start_at, end_at, terminal, operator, "
                           "jimu_code, count) VALUES (?, 7, ?, '2025-09-03T10:00', '2025-09-03T10:30', 'T001', "
                           "'K10001', '別表5-10', 3)", (reg, agency_id)).lastrowid
        run = db.execute("INSERT INTO reconciliation (agency_id, settings, skipped, run_at) VALUES (?, '{}', '[]', "
                         "'2025-10-01T10:00:00')", (agency_id,)).lastrowid
        return int(db.execute(
            "INSERT INTO discrepancy (reconciliation_id, ordinal, kind, operation_ids, register_ids, detail) "
            "VALUES (?, 1, ?, ?, ?, '{}')", (run, kind, json.dumps([op]), json.dumps([entry]))).lastrowid)


def test_finding_from_an_item_with_all_its_fields(db: Database, audit_id: int) -> None:
    finding = findings.add_finding(
        db, audit_id, FindingClass.NEEDS_IMPROVEMENT, " 業務端末使用管理簿を作成していなかった ", item_code="E-5",
        severity=Severity.HIGH, condition="管理簿なし", criteria="要綱", cause="引継ぎ漏れ", effect="不正利用を発見できない",
        recommendation="管理簿を作成すること", due_date=date(2026, 1, 30))
    assert (finding.title, finding.item_code, finding.status) == (
        "業務端末使用管理簿を作成していなかった", "E-5", "未措置")
    assert (finding.agency_code, finding.fiscal_year, finding.audit_type) == ("K18", 2025, AuditType.INTERNAL)
    assert finding.is_shiteki
    changed = findings.update_finding(db, finding.id, severity=Severity.MEDIUM, due_date=date(2026, 2, 27))
    assert (changed.severity, changed.due_date, changed.cause) == (Severity.MEDIUM, date(2026, 2, 27), "引継ぎ漏れ")
    with pytest.raises(InputError, match="status"):
        findings.update_finding(db, finding.id, status="措置済")
    with pytest.raises(InputError, match="件名"):
        findings.add_finding(db, audit_id, FindingClass.OPINION, "  ")
    with pytest.raises(InputError, match="Q-1"):
        findings.add_finding(db, audit_id, FindingClass.OPINION, "意見", item_code="Q-1")


def test_finding_from_a_discrepancy_carries_its_log_lines_and_register_entries(db: Database, audit_id: int) -> None:
    discrepancy_id = _discrepancy(db, "K18")
    finding = findings.raise_from_discrepancy(db, audit_id, discrepancy_id, due_date=date(2026, 1, 30),
                                              item_code="G-3")
    assert finding.discrepancy_id == discrepancy_id and finding.item_code == "G-3"
    assert finding.title == "業務端末使用管理簿に記載のない照会(無記帳照会)があった"
    assert "操作ログ oplog_cp932.csv 42行目 令和7年9月3日 18:12:05 端末T001 操作者K10003" in finding.condition
    assert "業務端末使用管理簿 register_cp932.csv 7行目 令和7年9月3日 10:00～令和7年9月3日 10:30" in finding.condition
    assert db.scalar("SELECT status FROM discrepancy WHERE id = ?", (discrepancy_id,)) == "raised"
    evidence = findings.discrepancy_evidence(db, discrepancy_id)
    assert [o["line"] for o in evidence.operations] == [42]
    assert evidence.operations[0]["subject_mask"] == "*******1234"
    assert [r["line"] for r in evidence.register_entries] == [7]


def test_a_discrepancy_is_raised_once_and_an_explained_one_not_at_all(db: Database, audit_id: int) -> None:
    discrepancy_id = _discrepancy(db, "K18")
    first = findings.raise_from_discrepancy(db, audit_id, discrepancy_id)
    entries = len(trail.entries(db))
    with pytest.raises(InputError, match=f"既に指摘事項\\(ID {first.id}\\)として提起されています"):
        findings.raise_from_discrepancy(db, audit_id, discrepancy_id, title="二度目")
    assert [f.id for f in findings.list_findings(db)] == [first.id] and len(trail.entries(db)) == entries

    explained = _discrepancy(db, "K18", kind="off_hours")
    reconciliation.mark_explained(db, explained, "システム障害時の再照会")
    with pytest.raises(InputError, match="説明済みです\\(理由: システム障害時の再照会\\)"):
        findings.raise_from_discrepancy(db, audit_id, explained)
    assert db.scalar("SELECT status FROM discrepancy WHERE id = ?", (explained,)) == "explained"
    assert [f.id for f in findings.list_findings(db)] == [first.id]
    reconciliation.reopen(db, explained)  # the explanation withdrawn: now it can be raised, once
    assert findings.raise_from_discrepancy(db, audit_id, explained).discrepancy_id == explained


def test_a_discrepancy_of_another_agency_is_refused_and_nothing_changes(db: Database, audit_id: int) -> None:
    other = _discrepancy(db, "K20")
    with pytest.raises(InputError, match="県民の学び支援課"):
        findings.raise_from_discrepancy(db, audit_id, other)
    assert db.scalar("SELECT status FROM discrepancy WHERE id = ?", (other,)) == "open"
    with pytest.raises(InputError, match="差異 ID 999"):
        findings.raise_from_discrepancy(db, audit_id, 999)
    assert findings.list_findings(db) == []


def test_followups_set_the_status_and_overdue_lists_open_findings_past_due(db: Database, audit_id: int) -> None:
    late = findings.add_finding(db, audit_id, FindingClass.NEEDS_IMPROVEMENT, "帳票管理簿なし",
                                due_date=date(2026, 1, 30))
    closed = findings.add_finding(db, audit_id, FindingClass.IMPROPER, "ID共用", due_date=date(2026, 1, 30))
    future = findings.add_finding(db, audit_id, FindingClass.CAUTION, "掲示物", due_date=date(2026, 6, 30))
    assert late.status == "未措置" and not late.closed  # a new finding starts at the last status
    findings.add_followup(db, late.id, date(2026, 1, 20), "一部措置", "様式を作成中", date(2026, 3, 31))
    findings.add_followup(db, closed.id, date(2026, 1, 20), "未措置", planned_on=date(2026, 1, 31))
    findings.add_followup(db, closed.id, date(2026, 1, 28), "措置済", "ID を個人ごとに発行")
    assert [(f.status, f.planned_on) for f in findings.list_followups(db, closed.id)] == [
        ("未措置", date(2026, 1, 31)), ("措置済", None)]
    assert findings.get_finding(db, closed.id).status == "措置済" and findings.get_finding(db, closed.id).closed
    overdue = findings.list_findings(db, overdue_only=True, today=date(2026, 2, 1))
    assert [f.id for f in overdue] == [late.id]
    assert {f.id for f in findings.list_findings(db, overdue_only=True, today=date(2026, 7, 1))} == {late.id, future.id}
    assert findings.list_findings(db, overdue_only=True, today=date(2026, 1, 30)) == []


def test_audit_closes_only_when_its_findings_are_done(db: Database, audit_id: int) -> None:
    finding = findings.add_finding(db, audit_id, FindingClass.NEEDS_IMPROVEMENT, "帳票管理簿なし")
    for status in (AuditStatus.NOTIFIED, AuditStatus.IN_PROGRESS, AuditStatus.RESULT_NOTIFIED,
                   AuditStatus.FOLLOWING_UP):
        audits.set_status(db, audit_id, status)
    with pytest.raises(InputError, match="完了していない指摘事項が 1 件"):
        audits.set_status(db, audit_id, AuditStatus.DONE)
    findings.add_followup(db, finding.id, date(2026, 1, 20), "措置済")
    assert audits.set_status(db, audit_id, AuditStatus.DONE).status is AuditStatus.DONE


def test_next_audit_opens_with_the_open_findings_of_earlier_ones(db: Database, audit_id: int) -> None:
    still_open = findings.add_finding(db, audit_id, FindingClass.NEEDS_IMPROVEMENT, "突合していない")
    done = findings.add_finding(db, audit_id, FindingClass.CAUTION, "掲示物")
    findings.add_followup(db, done.id, date(2026, 1, 20), "措置済")
    other_agency = audits.create_audit(db, "K20", 2025, AuditType.INTERNAL)
    findings.add_finding(db, other_agency.id, FindingClass.OPINION, "他機関の意見")
    next_self_check = audits.create_audit(db, "K18", 2026, AuditType.SELF_CHECK)
    assert [f.id for f in findings.open_findings_from_previous(db, next_self_check.id)] == [still_open.id]
    assert findings.open_findings_from_previous(db, audit_id) == []


def test_enum_values_may_come_as_plain_text_as_qt_combo_boxes_give_them(db: Database, audit_id: int) -> None:
    finding = findings.add_finding(db, audit_id, "注意事項", "掲示物", severity="低")  # type: ignore[arg-type]
    assert (finding.finding_class, finding.severity) == (FindingClass.CAUTION, Severity.LOW)
    changed = findings.update_finding(db, finding.id, finding_class="意見")
    assert changed.finding_class is FindingClass.OPINION
    findings.add_followup(db, finding.id, date(2026, 1, 20), " 一部措置 ", planned_on=date(2026, 3, 1))
    assert findings.get_finding(db, finding.id).status == "一部措置"
    assert audits.set_status(db, audit_id, "通知済").status is AuditStatus.NOTIFIED  # type: ignore[arg-type]
    created = audits.create_audit(db, "K20", 2025, "外部監査")  # type: ignore[arg-type]
    assert created.audit_type is AuditType.EXTERNAL
    assert [a.id for a in audits.list_audits(db, audit_type="外部監査")] == [created.id]  # type: ignore[arg-type]


def test_a_finding_made_by_mistake_is_deleted_until_a_sheet_shows_it(db: Database, audit_id: int) -> None:
    """Deleting a finding takes its follow-ups with it, opens its discrepancy again and is in the trail; once a
    findings sheet is issued it stays (the sheet shows it): a finding made after that issue can still go."""
    from jukiaudit_desktop.services import reports

    discrepancy_id = _discrepancy(db, "K18")
    raised = findings.raise_from_discrepancy(db, audit_id, discrepancy_id, due_date=date(2026, 1, 30))
    findings.add_followup(db, raised.id, date(2026, 1, 10), "一部措置", "記載を再開", date(2026, 3, 31))
    kept = findings.add_finding(db, audit_id, FindingClass.OPINION, "研修の記録を残すこと")
    assert findings.delete_finding(db, raised.id).title == raised.title
    assert [f.id for f in findings.list_findings(db)] == [kept.id]
    assert db.scalar("SELECT count(*) FROM followup") == 0 and db.scalar("SELECT count(*) FROM followup_plan") == 0
    assert db.scalar("SELECT status FROM discrepancy WHERE id = ?", (discrepancy_id,)) == "open"
    assert trail.entries(db)[0].action == "finding.delete" and trail.verify(db) == []
    again = findings.raise_from_discrepancy(db, audit_id, discrepancy_id)  # open again: it can be raised again
    with pytest.raises(InputError, match=str(raised.id)):
        findings.delete_finding(db, raised.id)  # gone

    reports.findings_sheet_pdf(db, audit_id, allow_incomplete=True)
    number = db.scalar("SELECT doc_number FROM issued_document")
    entries = len(trail.entries(db))
    with pytest.raises(InputError, match=f"発行済みの指摘事項票\\({number}\\)に載っているため削除できません"):
        findings.delete_finding(db, kept.id)
    assert kept.id in [f.id for f in findings.list_findings(db)] and len(trail.entries(db)) == entries
    time.sleep(1.1)  # created_at and issued_at are kept to the second
    later = findings.add_finding(db, audit_id, FindingClass.OPINION, "発行の後に起票した意見")
    findings.delete_finding(db, later.id)
    assert sorted(f.id for f in findings.list_findings(db)) == [kept.id, again.id]
