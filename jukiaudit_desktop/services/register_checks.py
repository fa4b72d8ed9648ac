"""Use cases of the 管理簿 inspection: record what the agency keeps, see the findings it suggests, raise them,
count per kind for the annual report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..core.audit import Finding
from ..core.errors import InputError
from ..core.registers import Proposal, RegisterCheck, RegisterKind, gaps, proposals
from ..storage import register_checks as repo
from ..storage import trail
from ..storage.audits_repo import now_text
from ..storage.database import Database
from . import findings
from .audits import require_audit


def parse_kind(text: str) -> RegisterKind:
    try:
        return RegisterKind(text.strip())
    except ValueError:
        raise InputError(f"管理簿の種類は {' / '.join(k.value for k in RegisterKind)} のいずれかです(指定: {text})。") \
            from None


def record_check(db: Database, audit_id: int, check: RegisterCheck) -> RegisterCheck:
    """Store what the inspector saw of one register at the audit (replacing an earlier record of it)."""
    require_audit(db, audit_id)
    if not check.kept and (check.since or check.last_entry or check.last_checked):
        raise InputError(f"{check.kind.value}: 備えていない管理簿に開始日・最終記帳日・突合日は書けません。")
    if check.since and check.last_entry and check.last_entry < check.since:
        raise InputError(f"{check.kind.value}: 最終記帳日が作成開始日より前です。")
    with db.transaction():
        repo.save_check(db, audit_id, check, now_text())
        trail.record(db, "register_check.save", audit_id=audit_id, kind=check.kind.value, kept=check.kept)
    return check


def record_checks(db: Database, audit_id: int, checks: list[RegisterCheck]) -> None:
    """Store several registers' records at once: all or none."""
    with db.transaction():
        for check in checks:
            record_check(db, audit_id, check)


@dataclass(frozen=True)
class RegisterView:
    """What the session's 管理簿 section shows: the records and the findings they suggest."""

    checks: list[RegisterCheck]
    proposals: list[Proposal]


def register_view(db: Database, audit_id: int) -> RegisterView:
    return RegisterView(list_checks(db, audit_id), proposed_findings(db, audit_id))


def list_checks(db: Database, audit_id: int) -> list[RegisterCheck]:
    return repo.list_checks(db, audit_id)


def audit_day(db: Database, audit_id: int) -> date:
    """The day the registers are judged on: the audit's first day, else today."""
    audit = require_audit(db, audit_id)
    return audit.start_date or date.today()


def proposed_findings(db: Database, audit_id: int) -> list[Proposal]:
    """The findings the recorded registers suggest, not yet raised on this audit under the same title."""
    raised = {f.title for f in findings.list_findings(db, audit_id)}
    return [p for p in proposals(list_checks(db, audit_id), audit_day(db, audit_id)) if p.title not in raised]


def raise_proposals(db: Database, audit_id: int) -> list[Finding]:
    """Raise every proposed finding on the audit (each in its own recorded step)."""
    return [findings.add_finding(db, audit_id, p.finding_class, p.title, condition=p.condition,
                                 criteria="県住基ネットセキュリティ要綱(管理簿の備付けと記帳、操作ログとの突合)")
            for p in proposed_findings(db, audit_id)]


@dataclass(frozen=True)
class KindCount:
    """One register kind across the year's audits: how many looked at, not kept, stale, without own 突合."""

    kind: RegisterKind
    checked: int
    not_kept: int
    stale: int
    no_reconciliation: int


def counts_of_year(db: Database, fiscal_year: int) -> list[KindCount]:
    """Per register kind, the year's audits that recorded it and the gaps found (for the annual report)."""
    totals: dict[RegisterKind, list[int]] = {}
    days: dict[int, date] = {}
    for audit_id, check in repo.checks_of_year(db, fiscal_year):
        gap = gaps(check, days.setdefault(audit_id, audit_day(db, audit_id)))
        row = totals.setdefault(check.kind, [0, 0, 0, 0])
        for i, flag in enumerate((True, gap.not_kept, gap.stale, gap.no_reconciliation)):
            row[i] += int(flag)
    return [KindCount(k, *totals[k]) for k in RegisterKind if k in totals]
