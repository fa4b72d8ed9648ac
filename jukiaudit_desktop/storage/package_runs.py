"""SQL of the reconciliation runs and issued sheets a sealed package carries.

A run travels whole and unchanged: its settings, its discrepancies (ids of operation and register rows as the
sender numbered them) and every import file those discrepancies point into, with all of the file's rows (so
the receiving side holds the complete files, exactly as imported, and a later import of the same file is
recognised as stored already). Explanations of discrepancies are part of the audit document (they are edited
after the run, on either side, and merge like the audit's other fields).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from typing import Any

from . import imports_repo
from .database import Database

REBUILD_INDEX_ROWS = 100_000  # above this many new operations, the indexes are built once at the end

_RUN_FIELDS = ("period_from", "period_to", "settings", "skipped", "run_at", "stale")
_FILE_FIELDS = ("kind", "file_name", "sha256", "encoding", "profile", "row_count", "imported_at", "success_results",
                "skipped_count")
_BATCH_FIELDS = ("kind", "profile", "imported_at", "imported_by")
_ROW_FIELDS = {"operation": ("line", "at", "terminal", "operator", "op_kind", "jimu_code", "count", "result",
                             "subject_hash", "subject_mask", "counted"),
               "register_entry": ("line", "start_at", "end_at", "terminal", "operator", "jimu_code", "count")}


def run_uuid(db: Database, run_id: int | None) -> str | None:
    return None if run_id is None else str(db.scalar("SELECT uuid FROM reconciliation WHERE id = ?", (run_id,)))


def run_id_by_uuid(db: Database, uuid: str) -> int | None:
    value = db.scalar("SELECT id FROM reconciliation WHERE uuid = ?", (uuid,))
    return None if value is None else int(value)


def audit_run_uuid(db: Database, audit_id: int) -> str | None:
    value = db.scalar("SELECT r.uuid FROM audit a JOIN reconciliation r ON r.id = a.reconciliation_id "
                      "WHERE a.id = ?", (audit_id,))
    return None if value is None else str(value)


def discrepancy_ref(db: Database, discrepancy_id: int | None) -> list[Any] | None:
    """A discrepancy as [run uuid, ordinal]: the same on every machine."""
    if discrepancy_id is None:
        return None
    row = db.execute("SELECT r.uuid, d.ordinal FROM discrepancy d JOIN reconciliation r ON r.id = d.reconciliation_id "
                     "WHERE d.id = ?", (discrepancy_id,)).fetchone()
    return None if row is None else [str(row[0]), int(row[1])]


def discrepancy_id(db: Database, ref: list[Any] | None) -> int | None:
    if ref is None:
        return None
    value = db.scalar("SELECT d.id FROM discrepancy d JOIN reconciliation r ON r.id = d.reconciliation_id "
                      "WHERE r.uuid = ? AND d.ordinal = ?", (ref[0], ref[1]))
    return None if value is None else int(value)


def explanations(db: Database, run_uuids: Iterable[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """{run uuid: {ordinal: {status, explanation}}} of the discrepancies no longer open (or explained)."""
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for uuid in run_uuids:
        found[uuid] = {str(ordinal): {"status": status, "explanation": explanation} for ordinal, status, explanation in
                       db.query("SELECT d.ordinal, d.status, d.explanation FROM discrepancy d JOIN reconciliation r "
                                "ON r.id = d.reconciliation_id WHERE r.uuid = ? AND (d.status != 'open' OR "
                                "d.explanation IS NOT NULL) ORDER BY d.ordinal", (uuid,))}
    return found


def set_explanations(db: Database, run_uuid_: str, found: dict[str, dict[str, Any]]) -> None:
    """Make the run's discrepancies say what `found` says (the ones it omits are open, unexplained)."""
    run_id = run_id_by_uuid(db, run_uuid_)
    current = explanations(db, [run_uuid_])[run_uuid_]
    for ordinal in set(current) | set(found):
        wanted = found.get(ordinal, {"status": "open", "explanation": None})
        if current.get(ordinal) != wanted:
            db.execute("UPDATE discrepancy SET status = ?, explanation = ? WHERE reconciliation_id = ? AND ordinal = ?",
                       (wanted["status"], wanted["explanation"], run_id, int(ordinal)))


def read_run(db: Database, run_uuid_: str) -> dict[str, Any]:
    """The run as a plain document: fields, discrepancies, and the import files they point into, whole."""
    row = db.execute("SELECT r.id, ag.code, " + ", ".join(f"r.{f}" for f in _RUN_FIELDS) + " FROM reconciliation r "
                     "JOIN agency ag ON ag.id = r.agency_id WHERE r.uuid = ?", (run_uuid_,)).fetchone()
    run_id = int(row[0])
    discrepancies = [list(r) for r in db.query(
        "SELECT ordinal, kind, operation_ids, register_ids, detail FROM discrepancy WHERE reconciliation_id = ? "
        "ORDER BY ordinal", (run_id,))]
    files: dict[int, dict[str, Any]] = {}
    typed: list[list[Any]] = []
    for table, column in (("operation", 2), ("register_entry", 3)):
        wanted = json.dumps(sorted({i for d in discrepancies for i in json.loads(d[column])}))
        file_ids = {f for (f,) in db.query(
            f"SELECT DISTINCT file_id FROM {table} WHERE id IN (SELECT value FROM json_each(?))", (wanted,))}
        for file_id in sorted(int(f) for f in file_ids if f is not None):
            files[file_id] = _read_file(db, file_id, table)
        if None in file_ids:  # register entries typed in, not read from a file
            typed = [list(r) for r in db.query(
                f"SELECT id, {', '.join(_ROW_FIELDS[table])} FROM {table} WHERE file_id IS NULL "
                "AND id IN (SELECT value FROM json_each(?)) ORDER BY id", (wanted,))]
    return {"uuid": run_uuid_, "agency_code": row[1], **dict(zip(_RUN_FIELDS, row[2:], strict=True)),
            "discrepancies": discrepancies, "files": list(files.values()), "typed_register": typed}


def _read_file(db: Database, file_id: int, table: str) -> dict[str, Any]:
    row = db.execute("SELECT batch_id, " + ", ".join(_FILE_FIELDS) + " FROM import_file WHERE id = ?",
                     (file_id,)).fetchone()
    batch = None
    if row[0] is not None:
        values = db.execute("SELECT " + ", ".join(_BATCH_FIELDS) + " FROM import_batch WHERE id = ?",
                            (row[0],)).fetchone()
        batch = {"id": int(row[0]), **dict(zip(_BATCH_FIELDS, values, strict=True))}
    rows = [list(r) for r in db.query(f"SELECT id, {', '.join(_ROW_FIELDS[table])} FROM {table} WHERE file_id = ? "
                                      "ORDER BY id", (file_id,))]
    return {"file": dict(zip(_FILE_FIELDS, row[1:], strict=True)), "batch": batch, "table": table, "rows": rows}


def file_conflicts(db: Database, run: dict[str, Any], agency_id: int) -> list[str]:
    """Files the run carries that this database holds under the same hash with other rows (names)."""
    wrong = []
    for carried in run["files"]:
        local = _local_file(db, agency_id, carried["file"])
        if local is not None:
            fields = ", ".join(_ROW_FIELDS[carried["table"]])
            mine = [list(r) for r in db.query(f"SELECT {fields} FROM {carried['table']} WHERE file_id = ? "
                                              "ORDER BY line", (local,))]
            if mine != sorted((r[1:] for r in carried["rows"]), key=lambda r: r[0]):
                wrong.append(carried["file"]["file_name"])
    return wrong


def _local_file(db: Database, agency_id: int, file: dict[str, Any]) -> int | None:
    value = db.scalar("SELECT id FROM import_file WHERE agency_id = ? AND kind = ? AND sha256 = ?",
                      (agency_id, file["kind"], file["sha256"]))
    return None if value is None else int(value)


def write_run(db: Database, run: dict[str, Any], agency_id: int) -> int:
    """Store a carried run (unless stored already): its files (those this database lacks, whole), then the
    discrepancies with the row ids mapped to this database's. Returns the run's id here."""
    existing = run_id_by_uuid(db, run["uuid"])
    if existing is not None:
        return existing
    local_ids: dict[str, dict[int, int]] = {"operation": {}, "register_entry": {}}
    batches: dict[int, int] = {}
    new_files = [(c, None) if (f := _local_file(db, agency_id, c["file"])) is None else (c, f) for c in run["files"]]
    new_operations = sum(len(c["rows"]) for c, f in new_files if f is None and c["table"] == "operation")
    dropped: list[tuple[str, str]] = []
    if new_operations >= max(REBUILD_INDEX_ROWS, imports_repo.last_operation_id(db)):  # many rows at once: one sort at the end
        dropped = imports_repo.operation_indexes(db)
        for name, _sql in dropped:
            imports_repo.drop_index(db, name)
    for carried, file_id in new_files:
        table, fields = carried["table"], _ROW_FIELDS[carried["table"]]
        if file_id is None:
            batch = carried["batch"]
            batch_id = None
            if batch is not None:
                batch_id = batches.get(batch["id"])
                if batch_id is None:
                    batch_id = batches[batch["id"]] = int(db.execute(
                        "INSERT INTO import_batch (agency_id, " + ", ".join(_BATCH_FIELDS) + ") VALUES (?, ?, ?, ?, ?)",
                        (agency_id, *(batch[f] for f in _BATCH_FIELDS))).lastrowid)
            file_id = int(db.execute(
                "INSERT INTO import_file (agency_id, batch_id, " + ", ".join(_FILE_FIELDS) + ") VALUES (?, ?, " +
                ", ".join("?" for _ in _FILE_FIELDS) + ")",
                (agency_id, batch_id, *(carried["file"][f] for f in _FILE_FIELDS))).lastrowid)
            first = int(db.scalar(f"SELECT coalesce(max(id), 0) FROM {table}")) + 1
            db.conn.executemany(f"INSERT INTO {table} (file_id, agency_id, {', '.join(fields)}) VALUES "
                                f"({file_id}, {agency_id}, " + ", ".join("?" for _ in fields) + ")",
                                (r[1:] for r in carried["rows"]))
            # One writer, one statement: the rows took the ids after the last one, in order.
            local_ids[table].update(zip((int(r[0]) for r in carried["rows"]), itertools.count(first)))
        else:
            by_line = dict(db.query(f"SELECT line, id FROM {table} WHERE file_id = ?", (file_id,)))
            local_ids[table].update((int(r[0]), int(by_line[r[1]])) for r in carried["rows"])
    imports_repo.create_indexes(db, [sql for _name, sql in dropped])
    fields = _ROW_FIELDS["register_entry"]
    for row in run["typed_register"]:
        local_ids["register_entry"][int(row[0])] = int(db.execute(
            f"INSERT INTO register_entry (file_id, agency_id, {', '.join(fields)}) VALUES (NULL, ?, " +
            ", ".join("?" for _ in fields) + ")", (agency_id, *row[1:])).lastrowid)
    run_id = int(db.execute(
        "INSERT INTO reconciliation (uuid, agency_id, " + ", ".join(_RUN_FIELDS) + ") VALUES (?, ?, " +
        ", ".join("?" for _ in _RUN_FIELDS) + ")", (run["uuid"], agency_id, *(run[f] for f in _RUN_FIELDS))).lastrowid)

    def mapped(text: str, table: str) -> str:  # "[1, 2]" as written by reconcile_repo; 10^5 of them, no json
        ids, inner = local_ids[table], text.strip()[1:-1]
        return "[" + ", ".join(str(ids[int(i)]) for i in inner.split(",")) + "]" if inner.strip() else "[]"

    db.conn.executemany(
        "INSERT INTO discrepancy (reconciliation_id, ordinal, kind, operation_ids, register_ids, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        ((run_id, ordinal, kind, mapped(ops, "operation"), mapped(regs, "register_entry"), detail)
         for ordinal, kind, ops, regs, detail in run["discrepancies"]))
    return run_id


def subject_hashes_stored(db: Database) -> bool:
    """Whether any identifier hash is stored (operations or watch-lists): a key change would orphan them."""
    return bool(db.scalar("SELECT EXISTS (SELECT 1 FROM operation WHERE subject_hash IS NOT NULL) OR "
                          "EXISTS (SELECT 1 FROM watchlist_entry)"))


def carries_subjects(run: dict[str, Any]) -> bool:
    index = _ROW_FIELDS["operation"].index("subject_hash") + 1
    return any(r[index] is not None for f in run["files"] if f["table"] == "operation" for r in f["rows"])


# ----- issued sheets -----

_SHEET_FIELDS = ("doc_number", "kind", "content_sha256", "trail_head", "issued_at", "pdf", "issued_on")


def read_sheets(db: Database, audit_id: int) -> list[dict[str, Any]]:
    """The audit's issued sheets, with the sender line and audit id their content hash was computed with."""
    rows = db.query("SELECT " + ", ".join(f"d.{f}" for f in _SHEET_FIELDS) + ", o.audit_id, o.issuer "
                    "FROM issued_document d LEFT JOIN issued_origin o ON o.issued_id = d.id "
                    "WHERE d.audit_id = ? ORDER BY d.id", (audit_id,))
    return [{**dict(zip(_SHEET_FIELDS, r[:-2], strict=True)), "origin_audit_id": r[-2], "origin_issuer": r[-1]}
            for r in rows]


def sheet_by_number(db: Database, doc_number: str) -> tuple[str, str | None] | None:
    """(content hash, audit uuid) of the sheet issued under `doc_number` here, or None."""
    row = db.execute("SELECT d.content_sha256, a.uuid FROM issued_document d LEFT JOIN audit a ON a.id = d.audit_id "
                     "WHERE d.doc_number = ?", (doc_number,)).fetchone()
    return None if row is None else (str(row[0]), None if row[1] is None else str(row[1]))


def insert_sheet(db: Database, sheet: dict[str, Any], audit_id: int, sender: str) -> None:
    """Record a sheet issued elsewhere: its number, hash, trail head and file, and the id and sender line its
    content hash was computed with."""
    issued_id = db.execute("INSERT INTO issued_document (audit_id, " + ", ".join(_SHEET_FIELDS) + ") VALUES (?, " +
                           ", ".join("?" for _ in _SHEET_FIELDS) + ")",
                           (audit_id, *(sheet[f] for f in _SHEET_FIELDS))).lastrowid
    db.execute("INSERT INTO issued_origin (issued_id, audit_id, issuer, sender) VALUES (?, ?, ?, ?)",
               (issued_id, sheet["origin_audit_id"], sheet["origin_issuer"], sender))


def sheet_origin(db: Database, issued_id: int) -> tuple[int, str] | None:
    """(audit id, sender line) a sheet issued on another installation was hashed with; None: issued here."""
    row = db.execute("SELECT audit_id, issuer FROM issued_origin WHERE issued_id = ?", (issued_id,)).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))
