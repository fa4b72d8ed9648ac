"""Audits in plain Python: checklist templates and items, audits, item scores, findings and follow-ups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

NOT_APPLICABLE = 0
"""The stored value of 該当なし: it is recorded but never counted in an average."""
NOT_APPLICABLE_LABEL = "該当なし"


class AuditType(StrEnum):
    SELF_CHECK = "自己点検"
    INTERNAL = "内部監査"
    EXTERNAL = "外部監査"


class AuditStatus(StrEnum):
    PLANNED = "計画"
    NOTIFIED = "通知済"
    IN_PROGRESS = "実施中"
    RESULT_NOTIFIED = "結果通知済"
    FOLLOWING_UP = "改善確認中"
    DONE = "完了"


# Forward one step at a time; 通知済 may go back to 計画 (notice withdrawn); an audit without findings may
# close straight after its result notice.
ALLOWED_TRANSITIONS: dict[AuditStatus, frozenset[AuditStatus]] = {
    AuditStatus.PLANNED: frozenset({AuditStatus.NOTIFIED}),
    AuditStatus.NOTIFIED: frozenset({AuditStatus.IN_PROGRESS, AuditStatus.PLANNED}),
    AuditStatus.IN_PROGRESS: frozenset({AuditStatus.RESULT_NOTIFIED}),
    AuditStatus.RESULT_NOTIFIED: frozenset({AuditStatus.FOLLOWING_UP, AuditStatus.DONE}),
    AuditStatus.FOLLOWING_UP: frozenset({AuditStatus.DONE}),
    AuditStatus.DONE: frozenset(),
}

# Once the result is notified the scores are what the agency was told: they no longer change.
SCORES_LOCKED = frozenset({AuditStatus.RESULT_NOTIFIED, AuditStatus.FOLLOWING_UP, AuditStatus.DONE})


class ChecklistTarget(StrEnum):
    PREFECTURE = "県"
    MUNICIPALITY = "市町村"


class VerificationMethod(StrEnum):
    HEARING = "聞き取り"
    DOCUMENTS = "書類確認"
    ON_SITE = "現地確認"
    LOG_ANALYSIS = "ログ解析"


class FindingClass(StrEnum):
    """指摘事項 are the first two; 注意事項 and 意見 are lighter."""

    IMPROPER = "不適切事項"
    NEEDS_IMPROVEMENT = "要改善事項"
    CAUTION = "注意事項"
    OPINION = "意見"


class Severity(StrEnum):
    HIGH = "高"
    MEDIUM = "中"
    LOW = "低"


@dataclass(frozen=True)
class ScoringScheme:
    """Labels of the points an item can get; 該当なし (stored as 0) is always allowed and never counted."""

    labels: dict[int, str] = field(
        default_factory=lambda: {3: "できている", 2: "一部できていない", 1: "できていない"}
    )
    na_label: str = NOT_APPLICABLE_LABEL

    @property
    def points(self) -> list[int]:
        return sorted(self.labels, reverse=True)


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    category: str
    question: str
    viewpoint: str = ""
    method: str = ""  # one or more VerificationMethod values joined by "・"
    evidence: str = ""  # expected evidence
    criteria: str = ""  # criteria reference (規程, 要綱 …)
    ordinal: int = 0
    id: int | None = None
    template_id: int | None = None


@dataclass(frozen=True)
class ChecklistTemplate:
    name: str
    version: int
    target: ChecklistTarget = ChecklistTarget.PREFECTURE
    scoring: ScoringScheme = field(default_factory=ScoringScheme)
    description: str = ""
    items: tuple[ChecklistItem, ...] = ()
    created_at: str = ""
    id: int | None = None

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(item.category for item in self.items))


@dataclass(frozen=True)
class NewAudit:
    """An audit not stored yet (no id)."""

    agency_id: int
    fiscal_year: int
    audit_type: AuditType
    template_id: int | None
    status: AuditStatus = AuditStatus.PLANNED
    start_date: date | None = None
    end_date: date | None = None
    place: str = ""
    auditors: tuple[str, ...] = ()
    attendees: tuple[str, ...] = ()
    previous_id: int | None = None
    is_history: bool = False


@dataclass(frozen=True)
class Audit(NewAudit):
    """A stored audit: its id, and its agency's code and name (filled in by the repository for display)."""

    id: int = field(kw_only=True)
    agency_code: str = field(default="", kw_only=True)
    agency_name: str = field(default="", kw_only=True)


@dataclass(frozen=True)
class ItemScore:
    """One checklist item in one audit: its self score and the auditor's verified score side by side.

    Scores are 1..3, NOT_APPLICABLE (0) for 該当なし, or None while not yet scored. The previous_* fields
    carry the agency's last audit for reference (matched by item code).
    """

    item: ChecklistItem
    self_score: int | None = None
    verified: int | None = None
    note: str = ""
    self_comment: str = ""
    updated_at: str = ""
    previous_self: int | None = None
    previous_verified: int | None = None
    previous_note: str = ""


@dataclass(frozen=True)
class NewFinding:
    """A finding not stored yet (no id)."""

    audit_id: int
    finding_class: FindingClass
    title: str
    severity: Severity = Severity.MEDIUM
    condition: str = ""
    criteria: str = ""
    cause: str = ""
    effect: str = ""
    recommendation: str = ""
    due_date: date | None = None
    status: str = ""  # a follow-up status (core.followup_status); "" when raised: the list's initial status
    item_id: int | None = None
    discrepancy_id: int | None = None

    @property
    def is_shiteki(self) -> bool:
        """True for 指摘事項 (不適切事項 / 要改善事項), which need an improvement report."""
        return self.finding_class in (FindingClass.IMPROPER, FindingClass.NEEDS_IMPROVEMENT)


@dataclass(frozen=True)
class Finding(NewFinding):
    """A stored finding: its id and when it was made, with its item code and its audit's agency, year and type
    (filled in by the repository for display)."""

    id: int = field(kw_only=True)
    created_at: str = field(default="", kw_only=True)
    item_code: str = field(default="", kw_only=True)
    agency_code: str = field(default="", kw_only=True)
    agency_name: str = field(default="", kw_only=True)
    fiscal_year: int = field(default=0, kw_only=True)
    audit_type: AuditType | None = field(default=None, kw_only=True)
    closed: bool = field(default=False, kw_only=True)  # its status closes it (措置済; the old 完了)

    def is_overdue(self, today: date) -> bool:
        return self.due_date is not None and self.due_date < today and not self.closed


@dataclass(frozen=True)
class NewFollowup:
    """One 改善報告: what the agency reported on a date, and the status it brings the finding to."""

    finding_id: int
    reported_on: date
    status: str
    note: str = ""
    planned_on: date | None = None  # 予定日: when the agency plans to finish (statuses that ask for it)


@dataclass(frozen=True)
class Followup(NewFollowup):
    """A stored 改善報告."""

    id: int = field(kw_only=True)


@dataclass(frozen=True)
class Signoff:
    """Who filled in a self-check (記入者) and the responsible person's confirmation (責任者確認, 確認日)."""

    filled_by: str = ""
    approved_by: str = ""
    approved_on: date | None = None
