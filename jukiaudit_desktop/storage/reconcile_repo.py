"""Repository of reconciliation: reads the engine's input as compact columns (operations from their column
cache, storage.operation_columns; register entries through storage.column_reads), stores runs and discrepancies.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

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
    subject_number,
)
from ..reconcile.model import REGISTER_KINDS, Discrepancy, Kind, Outcome
from ..reconcile.settings import ReconcileSettings
from . import bindings, operation_columns
from .column_reads import read_columns
from .database import Database

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


def load_operations(db: Database, agency_id: int, period: Period, names: Vocabulary,
                    progress: Progress = NO_PROGRESS) -> Operations:
    """Subjects are NONE where the log gives none; `failed` is true where 処理結果 is not one of the success
    values of the operation's file (its profile's, by default 正常); no 処理結果 is no failure. Read from each
    file's column cache (storage.operation_columns)."""
    return operation_columns.load(db, agency_id, period.first, period.last, names, progress)


def load_register(db: Database, agency_id: int, period: Period, names: Vocabulary) -> RegisterEntries:
    """`end` is the last second of the end minute; a missing count is NONE."""
    where, params = period.sql("start_at")
    (ids, start, end, count), (terminal, operator, jimu) = read_columns(
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
    terminals = [names.code(code) for (code,) in db.query(
        "SELECT code FROM terminal WHERE agency_id = ? ORDER BY code", (agency_id,))]
    return AgencyLists(operators if operator_rows else None, jimu if has_jimu_list else None,
                       terminals or None, _operator_jimu(db, agency_id, names), _watched(db, agency_id))


def _operator_jimu(db: Database, agency_id: int, names: Vocabulary) -> dict[int, list[JimuValidity]]:
    """Per operator code with a list of their own: its 事務 as log codes with validity (as the agency's)."""
    rows = db.query(
        "SELECT o.operator_code, b.code, b.valid_from, b.valid_to FROM operator o "
        "JOIN operator_jimu oj ON oj.operator_id = o.id JOIN jimu_basis b ON b.jimu_id = oj.jimu_id "
        "WHERE o.agency_id = ? "
        "UNION ALL SELECT o.operator_code, j.code, NULL, NULL FROM operator o "
        "JOIN operator_jimu oj ON oj.operator_id = o.id JOIN jimu j ON j.id = oj.jimu_id "
        "WHERE o.agency_id = ? AND NOT EXISTS (SELECT 1 FROM jimu_basis b WHERE b.jimu_id = j.id) "
        "ORDER BY 1, 2, 3", (agency_id, agency_id))
    lists: dict[int, list[JimuValidity]] = {}
    for operator, code, first, last in rows:
        lists.setdefault(names.code(operator), []).append(
            JimuValidity(names.code(code), _day_number(first), _day_number(last)))
    return lists


def _watched(db: Database, agency_id: int) -> dict[int, str]:
    """Subject number → 表示名 of the agency's and the office's (agency_id NULL) watch-list entries."""
    rows = db.query("SELECT subject_hash, label FROM watchlist_entry WHERE agency_id = ? OR agency_id IS NULL "
                    "ORDER BY id", (agency_id,))
    return {subject_number(digest): label for digest, label in rows}


# ----- runs and discrepancies -----


@dataclass(frozen=True)
class RunInfo:
    id: int
    agency_id: int
    period: Period
    settings: dict[str, Any]
    skipped: list[dict[str, str]]
    run_at: str
    stale: str | None = None  # why the run is out of date (an import it used was removed)


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
               outcome: Outcome, details: Sequence[str]) -> int:
    """`details`: each discrepancy's detail as JSON (detail_texts)."""
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
    sql = (f"INSERT INTO discrepancy (reconciliation_id, status, {', '.join(_DISCREPANCY_FIELDS)}) "
           f"VALUES ({run_id:d}, 'open', ?, ?, ?, ?, ?)")
    rows = _discrepancy_rows(outcome.discrepancies, details)
    while chunk := list(itertools.islice(rows, _STORE_CHUNK)):
        db.conn.executemany(sql, chunk)
        if db.binds_changes and db.in_transaction:  # the trail binds the rows from these values (not read back)
            bindings.hash_inserted(db.conn, "discrepancy", _DISCREPANCY_FIELDS, chunk,
                                   {"reconciliation_id": run_id, "status": "open"})
    return run_id


_DISCREPANCY_FIELDS = ("ordinal", "kind", "operation_ids", "register_ids", "detail")
_STORE_CHUNK = 1 << 13  # discrepancies inserted at once: their digests are made (bindings) beside the next insert


def _discrepancy_rows(found: Sequence[Discrepancy], details: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    kinds = {kind: kind.value for kind in Kind}  # Enum.value is a property: dearer across 10^6 rows
    for ordinal, (d, detail) in enumerate(zip(found, details, strict=True), start=1):
        yield ordinal, kinds[d.kind], _id_list(d.operation_ids), _id_list(d.register_ids), detail


def detail_texts(details: Iterable[dict[str, Any]]) -> list[str]:
    """Discrepancies' details as JSON (detail_json): made once for both the storing and the export of a run."""
    seen: dict[Any, str] = {}
    return [detail_json(detail, seen) for detail in details]


_PLAIN = frozenset({str, int, bool, type(None)})


def detail_json(detail: dict[str, Any], seen: dict[Any, str]) -> str:
    """json.dumps(detail, ensure_ascii=False), each distinct detail encoded once across the calls that share
    `seen` (most details repeat: 「土曜日」, 「業務時間外」 …). Details are the same only with values of the same
    types (1, 1.0 and True are equal in Python, not in JSON); one holding anything but strings, integers,
    booleans and None (0.0 == -0.0, a list) is encoded each time."""
    key = (tuple(detail.items()), tuple(map(type, detail.values())))
    try:
        text = seen.get(key)
    except TypeError:  # an unhashable value
        text = None
    if text is None:
        text = json.dumps(detail, ensure_ascii=False)
        if _PLAIN.issuperset(key[1]):
            seen[key] = text
    return text


def _id_list(ids: tuple[int, ...]) -> str:
    """The JSON list of ids, written directly (json.dumps costs more across 10^5 rows); most lists hold one
    or none."""
    if not ids:
        return "[]"
    if len(ids) == 1:
        return f"[{ids[0]:d}]"
    return "[" + ", ".join(map(str, ids)) + "]"


def _run(row: tuple[Any, ...]) -> RunInfo:
    id_, agency_id, first, last, settings, skipped, run_at, stale = row
    period = Period(None if first is None else date.fromisoformat(first),
                    None if last is None else date.fromisoformat(last))
    return RunInfo(id_, agency_id, period, json.loads(settings), json.loads(skipped), run_at, stale)


_RUN_COLUMNS = "id, agency_id, period_from, period_to, settings, skipped, run_at, stale"


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


def discrepancy_agency_id(db: Database, discrepancy_id: int) -> int | None:
    """The agency whose run found the discrepancy."""
    value = db.scalar("SELECT r.agency_id FROM discrepancy d JOIN reconciliation r ON r.id = d.reconciliation_id "
                      "WHERE d.id = ?", (discrepancy_id,))
    return None if value is None else int(value)


def set_status(db: Database, discrepancy_id: int, status: str, explanation: str | None) -> None:
    db.execute("UPDATE discrepancy SET status = ?, explanation = ? WHERE id = ?",
               (status, explanation, discrepancy_id))


# ----- where a discrepancy's rows come from -----
# Ids go in as one JSON parameter: one statement for any number of ids (SQLite limits `?` per statement).


def _id_json(ids: Iterable[int]) -> str:
    return _id_list(tuple(sorted(set(ids))))


@dataclass(frozen=True)
class RowFacts:
    """Operations or register entries as the JSON export names them, by id: `refs` holds each row's
    {"file", "line"} object (file the basename, null for a typed-in entry) and `members` what each subject
    (a row a discrepancy is about) records (`fields`), as the members of a JSON object; both as
    json.dumps(…, ensure_ascii=False) writes them."""

    fields: tuple[str, ...]
    refs: dict[int, str]
    members: dict[int, str]


# The export's fields of a row: (name, column), in the order written.
OPERATION_FACTS = (("at", "at"), ("terminal", "terminal"), ("operator", "operator"), ("jimu_code", "jimu_code"),
                   ("count", "count"))
REGISTER_FACTS = (("start", "start_at"), ("end", "end_at"), ("terminal", "terminal"), ("operator", "operator"),
                  ("jimu_code", "jimu_code"), ("count", "count"))


def operation_facts(db: Database, ids: Iterable[int], subjects: Iterable[int]) -> RowFacts:
    """The operations' files and lines, and what the `subjects` among them record (OPERATION_FACTS)."""
    return _facts(db, "operation", ids, subjects, OPERATION_FACTS)


def register_facts(db: Database, ids: Iterable[int], subjects: Iterable[int]) -> RowFacts:
    """The register entries' files and lines (None for typed-in entries), and what the `subjects` among them
    say (REGISTER_FACTS)."""
    return _facts(db, "register_entry", ids, subjects, REGISTER_FACTS)


_ODD = "\x00"  # a REAL or BLOB value: SQLite would write it otherwise than Python's json


def _json_sql(column: str) -> str:
    """The column's value as json.dumps writes it: json_quote escapes text exactly as json does (compared on
    every code point), an integer is its digits; a REAL or BLOB gives _ODD."""
    return (f"CASE typeof({column}) WHEN 'text' THEN json_quote({column}) WHEN 'integer' THEN {column} "
            f"WHEN 'null' THEN 'null' ELSE char(0) END")


def _facts(db: Database, table: str, ids: Iterable[int], subjects: Iterable[int],
           facts: tuple[tuple[str, str], ...]) -> RowFacts:
    """Each row's {"file", "line"}, and the subjects' fields, written by SQLite, every row in one text per column
    (one aggregate query: SQLite holds no GIL while it reads, so a worker thread reads beside the caller's work;
    the fields only of the subjects, a third of the rows a run names). The rare row holding a REAL or BLOB is
    written by json here."""
    ref = ("'{\"file\": ' || coalesce((SELECT json_quote(f.file_name) FROM import_file f WHERE f.id = t.file_id), "
           f"'null') || ', \"line\": ' || {_json_sql('t.line')} || '}}'")
    members = " || ', ' || ".join(f"'\"{name}\": ' || {_json_sql(column)}" for name, column in facts)
    subject = "FILTER (WHERE id IN (SELECT value FROM json_each(?2)))"
    count, id_text, ref_text, subject_text, member_text = db.execute(
        f"SELECT count(*), group_concat(id), group_concat({ref}, char(30)), group_concat(id) {subject}, "
        f"group_concat({members}, char(30)) {subject} "
        f"FROM {table} t WHERE id IN (SELECT value FROM json_each(?1))", (_id_json(ids), _id_json(subjects))
    ).fetchone()
    found = list(map(int, id_text.split(","))) if count else []
    refs = dict(zip(found, ref_text.split(_ROW) if count else [], strict=True))
    written = (dict(zip(map(int, subject_text.split(",")), member_text.split(_ROW), strict=True))
               if subject_text else {})
    if _ODD in (ref_text or "") or _ODD in (member_text or ""):
        odd = [id_ for id_ in found if _ODD in refs[id_] or _ODD in written.get(id_, "")]
        files = dict(db.query("SELECT id, file_name FROM import_file"))
        for id_, file_id, line, *values in db.query(
                f"SELECT id, file_id, line, {', '.join(c for _, c in facts)} FROM {table} "
                "WHERE id IN (SELECT value FROM json_each(?))", (_id_json(odd),)):
            refs[id_] = json.dumps({"file": files.get(file_id), "line": line}, ensure_ascii=False)
            if id_ in written:
                written[id_] = json.dumps(dict(zip((n for n, _ in facts), values, strict=True)),
                                          ensure_ascii=False)[1:-1]
    return RowFacts(tuple(n for n, _ in facts), refs, written)


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
