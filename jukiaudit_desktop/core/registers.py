"""管理簿 inspection: which registers an audited agency keeps, since when, its last entry, its own 突合.

The R7 audits' findings (seed 資料2) are about exactly this: 「管理帳票(ドキュメント管理簿、帳票管理簿)を作成して
いなかった」 and 「業務端末使用管理簿の作成及び操作ログとの突合ができていなかった」. An inspector records, per
audit and register kind, what was seen; `proposals` says which finding each gap suggests:
- a register not kept → its finding (帳票管理簿 and ドキュメント管理簿 share the R7 wording);
- a register whose last entry is more than `stale_days` before the audit day → 記帳が途絶えていた;
- 業務端末使用管理簿 without the agency's own 突合 with the operation log within `stale_days` → the R7 finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .audit import FindingClass

STALE_DAYS = 90  # a register not written for a quarter is not being kept


class RegisterKind(StrEnum):
    TERMINAL = "業務端末使用管理簿"
    FORMS = "帳票管理簿"
    DOCUMENTS = "ドキュメント管理簿"
    MEDIA = "媒体管理簿"
    CREDENTIALS = "照合情報認証管理簿"


# The R7 finding's own words where it exists (資料2), else the same pattern.
_NOT_KEPT = {
    RegisterKind.FORMS: "管理帳票(ドキュメント管理簿、帳票管理簿)を作成していなかった",
    RegisterKind.DOCUMENTS: "管理帳票(ドキュメント管理簿、帳票管理簿)を作成していなかった",
    RegisterKind.TERMINAL: "業務端末使用管理簿の作成及び操作ログとの突合ができていなかった",
    RegisterKind.MEDIA: "媒体管理簿を作成していなかった",
    RegisterKind.CREDENTIALS: "照合情報認証管理簿を作成していなかった",
}
NO_RECONCILIATION = "業務端末使用管理簿の作成及び操作ログとの突合ができていなかった"


@dataclass(frozen=True)
class RegisterCheck:
    """What the inspector saw of one register at one audit."""

    kind: RegisterKind
    kept: bool
    since: date | None = None
    last_entry: date | None = None
    check_frequency: str = ""      # the agency's own 突合 of the register with the log: 毎月, 四半期ごと …
    last_checked: date | None = None
    checked_by: str = ""           # who confirmed the 突合 (責任者)
    note: str = ""


@dataclass(frozen=True)
class Proposal:
    """A finding a register gap suggests; the inspector decides whether to raise it."""

    kind: RegisterKind
    finding_class: FindingClass
    title: str
    condition: str


@dataclass(frozen=True)
class Gaps:
    not_kept: bool
    stale: bool              # kept, but the last entry is older than stale_days (or missing)
    no_reconciliation: bool  # 業務端末使用管理簿 without the agency's own 突合 within stale_days


def _stale(day: date | None, on: date, days: int) -> bool:
    return day is None or (on - day).days > days


def gaps(check: RegisterCheck, on: date, stale_days: int = STALE_DAYS) -> Gaps:
    if not check.kept:
        return Gaps(True, False, False)
    return Gaps(False, _stale(check.last_entry, on, stale_days),
                check.kind is RegisterKind.TERMINAL and _stale(check.last_checked, on, stale_days))


def proposals(checks: list[RegisterCheck], on: date, stale_days: int = STALE_DAYS) -> list[Proposal]:
    """The findings the recorded registers suggest on the audit day `on`, one per title."""
    found: dict[str, Proposal] = {}

    def propose(kind: RegisterKind, title: str, condition: str) -> None:
        earlier = found.get(title)
        found[title] = Proposal(earlier.kind if earlier else kind, FindingClass.NEEDS_IMPROVEMENT, title,
                                f"{earlier.condition} {condition}" if earlier else condition)

    for check in checks:
        gap = gaps(check, on, stale_days)
        if gap.not_kept:
            propose(check.kind, _NOT_KEPT[check.kind], f"{check.kind.value}が作成されていなかった。")
        if gap.stale:
            last = "記帳がない" if check.last_entry is None else f"最終記帳は{check.last_entry.isoformat()}"
            propose(check.kind, f"{check.kind.value}の記帳が途絶えていた",
                    f"{check.kind.value}の{last}(監査日まで{stale_days}日を超える)。")
        if gap.no_reconciliation:
            last = "記録がない" if check.last_checked is None else f"最終は{check.last_checked.isoformat()}"
            propose(check.kind, NO_RECONCILIATION, f"所属での操作ログとの突合の{last}。")
    return list(found.values())
