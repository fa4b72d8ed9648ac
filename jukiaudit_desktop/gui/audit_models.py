"""Table columns and models of the audit area: audits, findings, session items, evidence, category averages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import IntEnum

from PySide6.QtGui import QColor

from ..core.audit import Audit, Finding, ItemScore
from ..core.scoring import CategoryScore
from ..core.wareki import format_fiscal_year, format_wareki_or, format_wareki_short
from ..services.audits import EvidenceInfo, score_label
from .row_table import Column, RowTableModel

DIFFERENCE_COLOUR = QColor("#ffd7a8")  # self score and verified score disagree
LOW_SCORE_COLOUR = QColor("#ffb3b3")  # verified 1 point
OVERDUE_COLOUR = QColor("#c62828")
UNSCORED_COLOUR = QColor("#757575")


def timestamp_text(stamp: str) -> str:
    """An ISO timestamp as R7.10.3 14:05 (empty when missing or unreadable)."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return f"{format_wareki_short(moment.date())} {moment:%H:%M}"


def average_text(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def scores_differ(row: ItemScore) -> bool:
    """Both scores given and not the same: the auditor's check disagrees with the self-check."""
    return row.self_score is not None and row.verified is not None and row.self_score != row.verified


# ---------------------------------------------------------------- audits


class AuditColumn(IntEnum):
    FISCAL_YEAR = 0
    AUDIT_TYPE = 1
    AGENCY = 2
    START = 3
    END = 4
    PLACE = 5
    AUDITORS = 6
    STATUS = 7


AUDIT_COLUMNS: list[Column[Audit]] = [
    Column("年度", lambda a: format_fiscal_year(a.fiscal_year), lambda a: a.fiscal_year),
    Column("種別", lambda a: a.audit_type.value),
    Column("機関", lambda a: a.agency_name, lambda a: a.agency_code),
    Column("開始日", lambda a: format_wareki_or(a.start_date), lambda a: a.start_date),
    Column("終了日", lambda a: format_wareki_or(a.end_date), lambda a: a.end_date),
    Column("場所", lambda a: a.place, tooltip=True),
    Column("監査人", lambda a: "、".join(a.auditors), tooltip=True),
    Column("状態", lambda a: a.status.value, lambda a: list(type(a.status)).index(a.status)),
]


def audit_model() -> RowTableModel[Audit]:
    return RowTableModel(AUDIT_COLUMNS)


# ---------------------------------------------------------------- findings


class FindingColumn(IntEnum):
    FISCAL_YEAR = 0
    AGENCY = 1
    AUDIT_TYPE = 2
    ITEM = 3
    CLASS = 4
    SEVERITY = 5
    TITLE = 6
    DUE = 7
    STATUS = 8
    OVERDUE = 9


SEVERITY_ORDER = {"高": 0, "中": 1, "低": 2}
OVERDUE_LABEL = "期限超過"


def finding_columns(today: date) -> list[Column[Finding]]:
    return [
        Column("年度", lambda f: format_fiscal_year(f.fiscal_year) if f.fiscal_year else "", lambda f: f.fiscal_year),
        Column("機関", lambda f: f.agency_name, lambda f: f.agency_code),
        Column("監査", lambda f: f.audit_type.value if f.audit_type else ""),
        Column("項目", lambda f: f.item_code or ("突合" if f.discrepancy_id else "")),
        Column("区分", lambda f: f.finding_class.value, lambda f: list(type(f.finding_class)).index(f.finding_class)),
        Column("重要度", lambda f: f.severity.value, lambda f: SEVERITY_ORDER[f.severity.value]),
        Column("件名", lambda f: f.title, tooltip=True),
        Column("改善報告期限", lambda f: format_wareki_or(f.due_date), lambda f: f.due_date),
        Column("状況", lambda f: f.status, lambda f: f"{int(f.closed)}{f.status}"),  # open ones first
        Column("期限", lambda f: OVERDUE_LABEL if f.is_overdue(today) else "", lambda f: f.is_overdue(today)),
    ]


def finding_model(today: date) -> RowTableModel[Finding]:
    def foreground(finding: Finding, _column: int) -> QColor | None:
        return OVERDUE_COLOUR if finding.is_overdue(today) else None

    return RowTableModel(finding_columns(today), foreground=foreground)


# ---------------------------------------------------------------- session items


class ItemColumn(IntEnum):
    CODE = 0
    CATEGORY = 1
    QUESTION = 2
    SELF = 3
    VERIFIED = 4
    PREVIOUS = 5


def _score_sort(score: int | None) -> int:
    return -1 if score is None else score


def previous_score(row: ItemScore) -> int | None:
    """The previous audit's verified score, or its self score where nothing was verified."""
    return row.previous_verified if row.previous_verified is not None else row.previous_self


ITEM_COLUMNS: list[Column[ItemScore]] = [
    Column("番号", lambda s: s.item.code, lambda s: s.item.ordinal),
    Column("分類", lambda s: s.item.category, lambda s: s.item.ordinal),
    Column("点検項目", lambda s: s.item.question, tooltip=True),
    Column("自己", lambda s: score_label(s.self_score), lambda s: _score_sort(s.self_score), align_right=True),
    Column("確認", lambda s: score_label(s.verified), lambda s: _score_sort(s.verified), align_right=True),
    Column("前回", lambda s: score_label(previous_score(s)), lambda s: _score_sort(previous_score(s)),
           align_right=True),
]


def _item_background(row: ItemScore, column: int) -> QColor | None:
    if column in (ItemColumn.SELF, ItemColumn.VERIFIED) and scores_differ(row):
        return DIFFERENCE_COLOUR
    if column == ItemColumn.VERIFIED and row.verified == 1:
        return LOW_SCORE_COLOUR
    return None


def _item_foreground(row: ItemScore, _column: int) -> QColor | None:
    return UNSCORED_COLOUR if row.verified is None else None


def item_model() -> RowTableModel[ItemScore]:
    return RowTableModel(ITEM_COLUMNS, background=_item_background, foreground=_item_foreground)


# ---------------------------------------------------------------- evidence and averages


EVIDENCE_COLUMNS: list[Column[EvidenceInfo]] = [
    Column("項目", lambda e: e.item_code or "監査全体"),
    Column("ファイル名", lambda e: e.file_name, tooltip=True),
    Column("サイズ", lambda e: f"{e.size:,}", lambda e: e.size, align_right=True),
    Column("SHA-256", lambda e: e.sha256, tooltip=True),
    Column("追加", lambda e: timestamp_text(e.added_at), lambda e: e.added_at),
]


def evidence_model() -> RowTableModel[EvidenceInfo]:
    return RowTableModel(EVIDENCE_COLUMNS)


CATEGORY_COLUMNS: list[Column[CategoryScore]] = [
    Column("分類", lambda c: c.category),
    Column("自己", lambda c: average_text(c.self_average), lambda c: c.self_average, align_right=True),
    Column("確認", lambda c: average_text(c.verified_average), lambda c: c.verified_average, align_right=True),
    Column("項目", lambda c: str(c.items), lambda c: c.items, align_right=True),
]


def _category_background(row: CategoryScore, column: int) -> QColor | None:
    differs = row.self_average is not None and row.verified_average is not None and row.self_average != row.verified_average
    return DIFFERENCE_COLOUR if differs and column in (1, 2) else None


def category_model() -> RowTableModel[CategoryScore]:
    return RowTableModel(CATEGORY_COLUMNS, background=_category_background)
