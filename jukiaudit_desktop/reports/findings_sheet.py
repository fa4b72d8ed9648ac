"""What a findings sheet (監査結果通知書・指摘事項票) says, and the canonical JSON and SHA-256 of that content.

The content hash covers everything the sheet states about the audit; the document number, the issue date
and the trail head are about the issuing and are printed beside it, not hashed into it.
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
    """How one sheet was issued: the number, the day, the trail head and whether this print is a reprint."""

    doc_number: str
    issued_on: date
    trail_head: str
    content_sha256: str
    reprint: bool = False


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


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def sheet_from_json(data: bytes | str) -> FindingsSheet:
    """The sheet a canonical JSON describes (the inverse of canonical_json)."""
    content = json.loads(data)
    if content.get("version") != CANONICAL_VERSION:
        raise ValueError(f"unknown canonical version {content.get('version')}")
    s = content["sheet"]
    rec = s["reconciliation"]
    return FindingsSheet(
        audit_id=s["audit_id"], issuer=s["issuer"], agency_code=s["agency_code"], agency_name=s["agency_name"],
        audit_type=s["audit_type"], fiscal_year=s["fiscal_year"], start_date=_day(s["start_date"]),
        end_date=_day(s["end_date"]), place=s["place"], auditors=tuple(s["auditors"]),
        attendees=tuple(s["attendees"]),
        scores=tuple(ScoreLine(x["category"], _decimal(x["self_average"]), _decimal(x["verified_average"]),
                               x["items"]) for x in s["scores"]),
        overall_self=_decimal(s["overall_self"]), overall_verified=_decimal(s["overall_verified"]),
        findings=tuple(FindingLine(f["number"], f["finding_class"], f["severity"], f["title"], f["condition"],
                                   f["criteria"], f["recommendation"], _day(f["due_date"])) for f in s["findings"]),
        reconciliation=None if rec is None else ReconciliationSummary(
            _day(rec["period_from"]), _day(rec["period_to"]), date.fromisoformat(rec["run_on"]),
            tuple(ReconciliationLine(**line) for line in rec["lines"]), tuple(rec["skipped"])),
    )
