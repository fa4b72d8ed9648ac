"""Repository of the audits area: checklist templates and items, audits, scores, evidence, findings, follow-ups."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..core.audit import (
    Audit,
    AuditStatus,
    AuditType,
    ChecklistItem,
    ChecklistTarget,
    ChecklistTemplate,
    Finding,
    FindingClass,
    Followup,
    ItemScore,
    NewAudit,
    NewFinding,
    NewFollowup,
    ScoringScheme,
    Severity,
)
from ..core.followup_status import FollowupStatuses
from . import followup_status_repo
from .database import Database


def now_text() -> str:
    """The local time as stored in created_at / updated_at columns."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


# ---------------------------------------------------------------- checklist templates


def scoring_to_json(scheme: ScoringScheme) -> str:
    labels = {str(points): label for points, label in sorted(scheme.labels.items(), reverse=True)}
    return json.dumps({"labels": labels, "na_label": scheme.na_label}, ensure_ascii=False)


def scoring_from_json(text: str) -> ScoringScheme:
    data = json.loads(text)
    return ScoringScheme({int(k): str(v) for k, v in data["labels"].items()}, str(data["na_label"]))


_ITEM_COLUMNS = "id, template_id, ordinal, code, category, question, viewpoint, method, evidence, criteria"


def _item(row: tuple[Any, ...]) -> ChecklistItem:
    id_, template_id, ordinal, code, category, question, viewpoint, method, evidence, criteria = row
    return ChecklistItem(code, category, question, viewpoint or "", method or "", evidence or "", criteria or "",
                         ordinal, id_, template_id)


def insert_template(db: Database, template: ChecklistTemplate, created_at: str) -> ChecklistTemplate:
    cur = db.execute(
        "INSERT INTO checklist_template (name, version, target, scoring, description, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (template.name, template.version, template.target.value, scoring_to_json(template.scoring),
         template.description, created_at),
    )
    template_id = int(cur.lastrowid)
    for ordinal, item in enumerate(template.items, start=1):
        db.execute(
            "INSERT INTO checklist_item (template_id, ordinal, code, category, question, viewpoint, method, "
            "evidence, criteria) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (template_id, ordinal, item.code, item.category, item.question, item.viewpoint, item.method,
             item.evidence, item.criteria),
        )
    return get_template(db, template_id)  # type: ignore[return-value]


def get_template(db: Database, template_id: int) -> ChecklistTemplate | None:
    row = db.execute(
        "SELECT id, name, version, target, scoring, description, created_at FROM checklist_template WHERE id = ?",
        (template_id,),
    ).fetchone()
    if row is None:
        return None
    id_, name, version, target, scoring, description, created_at = row
    return ChecklistTemplate(name, version, ChecklistTarget(target), scoring_from_json(scoring), description or "",
                             tuple(template_items(db, id_)), created_at, id_)


def template_items(db: Database, template_id: int) -> list[ChecklistItem]:
    return [_item(r) for r in db.query(
        f"SELECT {_ITEM_COLUMNS} FROM checklist_item WHERE template_id = ? ORDER BY ordinal", (template_id,))]


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    name: str
    version: int
    target: str
    items: int
    created_at: str


def list_templates(db: Database) -> list[TemplateInfo]:
    """Every stored template version, newest version first per name."""
    return [TemplateInfo(*r) for r in db.query(
        "SELECT t.id, t.name, t.version, t.target, (SELECT count(*) FROM checklist_item i WHERE i.template_id = t.id), "
        "t.created_at FROM checklist_template t ORDER BY t.name, t.version DESC")]


def latest_template_id(db: Database, name: str | None = None, target: str | None = None) -> int | None:
    """The template stored last (the newest version, or the newest imported checklist for a target)."""
    sql, params = "SELECT id FROM checklist_template WHERE 1 = 1", []
    if name is not None:
        sql += " AND name = ?"
        params.append(name)
    if target is not None:
        sql += " AND target = ?"
        params.append(target)
    value = db.scalar(sql + " ORDER BY id DESC LIMIT 1", params)
    return None if value is None else int(value)


def next_version(db: Database, name: str) -> int:
    return int(db.scalar("SELECT coalesce(max(version), 0) + 1 FROM checklist_template WHERE name = ?", (name,)))


# ---------------------------------------------------------------- audits

_AUDIT_COLUMNS = (
    "a.id, a.agency_id, a.fiscal_year, a.audit_type, a.template_id, a.status, a.start_date, a.end_date, a.place, "
    "a.auditors, a.attendees, a.previous_id, a.is_history, g.code, g.name"
)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(text: str | None) -> date | None:
    return None if not text else date.fromisoformat(text)


def _audit(row: tuple[Any, ...]) -> Audit:
    (id_, agency_id, fiscal_year, audit_type, template_id, status, start, end, place, auditors, attendees,
     previous_id, is_history, agency_code, agency_name) = row
    return Audit(agency_id, fiscal_year, AuditType(audit_type), template_id, AuditStatus(status), _date(start),
                 _date(end), place or "", tuple(json.loads(auditors or "[]")), tuple(json.loads(attendees or "[]")),
                 previous_id, bool(is_history), id=id_, agency_code=agency_code, agency_name=agency_name)


def insert_audit(db: Database, audit: NewAudit) -> int:
    cur = db.execute(
        "INSERT INTO audit (agency_id, fiscal_year, audit_type, template_id, status, start_date, end_date, place, "
        "auditors, attendees, previous_id, is_history) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (audit.agency_id, audit.fiscal_year, audit.audit_type.value, audit.template_id, audit.status.value,
         _iso(audit.start_date), _iso(audit.end_date), audit.place,
         json.dumps(list(audit.auditors), ensure_ascii=False), json.dumps(list(audit.attendees), ensure_ascii=False),
         audit.previous_id, int(audit.is_history)),
    )
    return int(cur.lastrowid)


def update_audit_details(db: Database, audit: Audit) -> None:
    db.execute(
        "UPDATE audit SET start_date = ?, end_date = ?, place = ?, auditors = ?, attendees = ? WHERE id = ?",
        (_iso(audit.start_date), _iso(audit.end_date), audit.place,
         json.dumps(list(audit.auditors), ensure_ascii=False), json.dumps(list(audit.attendees), ensure_ascii=False),
         audit.id),
    )


def get_audit(db: Database, audit_id: int) -> Audit | None:
    row = db.execute(
        f"SELECT {_AUDIT_COLUMNS} FROM audit a JOIN agency g ON g.id = a.agency_id WHERE a.id = ?", (audit_id,)
    ).fetchone()
    return None if row is None else _audit(row)


def list_audits(db: Database, fiscal_year: int | None = None, agency_id: int | None = None,
                audit_type: AuditType | None = None) -> list[Audit]:
    sql, params = f"SELECT {_AUDIT_COLUMNS} FROM audit a JOIN agency g ON g.id = a.agency_id WHERE 1 = 1", []
    for column, value in (("a.fiscal_year", fiscal_year), ("a.agency_id", agency_id),
                          ("a.audit_type", None if audit_type is None else audit_type.value)):
        if value is not None:
            sql += f" AND {column} = ?"
            params.append(value)
    return [_audit(r) for r in db.query(sql + " ORDER BY a.fiscal_year DESC, g.code, a.audit_type, a.id", params)]


def set_audit_status(db: Database, audit_id: int, status: AuditStatus) -> None:
    db.execute("UPDATE audit SET status = ? WHERE id = ?", (status.value, audit_id))


def set_previous_audit(db: Database, audit_id: int, previous_id: int) -> None:
    db.execute("UPDATE audit SET previous_id = ? WHERE id = ?", (previous_id, audit_id))


def checklist_item_id(db: Database, template_id: int, code: str) -> int | None:
    value = db.scalar("SELECT id FROM checklist_item WHERE template_id = ? AND code = ?", (template_id, code))
    return None if value is None else int(value)


def latest_earlier_audit_id(db: Database, audit: NewAudit) -> int | None:
    """The agency's most recent audit of the same type in an earlier fiscal year (the last cycle)."""
    value = db.scalar(
        "SELECT id FROM audit WHERE agency_id = ? AND audit_type = ? AND fiscal_year < ? "
        "ORDER BY fiscal_year DESC, id DESC LIMIT 1",
        (audit.agency_id, audit.audit_type.value, audit.fiscal_year),
    )
    return None if value is None else int(value)


# ---------------------------------------------------------------- scores

_SCORE_FIELDS = ("self_score", "verified", "note", "self_comment")


def upsert_score_field(db: Database, audit_id: int, item_id: int, field: str, value: Any, updated_at: str) -> None:
    if field not in _SCORE_FIELDS:
        raise ValueError(f"unknown score field {field}")
    db.execute(
        f"INSERT INTO audit_score (audit_id, item_id, {field}, updated_at) VALUES (?, ?, ?, ?) "
        f"ON CONFLICT (audit_id, item_id) DO UPDATE SET {field} = excluded.{field}, updated_at = excluded.updated_at",
        (audit_id, item_id, value, updated_at),
    )


@dataclass(frozen=True)
class ScoreRow:
    self_score: int | None
    verified: int | None
    note: str
    self_comment: str
    updated_at: str


def scores_by_code(db: Database, audit_id: int) -> dict[str, ScoreRow]:
    rows = db.query(
        "SELECT i.code, s.self_score, s.verified, s.note, s.self_comment, s.updated_at FROM audit_score s "
        "JOIN checklist_item i ON i.id = s.item_id WHERE s.audit_id = ?", (audit_id,))
    return {code: ScoreRow(s, v, n or "", c or "", u or "") for code, s, v, n, c, u in rows}


def item_scores(db: Database, audit_id: int, template_id: int, previous_id: int | None) -> list[ItemScore]:
    current = scores_by_code(db, audit_id)
    previous = scores_by_code(db, previous_id) if previous_id is not None else {}
    result = []
    for item in template_items(db, template_id):
        now = current.get(item.code, ScoreRow(None, None, "", "", ""))
        before = previous.get(item.code, ScoreRow(None, None, "", "", ""))
        result.append(ItemScore(item, now.self_score, now.verified, now.note, now.self_comment, now.updated_at,
                                before.self_score, before.verified, before.note))
    return result


@dataclass(frozen=True)
class LowScore:
    audit_id: int
    agency_code: str
    agency_name: str
    item_code: str
    category: str
    question: str
    score: int
    comment: str


def low_scores(db: Database, fiscal_year: int, audit_type: AuditType, below: int) -> list[LowScore]:
    """Counted scores under `below` in the year's audits of the type: self scores for 自己点検, else verified."""
    column = "s.self_score" if audit_type is AuditType.SELF_CHECK else "s.verified"
    comment = "s.self_comment" if audit_type is AuditType.SELF_CHECK else "s.note"
    rows = db.query(
        f"SELECT a.id, g.code, g.name, i.code, i.category, i.question, {column}, coalesce({comment}, '') "
        "FROM audit_score s JOIN audit a ON a.id = s.audit_id JOIN agency g ON g.id = a.agency_id "
        "JOIN checklist_item i ON i.id = s.item_id "
        f"WHERE a.fiscal_year = ? AND a.audit_type = ? AND {column} BETWEEN 1 AND ? "
        "ORDER BY i.code, g.code", (fiscal_year, audit_type.value, below - 1))
    return [LowScore(*r) for r in rows]


# ---------------------------------------------------------------- evidence


@dataclass(frozen=True)
class EvidenceInfo:
    id: int
    audit_id: int
    item_id: int | None
    item_code: str
    file_name: str
    mime: str
    sha256: str
    size: int
    note: str
    added_at: str


def insert_evidence(db: Database, audit_id: int, item_id: int | None, file_name: str, mime: str, sha256: str,
                    content: bytes, note: str, added_at: str) -> int:
    cur = db.execute(
        "INSERT INTO evidence (audit_id, item_id, file_name, mime, sha256, size, note, content, added_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (audit_id, item_id, file_name, mime, sha256, len(content), note, content, added_at),
    )
    return int(cur.lastrowid)


_EVIDENCE_INFO = ("SELECT e.id, e.audit_id, e.item_id, coalesce(i.code, ''), e.file_name, coalesce(e.mime, ''), "
                  "e.sha256, e.size, coalesce(e.note, ''), e.added_at FROM evidence e "
                  "LEFT JOIN checklist_item i ON i.id = e.item_id ")


def list_evidence(db: Database, audit_id: int) -> list[EvidenceInfo]:
    return [EvidenceInfo(*r) for r in db.query(_EVIDENCE_INFO + "WHERE e.audit_id = ? ORDER BY e.id", (audit_id,))]


def evidence_content(db: Database, evidence_id: int) -> tuple[str, str, bytes] | None:
    row = db.execute("SELECT file_name, sha256, content FROM evidence WHERE id = ?", (evidence_id,)).fetchone()
    return None if row is None else (row[0], row[1], bytes(row[2]))


def evidence_info(db: Database, evidence_id: int) -> EvidenceInfo | None:
    row = db.execute(_EVIDENCE_INFO + "WHERE e.id = ?", (evidence_id,)).fetchone()
    return None if row is None else EvidenceInfo(*row)


def delete_evidence(db: Database, evidence_id: int) -> None:
    db.execute("DELETE FROM evidence WHERE id = ?", (evidence_id,))


# ---------------------------------------------------------------- findings and follow-ups

FINDING_FIELDS = ("finding_class", "severity", "title", "condition", "criteria", "cause", "effect",
                  "recommendation", "due_date", "status", "item_id", "discrepancy_id")

_FINDING_COLUMNS = (
    "f.id, f.audit_id, f.item_id, f.discrepancy_id, f.finding_class, f.severity, f.title, f.condition, f.criteria, "
    "f.cause, f.effect, f.recommendation, f.due_date, f.status, f.created_at, coalesce(i.code, ''), g.code, g.name, "
    "a.fiscal_year, a.audit_type"
)
_FINDING_FROM = (
    "FROM finding f JOIN audit a ON a.id = f.audit_id JOIN agency g ON g.id = a.agency_id "
    "LEFT JOIN checklist_item i ON i.id = f.item_id"
)


def _finding(row: tuple[Any, ...], statuses: FollowupStatuses) -> Finding:
    (id_, audit_id, item_id, discrepancy_id, finding_class, severity, title, condition, criteria, cause, effect,
     recommendation, due_date, status, created_at, item_code, agency_code, agency_name, fiscal_year,
     audit_type) = row
    return Finding(audit_id, FindingClass(finding_class), title, Severity(severity), condition or "",
                   criteria or "", cause or "", effect or "", recommendation or "", _date(due_date),
                   status, item_id, discrepancy_id, id=id_, created_at=created_at,
                   item_code=item_code, agency_code=agency_code, agency_name=agency_name, fiscal_year=fiscal_year,
                   audit_type=AuditType(audit_type), closed=statuses.closes(status))


def _finding_values(finding: NewFinding) -> tuple[Any, ...]:
    return (finding.finding_class.value, finding.severity.value, finding.title, finding.condition, finding.criteria,
            finding.cause, finding.effect, finding.recommendation, _iso(finding.due_date), finding.status,
            finding.item_id, finding.discrepancy_id)


def insert_finding(db: Database, finding: NewFinding, created_at: str) -> int:
    cur = db.execute(
        f"INSERT INTO finding (audit_id, {', '.join(FINDING_FIELDS)}, created_at) "
        f"VALUES (?, {', '.join('?' for _ in FINDING_FIELDS)}, ?)",
        (finding.audit_id, *_finding_values(finding), created_at),
    )
    return int(cur.lastrowid)


def update_finding(db: Database, finding: Finding) -> None:
    db.execute(
        f"UPDATE finding SET {', '.join(f'{name} = ?' for name in FINDING_FIELDS)} WHERE id = ?",
        (*_finding_values(finding), finding.id),
    )


def set_finding_status(db: Database, finding_id: int, status: str) -> None:
    db.execute("UPDATE finding SET status = ? WHERE id = ?", (status, finding_id))


def get_finding(db: Database, finding_id: int) -> Finding | None:
    row = db.execute(f"SELECT {_FINDING_COLUMNS} {_FINDING_FROM} WHERE f.id = ?", (finding_id,)).fetchone()
    return None if row is None else _finding(row, followup_status_repo.load(db))


def list_findings(db: Database, audit_id: int | None = None, audit_ids: list[int] | None = None) -> list[Finding]:
    sql, params = f"SELECT {_FINDING_COLUMNS} {_FINDING_FROM} WHERE 1 = 1", []
    if audit_id is not None:
        sql += " AND f.audit_id = ?"
        params.append(audit_id)
    if audit_ids is not None:
        sql += f" AND f.audit_id IN ({', '.join('?' for _ in audit_ids)})"
        params.extend(audit_ids)
    statuses = followup_status_repo.load(db)
    return [_finding(r, statuses) for r in db.query(sql + " ORDER BY a.fiscal_year, g.code, f.id", params)]


def earlier_audit_ids(db: Database, audit: Audit) -> list[int]:
    """Every audit of the same agency before `audit` (by fiscal year, then id)."""
    return [int(r[0]) for r in db.query(
        "SELECT id FROM audit WHERE agency_id = ? AND id != ? AND (fiscal_year < ? OR (fiscal_year = ? AND id < ?))",
        (audit.agency_id, audit.id, audit.fiscal_year, audit.fiscal_year, audit.id))]


def insert_followup(db: Database, followup: NewFollowup) -> int:
    cur = db.execute(
        "INSERT INTO followup (finding_id, reported_on, status, note) VALUES (?, ?, ?, ?)",
        (followup.finding_id, followup.reported_on.isoformat(), followup.status, followup.note),
    )
    followup_id = int(cur.lastrowid)
    if followup.planned_on is not None:
        db.execute("INSERT INTO followup_plan (followup_id, planned_on) VALUES (?, ?)",
                   (followup_id, followup.planned_on.isoformat()))
    return followup_id


def list_followups(db: Database, finding_id: int) -> list[Followup]:
    rows = db.query(
        "SELECT f.id, f.finding_id, f.reported_on, f.status, coalesce(f.note, ''), p.planned_on FROM followup f "
        "LEFT JOIN followup_plan p ON p.followup_id = f.id WHERE f.finding_id = ? ORDER BY f.reported_on, f.id",
        (finding_id,))
    return [Followup(fid, date.fromisoformat(on), status, note, _date(planned), id=id_)
            for id_, fid, on, status, note, planned in rows]


# ---------------------------------------------------------------- discrepancies (read; the reconcile area owns them)


def delete_finding(db: Database, finding_id: int) -> None:
    """The finding, its follow-up reports (cascade) and its mark on a sample line."""
    db.execute("UPDATE sample_line SET finding_id = NULL WHERE finding_id = ?", (finding_id,))
    db.execute("DELETE FROM finding WHERE id = ?", (finding_id,))


def finding_ids_of_discrepancy(db: Database, discrepancy_id: int) -> list[int]:
    return [int(i) for (i,) in db.query("SELECT id FROM finding WHERE discrepancy_id = ? ORDER BY id",
                                        (discrepancy_id,))]


def operation_lines(db: Database, operation_ids: list[int]) -> list[dict[str, Any]]:
    """The log lines a discrepancy names, as evidence (masked subject only)."""
    if not operation_ids:
        return []
    rows = db.query(
        "SELECT o.id, f.file_name, o.line, o.at, o.terminal, o.operator, o.op_kind, o.jimu_code, o.count, o.result, "
        f"o.subject_mask FROM operation o JOIN import_file f ON f.id = o.file_id WHERE o.id IN "
        f"({', '.join('?' for _ in operation_ids)}) ORDER BY o.at, o.id", operation_ids)
    keys = ("id", "file", "line", "at", "terminal", "operator", "op_kind", "jimu_code", "count", "result",
            "subject_mask")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def register_lines(db: Database, register_ids: list[int]) -> list[dict[str, Any]]:
    if not register_ids:
        return []
    rows = db.query(
        "SELECT r.id, coalesce(f.file_name, ''), r.line, r.start_at, r.end_at, r.terminal, r.operator, r.jimu_code, "
        "r.count FROM register_entry r LEFT JOIN import_file f ON f.id = r.file_id WHERE r.id IN "
        f"({', '.join('?' for _ in register_ids)}) ORDER BY r.start_at, r.id", register_ids)
    keys = ("id", "file", "line", "start_at", "end_at", "terminal", "operator", "jimu_code", "count")
    return [dict(zip(keys, r, strict=True)) for r in rows]
