"""Test support for the reconciliation tests: puts sample-layout CSV files into the import tables.

It writes the rows straight into the tables engineer B's importers fill (the reconciliation tests measure
the engine, not the importer), keeping each row's physical line number.
"""

from __future__ import annotations

import csv
import hashlib
from datetime import datetime, timedelta
from pathlib import Path

import shared_data

from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.services import master_data
from jukiaudit_desktop.storage.database import Database

SAMPLES = shared_data.SAMPLES
GENERATOR = shared_data.GEN_OPLOG


def ensure_agency(db: Database, code: str = "C09") -> int:
    found = master_data.require_agency(db, code) if _exists(db, code) else master_data.add_agency(
        db, Agency(code, "テスト機関"))
    assert found.id is not None
    return found.id


def _exists(db: Database, code: str) -> bool:
    return db.scalar("SELECT count(*) FROM agency WHERE code = ?", (code,)) > 0


def _file_row(db: Database, agency_id: int, kind: str, path: Path, rows: int) -> int:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    cur = db.execute(
        "INSERT INTO import_file (agency_id, kind, file_name, sha256, encoding, profile, row_count, imported_at) "
        "VALUES (?, ?, ?, ?, 'cp932', 'test', ?, '2026-01-01T00:00:00')",
        (agency_id, kind, path.name, digest, rows),
    )
    return int(cur.lastrowid)


def load_oplog(db: Database, agency_id: int, path: Path) -> None:
    with path.open(encoding="cp932", newline="") as f:
        records = list(csv.reader(f))[1:]
    with db.transaction():
        file_id = _file_row(db, agency_id, "oplog", path, len(records))
        db.conn.executemany(
            "INSERT INTO operation (file_id, line, agency_id, at, terminal, operator, op_kind, jimu_code, count, "
            "result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(file_id, line, agency_id, datetime.strptime(r[0], "%Y/%m/%d %H:%M:%S").isoformat(), r[1], r[2],
              r[3], r[4] or None, int(r[5]), r[6]) for line, r in enumerate(records, start=2)],
        )


def load_register(db: Database, agency_id: int, path: Path) -> None:
    with path.open(encoding="cp932", newline="") as f:
        records = list(csv.reader(f))[1:]
    rows = []
    for line, (day, start, end, terminal, operator, jimu, count) in enumerate(records, start=2):
        start_at = datetime.strptime(f"{day} {start}", "%Y/%m/%d %H:%M")
        end_at = datetime.strptime(f"{day} {end}", "%Y/%m/%d %H:%M")
        if end_at < start_at:
            end_at += timedelta(days=1)
        rows.append((line, agency_id, start_at.isoformat(timespec="minutes"), end_at.isoformat(timespec="minutes"),
                     terminal, operator, jimu or None, int(count) if count else None))
    with db.transaction():
        file_id = _file_row(db, agency_id, "register", path, len(records))
        db.conn.executemany(
            "INSERT INTO register_entry (file_id, line, agency_id, start_at, end_at, terminal, operator, jimu_code, "
            "count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [(file_id, *r) for r in rows],
        )


def lines_by_kind(exported: dict) -> dict[str, list[int]]:
    """Kind → sorted lines: operation kinds by their log line, register kinds by their register line."""
    found: dict[str, list[int]] = {}
    for d in exported["discrepancies"]:
        side = "register" if d["kind"] in ("count_mismatch", "unused_register_entry") else "oplog"
        found.setdefault(d["kind"], []).append(d[side][0]["line"])
    return {k: sorted(v) for k, v in found.items()}
