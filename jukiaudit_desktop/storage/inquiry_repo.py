"""Reading what a 疑義照会 list (questions to an agency about a run's discrepancies) says about each one."""

from __future__ import annotations

from typing import Any

from .database import Database


def discrepancies(db: Database, run_id: int | None) -> list[tuple[Any, ...]]:
    """id, run id, agency "CODE 名称", kind, detail JSON, operation ids JSON, register ids JSON — of one run
    (None: every run), in run and ordinal order."""
    where, params = ("WHERE r.id = ?", (run_id,)) if run_id is not None else ("", ())
    return db.query("SELECT d.id, r.id, a.code || ' ' || a.name, d.kind, d.detail, d.operation_ids, d.register_ids "
                    "FROM discrepancy d JOIN reconciliation r ON r.id = d.reconciliation_id "
                    f"JOIN agency a ON a.id = r.agency_id {where} ORDER BY r.id, d.ordinal", params)


def jimu_names(db: Database) -> dict[str, str]:
    """事務 name by every code the logs use for it (one per legal basis)."""
    return {str(code): str(name) for code, name in db.query(
        "SELECT b.code, j.name FROM jimu_basis b JOIN jimu j ON j.id = b.jimu_id")}


def status(db: Database, discrepancy_id: int) -> str | None:
    found = db.scalar("SELECT status FROM discrepancy WHERE id = ?", (discrepancy_id,))
    return None if found is None else str(found)
