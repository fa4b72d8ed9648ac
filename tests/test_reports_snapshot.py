"""A sheet is a snapshot of its audit: its reconciliation run is fixed at issue (or chosen), later runs never
change an issued sheet, and a reissue by number is byte-identical whatever changed since."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from test_reports_sheet import make_audit

from jukiaudit_desktop.core.audit import AuditType
from jukiaudit_desktop.core.master import Agency, AgencyKind
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services import audits, master_data, reconciliation, reports
from jukiaudit_desktop.storage.database import Database
from jukiaudit_desktop.storage.reconcile_repo import Period

FY2025 = Period(date(2025, 4, 1), date(2026, 3, 31))
FY2026 = Period(date(2026, 4, 1), date(2027, 3, 31))


def run(db: Database, period: Period, agency: str = "A01") -> int:
    return reconciliation.run_reconciliation(db, agency, ReconcileSettings(), period).run_id


def issue(db: Database, audit_id: int, path: Path) -> reports.Issue:
    pdf, issued = reports.findings_sheet_pdf(db, audit_id, allow_incomplete=True)  # some have no scores
    path.write_bytes(pdf)
    return issued


def test_new_runs_after_issue_leave_every_issued_sheet_at_match(db: Database, tmp_path: Path, cli) -> None:
    audit_id = make_audit(db)
    first_run = run(db, Period())
    self_check = audits.self_check_for(db, "A01", 2025).id
    assert self_check is not None
    with_run, without_run = tmp_path / "internal.pdf", tmp_path / "self.pdf"
    issue(db, audit_id, with_run)
    master_data.add_agency(db, Agency("A02", "別の課", AgencyKind.HONCHO_KA))
    other = audits.create_audit(db, "A02", 2025, AuditType.INTERNAL).id
    assert other is not None
    issue(db, other, tmp_path / "other.pdf")           # issued while A02 has no run at all
    issue(db, self_check, without_run)
    assert reports.sheet_run(db, audits.get_audit(db, audit_id)) == first_run

    run(db, FY2025)                                     # a later run, with another period on the page
    run(db, Period(), "A02")
    for path in (with_run, without_run, tmp_path / "other.pdf"):
        code, out, _ = cli("verify-sheet", str(path))
        assert code == 0 and "一致" in out, out
    assert reports.build_findings_sheet(db, other).reconciliation is None


def test_the_default_run_is_the_latest_whose_period_overlaps_the_year(db: Database) -> None:
    audit_id = make_audit(db)
    in_year = run(db, FY2025)
    run(db, FY2026)                                     # later, but the next 年度
    audit = audits.get_audit(db, audit_id)
    assert reports.sheet_run(db, audit) == in_year
    sheet = reports.build_findings_sheet(db, audit_id)
    assert sheet.reconciliation is not None and sheet.reconciliation.period_from == FY2025.first


def test_choosing_the_run(db: Database, cli) -> None:
    audit_id = make_audit(db)
    chosen, latest = run(db, FY2025), run(db, Period())
    master_data.add_agency(db, Agency("A02", "別の課", AgencyKind.HONCHO_KA))
    foreign = run(db, Period(), "A02")
    assert cli("sheet-reconciliation", "--audit", str(audit_id))[1].strip().endswith(f"突合 ID {latest}")
    code, out, _ = cli("sheet-reconciliation", "--audit", str(audit_id), "--run", str(chosen))
    assert code == 0 and f"突合 ID {chosen}" in out
    code, _, err = cli("sheet-reconciliation", "--audit", str(audit_id), "--run", str(foreign))
    assert code == 3 and "機関" in err
    assert reports.sheet_run(db, audits.get_audit(db, audit_id)) == chosen


def test_reissue_by_number_is_byte_identical_after_changes(db: Database, tmp_path: Path, cli) -> None:
    audit_id = make_audit(db)
    run(db, Period())
    first = tmp_path / "first.pdf"
    issued = issue(db, audit_id, first)
    run(db, FY2025)
    again = tmp_path / "again.pdf"
    code, out, _ = cli("findings-pdf", "--audit", str(audit_id), "--out", str(again))
    assert code == 0 and "再発行" in out and issued.doc_number in out
    assert again.read_bytes() == first.read_bytes()

    item = audits.audit_items(db, audit_id)[0].item.code
    audits.set_verified_score(db, audit_id, item, 1)   # the audit changes after issue
    reissued = tmp_path / "reissued.pdf"
    code, _, _ = cli("findings-pdf", "--doc", issued.doc_number, "--out", str(reissued))
    assert code == 0 and reissued.read_bytes() == first.read_bytes()
    code, out, _ = cli("verify-sheet", str(reissued))  # the file is the issued one; the database moved on
    assert code == 4 and "データベースの監査内容" in out and "PDF" not in out
    code, _, err = cli("findings-pdf", "--doc", "JKA-0000-9999-01", "--out", str(tmp_path / "x.pdf"))
    assert code == 3 and "発行記録がありません" in err and not (tmp_path / "x.pdf").exists()


def test_content_kept_at_issue_renders_the_issued_sheet(db: Database) -> None:
    audit_id = make_audit(db)
    pdf, issued = reports.findings_sheet_pdf(db, audit_id)
    reissued, again = reports.reissue_findings_sheet(db, issued.doc_number)
    assert reissued == pdf and again.reprint and again.doc_number == issued.doc_number


def test_a_number_issued_before_files_were_kept(db: Database, tmp_path: Path, cli) -> None:
    """0.1.0 kept no file: its PDF cannot be proved exact (the QR still can); its first reprint is kept."""
    audit_id = make_audit(db)
    old = tmp_path / "old.pdf"
    issued = issue(db, audit_id, old)
    db.execute("UPDATE issued_document SET pdf = NULL")        # as a 0.1.0 database migrated to this version
    old.write_bytes(old.read_bytes() + b"% appended\n")         # even this cannot be told apart: refused
    code, out, _ = cli("verify-sheet", str(old))
    assert code == 4 and "0.1.0" in out
    qr = f"JUKIAUDIT-SHEET;doc={issued.doc_number};sha256={issued.content_sha256}"
    assert cli("verify-sheet", "--qr", qr)[0] == 0
    first, _ = reports.reissue_findings_sheet(db, issued.doc_number)
    again, _ = reports.reissue_findings_sheet(db, issued.doc_number)
    assert first == again and db.scalar("SELECT count(*) FROM issued_document WHERE pdf IS NOT NULL") == 1
    (tmp_path / "reprint.pdf").write_bytes(first)
    assert cli("verify-sheet", str(tmp_path / "reprint.pdf"))[0] == 0
