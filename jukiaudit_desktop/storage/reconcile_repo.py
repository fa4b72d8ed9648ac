"""Repository of reconciliation: reads the engine's input as compact columns, stores runs and discrepancies.

Reading a million operations row by row through Python is slow, so each column comes back as one
group_concat string that numpy parses; the table is scanned (NOT INDEXED), which is faster than following
the (agency, terminal, time) index row by row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

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
from ..reconcile.model import Discrepancy, Kind, Outcome
from ..reconcile.settings import ReconcileSettings
from .database import Database

_FIELD, _ROW = "\x1f", "\x1e"
_IN_CHUNK = 900  # stays below SQLite's limit on host parameters


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


def _numbers(text: str | None, size: int) -> Any:
    values = np.fromstring(text or "", dtype=np.int64, sep=",")
    if len(values) != size:
        raise RuntimeError("column lengths differ while reading reconciliation input")
    return values


def _read_columns(db: Database, numbers: Sequence[str], source: str, params: Sequence[Any],
                  names: Vocabulary) -> tuple[list[Any], Any, Any, Any]:
    """Integer columns (SQL expressions that are never NULL) as arrays, and terminal, operator and 事務 as
    vocabulary codes; one aggregate query, so all columns come in the same row order."""
    row = db.execute(
        f"SELECT count(*), {', '.join(f'group_concat({n})' for n in numbers)}, "
        "group_concat(terminal || char(31) || operator || char(31) || coalesce(jimu_code, ''), char(30)) "
        f"{source}",
        params,
    ).fetchone()
    size = int(row[0])
    combos: dict[str, int] = {}
    combo_of_row = np.fromiter((combos.setdefault(c, len(combos)) for c in (row[-1] or "").split(_ROW)),
                               dtype=np.int64, count=size) if size else np.zeros(0, dtype=np.int64)
    parts = [combo.split(_FIELD) for combo in combos]
    coded = [np.array([names.code(p[k]) for p in parts], dtype=np.int64)[combo_of_row] for k in range(3)]
    return [_numbers(text, size) for text in row[1:-1]], coded[0], coded[1], coded[2]


def load_operations(db: Database, agency_id: int, period: Period, names: Vocabulary) -> Operations:
    where, params = period.sql("at")
    (ids, at, count), terminal, operator, jimu = _read_columns(
        db, ["id", "unixepoch(at)", "count"], f"FROM operation NOT INDEXED WHERE agency_id = ?{where}",
        [agency_id, *params], names)
    return Operations(id=ids, at=at, terminal=terminal, operator=operator, jimu=jimu, count=count)


def load_register(db: Database, agency_id: int, period: Period, names: Vocabulary) -> RegisterEntries:
    """`end` is the last second of the end minute; a missing count is NONE."""
    where, params = period.sql("start_at")
    (ids, start, end, count), terminal, operator, jimu = _read_columns(
        db, ["id", "unixepoch(start_at)", "unixepoch(end_at) + 59", f"coalesce(count, {NONE})"],
        f"FROM register_entry WHERE agency_id = ?{where}", [agency_id, *params], names)
    return RegisterEntries(id=ids, start=start, end=end, terminal=terminal, operator=operator, jimu=jimu,
                           count=count)


def _day_number(text: str | None) -> int | None:
    return None if text is None else day_of(date.fromisoformat(text))


def load_agency_lists(db: Database, agency_id: int, names: Vocabulary) -> AgencyLists:
    operator_rows = db.query(
        "SELECT operator_code, registered_on, revoked_on FROM operator WHERE agency_id = ? ORDER BY id",
        (agency_id,),
    )
    jimu_rows = db.query(
        "SELECT b.code, b.valid_from, b.valid_to FROM jimu_agency ja JOIN jimu_basis b ON b.jimu_id = ja.jimu_id "
        "WHERE ja.agency_id = ? ORDER BY b.id",
        (agency_id,),
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


def get_discrepancy(db: Database, discrepancy_id: int) -> StoredDiscrepancy | None:
    row = db.execute(f"SELECT {_DISCREPANCY_COLUMNS} FROM discrepancy WHERE id = ?", (discrepancy_id,)).fetchone()
    return None if row is None else _discrepancy(row)


def set_status(db: Database, discrepancy_id: int, status: str, explanation: str | None) -> None:
    db.execute("UPDATE discrepancy SET status = ?, explanation = ? WHERE id = ?",
               (status, explanation, discrepancy_id))


# ----- where a discrepancy's rows come from -----


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), _IN_CHUNK):
        yield ids[i:i + _IN_CHUNK]


def operation_facts(db: Database, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Per operation id: its file basename and physical line, and what it records."""
    found: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(sorted(set(ids))):
        marks = ",".join("?" * len(chunk))
        for id_, name, line, at, terminal, operator, jimu, count in db.query(
            "SELECT o.id, f.file_name, o.line, o.at, o.terminal, o.operator, o.jimu_code, o.count "
            f"FROM operation o JOIN import_file f ON f.id = o.file_id WHERE o.id IN ({marks})", chunk,
        ):
            found[id_] = {"file": name, "line": line, "at": at, "terminal": terminal, "operator": operator,
                          "jimu_code": jimu, "count": count}
    return found


def register_facts(db: Database, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Per register entry id: file and line (None for typed-in entries), and what the entry says."""
    found: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(sorted(set(ids))):
        marks = ",".join("?" * len(chunk))
        for id_, name, line, start, end, terminal, operator, jimu, count in db.query(
            "SELECT r.id, f.file_name, r.line, r.start_at, r.end_at, r.terminal, r.operator, r.jimu_code, r.count "
            f"FROM register_entry r LEFT JOIN import_file f ON f.id = r.file_id WHERE r.id IN ({marks})", chunk,
        ):
            found[id_] = {"file": name, "line": line, "start": start, "end": end, "terminal": terminal,
                          "operator": operator, "jimu_code": jimu, "count": count}
    return found


def operation_rows(db: Database, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Operations to show beside a discrepancy: id, file, line, at, terminal, operator, 処理区分, 事務, count."""
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        rows += db.query(
            "SELECT o.id, f.file_name, o.line, o.at, o.terminal, o.operator, o.op_kind, o.jimu_code, o.count "
            f"FROM operation o JOIN import_file f ON f.id = o.file_id WHERE o.id IN ({marks})", chunk,
        )
    return sorted(rows, key=lambda r: (r[3], r[0]))


def register_rows(db: Database, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Register entries to show: id, file, line, start, end, terminal, operator, 事務, count."""
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(list(ids)):
        marks = ",".join("?" * len(chunk))
        rows += db.query(
            "SELECT r.id, f.file_name, r.line, r.start_at, r.end_at, r.terminal, r.operator, r.jimu_code, r.count "
            f"FROM register_entry r LEFT JOIN import_file f ON f.id = r.file_id WHERE r.id IN ({marks})", chunk,
        )
    return sorted(rows, key=lambda r: (r[3], r[0]))
