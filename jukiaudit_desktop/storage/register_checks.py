"""Repository of 管理簿 inspections (audit_register_check): one row per audit and register kind."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..core.registers import RegisterCheck, RegisterKind
from .database import Database

_COLUMNS = "kind, kept, since, last_entry, check_frequency, last_checked, checked_by, note"


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _check(row: tuple[Any, ...]) -> RegisterCheck:
    kind, kept, since, last_entry, frequency, last_checked, checked_by, note = row
    return RegisterCheck(RegisterKind(kind), bool(kept), _day(since), _day(last_entry), frequency,
                         _day(last_checked), checked_by, note)


def list_checks(db: Database, audit_id: int) -> list[RegisterCheck]:
    order = {k.value: i for i, k in enumerate(RegisterKind)}
    rows = db.query(f"SELECT {_COLUMNS} FROM audit_register_check WHERE audit_id = ?", (audit_id,))
    return sorted((_check(r) for r in rows), key=lambda c: order[c.kind.value])


def save_check(db: Database, audit_id: int, check: RegisterCheck, updated_at: str) -> None:
    db.execute(
        f"INSERT INTO audit_register_check (audit_id, {_COLUMNS}, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (audit_id, kind) DO UPDATE SET kept = excluded.kept, since = excluded.since, "
        "last_entry = excluded.last_entry, check_frequency = excluded.check_frequency, "
        "last_checked = excluded.last_checked, checked_by = excluded.checked_by, note = excluded.note, "
        "updated_at = excluded.updated_at",
        (audit_id, check.kind.value, int(check.kept), _iso(check.since), _iso(check.last_entry),
         check.check_frequency, _iso(check.last_checked), check.checked_by, check.note, updated_at))


def checks_of_year(db: Database, fiscal_year: int) -> list[tuple[int, RegisterCheck]]:
    """Every recorded check of the year's audits, with its audit id."""
    rows = db.query(
        f"SELECT c.audit_id, {', '.join('c.' + c for c in _COLUMNS.split(', '))} FROM audit_register_check c "
        "JOIN audit a ON a.id = c.audit_id WHERE a.fiscal_year = ? ORDER BY c.audit_id", (fiscal_year,))
    return [(int(r[0]), _check(r[1:])) for r in rows]
