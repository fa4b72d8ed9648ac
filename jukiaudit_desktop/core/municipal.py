"""市町村 (seed 資料5): the J-LIS audits and seminars, their self-checks' reasons for scores under 3, follow-up."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MunicipalActivityKind(StrEnum):
    DEVICE_SURVEY = "実機調査"
    REMOTE_AUDIT = "リモート監査"
    REMOTE_HEARING = "リモートヒアリング"
    SEMINAR = "セミナー"


@dataclass(frozen=True)
class MunicipalActivity:
    """One row of 資料5's 「監査等の実施」 table, as stated, with the municipalities it names."""

    fiscal_year: int
    kind: MunicipalActivityKind
    auditor: str
    targets: str                 # as stated: 全市町村, 3町3村 (箕輪町ほか)
    target_count: int | None     # None: all municipalities
    period: str = ""
    content: str = ""
    agency_codes: tuple[str, ...] = ()
    id: int | None = None


@dataclass(frozen=True)
class MunicipalFollowup:
    """A municipality followed up by the prefecture (資料5 「3 県の関わり」): a low score or an auditor's remark."""

    fiscal_year: int
    agency_code: str
    agency_name: str
    source: str
    subject: str
    status: str = ""
    note: str = ""


@dataclass(frozen=True)
class LowScoreReason:
    """Items a municipal self-check scored under 3, tallied by checklist category, with the reasons written."""

    category: str
    items: int
    municipalities: int
    reasons: tuple[str, ...]
