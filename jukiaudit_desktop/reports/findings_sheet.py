"""What a findings sheet (監査結果通知書・指摘事項票) says, and the canonical JSON and SHA-256 of that content.

The content hash covers everything the sheet states about the audit; the document number, the issue date
and the trail head are about the issuing and are printed beside it, not hashed into it. The appendix's day
pictures (reports.day_picture_pdf) are not hashed either. Which days are drawn follows from the sheet's run and
the status of its discrepancies, which the summary's counts cover; what is drawn are the imported rows of those
days, which an inspector may remove later without un-verifying an issued sheet (issue 12); and the issued file
keeps the pictures byte for byte. Hashing them would also have changed the hash of every sheet issued before the appendix existed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

CANONICAL_VERSION = 1


@dataclass(frozen=True)
class ScoreLine:
    category: str
    self_average: Decimal | None
    verified_average: Decimal | None
    items: int


@dataclass(frozen=True)
class FindingLine:
    number: int
    finding_class: str
    severity: str
    title: str
    condition: str
    criteria: str
    recommendation: str
    due_date: date | None


@dataclass(frozen=True)
class ReconciliationLine:
    kind: str          # machine name, e.g. unregistered_operation
    label: str         # Japanese name shown on the sheet
    count: int
    explained: int
    raised: int


@dataclass(frozen=True)
class ReconciliationSummary:
    period_from: date | None
    period_to: date | None
    run_on: date
    lines: tuple[ReconciliationLine, ...]   # the kinds checked, zero counts included
    skipped: tuple[str, ...] = ()           # labels of the kinds not checked (no operator / 事務 list)


@dataclass(frozen=True)
class FindingsSheet:
    audit_id: int
    issuer: str
    agency_code: str
    agency_name: str
    audit_type: str
    fiscal_year: int
    start_date: date | None
    end_date: date | None
    place: str
    auditors: tuple[str, ...]
    attendees: tuple[str, ...]
    scores: tuple[ScoreLine, ...]
    overall_self: Decimal | None
    overall_verified: Decimal | None
    findings: tuple[FindingLine, ...]
    reconciliation: ReconciliationSummary | None

    @property
    def lead_auditor(self) -> str:
        return self.auditors[0] if self.auditors else ""


@dataclass(frozen=True)
class Issue:
    """How one sheet was issued: the number, the day, the trail head, whether this print is a reprint, and the
    letter's addressee and contact line (about the issuing, so not in the content hash)."""

    doc_number: str
    issued_on: date
    trail_head: str
    content_sha256: str
    reprint: bool = False
    draft: bool = False  # a preview of an audit not ready to issue: watermarked 下書き, no number
    addressee: str = ""  # 「○○課長 様」: the agency head's title (the letter's, not the audit's content)
    contact: str = ""    # 担当・連絡先 line under the sender


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def canonical_json(sheet: FindingsSheet) -> bytes:
    """Sorted keys, no spaces, UTF-8, ISO dates, averages with two decimals: one byte string per content."""
    content = {"version": CANONICAL_VERSION, "sheet": _plain(asdict(sheet))}
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def content_sha256(sheet: FindingsSheet) -> str:
    return hashlib.sha256(canonical_json(sheet)).hexdigest()

