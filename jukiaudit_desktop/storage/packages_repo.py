"""SQL of sealed packages: this installation's identity, peers, received packages, merge bases, and an audit
read and written whole as a plain document (identified by UUIDs, agencies by code, items by code)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import package_runs
from .database import Database

IDENTITY_SETTING = "package.identity"

_AUDIT_FIELDS = ("fiscal_year", "audit_type", "status", "start_date", "end_date", "place", "auditors",
                 "attendees", "is_history")
_SCORE_FIELDS = ("self_score", "verified", "note", "self_comment")
_FINDING_FIELDS = ("finding_class", "severity", "title", "condition", "criteria", "cause", "effect",
                   "recommendation", "due_date", "status", "created_at")
_FOLLOWUP_FIELDS = ("reported_on", "status", "note")
_EVIDENCE_FIELDS = ("file_name", "mime", "sha256", "size", "note", "added_at")


def load_identity(db: Database) -> dict[str, str] | None:
    text = db.scalar("SELECT value FROM setting WHERE name = ?", (IDENTITY_SETTING,))
    return None if text is None else dict(json.loads(text))


def store_identity(db: Database, fields: dict[str, str]) -> None:
    db.execute("INSERT INTO setting (name, value) VALUES (?, ?)", (IDENTITY_SETTING, json.dumps(fields)))


@dataclass(frozen=True)
class PeerRow:
    id: int
    name: str
    fingerprint: str
    sign_key: bytes
    box_key: bytes
    is_office: bool
    added_at: str


def _peer(row: tuple[Any, ...]) -> PeerRow:
    return PeerRow(int(row[0]), str(row[1]), str(row[2]), bytes(row[3]), bytes(row[4]), bool(row[5]), str(row[6]))


_PEER_COLUMNS = "id, name, fingerprint, sign_key, box_key, is_office, added_at"


def insert_peer(db: Database, name: str, fingerprint: str, sign_key: bytes, box_key: bytes, is_office: bool,
                added_at: str) -> int:
    cursor = db.execute("INSERT INTO peer (name, fingerprint, sign_key, box_key, is_office, added_at) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (name, fingerprint, sign_key, box_key, int(is_office), added_at))
    return int(cursor.lastrowid)


def list_peers(db: Database) -> list[PeerRow]:
    return [_peer(row) for row in db.query(f"SELECT {_PEER_COLUMNS} FROM peer ORDER BY id")]


def find_peer(db: Database, *, fingerprint: str | None = None, name: str | None = None) -> PeerRow | None:
    column, value = ("fingerprint", fingerprint) if fingerprint is not None else ("name", name)
    row = db.execute(f"SELECT {_PEER_COLUMNS} FROM peer WHERE {column} = ?", (value,)).fetchone()
    return None if row is None else _peer(row)


def delete_peer(db: Database, peer_id: int) -> None:
    db.execute("DELETE FROM peer WHERE id = ?", (peer_id,))


def package_received_at(db: Database, sha256: str) -> str | None:
    value = db.scalar("SELECT imported_at FROM package_received WHERE sha256 = ?", (sha256,))
    return None if value is None else str(value)


def record_package_received(db: Database, sha256: str, sender: str, at: str) -> None:
    db.execute("INSERT INTO package_received (sha256, sender, imported_at) VALUES (?, ?, ?)", (sha256, sender, at))


def sync_base(db: Database, audit_uuid: str, peer_fingerprint: str) -> dict[str, Any] | None:
    text = db.scalar("SELECT content FROM package_sync WHERE audit_uuid = ? AND peer_fingerprint = ?",
                     (audit_uuid, peer_fingerprint))
    return None if text is None else dict(json.loads(text))


def set_sync_base(db: Database, audit_uuid: str, peer_fingerprint: str, document: dict[str, Any], at: str) -> None:
    db.execute("INSERT INTO package_sync (audit_uuid, peer_fingerprint, content, exchanged_at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (audit_uuid, peer_fingerprint) DO UPDATE SET content = excluded.content, "
               "exchanged_at = excluded.exchanged_at",
               (audit_uuid, peer_fingerprint, json.dumps(document, ensure_ascii=False, sort_keys=True), at))


def audit_ids(db: Database, *, fiscal_year: int | None = None) -> list[int]:
    if fiscal_year is None:
        return [int(row[0]) for row in db.query("SELECT id FROM audit ORDER BY id")]
    return [int(row[0]) for row in db.query("SELECT id FROM audit WHERE fiscal_year = ? ORDER BY id", (fiscal_year,))]


def audit_template_id(db: Database, audit_id: int) -> int | None:
    value = db.scalar("SELECT template_id FROM audit WHERE id = ?", (audit_id,))
    return None if value is None else int(value)


def audit_id_by_uuid(db: Database, audit_uuid: str) -> int | None:
    value = db.scalar("SELECT id FROM audit WHERE uuid = ?", (audit_uuid,))
    return None if value is None else int(value)


def _decode_lists(values: dict[str, Any]) -> dict[str, Any]:
    for name in ("auditors", "attendees"):
        values[name] = json.loads(values[name]) if values[name] else []
    return values


def _followup(values: Sequence[Any]) -> dict[str, Any]:
    """A follow-up's fields, and its 予定日 when the report gave one (packages made before 予定日 have none)."""
    followup = dict(zip(_FOLLOWUP_FIELDS, values[:-1], strict=True))
    if values[-1] is not None:
        followup["planned_on"] = values[-1]
    return followup


def read_audit_document(db: Database, audit_id: int) -> dict[str, Any]:
    """The audit as a document: details, scores by item code, findings with follow-ups, evidence (no bytes)."""
    row = db.execute(
        "SELECT a.uuid, ag.code, t.name, t.version, " + ", ".join(f"a.{f}" for f in _AUDIT_FIELDS) +
        " FROM audit a JOIN agency ag ON ag.id = a.agency_id LEFT JOIN checklist_template t ON t.id = a.template_id"
        " WHERE a.id = ?", (audit_id,)).fetchone()
    details = _decode_lists(dict(zip(_AUDIT_FIELDS, row[4:], strict=True)))
    scores = {str(code): dict(zip(_SCORE_FIELDS, values, strict=True)) for code, *values in db.query(
        "SELECT i.code, " + ", ".join(f"s.{f}" for f in _SCORE_FIELDS) +
        " FROM audit_score s JOIN checklist_item i ON i.id = s.item_id WHERE s.audit_id = ?", (audit_id,))}
    findings: dict[str, Any] = {}
    for finding_id, finding_uuid, discrepancy, item_code, *values in db.query(
            "SELECT f.id, f.uuid, f.discrepancy_id, i.code, " + ", ".join(f"f.{f}" for f in _FINDING_FIELDS) +
            " FROM finding f LEFT JOIN checklist_item i ON i.id = f.item_id WHERE f.audit_id = ? ORDER BY f.id",
            (audit_id,)):
        followups = {str(u): _followup(v) for u, *v in db.query(
            "SELECT f.uuid, " + ", ".join(f"f.{f}" for f in _FOLLOWUP_FIELDS) + ", p.planned_on FROM followup f "
            "LEFT JOIN followup_plan p ON p.followup_id = f.id WHERE f.finding_id = ?", (finding_id,))}
        findings[str(finding_uuid)] = {"item_code": item_code, **dict(zip(_FINDING_FIELDS, values, strict=True)),
                                       "discrepancy": package_runs.discrepancy_ref(db, discrepancy),
                                       "followups": followups}
    evidence = {str(u): {"item_code": code, **dict(zip(_EVIDENCE_FIELDS, v, strict=True))} for u, code, *v in db.query(
        "SELECT e.uuid, i.code, " + ", ".join(f"e.{f}" for f in _EVIDENCE_FIELDS) +
        " FROM evidence e LEFT JOIN checklist_item i ON i.id = e.item_id WHERE e.audit_id = ?", (audit_id,))}
    run = package_runs.audit_run_uuid(db, audit_id)
    runs = sorted(({run} if run else set()) | {f["discrepancy"][0] for f in findings.values() if f["discrepancy"]})
    return {"uuid": row[0], "agency_code": row[1], "template": None if row[2] is None else [row[2], row[3]],
            "details": details, "scores": scores, "findings": findings, "evidence": evidence,
            "reconciliation": run, "explanations": package_runs.explanations(db, runs)}


def runs_of(document: dict[str, Any]) -> list[str]:
    """The runs an audit document refers to (its sheet's run and the runs its findings were raised from)."""
    return sorted(document["explanations"])


def evidence_bytes(db: Database, sha256: str) -> bytes:
    return bytes(db.scalar("SELECT content FROM evidence WHERE sha256 = ? LIMIT 1", (sha256,)))


def agency_id(db: Database, code: str) -> int | None:
    value = db.scalar("SELECT id FROM agency WHERE code = ?", (code,))
    return None if value is None else int(value)


def template_id(db: Database, name: str, version: int) -> int | None:
    value = db.scalar("SELECT id FROM checklist_template WHERE name = ? AND version = ?", (name, version))
    return None if value is None else int(value)


def _item_ids(db: Database, template: int | None) -> dict[str, int]:
    return {str(code): int(item) for item, code in
            db.query("SELECT id, code FROM checklist_item WHERE template_id = ?", (template,))}


def write_audit_document(db: Database, document: dict[str, Any], evidence_content: dict[str, bytes],
                         finding_order: Sequence[str] = ()) -> int:
    """Insert or update the audit `document` describes (matched by UUID); rows it names are upserted, none
    removed. Agency, template and the runs it names must exist (the caller writes them first). New findings are
    inserted in `finding_order` (the sender's), so they are numbered on the sheet as there. Returns the id."""
    agency = agency_id(db, document["agency_code"])
    template = None if document["template"] is None else template_id(db, *document["template"])
    details = dict(document["details"])
    for name in ("auditors", "attendees"):
        details[name] = json.dumps(details[name], ensure_ascii=False)
    audit = audit_id_by_uuid(db, document["uuid"])
    if audit is None:
        cursor = db.execute(
            "INSERT INTO audit (uuid, agency_id, template_id, " + ", ".join(_AUDIT_FIELDS) + ") VALUES (?, ?, ?, " +
            ", ".join("?" for _ in _AUDIT_FIELDS) + ")",
            (document["uuid"], agency, template, *(details[f] for f in _AUDIT_FIELDS)))
        audit = int(cursor.lastrowid)
    else:
        db.execute("UPDATE audit SET " + ", ".join(f"{f} = ?" for f in _AUDIT_FIELDS) + " WHERE id = ?",
                   (*(details[f] for f in _AUDIT_FIELDS), audit))
    run = document.get("reconciliation")
    run_id = None if run is None else package_runs.run_id_by_uuid(db, run)
    if run is None or run_id is not None:  # a run the package did not carry leaves the choice as it is
        db.execute("UPDATE audit SET reconciliation_id = ? WHERE id = ?", (run_id, audit))
    for run_uuid, found in document.get("explanations", {}).items():
        package_runs.set_explanations(db, run_uuid, found)
    items = _item_ids(db, template)
    for code, score in document["scores"].items():
        db.execute("INSERT INTO audit_score (audit_id, item_id, " + ", ".join(_SCORE_FIELDS) + ") VALUES (?, ?, " +
                   ", ".join("?" for _ in _SCORE_FIELDS) + ") ON CONFLICT (audit_id, item_id) DO UPDATE SET " +
                   ", ".join(f"{f} = excluded.{f}" for f in _SCORE_FIELDS),
                   (audit, items[code], *(score[f] for f in _SCORE_FIELDS)))
    rank = {uuid: n for n, uuid in enumerate(finding_order)}  # new findings keep the sender's numbering
    for finding_uuid, finding in sorted(document["findings"].items(), key=lambda f: (rank.get(f[0], len(rank)), f[0])):
        values = (items.get(finding["item_code"]) if finding["item_code"] else None,
                  package_runs.discrepancy_id(db, finding.get("discrepancy")), *(finding[f] for f in _FINDING_FIELDS))
        finding_id = db.scalar("SELECT id FROM finding WHERE uuid = ?", (finding_uuid,))
        if finding_id is None:
            finding_id = db.execute(
                "INSERT INTO finding (uuid, audit_id, item_id, discrepancy_id, " + ", ".join(_FINDING_FIELDS) +
                ") VALUES (?, ?, ?, ?, " + ", ".join("?" for _ in _FINDING_FIELDS) + ")",
                (finding_uuid, audit, *values)).lastrowid
        else:
            db.execute("UPDATE finding SET item_id = ?, discrepancy_id = ?, " +
                       ", ".join(f"{f} = ?" for f in _FINDING_FIELDS) +
                       " WHERE id = ?", (*values, finding_id))
        for followup_uuid, followup in finding["followups"].items():
            db.execute("INSERT INTO followup (uuid, finding_id, " + ", ".join(_FOLLOWUP_FIELDS) + ") VALUES (?, ?, " +
                       ", ".join("?" for _ in _FOLLOWUP_FIELDS) + ") ON CONFLICT (uuid) DO UPDATE SET " +
                       ", ".join(f"{f} = excluded.{f}" for f in _FOLLOWUP_FIELDS),
                       (followup_uuid, finding_id, *(followup[f] for f in _FOLLOWUP_FIELDS)))
            if "planned_on" in followup:
                db.execute("INSERT INTO followup_plan (followup_id, planned_on) SELECT id, ? FROM followup "
                           "WHERE uuid = ? ON CONFLICT (followup_id) DO UPDATE SET planned_on = excluded.planned_on",
                           (followup["planned_on"], followup_uuid))
    for evidence_uuid, info in document["evidence"].items():
        if db.scalar("SELECT 1 FROM evidence WHERE uuid = ?", (evidence_uuid,)) is None:
            db.execute("INSERT INTO evidence (uuid, audit_id, item_id, content, " + ", ".join(_EVIDENCE_FIELDS) +
                       ") VALUES (?, ?, ?, ?, " + ", ".join("?" for _ in _EVIDENCE_FIELDS) + ")",
                       (evidence_uuid, audit, items.get(info["item_code"]) if info["item_code"] else None,
                        evidence_content[info["sha256"]], *(info[f] for f in _EVIDENCE_FIELDS)))
        else:
            db.execute("UPDATE evidence SET note = ? WHERE uuid = ?", (info["note"], evidence_uuid))
    _delete_absent(db, audit, document)
    return audit


def _delete_absent(db: Database, audit: int, document: dict[str, Any]) -> None:
    """Remove the audit's findings, follow-ups and evidence files the merged document no longer has (deleted on
    one side and left unchanged on the other)."""
    followups = {u for finding in document["findings"].values() for u in finding["followups"]}
    for table, keep in (("finding", set(document["findings"])), ("evidence", set(document["evidence"]))):
        for row_id, uuid in db.query(f"SELECT id, uuid FROM {table} WHERE audit_id = ?", (audit,)):
            if uuid not in keep:
                if table == "finding":
                    db.execute("UPDATE sample_line SET finding_id = NULL WHERE finding_id = ?", (row_id,))
                    db.execute("DELETE FROM followup WHERE finding_id = ?", (row_id,))
                db.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
    for row_id, uuid in db.query("SELECT id, uuid FROM followup WHERE finding_id IN "
                                 "(SELECT id FROM finding WHERE audit_id = ?)", (audit,)):
        if uuid not in followups:
            db.execute("DELETE FROM followup WHERE id = ?", (row_id,))


# ----- master data: rows by natural key, foreign keys as the parent's natural key -----

# Parents before children. The key columns identify a row on every machine (ids differ between machines).
MASTER_TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("agency", ("code",)),
    ("jimu", ("code",)),
    ("jimu_basis", ("code", "valid_from")),
    ("jimu_agency", ("jimu_id", "agency_id")),
    ("terminal", ("agency_id", "code")),
    ("operator", ("agency_id", "operator_code")),
    ("checklist_template", ("name", "version")),
    ("checklist_item", ("template_id", "code")),
    ("watchlist_entry", ("agency_id", "subject_hash")),  # agency_id NULL: the office's list (every agency)
)
_MASTER_KEYS = dict(MASTER_TABLES)


def _columns(db: Database, table: str) -> list[str]:
    return [str(row[1]) for row in db.query(f"PRAGMA table_info('{table}')")]


def _parents(db: Database, table: str) -> dict[str, str]:
    """Foreign-key column → master table it points at."""
    return {str(row[3]): str(row[2]) for row in db.query(f"PRAGMA foreign_key_list('{table}')")
            if str(row[2]) in _MASTER_KEYS}


def read_master_data(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every master table's rows without ids; a foreign key becomes the parent's natural key (a list)."""
    natural: dict[str, dict[int, list[Any]]] = {}
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, key in MASTER_TABLES:
        columns, parents = _columns(db, table), _parents(db, table)
        rows = []
        natural[table] = {}
        for values in db.query(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid"):
            row = dict(zip(columns, values, strict=True))
            for column, parent in parents.items():
                row[column] = None if row[column] is None else natural[parent][row[column]]
            row_id = row.pop("id", None)
            if row_id is not None:
                natural[table][int(row_id)] = [row[k] for k in key]
            rows.append(row)
        tables[table] = rows
    return tables


def _key_text(values: Any) -> str:
    return json.dumps(values, ensure_ascii=False)


def write_master_data(db: Database, tables: dict[str, list[dict[str, Any]]], *, write: bool) -> dict[str, list[int]]:
    """Insert the rows this database lacks and update the ones that differ, matched by natural key; nothing is
    deleted. With write=False only counts. Returns {table: [added, changed]}."""
    counts: dict[str, list[int]] = {}
    local_ids: dict[str, dict[str, int]] = {}
    for table, key in MASTER_TABLES:
        columns, parents = _columns(db, table), _parents(db, table)
        has_id = "id" in columns
        local = read_master_rows_by_key(db, table, key, columns, parents, local_ids)
        local_ids[table] = {k: row_id for k, (row_id, _row) in local.items() if row_id is not None}
        added = changed = 0
        for incoming in tables.get(table, []):
            row = {c: incoming.get(c) for c in columns if c != "id"}
            key_text = _key_text([row[k] for k in key])
            for column, parent in parents.items():
                if row[column] is not None:
                    row[column] = local_ids[parent].get(_key_text(row[column]), -1)  # -1: added in a dry run
            existing = local.get(key_text)
            if existing is None:
                added += 1
                row_id = -1
                if write:
                    names = list(row)
                    cursor = db.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES "
                                        f"({', '.join('?' for _ in names)})", [row[n] for n in names])
                    row_id = int(cursor.lastrowid)
                if has_id:
                    local_ids[table][key_text] = row_id
            elif existing[1] != row:
                changed += 1
                names = [n for n in row if n not in key]
                if write and names:
                    db.execute(f"UPDATE {table} SET {', '.join(f'{n} = ?' for n in names)} "
                               f"WHERE {' AND '.join(f'{k} IS ?' for k in key)}",
                               [*(row[n] for n in names), *(row[k] for k in key)])
        counts[table] = [added, changed]
    return counts


def read_master_rows_by_key(db: Database, table: str, key: tuple[str, ...], columns: list[str],
                            parents: dict[str, str], local_ids: dict[str, dict[str, int]]
                            ) -> dict[str, tuple[int | None, dict[str, Any]]]:
    """This database's rows of `table` by natural key (as JSON text): (id or None, row without id)."""
    parent_keys = {parent: {row_id: key_text for key_text, row_id in local_ids[parent].items()}
                   for parent in set(parents.values())}
    rows: dict[str, tuple[int | None, dict[str, Any]]] = {}
    for values in db.query(f"SELECT {', '.join(columns)} FROM {table}"):
        row = dict(zip(columns, values, strict=True))
        row_id = row.pop("id", None)
        natural_key = [json.loads(parent_keys[parents[k]][row[k]]) if k in parents and row[k] is not None else row[k]
                       for k in key]
        rows[_key_text(natural_key)] = (row_id, row)
    return rows
