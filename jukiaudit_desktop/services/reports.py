"""Findings sheets: gather the content from the database, issue (or reprint) it, render it, verify a PDF."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..core.errors import InputError, JukiAuditError
from ..reconcile.model import Kind
from ..reports.findings_sheet import (
    FindingLine,
    FindingsSheet,
    Issue,
    ReconciliationLine,
    ReconciliationSummary,
    ScoreLine,
    content_sha256,
)
from ..reports.findings_sheet_pdf import KEYWORD_PREFIX, QR_PREFIX, parse_qr_payload, render_findings_sheet
from ..storage import reports_repo, trail
from ..storage.database import Database
from . import reconciliation, settings
from .audits import get_audit, score_summary
from .findings import list_findings

FINDINGS_SHEET = "findings_sheet"
ISSUER_SETTING = "reports.issuer"
DEFAULT_ISSUER = "住民基本台帳ネットワークシステム セキュリティ責任者"  # the sheet's sender until set


def issuer(db: Database) -> str:
    """Who sends the sheet (e.g. 長野県 市町村課長), printed under the date."""
    return str(settings.get(db, ISSUER_SETTING, DEFAULT_ISSUER))


def set_issuer(db: Database, name: str) -> None:
    if not name.strip():
        raise InputError("発信者名が空です。例: 長野県 市町村課長")
    settings.set_value(db, ISSUER_SETTING, name.strip())


def _reconciliation(db: Database, agency_code: str) -> ReconciliationSummary | None:
    """The agency's latest reconciliation run: per checked kind the count, how many explained and raised."""
    run = reconciliation.latest_run(db, agency_code)
    if run is None:
        return None
    skipped = {str(s.get("kind")) for s in run.skipped}
    found = reconciliation.list_discrepancies(db, run.id)
    lines = tuple(
        ReconciliationLine(kind.value, kind.label, sum(1 for d in found if d.kind is kind),
                           sum(1 for d in found if d.kind is kind and d.status == reconciliation.EXPLAINED),
                           sum(1 for d in found if d.kind is kind and d.status == reconciliation.RAISED))
        for kind in Kind if kind.value not in skipped
    )
    return ReconciliationSummary(run.period.first, run.period.last, date.fromisoformat(run.run_at[:10]), lines,
                                 tuple(kind.label for kind in Kind if kind.value in skipped))


def build_findings_sheet(db: Database, audit_id: int) -> FindingsSheet:
    """What the sheet for `audit_id` says, from the database as it is now."""
    audit = get_audit(db, audit_id)
    summary = score_summary(db, audit_id)
    findings = list_findings(db, audit_id)
    return FindingsSheet(
        audit_id=audit_id,
        issuer=issuer(db),
        agency_code=audit.agency_code,
        agency_name=audit.agency_name,
        audit_type=audit.audit_type.value,
        fiscal_year=audit.fiscal_year,
        start_date=audit.start_date,
        end_date=audit.end_date,
        place=audit.place,
        auditors=audit.auditors,
        attendees=audit.attendees,
        scores=tuple(ScoreLine(c.category, c.self_average, c.verified_average, c.items) for c in summary.categories),
        overall_self=summary.self_average,
        overall_verified=summary.verified_average,
        findings=tuple(
            FindingLine(number, f.finding_class.value, f.severity.value, f.title, f.condition, f.criteria,
                        f.recommendation, f.due_date)
            for number, f in enumerate(findings, start=1)
        ),
        reconciliation=_reconciliation(db, audit.agency_code),
    )


def _next_doc_number(db: Database, sheet: FindingsSheet) -> str:
    edition = len(reports_repo.issued_for_audit(db, FINDINGS_SHEET, sheet.audit_id)) + 1
    return f"JKA-{sheet.fiscal_year}-{sheet.audit_id:04d}-{edition:02d}"


def issue_findings_sheet(db: Database, audit_id: int) -> tuple[FindingsSheet, Issue]:
    """Issue the sheet, or reprint it when the same content was issued before (same number, hash and date).

    A changed content gets the next edition number; the earlier editions stay on record. Either way the
    print is written to the trail (sheet.issue / sheet.reprint).
    """
    with db.transaction():
        sheet = build_findings_sheet(db, audit_id)
        digest = content_sha256(sheet)
        issued = reports_repo.find_issued(db, FINDINGS_SHEET, audit_id, digest)
        if issued is None:
            head = str(trail.current_head(db))
            issued = reports_repo.insert_issued(db, _next_doc_number(db, sheet), FINDINGS_SHEET, audit_id, digest,
                                                head, datetime.now().astimezone().isoformat(timespec="seconds"))
            trail.record(db, "sheet.issue", doc_number=issued.doc_number, audit_id=audit_id, sha256=digest)
            reprint = False
        else:
            trail.record(db, "sheet.reprint", doc_number=issued.doc_number, audit_id=audit_id, sha256=digest)
            reprint = True
    return sheet, _issue_of(issued, reprint)


def _issue_of(issued: reports_repo.IssuedDocument, reprint: bool = False) -> Issue:
    return Issue(issued.doc_number, date.fromisoformat(issued.issued_at[:10]), issued.trail_head,
                 issued.content_sha256, reprint)


def preview_findings_sheet(db: Database, audit_id: int) -> tuple[bytes, Issue]:
    """The sheet as it would be issued now, without recording anything. Already issued content shows as its
    reprint; new content shows the number, date and trail head an issue right now would give it, so the
    printed sheet is byte-identical to the preview unless the data changes in between."""
    sheet = build_findings_sheet(db, audit_id)
    digest = content_sha256(sheet)
    issued = reports_repo.find_issued(db, FINDINGS_SHEET, audit_id, digest)
    if issued is not None:
        issue = _issue_of(issued, reprint=True)
    else:
        issue = Issue(_next_doc_number(db, sheet), date.today(), str(trail.current_head(db)), digest)
    return render_findings_sheet(sheet, issue), issue


def findings_sheet_pdf(db: Database, audit_id: int) -> tuple[bytes, Issue]:
    """Issue (or reprint) and render: the PDF bytes and how it was issued."""
    sheet, issue = issue_findings_sheet(db, audit_id)
    return render_findings_sheet(sheet, issue), issue


# ---------------------------------------------------------------- verification

_KEYWORD = re.compile(rf"{KEYWORD_PREFIX}; doc=(?P<doc>[^;]+); sha256=(?P<sha>[0-9a-f]{{64}})")


@dataclass(frozen=True)
class SheetVerification:
    doc_number: str
    sheet_sha256: str            # the hash the sheet carries (PDF metadata, or its printed QR code)
    issued_sha256: str           # the hash recorded when the number was issued
    current_sha256: str          # the hash of the database's content now
    file_as_issued: bool | None  # the PDF's bytes are what the app renders for this issue (signed: as a
                                 # prefix); None for paper, or when the content changed and the issued
                                 # file can't be rebuilt

    @property
    def matches(self) -> bool:
        return (self.sheet_sha256 == self.issued_sha256 == self.current_sha256
                and self.file_as_issued is not False)

    def explain(self) -> list[str]:
        """What differs, in words, for the user."""
        problems = []
        if self.sheet_sha256 != self.issued_sha256:
            problems.append("指摘事項票のハッシュが発行記録と一致しません(別の文書か、改ざんされています)。")
        if self.issued_sha256 != self.current_sha256:
            problems.append("発行後にデータベースの監査内容(評価・指摘事項・突合結果など)が変更されています。")
        if self.file_as_issued is False:
            problems.append("PDF ファイルの中身が発行時のものと異なります(編集・改ざんの可能性)。")
        return problems


def _read_tags(pdf: bytes, name: str) -> tuple[str, str]:
    from pyhanko.pdf_utils.reader import PdfFileReader  # pyhanko's reader: no extra dependency

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        keywords = str(reader.trailer_view["/Info"].get("/Keywords", ""))
    except Exception as exc:  # any parse failure means: not a sheet this app can read
        raise InputError(f"PDF として読めません({exc})。", name) from None
    match = _KEYWORD.search(keywords)
    if match is None:
        raise InputError("JukiAudit が発行した指摘事項票ではありません(文書番号とハッシュの記録がありません)。", name)
    return match["doc"], match["sha"]


def _compare(db: Database, doc_number: str, sheet_sha: str, where: str, pdf: bytes | None) -> SheetVerification:
    issued = reports_repo.issued_by_number(db, doc_number)
    if issued is None or issued.audit_id is None:
        raise JukiAuditError(f"{where}: 文書番号 {doc_number} の発行記録がこのデータベースにありません。")
    sheet = build_findings_sheet(db, issued.audit_id)
    current = content_sha256(sheet)
    file_as_issued = None
    if pdf is not None and current == issued.content_sha256:
        file_as_issued = pdf.startswith(render_findings_sheet(sheet, _issue_of(issued)))
    return SheetVerification(doc_number, sheet_sha, issued.content_sha256, current, file_as_issued)


def verify_sheet(db: Database, path: Path) -> SheetVerification:
    """Compare a sheet PDF with the issue record and with what the database says now."""
    try:
        pdf = path.read_bytes()
    except OSError as exc:
        raise InputError(f"ファイルを読めません({exc.strerror})。", str(path)) from None
    doc_number, sheet_sha = _read_tags(pdf, path.name)
    return _compare(db, doc_number, sheet_sha, path.name, pdf)


def verify_paper_sheet(db: Database, qr_text: str) -> SheetVerification:
    """Compare a printed (or scanned) sheet, by the text of its QR code, with the database."""
    parsed = parse_qr_payload(qr_text)
    if parsed is None:
        raise InputError(f"QR コードの内容が指摘事項票のものではありません(「{QR_PREFIX};doc=…;sha256=…」の形)。")
    return _compare(db, *parsed, "QR コード", None)
