"""Findings sheet: real audits built through the services, real PDFs read back with poppler and pyhanko."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from jukiaudit_desktop.core.audit import AuditStatus, AuditType, FindingClass, Severity
from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.core.master import Agency, AgencyKind
from jukiaudit_desktop.services import audits, findings, master_data, reports
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database

LONG_CONDITION = "操作ログとの突合の記録が保存されておらず、" * 60


def make_audit(db: Database) -> int:
    master_data.add_agency(db, Agency("A01", "こども・家庭課", AgencyKind.HONCHO_KA))
    audit = audits.create_audit(
        db, "A01", 2025, AuditType.INTERNAL, start_date=date(2025, 10, 3), end_date=date(2025, 10, 3),
        place="県庁本館3階", auditors=["市町村課 山田太郎", "デジタルインフラ整備室 鈴木花子"],
        attendees=["課長 佐藤一郎"])
    assert audit.id is not None
    with db.transaction():  # every item scored, in one transaction (each score a trail entry still): ready to issue
        for number, item in enumerate(audits.audit_items(db, audit.id)):
            audits.set_self_score(db, audit.id, item.item.code, 3)
            audits.set_verified_score(db, audit.id, item.item.code, 2 if number < 6 else 3)
    audits.set_status(db, audit.id, AuditStatus.NOTIFIED)
    audits.set_status(db, audit.id, AuditStatus.IN_PROGRESS)
    findings.add_finding(db, audit.id, FindingClass.NEEDS_IMPROVEMENT, "管理帳票を作成していなかった",
                         condition="ドキュメント管理簿及び帳票管理簿が作成されていなかった。",
                         criteria="セキュリティ対策要綱 第10条", recommendation="管理簿を作成すること。",
                         due_date=date(2026, 1, 30))
    findings.add_finding(db, audit.id, FindingClass.IMPROPER, "業務端末使用管理簿と操作ログを突合していなかった",
                         severity=Severity.HIGH, condition=LONG_CONDITION, recommendation="毎月突合すること。",
                         due_date=date(2026, 2, 27))
    return audit.id


def pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def write_sheet(db: Database, audit_id: int, path: Path) -> reports.Issue:
    pdf, issue = reports.findings_sheet_pdf(db, audit_id)
    path.write_bytes(pdf)
    return issue


def test_sheet_embeds_the_japanese_font_and_says_everything(db: Database, tmp_path: Path) -> None:
    audit_id = make_audit(db)
    path = tmp_path / "sheet.pdf"
    issue = write_sheet(db, audit_id, path)

    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    font_rows = fonts.splitlines()[2:]
    assert font_rows and all("IPAexGothic" in row for row in font_rows)
    assert all(row.split()[-5] == "yes" for row in font_rows)  # emb column

    text = pdftext(path)
    flat = "".join(text.split())
    for expected in ("こども・家庭課", "令和7年10月3日", "内部監査", "令和7年度", "管理帳票を作成していなかった",
                     "業務端末使用管理簿と操作ログを突合していなかった", "令和8年1月30日", "令和8年2月27日",
                     "監査人(代表)", "対象機関の責任者", "署名または押印", issue.doc_number, issue.content_sha256[:32]):
        assert expected in flat, expected
    pages = int(subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
                .split("Pages:")[1].split()[0])
    assert pages >= 2  # the long finding flows onto the next page
    per_page = [p.replace(" ", "") for p in text.split("\f")[:pages]]
    assert all(f"{n}/{pages}" in page for n, page in enumerate(per_page, start=1))
    assert all("文書番号" in page for page in per_page)
    assert "No.項目内容" in per_page[1]  # the findings table header repeats on the next page


def test_reprint_is_byte_identical_and_recorded(db: Database, tmp_path: Path) -> None:
    audit_id = make_audit(db)
    first = reports.findings_sheet_pdf(db, audit_id)
    second = reports.findings_sheet_pdf(db, audit_id)
    assert first[0] == second[0]
    assert first[1].doc_number == second[1].doc_number and not first[1].reprint and second[1].reprint
    actions = [e.action for e in trail.entries(db)]
    assert actions[:2] == ["sheet.reprint", "sheet.issue"]
    assert db.scalar("SELECT count(*) FROM issued_document") == 1


def test_changing_a_finding_changes_hash_and_number(db: Database) -> None:
    audit_id = make_audit(db)
    _, before = reports.findings_sheet_pdf(db, audit_id)
    finding = findings.list_findings(db, audit_id)[0]
    findings.update_finding(db, finding.id, recommendation="管理簿を作成し、年1回点検すること。")
    _, after = reports.findings_sheet_pdf(db, audit_id)
    assert after.content_sha256 != before.content_sha256
    assert after.doc_number != before.doc_number and after.doc_number.endswith("-02")


def test_verify_sheet_matches_then_catches_a_changed_record(db: Database, tmp_path: Path) -> None:
    audit_id = make_audit(db)
    path = tmp_path / "sheet.pdf"
    write_sheet(db, audit_id, path)
    assert reports.verify_sheet(db, path).matches

    finding = findings.list_findings(db, audit_id)[1]
    findings.update_finding(db, finding.id, severity=Severity.LOW)
    result = reports.verify_sheet(db, path)
    assert not result.matches and result.issued_sha256 != result.current_sha256
    assert any("変更されています" in p for p in result.explain())


def test_verify_sheet_catches_an_edited_file(db: Database, tmp_path: Path) -> None:
    audit_id = make_audit(db)
    path = tmp_path / "sheet.pdf"
    write_sheet(db, audit_id, path)
    data = bytearray(path.read_bytes())
    index = data.index(b"/Producer")
    data[index + 12] ^= 0x01  # one byte inside the metadata
    path.write_bytes(bytes(data))
    result = reports.verify_sheet(db, path)
    assert result.file_problems and not result.matches


def test_verify_sheet_rejects_a_foreign_pdf(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "other.pdf"
    path.write_bytes(b"%PDF-1.4\nnot really\n")
    with pytest.raises(InputError, match="other.pdf"):
        reports.verify_sheet(db, path)


def test_preview_records_nothing_and_equals_the_issued_sheet(db: Database) -> None:
    audit_id = make_audit(db)
    head = trail.current_head(db)
    preview, provisional = reports.preview_findings_sheet(db, audit_id)
    assert trail.current_head(db) == head and db.scalar("SELECT count(*) FROM issued_document") == 0
    issued, issue = reports.findings_sheet_pdf(db, audit_id)
    assert issued == preview and issue.doc_number == provisional.doc_number
    again, reprint = reports.preview_findings_sheet(db, audit_id)
    assert again == issued and reprint.reprint


def test_paper_sheet_verifies_by_its_qr_text(db: Database) -> None:
    audit_id = make_audit(db)
    _, issue = reports.findings_sheet_pdf(db, audit_id)
    scanned = f"JUKIAUDIT-SHEET;doc={issue.doc_number};sha256={issue.content_sha256.upper()}\r\n"
    assert reports.verify_paper_sheet(db, scanned).matches
    finding = findings.list_findings(db, audit_id)[0]
    findings.update_finding(db, finding.id, due_date=date(2026, 3, 31))
    assert not reports.verify_paper_sheet(db, scanned).matches
    with pytest.raises(InputError, match="QR"):
        reports.verify_paper_sheet(db, "https://example.invalid/")


def test_verify_sheet_names_a_missing_file(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing.pdf"):
        reports.verify_sheet(db, tmp_path / "missing.pdf")
