"""Findings sheets: gather the content from the database, issue (or reprint) it, render it, verify a PDF."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from ..core.audit import Audit, AuditStatus, AuditType
from ..core.day_picture import DayPicture
from ..core.errors import InputError, JukiAuditError
from ..core.wareki import format_wareki
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
from ..reports.sheet_file import file_problems
from ..storage import package_runs, reports_repo, trail
from ..storage.database import Database
from . import day_timeline, doc_numbers, reconciliation, settings
from .audits import audit_items, get_audit, score_summary
from .findings import list_findings
from .master_data import require_agency

FINDINGS_SHEET = "findings_sheet"
ISSUER_SETTING = "reports.issuer"
DEFAULT_ISSUER = "市町村課長"  # the sheet's sender until set
CONTACT_SETTING = "reports.contact"


def issuer(db: Database) -> str:
    """Who sends the sheet (e.g. 長野県 市町村課長), printed under the date."""
    return str(settings.get(db, ISSUER_SETTING, DEFAULT_ISSUER))


def set_issuer(db: Database, name: str) -> None:
    if not name.strip():
        raise InputError("発信者名が空です。例: 長野県 市町村課長")
    settings.set_value(db, ISSUER_SETTING, name.strip())


def contact(db: Database) -> str:
    """The 担当・連絡先 line printed under the sender ('' = none)."""
    return str(settings.get(db, CONTACT_SETTING, ""))


def set_contact(db: Database, text: str) -> None:
    settings.set_value(db, CONTACT_SETTING, text.strip())


def head_title(db: Database, agency_code: str) -> str:
    """The agency head's title the 通知書 is addressed to: as set for the agency, else its name + 長."""
    agency = require_agency(db, agency_code)
    assert agency.id is not None
    title = reports_repo.head_title(db, agency.id)
    if title:
        return title
    return agency.name if agency.name.endswith("長") else f"{agency.name}長"


def set_head_title(db: Database, agency_code: str, title: str) -> None:
    agency = require_agency(db, agency_code)
    assert agency.id is not None
    if not title.strip():
        raise InputError("宛先の役職名が空です。例: こども・家庭課長")
    with db.transaction():
        reports_repo.set_head_title(db, agency.id, title.strip())
        trail.record(db, "agency.head_title", agency=agency_code)


def _addressee(db: Database, sheet: FindingsSheet) -> str:
    return f"{head_title(db, sheet.agency_code)} 様"


def _reconciliation(db: Database, run_id: int | None) -> ReconciliationSummary | None:
    """One run's summary: per checked kind the count, how many explained and raised."""
    if run_id is None:
        return None
    run = reconciliation.require_run(db, run_id)
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


def sheet_run(db: Database, audit: Audit) -> int | None:
    """The reconciliation run the audit's sheet reports: the one recorded on the audit (chosen, raised from, or
    fixed at the first issue); none when the sheet was issued without one (later runs never join an issued
    sheet unless chosen); else the agency's latest run whose period overlaps the audit's 年度."""
    assert audit.id is not None
    pinned = reports_repo.audit_reconciliation(db, audit.id)
    if pinned is not None or reports_repo.issued_count(db, FINDINGS_SHEET, audit.id):
        return pinned
    return reports_repo.latest_run_overlapping(db, audit.agency_id, f"{audit.fiscal_year}-04-01",
                                               f"{audit.fiscal_year + 1}-03-31")


def set_sheet_run(db: Database, audit_id: int, run_id: int) -> None:
    """Choose which reconciliation run the audit's sheet reports (a run of the audited agency)."""
    audit = get_audit(db, audit_id)
    run = reconciliation.require_run(db, run_id)
    if run.agency_id != audit.agency_id:
        raise InputError(f"突合 ID {run_id} は監査 {audit_id} の機関({audit.agency_name})のものではありません。")
    with db.transaction():
        reports_repo.set_audit_reconciliation(db, audit_id, run_id)
        trail.record(db, "audit.reconciliation", audit_id=audit_id, reconciliation_id=run_id)


def sheet_appendix(db: Database, audit_id: int) -> list[DayPicture]:
    """The sheet's appendix: a picture of each flagged day of the run the sheet reports (none without a run).
    Not part of the content hash (see reports.findings_sheet): an issued sheet keeps its file, appendix included,
    byte for byte, and removing an import later leaves issued sheets verifying as before."""
    run_id = sheet_run(db, get_audit(db, audit_id))
    return [] if run_id is None else day_timeline.flagged_days(db, run_id)


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
        reconciliation=_reconciliation(db, sheet_run(db, audit)),
    )


def incomplete_reasons(db: Database, audit_id: int) -> list[str]:
    """Why the audit is not ready for its result notice (empty: ready): unscored items, not yet conducted."""
    audit = get_audit(db, audit_id)
    reasons = []
    self_check = audit.audit_type is AuditType.SELF_CHECK
    unscored = sum(1 for i in audit_items(db, audit_id) if (i.self_score if self_check else i.verified) is None)
    if unscored:
        reasons.append(f"未評価の項目が {unscored} 件あります")
    if audit.status in (AuditStatus.PLANNED, AuditStatus.NOTIFIED):
        reasons.append(f"監査の状態が「{audit.status.value}」です(まだ実施していません)")
    return reasons


def issue_date_warnings(db: Database, audit_id: int, issued_on: date) -> list[str]:
    """What looks wrong about a 発行日: after an 改善報告期限, or before the audit ended."""
    audit = get_audit(db, audit_id)
    warnings = []
    last_day = audit.end_date or audit.start_date
    if last_day is not None and issued_on < last_day:
        warnings.append(f"発行日 {format_wareki(issued_on)} が監査の実施日({format_wareki(last_day)})より前です。")
    overdue = [f for f in list_findings(db, audit_id) if f.due_date is not None and f.due_date < issued_on]
    if overdue:
        warnings.append(f"発行日 {format_wareki(issued_on)} が改善報告期限を過ぎた指摘事項が {len(overdue)} 件あります"
                        f"(最も早い期限 {format_wareki(min(f.due_date for f in overdue if f.due_date))})。")
    return warnings


def findings_sheet_pdf(db: Database, audit_id: int, *, issued_on: date | None = None,
                       allow_incomplete: bool = False) -> tuple[bytes, Issue]:
    """Issue the sheet (a number, the 発行日, the file kept byte for byte), or reprint it when the same content
    was issued before (the same file again). An audit that is not ready is issued only when allowed.

    A changed content gets the next number; the earlier editions stay on record. Either way the print is
    written to the trail (sheet.issue / sheet.reprint).
    """
    with db.transaction():
        audit = get_audit(db, audit_id)
        run_id = sheet_run(db, audit)
        if run_id is not None:  # from now on the sheet reports this run, whatever runs follow
            reports_repo.set_audit_reconciliation(db, audit_id, run_id)
        sheet = build_findings_sheet(db, audit_id)
        digest = content_sha256(sheet)
        issued = reports_repo.find_issued(db, FINDINGS_SHEET, audit_id, digest)
        if issued is not None:
            trail.record(db, "sheet.reprint", doc_number=issued.doc_number, audit_id=audit_id, sha256=digest)
            return _issued_file(db, issued, keep=True) or b"", _issue_of(issued, True)  # same content: never None
        reasons = incomplete_reasons(db, audit_id)
        if reasons and not allow_incomplete:
            raise InputError(f"監査 {audit_id} はまだ発行できる状態ではありません({'、'.join(reasons)})。"
                             "このまま発行するには確認のうえ --allow-incomplete を付けてください。")
        number, serial = doc_numbers.next_number(db, FINDINGS_SHEET, sheet.fiscal_year, audit_id)
        issue = Issue(number, issued_on or date.today(), str(trail.current_head(db)), digest,
                      addressee=_addressee(db, sheet), contact=contact(db))
        pdf = render_findings_sheet(sheet, issue, sheet_appendix(db, audit_id))
        reports_repo.take_serial(db, serial)
        reports_repo.insert_issued(db, number, FINDINGS_SHEET, audit_id, digest, issue.trail_head,
                                   datetime.now().astimezone().isoformat(timespec="seconds"), pdf,
                                   issue.issued_on.isoformat())
        trail.record(db, "sheet.issue", doc_number=number, audit_id=audit_id, sha256=digest,
                     issued_on=issue.issued_on.isoformat(), incomplete=bool(reasons))
    return pdf, issue


def _issue_of(issued: reports_repo.IssuedDocument, reprint: bool = False) -> Issue:
    return Issue(issued.doc_number, date.fromisoformat(issued.issued_on or issued.issued_at[:10]), issued.trail_head,
                 issued.content_sha256, reprint)


def _issued_file(db: Database, issued: reports_repo.IssuedDocument, *, keep: bool = False) -> bytes | None:
    """The issued file: as kept at issue, or (issued by 0.1.0, which kept no file) rendered again from the
    database when its content still has the issued hash — kept from then on when `keep` (a reprint: that print
    is the file from now on); None when it can no longer be rebuilt."""
    if issued.pdf is not None:
        return issued.pdf
    assert issued.audit_id is not None
    sheet = build_findings_sheet(db, issued.audit_id)
    if content_sha256(sheet) != issued.content_sha256:
        return None
    pdf = render_findings_sheet(sheet, _issue_of(issued), sheet_appendix(db, issued.audit_id))
    if keep:
        reports_repo.keep_file(db, issued.id, pdf)
    return pdf


def reissue_findings_sheet(db: Database, doc_number: str) -> tuple[bytes, Issue]:
    """再発行: the issued sheet `doc_number` again, byte-identical to the first print, whatever changed since."""
    issued = reports_repo.issued_by_number(db, doc_number)
    if issued is None or issued.kind != FINDINGS_SHEET:
        raise InputError(f"文書番号 {doc_number} の指摘事項票の発行記録がありません。")
    with db.transaction():
        pdf = _issued_file(db, issued, keep=True)
        if pdf is None:
            raise InputError(f"文書番号 {doc_number} は発行時のファイルが保存されておらず、内容も変わっているため"
                             "再発行できません。新しい番号で発行してください。")
        trail.record(db, "sheet.reprint", doc_number=doc_number, audit_id=issued.audit_id,
                     sha256=issued.content_sha256)
    return pdf, _issue_of(issued, reprint=True)


def preview_findings_sheet(db: Database, audit_id: int, issued_on: date | None = None) -> tuple[bytes, Issue]:
    """The sheet as it would be issued now, without recording anything. Already issued content shows as its
    reprint; new content shows the number, date and trail head an issue right now would give it, so the
    printed sheet is byte-identical to the preview unless the data changes in between. An audit not ready to
    issue previews as a 下書き: watermarked, without a number."""
    sheet = build_findings_sheet(db, audit_id)
    digest = content_sha256(sheet)
    issued = reports_repo.find_issued(db, FINDINGS_SHEET, audit_id, digest)
    if issued is not None:
        return _issued_file(db, issued) or b"", _issue_of(issued, True)  # same content: never None
    day, head = issued_on or date.today(), str(trail.current_head(db))
    draft = bool(incomplete_reasons(db, audit_id))
    number = "" if draft else doc_numbers.next_number(db, FINDINGS_SHEET, sheet.fiscal_year, audit_id)[0]
    issue = Issue(number, day, head, digest, draft=draft, addressee=_addressee(db, sheet), contact=contact(db))
    return render_findings_sheet(sheet, issue, sheet_appendix(db, audit_id)), issue


# ---------------------------------------------------------------- verification

_KEYWORD = re.compile(rf"{KEYWORD_PREFIX}; doc=(?P<doc>[^;]+); sha256=(?P<sha>[0-9a-f]{{64}})(; trail=(?P<trail>[^;]+))?")


@dataclass(frozen=True)
class SheetVerification:
    doc_number: str
    sheet_sha256: str            # the hash the sheet carries (PDF metadata, or its printed QR code)
    issued_sha256: str           # the hash recorded when the number was issued
    current_sha256: str          # the hash of the database's content now
    file_problems: tuple[str, ...] = ()   # why the PDF is not exactly the issued file (paper: not checked)
    trail_problems: tuple[str, ...] = ()  # why the trail head printed on the sheet does not hold

    @property
    def matches(self) -> bool:
        return (self.sheet_sha256 == self.issued_sha256 == self.current_sha256
                and not self.file_problems and not self.trail_problems)

    def explain(self) -> list[str]:
        """What differs, in words, for the user."""
        problems = list(self.file_problems)
        if self.sheet_sha256 != self.issued_sha256:
            problems.append("指摘事項票のハッシュが発行記録と一致しません(別の文書か、改ざんされています)。")
        if self.issued_sha256 != self.current_sha256:
            problems.append("発行後にデータベースの監査内容(評価・指摘事項・突合結果など)が変更されています。")
        return problems + list(self.trail_problems)


def _read_tags(pdf: bytes, name: str) -> tuple[str, str, str | None]:
    from pyhanko.pdf_utils.reader import PdfFileReader  # pyhanko's reader: no extra dependency

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        keywords = str(reader.trailer_view["/Info"].get("/Keywords", ""))
    except Exception as exc:  # any parse failure means: not a sheet this app can read
        raise InputError(f"PDF として読めません({exc})。", name) from None
    match = _KEYWORD.search(keywords)
    if match is None:
        raise InputError("JukiAudit が発行した指摘事項票ではありません(文書番号とハッシュの記録がありません)。", name)
    return match["doc"], match["sha"], match["trail"]


def _check_trail_head(db: Database, issued: reports_repo.IssuedDocument, printed_head: str | None) -> list[str]:
    """The trail head printed on the sheet (None: not readable, e.g. paper) is the one recorded at issue.
    (The check that this head is still part of the trail's chain plugs in here.)"""
    if printed_head is not None and printed_head != issued.trail_head:
        return [f"票に印字された証跡ヘッド {printed_head} が発行記録({issued.trail_head})と違います。"]
    return []


def _compare(db: Database, doc_number: str, sheet_sha: str, where: str, pdf: bytes | None = None,
             printed_head: str | None = None) -> SheetVerification:
    issued = reports_repo.issued_by_number(db, doc_number)
    if issued is None or issued.audit_id is None:
        raise JukiAuditError(f"{where}: 文書番号 {doc_number} の発行記録がこのデータベースにありません。")
    sheet = build_findings_sheet(db, issued.audit_id)
    origin = package_runs.sheet_origin(db, issued.id)
    if origin is not None:  # issued on another installation: hashed there with its audit id and sender line
        sheet = replace(sheet, audit_id=origin[0], issuer=origin[1])
    current = content_sha256(sheet)
    problems: list[str] = []
    if pdf is not None:
        issued_pdf = _issued_file(db, issued)
        if issued_pdf is not None:
            problems.extend(file_problems(pdf, issued_pdf))
        if issued.pdf is None and (issued_pdf is None or problems):
            problems = ["この文書番号は発行時のファイルを保存していない版(0.1.0)で発行されたため、PDF が発行時のままか"
                        "確かめられません。紙の QR(--qr)で内容を照合するか、再発行した PDF を照合してください。"]
    return SheetVerification(doc_number, sheet_sha, issued.content_sha256, current, tuple(problems),
                             tuple(_check_trail_head(db, issued, printed_head)))


def verify_sheet(db: Database, path: Path) -> SheetVerification:
    """Compare a sheet PDF with the issued file (exactly, or followed by the product's signature only), with the
    issue record and with what the database says now."""
    try:
        pdf = path.read_bytes()
    except OSError as exc:
        raise InputError(f"ファイルを読めません({exc.strerror})。", str(path)) from None
    doc_number, sheet_sha, printed_head = _read_tags(pdf, path.name)
    return _compare(db, doc_number, sheet_sha, path.name, pdf, printed_head)


def verify_paper_sheet(db: Database, qr_text: str) -> SheetVerification:
    """Compare a printed (or scanned) sheet, by the text of its QR code, with the database."""
    parsed = parse_qr_payload(qr_text)
    if parsed is None:
        raise InputError(f"QR コードの内容が指摘事項票のものではありません(「{QR_PREFIX};doc=…;sha256=…」の形)。")
    return _compare(db, *parsed, "QR コード")
