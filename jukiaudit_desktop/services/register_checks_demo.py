"""Demo step 「管理簿の点検(令和7年度)」: what the R7 internal audits saw of each agency's 管理簿.

Consistent with the seed's R7 findings (資料2): the 4 agencies found without 「管理帳票(ドキュメント管理簿、
帳票管理簿)」 keep neither; the 2 found without 「業務端末使用管理簿の作成及び操作ログとの突合」 keep no terminal
register. Everything else is kept and written up to shortly before the audit; the agencies' own monthly 突合
and who confirmed it are plausible values, not in the seed.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..core.audit import AuditType
from ..core.registers import RegisterCheck, RegisterKind
from ..storage import register_checks as repo
from ..storage import trail
from ..storage.audits_repo import now_text
from ..storage.database import Database
from .audits import list_audits
from .audits_demo import FISCAL_YEAR, RECONCILIATION_MISSING, REGISTERS_MISSING

KEPT_SINCE = date(2008, 4, 1)  # 平成20年度: self-checks and internal audits began (資料2 「H20から実施」)


def _checks(agency_name: str, audit_day: date) -> list[RegisterCheck]:
    missing = set()
    if agency_name in REGISTERS_MISSING:
        missing |= {RegisterKind.FORMS, RegisterKind.DOCUMENTS}
    if agency_name in RECONCILIATION_MISSING:
        missing.add(RegisterKind.TERMINAL)
    checks = []
    for kind in RegisterKind:
        if kind in missing:
            checks.append(RegisterCheck(kind, False, note="監査時に確認できず"))
            continue
        last_month_end = audit_day.replace(day=1) - timedelta(days=1)
        own = kind is RegisterKind.TERMINAL
        checks.append(RegisterCheck(kind, True, KEPT_SINCE, audit_day - timedelta(days=3),
                                    "毎月" if own else "", last_month_end if own else None,
                                    "所属長" if own else ""))
    return checks


def load(db: Database) -> None:
    """Insert the checks of the R7 internal audits. Runs inside the demo loader's transaction."""
    audits = [a for a in list_audits(db, FISCAL_YEAR) if a.audit_type is AuditType.INTERNAL]
    for audit in audits:
        assert audit.id is not None and audit.start_date is not None
        for check in _checks(audit.agency_name, audit.start_date):
            repo.save_check(db, audit.id, check, now_text())
    trail.record(db, "register_check.demo", audits=len(audits))
