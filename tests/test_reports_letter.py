"""The 通知書 as a letter: 発行日 chosen at issue (和暦 accepted, warned when odd), addressee, sender, contact
line, wording per audit type, the issue guard with its 下書き preview, and 文書番号 that are never reused."""

from __future__ import annotations

import subprocess
from pathlib import Path

from test_reports_sheet import make_audit

from jukiaudit_desktop.core.audit import AuditType
from jukiaudit_desktop.services import audits, reports
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database


def text_of(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(out.split())


def test_issue_date_is_chosen_and_odd_dates_are_warned(db: Database, cli, tmp_path: Path) -> None:
    audit_id = make_audit(db)                   # conducted 令和7年10月3日; due dates 令和8年1月30日, 2月27日
    early = tmp_path / "early.pdf"
    code, out, _ = cli("findings-pdf", "--audit", str(audit_id), "--out", str(early), "--date", "令和7年10月1日")
    assert code == 0 and "注意: 発行日 令和7年10月1日 が監査の実施日(令和7年10月3日)より前です" in out
    assert "令和7年10月1日" in text_of(early)
    assert cli("verify-sheet", str(early))[0] == 0
    audits.set_verified_score(db, audit_id, audits.audit_items(db, audit_id)[0].item.code, 1)
    code, out, _ = cli("findings-pdf", "--audit", str(audit_id), "--out", str(tmp_path / "late.pdf"),
                       "--date", "R8.2.1")
    assert code == 0 and "改善報告期限を過ぎた指摘事項が 1 件" in out
    code, _, err = cli("findings-pdf", "--audit", str(audit_id), "--out", str(tmp_path / "x.pdf"), "--date", "昨日")
    assert code == 3 and "--date" in err and not (tmp_path / "x.pdf").exists()


def test_an_unfinished_audit_needs_allow_incomplete_and_previews_as_a_draft(db: Database, cli,
                                                                             tmp_path: Path) -> None:
    make_audit(db)
    audit_id = audits.create_audit(db, "A01", 2025, AuditType.SELF_CHECK).id
    target = tmp_path / "self.pdf"
    code, _, err = cli("findings-pdf", "--audit", str(audit_id), "--out", str(target))
    assert code == 3 and "未評価の項目が" in err and "--allow-incomplete" in err
    assert not target.exists() and [e.action for e in trail.entries(db)][:2] == ["database.open", "audit.create"]
    assert db.scalar("SELECT count(*) FROM issued_document") == 0

    draft, issue = reports.preview_findings_sheet(db, audit_id)
    assert issue.draft and issue.doc_number == ""
    (tmp_path / "draft.pdf").write_bytes(draft)
    text = text_of(tmp_path / "draft.pdf")
    assert "下書き(文書番号なし)" in text and "下書き(番号なし)" in text and "JKA-" not in text
    code, _, err = cli("verify-sheet", str(tmp_path / "draft.pdf"))
    assert code == 3 and "発行した指摘事項票ではありません" in err

    code, out, _ = cli("findings-pdf", "--audit", str(audit_id), "--out", str(target), "--allow-incomplete")
    assert code == 0 and "発行しました" in out and "下書き" not in text_of(target)


def test_letter_wording_addressee_sender_and_contact(db: Database, cli, tmp_path: Path) -> None:
    internal = make_audit(db)
    self_check = audits.create_audit(db, "A01", 2025, AuditType.SELF_CHECK).id
    internal_pdf, self_pdf = tmp_path / "internal.pdf", tmp_path / "self.pdf"
    cli("findings-pdf", "--audit", str(internal), "--out", str(internal_pdf))
    text = text_of(internal_pdf)
    assert "こども・家庭課長様" in text and "市町村課長" in text
    assert "内部監査を実施しましたので" in text and "改善状況を報告してください" in text

    assert cli("sheet-addressee", "--agency", "A01", "こども・家庭課長(総括)")[0] == 0
    assert cli("sheet-contact", "担当 市町村課 行政係 電話 026-000-0000")[0] == 0
    cli("findings-pdf", "--audit", str(self_check), "--out", str(self_pdf), "--allow-incomplete")
    text = text_of(self_pdf)
    assert "こども・家庭課長(総括)様" in text and "担当市町村課行政係電話026-000-0000" in text
    assert "自己点検結果通知書" in text and "貴所属が実施した" in text
    assert "改善状況を報告" not in text and "実施しましたので" not in text   # no findings, not our audit
    code, _, err = cli("sheet-addressee", "--agency", "ZZZ", "誰か")
    assert code == 3


def test_document_numbers_follow_the_format_and_are_never_reused(db: Database, cli, tmp_path: Path) -> None:
    first = make_audit(db)
    second = audits.create_audit(db, "A01", 2025, AuditType.EXTERNAL).id
    code, _, err = cli("sheet-number-format", "市町村第1号")
    assert code == 3 and "{n}" in err
    assert cli("sheet-number-format", "市町村第{n")[0] == 3
    assert cli("sheet-number-format", "市町村第{n}号")[0] == 0
    _, one = reports.findings_sheet_pdf(db, first)
    _, two = reports.findings_sheet_pdf(db, second, allow_incomplete=True)
    assert (one.doc_number, two.doc_number) == ("市町村第1号", "市町村第2号")
    audits.set_verified_score(db, first, audits.audit_items(db, first)[0].item.code, 1)
    _, three = reports.findings_sheet_pdf(db, first)
    assert three.doc_number == "市町村第3号"
    db.execute("UPDATE setting SET value = '1' WHERE name = 'reports.doc_serial'")  # a counter set back
    audits.set_verified_score(db, first, audits.audit_items(db, first)[0].item.code, 3)
    _, four = reports.findings_sheet_pdf(db, first)
    assert four.doc_number == "市町村第4号"            # numbers already given are skipped, never reused
    assert db.scalar("SELECT count(DISTINCT doc_number) FROM issued_document") == 4
