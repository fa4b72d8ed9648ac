"""Repository of planning data: periods (期), recorded audits as planning sees them, plan entries, plan years."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

import sqlcipher3

from ..core.errors import InputError
from ..core.master import AgencyKind
from ..core.planning import AuditKind, Period, PlanAgency, PlanEntry, PlanSettings, RecordedAudit
from . import followup_status_repo
from .database import Database

_PLANNED_KINDS = tuple(k.value for k in AuditKind)


def list_periods(db: Database) -> list[Period]:
    rows = db.query("SELECT name, first_year, last_year FROM audit_period ORDER BY first_year")
    return [Period(str(n), int(f), int(last)) for n, f, last in rows]


def insert_period(db: Database, period: Period) -> None:
    try:
        db.execute("INSERT INTO audit_period (name, first_year, last_year) VALUES (?, ?, ?)",
                   (period.name, period.first_year, period.last_year))
    except sqlcipher3.IntegrityError as exc:
        raise InputError(f"期「{period.name}」は既に登録されています。") from exc


def plan_agencies(db: Database, as_of: date) -> list[PlanAgency]:
    """Every agency with its open findings and those whose improvement report is overdue on `as_of`."""
    closing = followup_status_repo.load(db).closing_names
    rows = db.query(
        "SELECT a.id, a.code, a.name, a.kind, a.first_use_year, a.active, "
        "       count(f.id), count(CASE WHEN f.due_date < ? THEN 1 END), a.placeholder "
        "FROM agency a "
        "LEFT JOIN audit au ON au.agency_id = a.id "
        f"LEFT JOIN finding f ON f.audit_id = au.id AND f.status NOT IN ({', '.join('?' for _ in closing)}) "
        "GROUP BY a.id ORDER BY a.code",
        (as_of.isoformat(), *closing),
    )
    return [PlanAgency(int(i), str(c), str(n), AgencyKind(k), first, bool(active), int(open_), int(overdue),
                       bool(placeholder))
            for i, c, n, k, first, active, open_, overdue, placeholder in rows]


def recorded_audits(db: Database) -> list[RecordedAudit]:
    """Internal and external audits of every year, whatever their status (a planned audit is scheduled)."""
    rows = db.query(
        f"SELECT agency_id, fiscal_year, audit_type, is_history FROM audit "
        f"WHERE audit_type IN ({', '.join('?' * len(_PLANNED_KINDS))}) ORDER BY fiscal_year, agency_id",
        _PLANNED_KINDS,
    )
    return [RecordedAudit(int(a), int(y), AuditKind(t), bool(h)) for a, y, t, h in rows]


def insert_history_audit(db: Database, agency_id: int, fiscal_year: int, kind: AuditKind) -> None:
    """An audit of a year before the app was used: only who, when and which kind are known."""
    db.execute(
        "INSERT INTO audit (agency_id, fiscal_year, audit_type, status, is_history) VALUES (?, ?, ?, '完了', 1)",
        (agency_id, fiscal_year, kind.value),
    )


def plan_entries(db: Database, first_year: int, last_year: int) -> list[PlanEntry]:
    rows = db.query(
        "SELECT p.agency_id, p.fiscal_year, p.audit_type, p.pinned, coalesce(p.reason, '') "
        "FROM plan_entry p JOIN agency a ON a.id = p.agency_id "
        "WHERE p.fiscal_year BETWEEN ? AND ? ORDER BY p.fiscal_year, p.audit_type, a.code",
        (first_year, last_year),
    )
    return [PlanEntry(int(a), int(y), AuditKind(t), bool(p), str(r)) for a, y, t, p, r in rows]


def replace_plan_entries(db: Database, first_year: int, last_year: int, entries: Sequence[PlanEntry]) -> None:
    db.execute("DELETE FROM plan_entry WHERE fiscal_year BETWEEN ? AND ?", (first_year, last_year))
    db.conn.executemany(
        "INSERT INTO plan_entry (fiscal_year, agency_id, audit_type, pinned, reason) VALUES (?, ?, ?, ?, ?)",
        [(e.fiscal_year, e.agency_id, e.kind.value, int(e.pinned), e.reason) for e in entries],
    )


def pin_entry(db: Database, entry: PlanEntry, period: Period) -> None:
    """Put the agency's one planned audit of the period where `entry` says, pinned."""
    db.execute("DELETE FROM plan_entry WHERE agency_id = ? AND fiscal_year BETWEEN ? AND ?",
               (entry.agency_id, period.first_year, period.last_year))
    db.execute("INSERT INTO plan_entry (fiscal_year, agency_id, audit_type, pinned, reason) VALUES (?, ?, ?, 1, ?)",
               (entry.fiscal_year, entry.agency_id, entry.kind.value, entry.reason))


def unpin_entries(db: Database, agency_id: int, period: Period) -> int:
    cur = db.execute("UPDATE plan_entry SET pinned = 0 WHERE agency_id = ? AND fiscal_year BETWEEN ? AND ?",
                     (agency_id, period.first_year, period.last_year))
    return int(cur.rowcount)


def plan_settings(db: Database, fiscal_year: int) -> PlanSettings | None:
    row = db.execute("SELECT external_budget, internal_counts, prefer_overdue FROM plan_settings "
                     "WHERE fiscal_year = ?", (fiscal_year,)).fetchone()
    if row is None:
        return None
    budget, counts, prefer_overdue = row
    internal = tuple(sorted((int(y), int(n)) for y, n in json.loads(counts).items()))
    return PlanSettings(None if budget is None else int(budget), internal, bool(prefer_overdue))


def save_plan_year(db: Database, fiscal_year: int, settings: PlanSettings, saved_at: str) -> None:
    """When the year's plan was saved and with which settings (plan_year keeps 0 for an unset budget)."""
    db.execute("INSERT INTO plan_year (fiscal_year, external_budget, saved_at) VALUES (?, ?, ?) "
               "ON CONFLICT (fiscal_year) DO UPDATE SET external_budget = excluded.external_budget, "
               "saved_at = excluded.saved_at", (fiscal_year, settings.external_budget or 0, saved_at))
    db.execute("INSERT INTO plan_settings (fiscal_year, external_budget, internal_counts, prefer_overdue) "
               "VALUES (?, ?, ?, ?) ON CONFLICT (fiscal_year) DO UPDATE SET external_budget = excluded.external_budget, "
               "internal_counts = excluded.internal_counts, prefer_overdue = excluded.prefer_overdue",
               (fiscal_year, settings.external_budget,
                json.dumps({str(y): n for y, n in settings.internal_counts}), int(settings.prefer_overdue)))
