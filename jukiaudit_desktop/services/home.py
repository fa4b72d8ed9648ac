"""The home page's day: this 年度's planned audits and their state, findings whose 改善報告期限 is near or past,
agencies whose logs are not yet reconciled, and the age of the last backup."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..core.audit import Audit, AuditStatus, AuditType, Finding
from ..core.wareki import fiscal_year
from ..storage import home_repo, planning_repo
from ..storage.database import Database
from ..storage.home_repo import UnreconciledAgency
from . import audits, findings, master_data, packages

DUE_SOON_DAYS = 14
NOT_STARTED, NOTIFIED, IN_PROGRESS, DONE = "未着手", "通知済み", "実施中", "完了"
STATES = (NOT_STARTED, NOTIFIED, IN_PROGRESS, DONE)  # in the order an audit goes through them
_STATE = {
    AuditStatus.PLANNED: NOT_STARTED,
    AuditStatus.NOTIFIED: NOTIFIED,
    AuditStatus.IN_PROGRESS: IN_PROGRESS,
    AuditStatus.RESULT_NOTIFIED: IN_PROGRESS,
    AuditStatus.FOLLOWING_UP: IN_PROGRESS,
    AuditStatus.DONE: DONE,
}
_PLANNED_TYPES = (AuditType.INTERNAL, AuditType.EXTERNAL)


@dataclass(frozen=True)
class PlannedAudit:
    agency_code: str
    agency_name: str
    audit_type: str  # 内部監査 / 外部監査
    state: str  # NOT_STARTED / NOTIFIED / IN_PROGRESS / DONE
    audit: Audit | None  # None while no audit has been created for the plan entry
    planned: bool  # False for an audit of the year that the plan does not list


@dataclass(frozen=True)
class DueFinding:
    finding: Finding
    days_left: int  # negative: overdue by that many days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


@dataclass(frozen=True)
class Home:
    today: date
    fiscal_year: int
    audits: list[PlannedAudit]
    due_findings: list[DueFinding]  # most overdue first
    unreconciled: list[UnreconciledAgency]
    last_backup: datetime | None
    waiting: list[packages.Waiting] = field(default_factory=list)  # audits to send, per peer (issue 18)

    @property
    def overdue_count(self) -> int:
        return sum(1 for f in self.due_findings if f.overdue)

    @property
    def not_started_count(self) -> int:
        return sum(1 for a in self.audits if a.state == NOT_STARTED)

    @property
    def backup_age_days(self) -> int | None:
        return None if self.last_backup is None else (self.today - self.last_backup.date()).days


def planned_audits(db: Database, year: int) -> list[PlannedAudit]:
    """The plan entries of `year` with the audit made for each, then the year's other 内部/外部監査."""
    names = {a.id: (a.code, a.name) for a in master_data.list_agencies(db)}
    made = {(a.agency_id, a.audit_type.value): a for a in audits.list_audits(db, fiscal_year=year)
            if a.audit_type in _PLANNED_TYPES}
    rows: list[PlannedAudit] = []
    for entry in planning_repo.plan_entries(db, year, year):
        audit = made.pop((entry.agency_id, entry.kind.value), None)
        code, name = names[entry.agency_id]
        state = NOT_STARTED if audit is None else _STATE[audit.status]
        rows.append(PlannedAudit(code, name, entry.kind.value, state, audit, True))
    for audit in made.values():
        rows.append(PlannedAudit(audit.agency_code, audit.agency_name, audit.audit_type.value, _STATE[audit.status],
                                 audit, False))
    return rows


def due_findings(db: Database, today: date, within_days: int = DUE_SOON_DAYS) -> list[DueFinding]:
    """Findings not closed whose 改善報告期限 is past or at most `within_days` away, most overdue first."""
    limit = today + timedelta(days=within_days)
    due = [DueFinding(f, (f.due_date - today).days) for f in findings.list_findings(db)
           if f.due_date is not None and f.due_date <= limit and not f.closed]
    return sorted(due, key=lambda d: (d.days_left, d.finding.agency_code, d.finding.id or 0))


def load_home(db: Database, today: date | None = None) -> Home:
    day = today or date.today()
    year = fiscal_year(day)
    backup = home_repo.last_backup_at(db)
    return Home(day, year, planned_audits(db, year), due_findings(db, day), home_repo.unreconciled_agencies(db),
                None if backup is None else datetime.fromisoformat(backup), packages.waiting_to_send(db))
