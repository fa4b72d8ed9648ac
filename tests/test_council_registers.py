"""管理簿 inspection per audit: the rule, the service (all or nothing, trail), the CLI, the session's section,
and the counts per kind in the annual report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from support.gui import in_db, start_runner
from support.shots import save_screenshot

from jukiaudit_desktop.cli import EXIT_BAD_INPUT, EXIT_OK
from jukiaudit_desktop.core.audit import AuditType
from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.core.registers import NO_RECONCILIATION, RegisterCheck, RegisterKind, proposals
from jukiaudit_desktop.gui.register_check_panel import KEPT, LAST_ENTRY, RegisterCheckPanel
from jukiaudit_desktop.services import (
    audits,
    checklists,
    findings,
    master_data,
    register_checks,
    reports_annual,
)
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database

AUDIT_DAY = date(2025, 10, 15)
R7_TITLE = "管理帳票(ドキュメント管理簿、帳票管理簿)を作成していなかった"


def kept(kind: RegisterKind, last_entry: date | None = date(2025, 10, 1),
         last_checked: date | None = date(2025, 9, 30)) -> RegisterCheck:
    return RegisterCheck(kind, True, date(2020, 4, 1), last_entry, "毎月", last_checked, "課長")


def test_gaps_propose_the_matching_findings() -> None:
    assert proposals([kept(k) for k in RegisterKind], AUDIT_DAY) == []
    missing = proposals([RegisterCheck(RegisterKind.FORMS, False), RegisterCheck(RegisterKind.DOCUMENTS, False)],
                        AUDIT_DAY)
    assert [p.title for p in missing] == [R7_TITLE]  # the R7 finding's words, once for both registers
    assert "帳票管理簿" in missing[0].condition and "ドキュメント管理簿" in missing[0].condition
    stale = proposals([kept(RegisterKind.MEDIA, last_entry=date(2025, 7, 16))], AUDIT_DAY)
    assert [p.title for p in stale] == ["媒体管理簿の記帳が途絶えていた"]  # 91 days before the audit
    assert proposals([kept(RegisterKind.MEDIA, last_entry=date(2025, 7, 17))], AUDIT_DAY) == []  # 90: not yet
    own = proposals([kept(RegisterKind.TERMINAL, last_checked=None)], AUDIT_DAY)
    assert [p.title for p in own] == [NO_RECONCILIATION]


@pytest.fixture
def audit_id(db: Database) -> int:
    checklists.install_default_templates(db)
    master_data.add_agency(db, Agency("K15", "こども・家庭課"))
    audit = audits.create_audit(db, "K15", 2025, AuditType.INTERNAL, start_date=AUDIT_DAY)
    assert audit.id is not None
    return audit.id


def test_service_records_refuses_contradictions_raises_and_counts(db: Database, audit_id: int) -> None:
    register_checks.record_checks(db, audit_id, [kept(k) for k in RegisterKind])
    with pytest.raises(InputError, match="備えていない管理簿"):
        register_checks.record_checks(db, audit_id, [RegisterCheck(RegisterKind.MEDIA, False),
                                                     RegisterCheck(RegisterKind.FORMS, False, date(2020, 4, 1))])
    assert all(c.kept for c in register_checks.list_checks(db, audit_id))  # nothing half-stored
    register_checks.record_checks(db, audit_id, [RegisterCheck(RegisterKind.FORMS, False),
                                                 RegisterCheck(RegisterKind.DOCUMENTS, False)])
    assert [p.title for p in register_checks.proposed_findings(db, audit_id)] == [R7_TITLE]
    raised = register_checks.raise_proposals(db, audit_id)
    assert [f.title for f in raised] == [R7_TITLE]
    assert register_checks.proposed_findings(db, audit_id) == []  # raised once, not proposed again
    assert [f.title for f in findings.list_findings(db, audit_id)] == [R7_TITLE]
    counts = {c.kind: (c.checked, c.not_kept, c.stale, c.no_reconciliation)
              for c in register_checks.counts_of_year(db, 2025)}
    assert counts[RegisterKind.FORMS] == (1, 1, 0, 0) and counts[RegisterKind.TERMINAL] == (1, 0, 0, 0)
    report = reports_annual.build_annual_report(db, 2025)
    assert [(r.kind, r.not_kept) for r in report.registers][:3] == [
        ("業務端末使用管理簿", 0), ("帳票管理簿", 1), ("ドキュメント管理簿", 1)]
    assert trail.verify(db) == []


def test_cli_set_list_propose_raise(cli, db: Database, audit_id: int) -> None:
    db.close()
    code, out, _ = cli("register-check", "set", "--audit", str(audit_id), "--kind", "業務端末使用管理簿", "--kept",
                       "yes", "--since", "R2.4.1", "--last-entry", "2025-10-10", "--frequency", "毎月")
    assert code == EXIT_OK and "記録しました" in out
    code, out, _ = cli("register-check", "propose", "--audit", str(audit_id), "--raise")
    assert code == EXIT_OK and NO_RECONCILIATION in out and "1件" in out
    code, out, _ = cli("register-check", "list", "--audit", str(audit_id))
    assert out.startswith("業務端末使用管理簿\tあり\t令和2年4月1日\t令和7年10月10日\t毎月\t\t")
    code, _, err = cli("register-check", "set", "--audit", str(audit_id), "--kind", "入退室管理簿", "--kept", "no")
    assert code == EXIT_BAD_INPUT and "管理簿の種類は" in err


def test_session_section_saves_and_raises_through_the_worker(qtbot, db_path: Path, tmp_path: Path) -> None:
    ids: list[int] = []

    def prepare(db: Database) -> None:
        checklists.install_default_templates(db)
        master_data.add_agency(db, Agency("K15", "こども・家庭課"))
        ids.append(audits.create_audit(db, "K15", 2025, AuditType.INTERNAL, start_date=AUDIT_DAY).id)

    runner = start_runner(qtbot, db_path, prepare)
    panel = RegisterCheckPanel(runner)
    qtbot.addWidget(panel)
    panel.resize(1100, 360)
    panel.show()
    panel.load(ids[0])
    qtbot.waitUntil(lambda: "記録済み 0/5" in panel.proposals_label.text(), timeout=10000)
    for row in range(len(RegisterKind)):
        panel.table.item(row, LAST_ENTRY).setText("R7.10.1")
    panel.table.item(0, 5).setText("R7.9.30")  # 業務端末使用管理簿: the agency's own 突合
    panel.table.item(3, KEPT).setCheckState(Qt.CheckState.Unchecked)  # 媒体管理簿 not kept
    panel.table.item(3, LAST_ENTRY).setText("")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "記録済み 5/5" in panel.proposals_label.text(), timeout=10000)
    assert "媒体管理簿を作成していなかった" in panel.proposals_label.text()
    save_screenshot(panel, tmp_path, "register_check_panel")
    with qtbot.waitSignal(panel.findings_raised, timeout=10000) as raised:
        qtbot.mouseClick(panel.raise_button, Qt.MouseButton.LeftButton)
    assert raised.args == [1] and not panel.raise_button.isEnabled()
    titles = in_db(qtbot, runner, lambda db: [f.title for f in findings.list_findings(db, ids[0])])
    assert titles == ["媒体管理簿を作成していなかった"]
