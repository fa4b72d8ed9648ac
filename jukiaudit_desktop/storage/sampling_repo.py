"""Repository of samples drawn for checking 申請書・根拠書類, and the result recorded per line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from .database import Database
from .reconcile_repo import Period


@dataclass(frozen=True)
class SampleInfo:
    id: int
    agency_id: int
    agency_code: str
    agency_name: str
    period: Period
    size: int
    seed: int
    drawn_at: str
    strata: dict[str, int] | None  # operations per 事務 code in the period when drawn (None: not kept)


@dataclass(frozen=True)
class SampleLine:
    ordinal: int
    operation_id: int
    at: str
    terminal: str
    operator: str
    op_kind: str | None
    jimu_code: str | None
    count: int
    masked: str | None
    file: str
    line: int
    result: str | None
    note: str | None
    finding_id: int | None


def operations(db: Database, agency_id: int, period: Period) -> list[tuple[int, str]]:
    """(id, 事務 code or "") of the agency's operations in the period. `+agency_id` keeps SQLite off the
    (agency, terminal, time) index: reading the table in order is ~5× faster than one row lookup per operation
    (1M operations: 4.6 s against 24.5 s, load 9)."""
    where, params = period.sql("at")
    return db.query(f"SELECT id, coalesce(jimu_code, '') FROM operation WHERE +agency_id = ?{where}",
                    [agency_id, *params])


def volumes(db: Database, agency_id: int, period: Period) -> dict[str, int]:
    """Operations per 事務 code ("" for none) of the agency in the period (for samples drawn before their strata
    were kept; read in table order as `operations`)."""
    where, params = period.sql("at")
    return dict(db.query(f"SELECT coalesce(jimu_code, ''), count(*) FROM operation WHERE +agency_id = ?{where} "
                         "GROUP BY 1", [agency_id, *params]))


def in_time_order(db: Database, operation_ids: list[int]) -> list[int]:
    return [i for (i,) in db.query("SELECT id FROM operation WHERE id IN (SELECT value FROM json_each(?)) "
                                   "ORDER BY at, id", (json.dumps(operation_ids),))]


def insert(db: Database, agency_id: int, period: Period, size: int, seed: int, drawn_at: str,
           strata: dict[str, int], operation_ids: list[int]) -> int:
    cur = db.execute("INSERT INTO sample (agency_id, period_from, period_to, size, seed, drawn_at, strata) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (agency_id, None if period.first is None else period.first.isoformat(),
                      None if period.last is None else period.last.isoformat(), size, seed, drawn_at,
                      json.dumps(strata, ensure_ascii=False, sort_keys=True)))
    sample_id = int(cur.lastrowid)
    db.conn.executemany("INSERT INTO sample_line (sample_id, ordinal, operation_id) VALUES (?, ?, ?)",
                        [(sample_id, ordinal, op) for ordinal, op in enumerate(operation_ids, start=1)])
    return sample_id


def drawn_from_batch(db: Database, batch_id: int) -> list[int]:
    """The samples with a line on an operation of the import `batch_id`."""
    return [i for (i,) in db.query(
        "SELECT DISTINCT l.sample_id FROM sample_line l JOIN operation o ON o.id = l.operation_id "
        "JOIN import_file f ON f.id = o.file_id WHERE f.batch_id = ? ORDER BY 1", (batch_id,))]


def get(db: Database, sample_id: int) -> SampleInfo | None:
    row = db.execute("SELECT s.id, s.agency_id, a.code, a.name, s.period_from, s.period_to, s.size, s.seed, "
                     "s.drawn_at, s.strata FROM sample s JOIN agency a ON a.id = s.agency_id WHERE s.id = ?",
                     (sample_id,)).fetchone()
    if row is None:
        return None
    id_, agency_id, code, name, first, last, size, seed, drawn_at, strata = row
    period = Period(None if first is None else date.fromisoformat(first),
                    None if last is None else date.fromisoformat(last))
    return SampleInfo(id_, agency_id, code, name, period, size, seed, drawn_at,
                      None if strata is None else json.loads(strata))


def for_agency(db: Database, agency_id: int) -> list[SampleInfo]:
    """The agency's samples, newest first."""
    ids = db.query("SELECT id FROM sample WHERE agency_id = ? ORDER BY id DESC", (agency_id,))
    return [info for (sample_id,) in ids if (info := get(db, sample_id)) is not None]


def lines(db: Database, sample_id: int) -> list[SampleLine]:
    rows = db.query(
        "SELECT l.ordinal, o.id, o.at, o.terminal, o.operator, o.op_kind, o.jimu_code, o.count, o.subject_mask, "
        "f.file_name, o.line, l.result, l.note, l.finding_id FROM sample_line l "
        "JOIN operation o ON o.id = l.operation_id JOIN import_file f ON f.id = o.file_id "
        "WHERE l.sample_id = ? ORDER BY l.ordinal", (sample_id,))
    return [SampleLine(*row) for row in rows]


def set_result(db: Database, sample_id: int, ordinal: int, result: str, note: str | None) -> None:
    db.execute("UPDATE sample_line SET result = ?, note = ? WHERE sample_id = ? AND ordinal = ?",
               (result, note, sample_id, ordinal))


def set_finding(db: Database, sample_id: int, ordinal: int, finding_id: int) -> None:
    db.execute("UPDATE sample_line SET finding_id = ? WHERE sample_id = ? AND ordinal = ?",
               (finding_id, sample_id, ordinal))
