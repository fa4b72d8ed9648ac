"""Findings (指摘事項 / 注意事項 / 意見): raise, edit, raise from a reconciliation discrepancy, follow up."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, TypeVar

from ..core.audit import Finding, FindingClass, Followup, NewFinding, NewFollowup, Severity
from ..core.errors import InputError
from ..core.wareki import format_wareki_moment
from ..storage import audits_repo as repo
from ..storage import followup_status_repo, reconcile_repo, reports_repo, trail
from ..storage.audits_repo import now_text
from ..storage.database import Database
from .audits import item_id_for_code, require_audit
from .reconciliation import EXPLAINED, OPEN, RAISED

FindingT = TypeVar("FindingT", NewFinding, Finding)

EDITABLE_FIELDS = ("finding_class", "severity", "title", "condition", "criteria", "cause", "effect",
                   "recommendation", "due_date", "item_id")

DISCREPANCY_TITLES = {
    "unregistered_operation": "業務端末使用管理簿に記載のない照会(無記帳照会)があった",
    "unused_register_entry": "業務端末使用管理簿の記載に対応する操作ログがなかった",
    "operator_mismatch": "業務端末使用管理簿の使用者と操作ログの操作者が一致しなかった",
    "purpose_mismatch": "業務端末使用管理簿の利用事務と操作ログの利用事務が一致しなかった",
    "count_mismatch": "業務端末使用管理簿の照会件数と操作ログの件数が一致しなかった",
    "off_hours": "業務時間外に照会が行われていた",
    "unauthorized_jimu": "権限外の事務で照会が行われていた",
    "unknown_operator": "登録されていない操作者IDで照会が行われていた",
    "concurrent_session": "同一の操作者IDが複数の端末で同時に使用されていた",
    "repeated_subject": "同一の対象者の本人確認情報が短期間に繰り返し照会されていた",
    "watchlist_hit": "注視対象者の本人確認情報が照会されていた",
    "volume_spike": "操作者の照会件数が特定の日に急増していた",
    "failed_search_burst": "照会の失敗(該当なし等)が短時間に連続していた",
    "unregistered_terminal": "登録されていない端末で照会が行われていた",
}


def parse_finding_class(text: str) -> FindingClass:
    try:
        return FindingClass(text.strip())
    except ValueError:
        allowed = " / ".join(c.value for c in FindingClass)
        raise InputError(f"指摘の区分「{text}」は使えません。次のいずれかです: {allowed}") from None


def parse_severity(text: str) -> Severity:
    try:
        return Severity(text.strip())
    except ValueError:
        raise InputError(f"重要度「{text}」は使えません。高 / 中 / 低 のいずれかです。") from None


def require_finding(db: Database, finding_id: int) -> Finding:
    finding = repo.get_finding(db, finding_id)
    if finding is None:
        raise InputError(f"指摘事項 ID {finding_id} はありません。`jukiaudit finding list` で確認してください。")
    return finding


def _item_id_for_code(db: Database, audit_id: int, item_code: str) -> int:
    return item_id_for_code(db, require_audit(db, audit_id), item_code)


def _validated(finding: FindingT) -> FindingT:
    if not finding.title.strip():
        raise InputError("指摘事項の件名(title)は必須です。")
    return replace(finding, title=finding.title.strip())


def _new(db: Database, finding: NewFinding) -> NewFinding:
    """A finding about to be raised starts at the initial (last, worst) of the inspector's follow-up statuses."""
    return replace(_validated(finding), status=finding.status or followup_status_repo.load(db).initial)


def add_finding(db: Database, audit_id: int, finding_class: FindingClass, title: str, *,
                item_code: str | None = None, severity: Severity = Severity.MEDIUM, condition: str = "",
                criteria: str = "", cause: str = "", effect: str = "", recommendation: str = "",
                due_date: date | None = None) -> Finding:
    """Raise a finding on the audit, from a checklist item (item_code) or free."""
    audit = require_audit(db, audit_id)
    item_id = _item_id_for_code(db, audit_id, item_code) if item_code else None
    finding_class, severity = FindingClass(finding_class), Severity(severity)  # plain str accepted too
    finding = _new(db, NewFinding(audit_id, finding_class, title, severity, condition, criteria, cause, effect,
                                  recommendation, due_date, item_id=item_id))
    with db.transaction():
        finding_id = repo.insert_finding(db, finding, now_text())
        trail.record(db, "finding.add", finding_id=finding_id, audit_id=audit.id, item=item_code,
                     finding_class=finding_class.value)
    return require_finding(db, finding_id)


def update_finding(db: Database, finding_id: int, **changes: Any) -> Finding:
    """Change any of EDITABLE_FIELDS (the status changes only through follow-up reports)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InputError(f"指摘事項の項目 {', '.join(sorted(unknown))} は変更できません。")
    for name, kind in (("finding_class", FindingClass), ("severity", Severity)):
        if name in changes:
            changes[name] = kind(changes[name])
    finding = _validated(replace(require_finding(db, finding_id), **changes))
    with db.transaction():
        repo.update_finding(db, finding)
        trail.record(db, "finding.update", finding_id=finding_id, fields=sorted(changes))
    return require_finding(db, finding_id)


def delete_finding(db: Database, finding_id: int) -> Finding:
    """Remove a finding entered by mistake, with its follow-up reports; a discrepancy it was raised from is open
    again. Refused once a findings sheet that may show it was issued: the issued document stands, and the
    finding is then closed by its follow-up reports instead."""
    finding = require_finding(db, finding_id)
    with db.transaction():
        issued = reports_repo.sheets_issued_since(db, finding.audit_id, finding.created_at)
        if issued:
            raise InputError(f"指摘事項 {finding_id}「{finding.title}」は発行済みの指摘事項票({'、'.join(issued)})に"
                             "載っているため削除できません。改善報告で完了にしてください。")
        repo.delete_finding(db, finding_id)
        if finding.discrepancy_id is not None:
            reconcile_repo.set_status(db, finding.discrepancy_id, OPEN, None)
        trail.record(db, "finding.delete", finding_id=finding_id, audit_id=finding.audit_id, title=finding.title,
                     discrepancy_id=finding.discrepancy_id)
    return finding


@dataclass(frozen=True)
class DiscrepancyEvidence:
    """What a finding raised from a reconciliation carries: the discrepancy and its log lines and register
    entries."""

    discrepancy_id: int
    kind: str
    detail: dict[str, Any]
    operations: list[dict[str, Any]]
    register_entries: list[dict[str, Any]]


def _require_discrepancy(db: Database, discrepancy_id: int) -> reconcile_repo.StoredDiscrepancy:
    found = reconcile_repo.get_discrepancy(db, discrepancy_id)
    if found is None:
        raise InputError(f"差異 ID {discrepancy_id} はありません。")
    return found


def discrepancy_evidence(db: Database, discrepancy_id: int) -> DiscrepancyEvidence:
    found = _require_discrepancy(db, discrepancy_id)
    return DiscrepancyEvidence(found.id, found.kind.value, found.detail,
                               repo.operation_lines(db, list(found.operation_ids)),
                               repo.register_lines(db, list(found.register_ids)))


def _refuse_unless_open(db: Database, discrepancy_id: int) -> None:
    """A discrepancy becomes at most one finding, and an explained one none (undo the explanation first)."""
    found = _require_discrepancy(db, discrepancy_id)
    if found.status == RAISED:
        raised = "、".join(f"ID {i}" for i in repo.finding_ids_of_discrepancy(db, discrepancy_id))
        raise InputError(f"差異 ID {discrepancy_id} は既に指摘事項({raised})として提起されています。"
                         "同じ差異を二度提起することはできません。")
    if found.status == EXPLAINED:
        raise InputError(f"差異 ID {discrepancy_id} は説明済みです(理由: {found.explanation})。"
                         "指摘事項にするには、先に説明済みを取り消してください。")


def _lines_text(evidence: DiscrepancyEvidence) -> str:
    parts = [f"操作ログ {o['file']} {o['line']}行目 {format_wareki_moment(o['at'])} 端末{o['terminal']} 操作者{o['operator']} "
             f"事務{o['jimu_code'] or '-'} {o['count']}件" for o in evidence.operations]
    parts += [f"業務端末使用管理簿 {r['file'] or '手入力'} {r['line'] or '-'}行目 "
              f"{format_wareki_moment(r['start_at'])}～{format_wareki_moment(r['end_at'])} "
              f"端末{r['terminal']} 使用者{r['operator']} 事務{r['jimu_code'] or '-'} {r['count'] or '-'}件"
              for r in evidence.register_entries]
    return "\n".join(parts)


def raise_from_discrepancy(db: Database, audit_id: int, discrepancy_id: int, **fields_: Any) -> Finding:
    """Raise a finding from a reconciliation discrepancy of the audited agency. The condition quotes the log
    lines and register entries; the discrepancy is marked 'raised'."""
    audit = require_audit(db, audit_id)
    evidence = discrepancy_evidence(db, discrepancy_id)
    if reconcile_repo.discrepancy_agency_id(db, discrepancy_id) != audit.agency_id:
        raise InputError(f"差異 ID {discrepancy_id} は監査 {audit_id} の機関({audit.agency_name})のものではありません。")
    _refuse_unless_open(db, discrepancy_id)
    item_code = fields_.pop("item_code", None)
    values: dict[str, Any] = {
        "finding_class": FindingClass.NEEDS_IMPROVEMENT,
        "title": DISCREPANCY_TITLES.get(evidence.kind, f"突合で差異({evidence.kind})が見つかった"),
        "condition": _lines_text(evidence),
        "criteria": "業務端末使用管理簿への記載と操作ログとの突合(住基ネットセキュリティ要綱)",
    }
    values.update(fields_)
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise InputError(f"指摘事項の項目 {', '.join(sorted(unknown))} は指定できません。")
    if item_code:
        values["item_id"] = _item_id_for_code(db, audit_id, item_code)
    values["finding_class"], values["severity"] = (FindingClass(values["finding_class"]),
                                                   Severity(values.get("severity", Severity.MEDIUM)))
    finding = _new(db, NewFinding(audit_id, discrepancy_id=discrepancy_id, **values))
    with db.transaction():
        _refuse_unless_open(db, discrepancy_id)  # again inside the transaction: another client may have raised it
        finding_id = repo.insert_finding(db, finding, now_text())
        reconcile_repo.set_status(db, discrepancy_id, RAISED, None)
        reports_repo.set_audit_reconciliation_of(db, audit_id, discrepancy_id)  # the sheet reports this run
        trail.record(db, "finding.from_discrepancy", finding_id=finding_id, audit_id=audit_id,
                     discrepancy_id=discrepancy_id, kind=evidence.kind)
    return require_finding(db, finding_id)


def list_findings(db: Database, audit_id: int | None = None, overdue_only: bool = False,
                  today: date | None = None) -> list[Finding]:
    """Findings of one audit or of all; overdue_only: due date passed and not closed."""
    findings = repo.list_findings(db, audit_id)
    if overdue_only:
        day = today or date.today()
        findings = [f for f in findings if f.is_overdue(day)]
    return findings


def get_finding(db: Database, finding_id: int) -> Finding:
    return require_finding(db, finding_id)


def add_followup(db: Database, finding_id: int, reported_on: date, status: str, note: str = "",
                 planned_on: date | None = None) -> Followup:
    """Record an improvement report (改善報告) at one of the inspector's statuses (with its 予定日 where the
    status asks for one); the finding takes its status."""
    chosen = followup_status_repo.load(db).require(status)
    if chosen.asks_date and planned_on is None:
        raise InputError(f"改善状況「{chosen.name}」の改善報告には予定日(措置を終える予定の日)が必要です。")
    finding = require_finding(db, finding_id)
    report = NewFollowup(finding_id, reported_on, chosen.name, note, planned_on)
    with db.transaction():
        followup_id = repo.insert_followup(db, report)
        repo.set_finding_status(db, finding_id, chosen.name)
        trail.record(db, "finding.followup", finding_id=finding_id, followup_id=followup_id,
                     old=finding.status, new=chosen.name, planned_on=planned_on)
    return Followup(finding_id, reported_on, chosen.name, note, planned_on, id=followup_id)


def list_followups(db: Database, finding_id: int) -> list[Followup]:
    require_finding(db, finding_id)
    return repo.list_followups(db, finding_id)


def open_findings_from_previous(db: Database, audit_id: int) -> list[Finding]:
    """Findings of the agency's earlier audits that are not closed: the next audit opens with them."""
    audit = require_audit(db, audit_id)
    earlier = repo.earlier_audit_ids(db, audit)
    if not earlier:
        return []
    return [f for f in repo.list_findings(db, audit_ids=earlier) if not f.closed]
