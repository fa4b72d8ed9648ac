"""Audit sessions: create (fresh or from the last cycle), status, item scores with autosave, evidence, averages."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from ..core.audit import (
    ALLOWED_TRANSITIONS,
    NOT_APPLICABLE,
    SCORES_LOCKED,
    Audit,
    AuditStatus,
    AuditType,
    ChecklistTarget,
    ItemScore,
    NewAudit,
)
from ..core.errors import InputError, JukiAuditError
from ..core.master import AgencyKind
from ..core.scoring import ScoreSummary, exact_mean, round_two, summarize
from ..core.wareki import normalize_text
from ..storage import audits_repo as repo
from ..storage import reports_repo, trail
from ..storage.agencies import get_by_code, kinds_by_id
from ..storage.audits_repo import EvidenceInfo, LowScore, now_text
from ..storage.database import Database
from . import settings
from .checklists import install_default_templates

EVIDENCE_LIMIT_SETTING = "audit.evidence_max_bytes"
DEFAULT_EVIDENCE_LIMIT = 20 * 1024 * 1024
NA_WORDS = ("該当なし", "na", "n/a", "-", "なし")


# ---------------------------------------------------------------- parsing user input


def parse_audit_type(text: str) -> AuditType:
    try:
        return AuditType(text.strip())
    except ValueError:
        raise InputError(f"監査の種別「{text}」は使えません。自己点検 / 内部監査 / 外部監査 のいずれかです。") from None


def parse_status(text: str) -> AuditStatus:
    try:
        return AuditStatus(text.strip())
    except ValueError:
        allowed = " → ".join(s.value for s in AuditStatus)
        raise InputError(f"監査の状態「{text}」は使えません。状態は {allowed} です。") from None


def parse_score(value: object, location: str | None = None) -> int:
    """1, 2, 3 (also "３", 3.0) or 該当なし / na → 0. Anything else is an InputError naming `location`."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float) and float(value).is_integer() and 1 <= value <= 3:
        return int(value)
    text = str(value if value is not None else "").strip()
    normalized = normalize_text(text).lower()
    if normalized in ("1", "2", "3"):
        return int(normalized)
    if normalized in NA_WORDS:
        return NOT_APPLICABLE
    if not normalized:
        raise InputError("点数が入力されていません。1～3 または 該当なし を入力してください。", location)
    raise InputError(f"点数「{text}」は使えません。1～3 または 該当なし を入力してください。", location)


def score_label(score: int | None) -> str:
    if score is None:
        return ""
    return "該当なし" if score == NOT_APPLICABLE else str(score)


# ---------------------------------------------------------------- audits


def require_audit(db: Database, audit_id: int) -> Audit:
    audit = repo.get_audit(db, audit_id)
    if audit is None:
        raise InputError(f"監査 ID {audit_id} はありません。`jukiaudit audit list` で確認してください。")
    return audit


def list_audits(db: Database, fiscal_year: int | None = None, agency_id: int | None = None,
                audit_type: AuditType | None = None) -> list[Audit]:
    return repo.list_audits(db, fiscal_year, agency_id, None if audit_type is None else AuditType(audit_type))


def get_audit(db: Database, audit_id: int) -> Audit:
    return require_audit(db, audit_id)


def _default_template_id(db: Database, agency_id: int) -> int:
    kind = kinds_by_id(db).get(agency_id)
    target = ChecklistTarget.MUNICIPALITY if kind is AgencyKind.SHICHOSON else ChecklistTarget.PREFECTURE
    template_id = repo.latest_template_id(db, target=target.value)
    if template_id is None:
        install_default_templates(db)
        template_id = repo.latest_template_id(db, target=target.value)
    if template_id is None:
        raise JukiAuditError(f"対象「{target.value}」のチェックリストがありません。チェックリストを取り込んでください。")
    return template_id


def create_audit(db: Database, agency_code: str, fiscal_year: int, audit_type: AuditType, *,
                 template_id: int | None = None, start_date: date | None = None, end_date: date | None = None,
                 place: str = "", auditors: Sequence[str] = (), attendees: Sequence[str] = (),
                 previous_id: int | None = None) -> Audit:
    """A new audit in status 計画. 内部監査 / 外部監査 take the agency's self scores and comments from its
    自己点検 of the same fiscal year, so the auditor verifies them side by side."""
    audit_type = AuditType(audit_type)  # a plain str from a Qt combo box is accepted too
    agency = get_by_code(db, agency_code)
    if agency is None or agency.id is None:
        raise InputError(f"機関コード {agency_code} は登録されていません。")
    if not 1989 <= fiscal_year <= 2100:
        raise InputError(f"年度 {fiscal_year} が正しくありません(西暦で 2025 のように指定)。")
    if start_date and end_date and end_date < start_date:
        raise InputError("終了日が開始日より前になっています。")
    with db.transaction():
        if template_id is None:
            template_id = _default_template_id(db, agency.id)
        elif repo.get_template(db, template_id) is None:
            raise InputError(f"チェックリスト ID {template_id} はありません。")
        new = NewAudit(agency.id, fiscal_year, audit_type, template_id, AuditStatus.PLANNED, start_date, end_date,
                       place, tuple(auditors), tuple(attendees), previous_id)
        audit_id = repo.insert_audit(db, new)
        if previous_id is None:
            earlier = repo.latest_earlier_audit_id(db, new)
            if earlier is not None:
                repo.set_previous_audit(db, audit_id, earlier)
        audit = require_audit(db, audit_id)
        copied = _copy_self_scores_from_self_check(db, audit) if audit_type is not AuditType.SELF_CHECK else 0
        trail.record(db, "audit.create", audit_id=audit_id, agency=agency.code, fiscal_year=fiscal_year,
                     audit_type=audit_type.value, template_id=template_id, self_scores_copied=copied)
    return require_audit(db, audit_id)


def _copy_self_scores_from_self_check(db: Database, audit: Audit) -> int:
    self_check = next((a for a in repo.list_audits(db, audit.fiscal_year, audit.agency_id, AuditType.SELF_CHECK)
                       if a.id != audit.id), None)
    if self_check is None or audit.template_id is None:
        return 0
    source = repo.scores_by_code(db, self_check.id)
    copied, stamp = 0, now_text()
    for item in repo.template_items(db, audit.template_id):
        row = source.get(item.code)
        if row is None or (row.self_score is None and not row.self_comment):
            continue
        repo.upsert_score_field(db, audit.id, item.id, "self_score", row.self_score, stamp)  # type: ignore[arg-type]
        repo.upsert_score_field(db, audit.id, item.id, "self_comment", row.self_comment, stamp)  # type: ignore[arg-type]
        copied += 1
    return copied


def start_from_previous(db: Database, previous_id: int, fiscal_year: int, audit_type: AuditType | None = None, *,
                        start_date: date | None = None, end_date: date | None = None, place: str = "",
                        auditors: Sequence[str] = (), attendees: Sequence[str] = ()) -> Audit:
    """Start the agency's next audit from `previous_id`: latest version of the same checklist, scores cleared;
    the previous scores and notes are shown beside each item (audit_items → previous_*)."""
    previous = require_audit(db, previous_id)
    template_id = previous.template_id
    if template_id is not None:
        old = repo.get_template(db, template_id)
        if old is not None:
            template_id = repo.latest_template_id(db, name=old.name) or template_id
    return create_audit(db, previous.agency_code, fiscal_year, audit_type or previous.audit_type,
                        template_id=template_id, previous_id=previous_id, start_date=start_date, end_date=end_date,
                        place=place, auditors=auditors, attendees=attendees)


def self_check_for(db: Database, agency_code: str, fiscal_year: int) -> Audit:
    """The agency's 自己点検 of the fiscal year, created (from its last one, if any) when there is none yet."""
    agency = get_by_code(db, agency_code)
    if agency is None:
        raise InputError(f"機関コード {agency_code} は登録されていません。")
    existing = repo.list_audits(db, fiscal_year, agency.id, AuditType.SELF_CHECK)
    if existing:
        return existing[0]
    earlier = [a for a in repo.list_audits(db, agency_id=agency.id, audit_type=AuditType.SELF_CHECK)
               if a.fiscal_year < fiscal_year and a.template_id is not None]
    if earlier:
        return start_from_previous(db, earlier[0].id, fiscal_year)
    return create_audit(db, agency_code, fiscal_year, AuditType.SELF_CHECK)


def update_details(db: Database, audit_id: int, *, start_date: date | None, end_date: date | None, place: str,
                   auditors: Sequence[str], attendees: Sequence[str]) -> Audit:
    """Change an audit's dates, place, auditors and attendees after creation (the trail names what changed)."""
    audit = require_audit(db, audit_id)
    if start_date and end_date and end_date < start_date:
        raise InputError("終了日が開始日より前になっています。")
    changed = replace(audit, start_date=start_date, end_date=end_date, place=place.strip(),
                      auditors=tuple(auditors), attendees=tuple(attendees))
    fields = [name for name in ("start_date", "end_date", "place", "auditors", "attendees")
              if getattr(changed, name) != getattr(audit, name)]
    if not fields:
        return audit
    with db.transaction():
        repo.update_audit_details(db, changed)
        trail.record(db, "audit.update", audit_id=audit_id, fields=fields)
    return require_audit(db, audit_id)


def set_status(db: Database, audit_id: int, status: AuditStatus) -> Audit:
    """Move the audit to `status` if the transition is allowed (計画 → 通知済 → 実施中 → 結果通知済 →
    改善確認中 → 完了); 完了 needs every finding of the audit closed (完了)."""
    status = AuditStatus(status)
    audit = require_audit(db, audit_id)
    if status is audit.status:
        return audit
    if status not in ALLOWED_TRANSITIONS[audit.status]:
        allowed = "、".join(s.value for s in ALLOWED_TRANSITIONS[audit.status]) or "なし(完了済み)"
        raise InputError(f"監査 {audit_id} の状態は「{audit.status.value}」から「{status.value}」には変更できません。"
                         f"変更できる状態: {allowed}")
    if status is AuditStatus.DONE:
        open_count = sum(1 for f in repo.list_findings(db, audit_id) if not f.closed)
        if open_count:
            raise InputError(f"監査 {audit_id} には完了していない指摘事項が {open_count} 件あります。"
                             "改善報告で完了とする状況(措置済など)にしてから監査を完了にしてください。")
    with db.transaction():
        repo.set_audit_status(db, audit_id, status)
        trail.record(db, "audit.status", audit_id=audit_id, old=audit.status.value, new=status.value)
    return replace(audit, status=status)


# ---------------------------------------------------------------- items and scores (autosave: one small
# transaction per change)


def audit_items(db: Database, audit_id: int) -> list[ItemScore]:
    """Every checklist item of the audit with its self and verified score, note, self comment, and the
    previous audit's scores and note for reference."""
    audit = require_audit(db, audit_id)
    if audit.template_id is None:
        return []
    return repo.item_scores(db, audit_id, audit.template_id, audit.previous_id)


def item_id_for_code(db: Database, audit: Audit, item_code: str) -> int:
    """The id of the checklist item `item_code` of the audit's checklist; refused when it has none."""
    item_id = None if audit.template_id is None else repo.checklist_item_id(db, audit.template_id, item_code)
    if item_id is None:
        raise InputError(f"項目コード {item_code} は監査 {audit.id} のチェックリストにありません。")
    return item_id


def _check_editable(audit: Audit) -> None:
    if audit.status in SCORES_LOCKED:
        raise InputError(f"監査 {audit.id} は「{audit.status.value}」のため、点数と所見は変更できません。")


def _save_field(db: Database, audit_id: int, item_code: str, field: str, value: object, action: str) -> None:
    audit = require_audit(db, audit_id)
    _check_editable(audit)
    item_id = item_id_for_code(db, audit, item_code)
    with db.transaction():
        repo.upsert_score_field(db, audit_id, item_id, field, value, now_text())
        detail = {"value": value} if field in ("self_score", "verified") else {"chars": len(str(value or ""))}
        trail.record(db, action, audit_id=audit_id, item=item_code, **detail)


def _checked_score(score: int | None) -> int | None:
    if score is not None and score not in (NOT_APPLICABLE, 1, 2, 3):
        raise InputError(f"点数 {score} は使えません。1～3 または 該当なし です。")
    return score


def set_self_score(db: Database, audit_id: int, item_code: str, score: int | None) -> None:
    """Save the agency's self score (1..3, 0 = 該当なし, None = clear) at once."""
    _save_field(db, audit_id, item_code, "self_score", _checked_score(score), "audit.self_score")


def set_verified_score(db: Database, audit_id: int, item_code: str, score: int | None) -> None:
    """Save the auditor's verified score at once."""
    _save_field(db, audit_id, item_code, "verified", _checked_score(score), "audit.verified_score")


def set_note(db: Database, audit_id: int, item_code: str, note: str) -> None:
    """Save the auditor's note on an item at once."""
    _save_field(db, audit_id, item_code, "note", note, "audit.note")


def set_self_comment(db: Database, audit_id: int, item_code: str, comment: str) -> None:
    _save_field(db, audit_id, item_code, "self_comment", comment, "audit.self_comment")


def score_summary(db: Database, audit_id: int) -> ScoreSummary:
    return summarize(audit_items(db, audit_id))


def low_scores(db: Database, fiscal_year: int, audit_type: AuditType = AuditType.SELF_CHECK,
               below: int = 3) -> list[LowScore]:
    """Items scored under `below` in the year (該当なし excluded), by item then agency: what to follow up."""
    return repo.low_scores(db, fiscal_year, AuditType(audit_type), below)


# ---------------------------------------------------------------- evidence


def evidence_limit(db: Database) -> int:
    """The largest attachment accepted, in bytes (setting audit.evidence_max_bytes, default 20 MB)."""
    return int(settings.get(db, EVIDENCE_LIMIT_SETTING, DEFAULT_EVIDENCE_LIMIT))


def set_evidence_limit(db: Database, max_bytes: int) -> None:
    if max_bytes <= 0:
        raise InputError("添付ファイルの上限は 1 バイト以上にしてください。")
    settings.set_value(db, EVIDENCE_LIMIT_SETTING, max_bytes)


def add_evidence(db: Database, audit_id: int, path: Path, *, item_code: str | None = None, note: str = "",
                 content: bytes | None = None, file_name: str | None = None) -> EvidenceInfo:
    """Attach a photo, scan or PDF to the audit (optionally to one item). Stored inside the encrypted
    database with its SHA-256."""
    audit = require_audit(db, audit_id)
    path = Path(path)
    name = file_name or path.name
    if content is None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise InputError(f"{path}: ファイルを読めません({exc.strerror})。") from None
        _check_size(db, name, size)
        content = path.read_bytes()
    _check_size(db, name, len(content))
    item_id = item_id_for_code(db, audit, item_code) if item_code else None
    sha256 = hashlib.sha256(content).hexdigest()
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    with db.transaction():
        evidence_id = repo.insert_evidence(db, audit_id, item_id, name, mime, sha256, content, note, now_text())
        trail.record(db, "evidence.add", audit_id=audit_id, evidence_id=evidence_id, item=item_code,
                     sha256=sha256, size=len(content))
    return next(e for e in repo.list_evidence(db, audit_id) if e.id == evidence_id)


def _check_size(db: Database, name: str, size: int) -> None:
    limit = evidence_limit(db)
    if size > limit:
        raise InputError(f"{name}: ファイルが大きすぎます({size:,} バイト、上限 {limit:,} バイト)。"
                         "縮小するか、設定で上限を上げてください。")


def delete_evidence(db: Database, evidence_id: int) -> EvidenceInfo:
    """Remove a file attached by mistake (the trail keeps its name and SHA-256). Refused once a findings sheet of
    the audit was issued after it was attached: what the audit rested on then stays."""
    with db.transaction():
        info = repo.evidence_info(db, evidence_id)
        if info is None:
            raise InputError(f"添付ファイル ID {evidence_id} はありません。")
        issued = reports_repo.sheets_issued_since(db, info.audit_id, info.added_at)
        if issued:
            raise InputError(f"添付ファイル {info.file_name} は指摘事項票({'、'.join(issued)})の発行前に添付されたため"
                             "削除できません。")
        repo.delete_evidence(db, evidence_id)
        trail.record(db, "evidence.delete", audit_id=info.audit_id, evidence_id=evidence_id, file=info.file_name,
                     sha256=info.sha256)
    return info


def list_evidence(db: Database, audit_id: int) -> list[EvidenceInfo]:
    require_audit(db, audit_id)
    return repo.list_evidence(db, audit_id)


def get_evidence_content(db: Database, evidence_id: int) -> tuple[str, bytes]:
    """(file name, content) of an attachment, after checking its SHA-256 still matches."""
    found = repo.evidence_content(db, evidence_id)
    if found is None:
        raise InputError(f"添付ファイル ID {evidence_id} はありません。")
    name, sha256, content = found
    if hashlib.sha256(content).hexdigest() != sha256:
        raise JukiAuditError(f"添付ファイル {name}(ID {evidence_id})の内容がハッシュ値と一致しません。改ざんの可能性があります。")
    return name, content


# ---------------------------------------------------------------- annual aggregate


@dataclass(frozen=True)
class AgencyScore:
    audit_id: int
    agency_code: str
    agency_name: str
    average: Decimal | None
    exact: Fraction | None


@dataclass(frozen=True)
class AggregateRow:
    """One line of the council's table: an audit type, the agencies it covered, their average score."""

    scope: str  # 県 (prefectural agencies) or 市町村
    audit_type: AuditType
    agencies: tuple[AgencyScore, ...]
    average: Decimal | None

    @property
    def agency_count(self) -> int:
        return len(self.agencies)


def annual_aggregate(db: Database, fiscal_year: int) -> list[AggregateRow]:
    """Per scope and audit type: the average of the agencies' averages, two decimals half up.

    The seed reports one figure per audit type with the number of agencies (「40機関 2.99点」), so each
    agency counts once, whatever its number of applicable items. An agency's average is over its counted
    items (該当なし excluded): self scores for 自己点検, the auditor's verified scores for 内部/外部監査.
    Agency averages enter unrounded; only the final figure is rounded. An audit counts once it has a score;
    an audit recorded as history (is_history, no scores known) counts as done with an unknown score.
    """
    rows = []
    kinds = kinds_by_id(db)
    for scope in (ChecklistTarget.PREFECTURE.value, ChecklistTarget.MUNICIPALITY.value):
        for audit_type in AuditType:
            scores = []
            for audit in repo.list_audits(db, fiscal_year, audit_type=audit_type):
                is_municipal = kinds.get(audit.agency_id) is AgencyKind.SHICHOSON
                if is_municipal != (scope == ChecklistTarget.MUNICIPALITY.value):
                    continue
                summary = score_summary(db, audit.id)
                exact = summary.self_exact if audit_type is AuditType.SELF_CHECK else summary.verified_exact
                if exact is None and not audit.is_history:
                    continue  # planned or not yet scored: not part of the year's results
                scores.append(AgencyScore(audit.id, audit.agency_code, audit.agency_name,
                                          None if exact is None else round_two(exact), exact))
            if scores:
                mean = exact_mean([s.exact for s in scores if s.exact is not None])
                rows.append(AggregateRow(scope, audit_type, tuple(scores), None if mean is None else round_two(mean)))
    return rows
