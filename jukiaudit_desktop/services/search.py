"""One search box for the whole app (Ctrl+F): agencies, audits, findings, and the discrepancies of each agency's
latest reconciliation, matched on their visible words (case and width folded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..core.wareki import format_fiscal_year, format_wareki, normalize_text
from ..storage.database import Database
from . import audits, findings, master_data, reconciliation

AGENCY, AUDIT, FINDING, DISCREPANCY = "機関", "監査", "指摘事項", "差異"
LIMIT_PER_KIND = 50


@dataclass(frozen=True)
class Hit:
    kind: str  # AGENCY, AUDIT, FINDING or DISCREPANCY
    label: str  # what the result list shows
    key: int | str  # agency code, audit id, finding id or discrepancy id
    agency_code: str


def _matches(words: list[str], *texts: object) -> bool:
    haystack = normalize_text(" ".join(str(t) for t in texts if t)).casefold()
    return all(word in haystack for word in words)


def search(db: Database, text: str) -> list[Hit]:
    """Everything whose words contain every word of `text` (at most LIMIT_PER_KIND of each kind)."""
    words = normalize_text(text).casefold().split()
    if not words:
        return []
    hits: list[Hit] = []

    def add(found: list[Hit]) -> None:
        hits.extend(found[:LIMIT_PER_KIND])

    agencies = master_data.list_agencies(db)
    add([Hit(AGENCY, f"{a.code} {a.name}", a.code, a.code) for a in agencies if _matches(words, a.code, a.name)])
    add([Hit(AUDIT, f"{format_fiscal_year(a.fiscal_year)} {a.audit_type.value} {a.agency_name}({a.status.value})",
             a.id, a.agency_code) for a in audits.list_audits(db) if a.id is not None and _matches(
                words, format_fiscal_year(a.fiscal_year), a.audit_type.value, a.agency_name, a.agency_code, a.place,
                " ".join(a.auditors), a.status.value)])
    add([Hit(FINDING, f"{f.agency_name} {f.title}({f.status})", f.id, f.agency_code)
         for f in findings.list_findings(db) if f.id is not None and _matches(
            words, f.agency_name, f.agency_code, f.title, f.condition, f.cause, f.recommendation, f.item_code,
            f.finding_class.value)])
    found: list[Hit] = []
    for agency in agencies:
        run = reconciliation.latest_run(db, agency.code)
        if run is None:
            continue
        for d in reconciliation.view_run(db, run.id):
            if _matches(words, agency.name, d.kind.label, d.summary, d.terminal, d.operator, d.file, d.explanation):
                found.append(Hit(DISCREPANCY, f"{agency.name} No.{d.ordinal} {d.kind.label} {d.terminal} {d.operator} "
                                              f"{format_wareki(date.fromisoformat(d.at[:10]))}", d.id, agency.code))
    add(found)
    return hits
