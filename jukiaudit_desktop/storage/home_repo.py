"""Repository of what the home page asks that no other area does: agencies whose imports are newer than their
latest reconciliation, and when the last backup was made."""

from __future__ import annotations

from dataclasses import dataclass

from .database import Database


@dataclass(frozen=True)
class UnreconciledAgency:
    code: str
    name: str
    last_import: str  # import_file.imported_at (local time, YYYY-MM-DDTHH:MM:SS)
    last_run: str | None  # reconciliation.run_at of the latest run, None when never reconciled


def unreconciled_agencies(db: Database) -> list[UnreconciledAgency]:
    """Agencies with an operation log or register imported after their latest reconciliation (or never
    reconciled). Both stamps are local time; their first 19 characters compare as text."""
    rows = db.query(
        "SELECT a.code, a.name, i.last_import, r.last_run FROM agency a "
        "JOIN (SELECT agency_id, max(imported_at) AS last_import FROM import_file GROUP BY agency_id) i "
        "  ON i.agency_id = a.id "
        "LEFT JOIN (SELECT agency_id, max(run_at) AS last_run FROM reconciliation GROUP BY agency_id) r "
        "  ON r.agency_id = a.id "
        "WHERE r.last_run IS NULL OR substr(i.last_import, 1, 19) > substr(r.last_run, 1, 19) "
        "ORDER BY a.code"
    )
    return [UnreconciledAgency(str(c), str(n), str(i), None if r is None else str(r)) for c, n, i, r in rows]


def last_backup_at(db: Database) -> str | None:
    """When the latest backup was written (the trail's `backup.create` entry), None when never."""
    row = db.execute("SELECT at FROM trail WHERE action = 'backup.create' ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else str(row[0])
