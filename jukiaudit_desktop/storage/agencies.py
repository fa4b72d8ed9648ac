"""Repository of agencies (事務利用機関)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlcipher3

from ..core.errors import InputError
from ..core.master import Agency, AgencyKind
from .database import Database

_COLUMNS = "id, code, name, kind, parent_name, first_use_year, active, placeholder"


def _agency(row: tuple[Any, ...]) -> Agency:
    id_, code, name, kind, parent_name, first_use_year, active, placeholder = row
    return Agency(code, name, AgencyKind(kind), parent_name, first_use_year, bool(active), id_, bool(placeholder))


def list_agencies(db: Database) -> list[Agency]:
    return [_agency(r) for r in db.query(f"SELECT {_COLUMNS} FROM agency ORDER BY code")]


def any_agency(db: Database) -> bool:
    return bool(db.scalar("SELECT EXISTS (SELECT 1 FROM agency)"))


def kinds_by_id(db: Database) -> dict[int, AgencyKind]:
    return {int(id_): AgencyKind(kind) for id_, kind in db.query("SELECT id, kind FROM agency")}


def get_by_code(db: Database, code: str) -> Agency | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM agency WHERE code = ?", (code,)).fetchone()
    return None if row is None else _agency(row)


def insert(db: Database, agency: Agency) -> Agency:
    try:
        cur = db.execute(
            "INSERT INTO agency (code, name, kind, parent_name, first_use_year, active, placeholder) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (agency.code, agency.name, agency.kind.value, agency.parent_name, agency.first_use_year,
             int(agency.active), int(agency.placeholder)),
        )
    except sqlcipher3.IntegrityError as exc:
        raise InputError(f"機関コード {agency.code} は既に登録されています。") from exc
    return replace(agency, id=cur.lastrowid)


def update(db: Database, agency: Agency) -> None:
    if agency.id is None:
        raise ValueError("update needs an agency id")
    try:
        db.execute(
            "UPDATE agency SET code = ?, name = ?, kind = ?, parent_name = ?, first_use_year = ?, active = ?, "
            "placeholder = ? WHERE id = ?",
            (agency.code, agency.name, agency.kind.value, agency.parent_name, agency.first_use_year,
             int(agency.active), int(agency.placeholder), agency.id),
        )
    except sqlcipher3.IntegrityError as exc:
        raise InputError(f"機関コード {agency.code} は既に登録されています。") from exc


def delete(db: Database, agency_id: int) -> None:
    db.execute("DELETE FROM agency WHERE id = ?", (agency_id,))


def delete_audits(db: Database, agency_id: int) -> int:
    """Remove the agency's audits (scores, evidence, findings and follow-ups go with them); how many."""
    db.execute("UPDATE audit SET previous_id = NULL WHERE previous_id IN (SELECT id FROM audit WHERE agency_id = ?)",
               (agency_id,))
    return int(db.execute("DELETE FROM audit WHERE agency_id = ?", (agency_id,)).rowcount)


def has_records(db: Database, agency_id: int) -> bool:
    """Whether anything besides master data refers to the agency (audits, logs, plans)."""
    return bool(db.scalar(
        "SELECT EXISTS (SELECT 1 FROM audit WHERE agency_id = ?1 AND is_history = 0) "
        "OR EXISTS (SELECT 1 FROM import_file WHERE agency_id = ?1) "
        "OR EXISTS (SELECT 1 FROM reconciliation WHERE agency_id = ?1)", (agency_id,)))
