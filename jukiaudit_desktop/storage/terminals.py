"""Repository of 業務端末 (terminals) per agency."""

from __future__ import annotations

import sqlcipher3

from ..core.errors import InputError
from ..core.master import Terminal
from .database import Database


def list_terminals(db: Database, agency_id: int | None = None) -> list[Terminal]:
    sql = "SELECT a.code, t.code, t.location, t.id FROM terminal t JOIN agency a ON a.id = t.agency_id"
    params: tuple[int, ...] = ()
    if agency_id is not None:
        sql += " WHERE t.agency_id = ?"
        params = (agency_id,)
    return [Terminal(*row) for row in db.query(sql + " ORDER BY a.code, t.code", params)]


def insert(db: Database, agency_id: int, terminal: Terminal) -> Terminal:
    try:
        cur = db.execute(
            "INSERT INTO terminal (agency_id, code, location) VALUES (?, ?, ?)",
            (agency_id, terminal.code, terminal.location),
        )
    except sqlcipher3.IntegrityError as exc:
        raise InputError(f"端末 {terminal.code} は機関 {terminal.agency_code} に既に登録されています。") from exc
    return Terminal(terminal.agency_code, terminal.code, terminal.location, cur.lastrowid)


def update(db: Database, terminal: Terminal) -> None:
    try:
        db.execute("UPDATE terminal SET code = ?, location = ? WHERE id = ?",
                   (terminal.code, terminal.location, terminal.id))
    except sqlcipher3.IntegrityError as exc:
        raise InputError(f"端末 {terminal.code} は機関 {terminal.agency_code} に既に登録されています。") from exc
