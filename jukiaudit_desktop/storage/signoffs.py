"""Repository of self-check sign-offs (selfcheck_signoff): 記入者, 責任者確認, 確認日 per audit."""

from __future__ import annotations

from datetime import date

from ..core.audit import Signoff
from .database import Database


def save(db: Database, audit_id: int, signoff: Signoff) -> None:
    db.execute("INSERT INTO selfcheck_signoff (audit_id, filled_by, approved_by, approved_on) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (audit_id) DO UPDATE SET filled_by = excluded.filled_by, "
               "approved_by = excluded.approved_by, approved_on = excluded.approved_on",
               (audit_id, signoff.filled_by, signoff.approved_by,
                None if signoff.approved_on is None else signoff.approved_on.isoformat()))


def get(db: Database, audit_id: int) -> Signoff | None:
    row = db.execute("SELECT filled_by, approved_by, approved_on FROM selfcheck_signoff WHERE audit_id = ?",
                     (audit_id,)).fetchone()
    if row is None:
        return None
    return Signoff(row[0], row[1], None if row[2] is None else date.fromisoformat(row[2]))
