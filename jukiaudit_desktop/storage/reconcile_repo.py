"""Repository of reconciliation: reads the engine's input as compact columns, stores runs and discrepancies.

Reading a million operations row by row through Python is slow, so each column comes back as one
group_concat string that numpy parses; the table is scanned (NOT INDEXED), which is faster than following
the (agency, terminal, time) index row by row.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from ..core.progress import NO_PROGRESS, Progress
from ..reconcile.columns import (
    NONE,
    AgencyLists,
    JimuValidity,
    Operations,
    OperatorValidity,
    RegisterEntries,
    Vocabulary,
    day_of,
)
from ..reconcile.model import REGISTER_KINDS, Discrepancy, Kind, Outcome
from ..reconcile.settings import ReconcileSettings
from .database import Database, open_database

_FIELD, _ROW = "\x1f", "\x1e"


@dataclass(frozen=True)
class Period:
    """Inclusive days; None = open."""

    first: date | None = None
    last: date | None = None

    def sql(self, column: str) -> tuple[str, list[str]]:
        clauses, params = [], []
        if self.first is not None:
            clauses.append(f" AND {column} >= ?")
            params.append(self.first.isoformat())
        if self.last is not None:
            clauses.append(f" AND {column} < date(?, '+1 day')")
            params.append(self.last.isoformat())
        return "".join(clauses), params


ALL_TIME = Period()


@contextlib.contextmanager
def fresh_connection(db: Database) -> Iterator[Database]:
    """A fresh connection for one bulk step (reading a whole log, or storing a run). Statements cached on
    a connection use up SQLite's small lookaside memory; bulk work after that pays one mlocked allocation
    per value (cipher_memory_security), five to ten times slower. Inside a transaction, `db` itself is used
    (a second connection would not see its uncommitted rows)."""
    if db.in_transaction:
        yield db
        return
    reader = open_database(db.path, db.key, verify=False)  # `db` was verified when it was opened
    try:
        yield reader
    finally:
        reader.close()


def _numbers(text: str | None, size: int) -> Any:
    values = np.fromstring(text or "", dtype=np.int64, sep=",")
    if len(values) != size:
        raise RuntimeError("column lengths differ while reading reconciliation input")
    return values


_CHUNK_IDS = 1 << 17  # rows per read: short GIL holds (the GUI stays responsive), progress and cancel


def _read_columns(db: Database, table: str, numbers: Sequence[str], where: str, params: Sequence[Any],
                  names: Vocabulary, progress: Progress = NO_PROGRESS) -> tuple[list[Any], Any, Any, Any]:
    """Integer columns (SQL expressions that are never NULL) as arrays, and terminal, operator and 事務 as
    vocabulary codes. Reads id ranges one after another; within a range one aggregate query returns every
    column in the same row order."""
    low, high = db.execute(f"SELECT min(id), max(id) FROM {table}").fetchone()
    combos: dict[str, int] = {}
    chunks: list[list[Any]] = []
    for first in range(low or 0, (high or -1) + 1, _CHUNK_IDS):
        progress.update(first - low, high - low + 1, "操作ログを読み込んでいます")
        row = db.execute(
            f"SELECT count(*), {', '.join(f'group_concat({n})' for n in numbers)}, "
            "group_concat(terminal || char(31) || operator || char(31) || coalesce(jimu_code, ''), char(30)) "
            f"FROM {table} NOT INDEXED WHERE id >= ? AND id < ? AND {where}",
            [first, first + _CHUNK_IDS, *params],
        ).fetchone()
        size = int(row[0])
        if size:
            parts = row[-1].split(_ROW)
            for combo in dict.fromkeys(parts):  # the few distinct ones, in order of appearance
                combos.setdefault(combo, len(combos))
            combo_of_row = np.fromiter(map(combos.__getitem__, parts), dtype=np.int64, count=size)
            chunks.append([_numbers(text, size) for text in row[1:-1]] + [combo_of_row])
    empty = np.zeros(0, dtype=np.int64)
    columns = [np.concatenate(c) for c in zip(*chunks, strict=True)] if chunks else [empty] * (len(numbers) + 1)
    fields = [combo.split(_FIELD) for combo in combos]
    coded = [np.array([names.code(f[k]) for f in fields], dtype=np.int64)[columns[-1]] for k in range(3)]
    return columns[:-1], coded[0], coded[1], coded[2]


def load_operations(db: Database, agency_id: int, period: Period, names: Vocabulary,
                    progress: Progress = NO_PROGRESS) -> Operations:
    where, params = period.sql("at")
    (ids, at, count), terminal, operator, jimu = _read_columns(
        db, "operation", ["id", "unixepoch(at)", "count"], f"agency_id = ?{where}", [agency_id, *params], names,
        progress)
    return Operations(id=ids, at=at, terminal=terminal, operator=operator, jimu=jimu, count=count)


def load_register(db: Database, agency_id: int, period: Period, names: Vocabulary) -> RegisterEntries:
    """`end` is the last second of the end minute; a missing count is NONE."""
    where, params = period.sql("start_at")
    (ids, start, end, count), terminal, operator, jimu = _read_columns(
        db, "register_entry", ["id", "unixepoch(start_at)", "unixepoch(end_at) + 59", f"coalesce(count, {NONE})"],
        f"agency_id = ?{where}", [agency_id, *params], names)
    return RegisterEntries(id=ids, start=start, end=end, terminal=terminal, operator=operator, jimu=jimu,
                           count=count)


def _day_number(text: str | None) -> int | None:
    return None if text is None else day_of(date.fromisoformat(text))


def load_agency_lists(db: Database, agency_id: int, names: Vocabulary) -> AgencyLists:
    operator_rows = db.query(
        "SELECT operator_code, registered_on, revoked_on FROM operator WHERE agency_id = ? ORDER BY id",
        (agency_id,),
    )
    # Log codes of the agency's 事務: each basis's code with its validity; a 事務 without bases by its own code.
    jimu_rows = db.query(
        "SELECT b.code, b.valid_from, b.valid_to FROM jimu_agency ja JOIN jimu_basis b ON b.jimu_id = ja.jimu_id "
        "WHERE ja.agency_id = ? "
        "UNION ALL SELECT j.code, NULL, NULL FROM jimu_agency ja JOIN jimu j ON j.id = ja.jimu_id "
        "WHERE ja.agency_id = ? AND NOT EXISTS (SELECT 1 FROM jimu_basis b WHERE b.jimu_id = j.id) "
        "ORDER BY 1, 2",
        (agency_id, agency_id),
    )
    has_jimu_list = db.scalar("SELECT count(*) FROM jimu_agency WHERE agency_id = ?", (agency_id,)) > 0
    operators = [OperatorValidity(names.code(code), _day_number(first), _day_number(revoked))
                 for code, first, revoked in operator_rows]
    jimu = [JimuValidity(names.code(code), _day_number(first), _day_number(last))
            for code, first, last in jimu_rows]
    return AgencyLists(operators if operator_rows else None, jimu if has_jimu_list else None)


# ----- runs and discrepancies -----


@dataclass(frozen=True)
class RunInfo:
    id: int
    agency_id: int
    period: Period
    settings: dict[str, Any]
    skipped: list[dict[str, str]]
    run_at: str


@dataclass(frozen=True)
class StoredDiscrepancy:
    id: int
    ordinal: int
    kind: Kind
    operation_ids: tuple[int, ...]
    register_ids: tuple[int, ...]
    detail: dict[str, Any]
    status: str
    explanation: str | None


def insert_run(db: Database, agency_id: int, period: Period, settings: ReconcileSettings,
               outcome: Outcome) -> int:
    run_at = datetime.now().astimezone().isoformat(timespec="seconds")
    cur = db.execute(
        "INSERT INTO reconciliation (agency_id, period_from, period_to, settings, skipped, run_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (agency_id, None if period.first is None else period.first.isoformat(),
         None if period.last is None else period.last.isoformat(),
         json.dumps(settings.as_json(), ensure_ascii=False),
         json.dumps([s.as_json() for s in outcome.skipped], ensure_ascii=False), run_at),
    )
    run_id = int(cur.lastrowid)
    db.conn.executemany(
        "INSERT INTO discrepancy (reconciliation_id, ordinal, kind, operation_ids, register_ids, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        _discrepancy_rows(run_id, outcome.discrepancies),
    )
    return run_id


def _discrepancy_rows(run_id: int, found: Sequence[Discrepancy]) -> Iterator[tuple[Any, ...]]:
    details: dict[tuple[Any, ...], str] = {}  # most details repeat (「土曜日」, 「業務時間外」 …): encode each once
    for ordinal, d in enumerate(found, start=1):
        key = tuple(d.detail.items())
        detail = details.get(key)
        if detail is None:
            detail = details[key] = json.dumps(d.detail, ensure_ascii=False)
        yield (run_id, ordinal, d.kind.value, _id_list(d.operation_ids), _id_list(d.register_ids), detail)


def _id_list(ids: tuple[int, ...]) -> str:
    """The JSON list of ids, written directly (json.dumps costs more across 10^5 rows)."""
    return "[" + ", ".join(map(str, ids)) + "]"


def _run(row: tuple[Any, ...]) -> RunInfo:
    id_, agency_id, first, last, settings, skipped, run_at = row
    period = Period(None if first is None else date.fromisoformat(first),
                    None if last is None else date.fromisoformat(last))
    return RunInfo(id_, agency_id, period, json.loads(settings), json.loads(skipped), run_at)


_RUN_COLUMNS = "id, agency_id, period_from, period_to, settings, skipped, run_at"


def get_run(db: Database, run_id: int) -> RunInfo | None:
    row = db.execute(f"SELECT {_RUN_COLUMNS} FROM reconciliation WHERE id = ?", (run_id,)).fetchone()
    return None if row is None else _run(row)


def latest_run(db: Database, agency_id: int) -> RunInfo | None:
    row = db.execute(
        f"SELECT {_RUN_COLUMNS} FROM reconciliation WHERE agency_id = ? ORDER BY id DESC LIMIT 1", (agency_id,)
    ).fetchone()
    return None if row is None else _run(row)


_DISCREPANCY_COLUMNS = "id, ordinal, kind, operation_ids, register_ids, detail, status, explanation"


def _discrepancy(row: tuple[Any, ...]) -> StoredDiscrepancy:
    id_, ordinal, kind, op_ids, reg_ids, detail, status, explanation = row
    return StoredDiscrepancy(id_, ordinal, Kind(kind), tuple(json.loads(op_ids)), tuple(json.loads(reg_ids)),
                             json.loads(detail), status, explanation)


def list_discrepancies(db: Database, run_id: int) -> list[StoredDiscrepancy]:
    rows = db.query(f"SELECT {_DISCREPANCY_COLUMNS} FROM discrepancy WHERE reconciliation_id = ? ORDER BY ordinal",
                    (run_id,))
    return [_discrepancy(r) for r in rows]


def discrepancy_subjects(db: Database, run_id: int) -> list[tuple[Any, ...]]:
    """Per discrepancy of a run, in order, with the operation (or, for register kinds, the entry) it is
    about: id, ordinal, kind, status, explanation, detail JSON, at, terminal, operator, file, line."""
    entry_kinds = ", ".join(f"'{k.value}'" for k in sorted(REGISTER_KINDS))
    return db.query(
        "SELECT d.id, d.ordinal, d.kind, d.status, d.explanation, d.detail, "
        "coalesce(o.at, r.start_at), coalesce(o.terminal, r.terminal), coalesce(o.operator, r.operator), "
        "coalesce(fo.file_name, fr.file_name), coalesce(o.line, r.line) "
        "FROM discrepancy d "
        f"LEFT JOIN operation o ON d.kind NOT IN ({entry_kinds}) AND o.id = d.operation_ids ->> 0 "
        "LEFT JOIN import_file fo ON fo.id = o.file_id "
        f"LEFT JOIN register_entry r ON d.kind IN ({entry_kinds}) AND r.id = d.register_ids ->> 0 "
        "LEFT JOIN import_file fr ON fr.id = r.file_id "
        "WHERE d.reconciliation_id = ? ORDER BY d.ordinal",
        (run_id,),
    )


def get_discrepancy(db: Database, discrepancy_id: int) -> StoredDiscrepancy | None:
    row = db.execute(f"SELECT {_DISCREPANCY_COLUMNS} FROM discrepancy WHERE id = ?", (discrepancy_id,)).fetchone()
    return None if row is None else _discrepancy(row)


def set_status(db: Database, discrepancy_id: int, status: str, explanation: str | None) -> None:
    db.execute("UPDATE discrepancy SET status = ?, explanation = ? WHERE id = ?",
               (status, explanation, discrepancy_id))


# ----- where a discrepancy's rows come from -----
# Ids go in as one JSON parameter: statements with hundreds of `?` stay in the statement cache and hold
# SQLite's lookaside memory, after which every row of a later big read costs a real (mlocked) allocation.


def _id_json(ids: Iterable[int]) -> str:
    return _id_list(tuple(sorted(set(ids))))


def operation_facts(db: Database, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Per operation id: its file basename and physical line, and what it records."""
    rows = db.query(
        "SELECT o.id, f.file_name, o.line, o.at, o.terminal, o.operator, o.jimu_code, o.count "
        "FROM operation o JOIN import_file f ON f.id = o.file_id WHERE o.id IN (SELECT value FROM json_each(?))",
        (_id_json(ids),),
    )
    return {id_: {"file": name, "line": line, "at": at, "terminal": terminal, "operator": operator,
                  "jimu_code": jimu, "count": count}
            for id_, name, line, at, terminal, operator, jimu, count in rows}


def register_facts(db: Database, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Per register entry id: file and line (None for typed-in entries), and what the entry says."""
    rows = db.query(
        "SELECT r.id, f.file_name, r.line, r.start_at, r.end_at, r.terminal, r.operator, r.jimu_code, r.count "
        "FROM register_entry r LEFT JOIN import_file f ON f.id = r.file_id "
        "WHERE r.id IN (SELECT value FROM json_each(?))",
        (_id_json(ids),),
    )
    return {id_: {"file": name, "line": line, "start": start, "end": end, "terminal": terminal,
                  "operator": operator, "jimu_code": jimu, "count": count}
            for id_, name, line, start, end, terminal, operator, jimu, count in rows}


def operation_rows(db: Database, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Operations to show beside a discrepancy: id, file, line, at, terminal, operator, 処理区分, 事務, count."""
    return db.query(
        "SELECT o.id, f.file_name, o.line, o.at, o.terminal, o.operator, o.op_kind, o.jimu_code, o.count "
        "FROM operation o JOIN import_file f ON f.id = o.file_id WHERE o.id IN (SELECT value FROM json_each(?)) "
        "ORDER BY o.at, o.id",
        (_id_json(ids),),
    )


def register_rows(db: Database, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Register entries to show: id, file, line, start, end, terminal, operator, 事務, count."""
    return db.query(
        "SELECT r.id, f.file_name, r.line, r.start_at, r.end_at, r.terminal, r.operator, r.jimu_code, r.count "
        "FROM register_entry r LEFT JOIN import_file f ON f.id = r.file_id "
        "WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY r.start_at, r.id",
        (_id_json(ids),),
    )
