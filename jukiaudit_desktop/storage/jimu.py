"""Repository of the 事務 catalogue: 事務, their legal bases over time, the agencies allowed to use them, usage counts."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import sqlcipher3

from ..core.errors import InputError
from ..core.master import BasisKind, Jimu, JimuBasis
from .database import Database


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _basis(row: tuple[Any, ...]) -> JimuBasis:
    id_, code, basis, table_name, number, valid_from, valid_to, provisional = row
    return JimuBasis(code, BasisKind(basis), table_name, number, _day(valid_from), _day(valid_to), id_,
                     bool(provisional))


def list_jimu(db: Database) -> list[Jimu]:
    """Every 事務 with its bases (oldest first) and allowed agencies, ordered by code."""
    bases: dict[int, list[JimuBasis]] = defaultdict(list)
    for row in db.query(
        "SELECT jimu_id, id, code, basis, table_name, number, valid_from, valid_to, provisional FROM jimu_basis "
        "ORDER BY jimu_id, coalesce(valid_from, ''), id"
    ):
        bases[row[0]].append(_basis(row[1:]))
    allowed: dict[int, list[str]] = defaultdict(list)
    assumed: dict[int, list[str]] = defaultdict(list)
    for jimu_id, agency_code, is_assumed in db.query(
        "SELECT ja.jimu_id, a.code, ja.assumed FROM jimu_agency ja JOIN agency a ON a.id = ja.agency_id ORDER BY a.code"
    ):
        allowed[jimu_id].append(agency_code)
        if is_assumed:
            assumed[jimu_id].append(agency_code)
    return [
        Jimu(code, name, division, summary, tuple(bases[id_]), tuple(allowed[id_]), id_, tuple(assumed[id_]))
        for id_, code, name, division, summary in db.query(
            "SELECT id, code, name, division, summary FROM jimu ORDER BY id"
        )
    ]


def get_by_code(db: Database, code: str) -> Jimu | None:
    return next((j for j in list_jimu(db) if j.code == code), None)


def insert(db: Database, jimu: Jimu) -> int:
    try:
        cur = db.execute(
            "INSERT INTO jimu (code, name, division, summary) VALUES (?, ?, ?, ?)",
            (jimu.code, jimu.name, jimu.division, jimu.summary),
        )
    except sqlcipher3.IntegrityError as exc:
        raise InputError(f"事務コード {jimu.code} は既に登録されています。") from exc
    jimu_id = int(cur.lastrowid)
    for basis in jimu.bases:
        insert_basis(db, jimu_id, basis)
    return jimu_id


def update(db: Database, jimu_id: int, name: str, division: str | None, summary: str | None) -> None:
    db.execute("UPDATE jimu SET name = ?, division = ?, summary = ? WHERE id = ?", (name, division, summary, jimu_id))


def insert_basis(db: Database, jimu_id: int, basis: JimuBasis) -> None:
    try:
        db.execute(
            "INSERT INTO jimu_basis (jimu_id, code, basis, table_name, number, valid_from, valid_to, provisional) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (jimu_id, basis.code, basis.basis.value, basis.table_name, basis.number, _iso(basis.valid_from),
             _iso(basis.valid_to), int(basis.provisional)),
        )
    except sqlcipher3.IntegrityError as exc:
        raise InputError(f"事務コード {basis.code} は同じ開始日で既に登録されています。") from exc


def end_basis(db: Database, basis_id: int, last_day: date) -> None:
    db.execute("UPDATE jimu_basis SET valid_to = ? WHERE id = ?", (last_day.isoformat(), basis_id))


def set_agencies(db: Database, jimu_id: int, agency_ids: list[int]) -> None:
    db.execute("DELETE FROM jimu_agency WHERE jimu_id = ?", (jimu_id,))
    db.conn.executemany(
        "INSERT INTO jimu_agency (jimu_id, agency_id) VALUES (?, ?)", [(jimu_id, a) for a in agency_ids]
    )


def add_agency(db: Database, jimu_id: int, agency_id: int, assumed: bool = False) -> None:
    """Allow the agency the 事務; `assumed` marks an authorisation inferred rather than stated in the material."""
    db.execute("INSERT OR IGNORE INTO jimu_agency (jimu_id, agency_id, assumed) VALUES (?, ?, ?)",
               (jimu_id, agency_id, int(assumed)))


def authorised_codes(db: Database, agency_id: int, on: date | None = None) -> set[str]:
    """Log codes of the 事務 the agency may use; with `on`, only bases valid on that day."""
    sql = (
        "SELECT b.code FROM jimu_basis b JOIN jimu_agency ja ON ja.jimu_id = b.jimu_id WHERE ja.agency_id = ?"
    )
    params: list[Any] = [agency_id]
    if on is not None:
        sql += " AND (b.valid_from IS NULL OR b.valid_from <= ?) AND (b.valid_to IS NULL OR ? <= b.valid_to)"
        params += [on.isoformat(), on.isoformat()]
    return {code for (code,) in db.query(sql, params)}


def set_usage(db: Database, jimu_id: int, fiscal_year: int, count: int, source: str = "entered") -> None:
    db.execute(
        "INSERT INTO jimu_usage (jimu_id, fiscal_year, count, source) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (jimu_id, fiscal_year, source) DO UPDATE SET count = excluded.count",
        (jimu_id, fiscal_year, count, source),
    )


def usage_by_code(db: Database, fiscal_year: int, source: str = "entered") -> dict[str, int]:
    return dict(
        db.query(
            "SELECT j.code, u.count FROM jimu_usage u JOIN jimu j ON j.id = u.jimu_id "
            "WHERE u.fiscal_year = ? AND u.source = ? ORDER BY j.id",
            (fiscal_year, source),
        )
    )


def latest_usage_year(db: Database, source: str = "entered") -> int | None:
    year = db.scalar("SELECT max(fiscal_year) FROM jimu_usage WHERE source = ?", (source,))
    return None if year is None else int(year)
