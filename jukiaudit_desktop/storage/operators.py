"""Repository of operators (操作者 / 照合ID register) per agency."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlcipher3

from ..core.errors import InputError
from ..core.master import Operator
from .database import Database

_SELECT = (
    "SELECT a.code, o.operator_code, o.name, o.registered_on, o.revoked_on, o.id "
    "FROM operator o JOIN agency a ON a.id = o.agency_id"
)


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _operator(row: tuple[Any, ...]) -> Operator:
    agency_code, code, name, registered_on, revoked_on, id_ = row
    return Operator(agency_code, code, name, _day(registered_on), _day(revoked_on), id_)


def _params(operator: Operator) -> tuple[Any, ...]:
    return (
        operator.operator_code,
        operator.name,
        None if operator.registered_on is None else operator.registered_on.isoformat(),
        None if operator.revoked_on is None else operator.revoked_on.isoformat(),
    )


def list_operators(db: Database, agency_id: int | None = None) -> list[Operator]:
    sql, params = _SELECT, []
    if agency_id is not None:
        sql, params = sql + " WHERE o.agency_id = ?", [agency_id]
    return [_operator(r) for r in db.query(sql + " ORDER BY a.code, o.operator_code", params)]


def insert(db: Database, agency_id: int, operator: Operator) -> Operator:
    try:
        cur = db.execute(
            "INSERT INTO operator (agency_id, operator_code, name, registered_on, revoked_on) VALUES (?, ?, ?, ?, ?)",
            (agency_id, *_params(operator)),
        )
    except sqlcipher3.IntegrityError as exc:
        raise InputError(
            f"操作者ID {operator.operator_code} は機関 {operator.agency_code} に既に登録されています。"
        ) from exc
    return Operator(operator.agency_code, operator.operator_code, operator.name, operator.registered_on,
                    operator.revoked_on, cur.lastrowid)


def update(db: Database, operator: Operator) -> None:
    try:
        db.execute(
            "UPDATE operator SET operator_code = ?, name = ?, registered_on = ?, revoked_on = ? WHERE id = ?",
            (*_params(operator), operator.id),
        )
    except sqlcipher3.IntegrityError as exc:
        raise InputError(
            f"操作者ID {operator.operator_code} は機関 {operator.agency_code} に既に登録されています。"
        ) from exc
