"""Repository of per-operator authorised 事務 (operator_jimu): none listed = the agency's list applies."""

from __future__ import annotations

from .database import Database


def operator_id(db: Database, agency_id: int, operator_code: str) -> int | None:
    found = db.scalar("SELECT id FROM operator WHERE agency_id = ? AND operator_code = ?", (agency_id, operator_code))
    return None if found is None else int(found)


def replace_list(db: Database, operator_id: int, jimu_ids: list[int]) -> None:
    db.execute("DELETE FROM operator_jimu WHERE operator_id = ?", (operator_id,))
    db.conn.executemany("INSERT INTO operator_jimu (operator_id, jimu_id) VALUES (?, ?)",
                        [(operator_id, j) for j in jimu_ids])


def lists(db: Database, agency_id: int) -> dict[str, list[str]]:
    """Operator code → its 事務 codes (catalogue codes), for the operators of the agency that have a list."""
    found: dict[str, list[str]] = {}
    for operator, jimu in db.query(
            "SELECT o.operator_code, j.code FROM operator_jimu oj JOIN operator o ON o.id = oj.operator_id "
            "JOIN jimu j ON j.id = oj.jimu_id WHERE o.agency_id = ? ORDER BY o.operator_code, j.code", (agency_id,)):
        found.setdefault(operator, []).append(jimu)
    return found
