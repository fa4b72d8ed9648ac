"""What a reconciliation finds: the discrepancy kinds (nine against the register and lists, five about subjects and
activity), one discrepancy, a check that was skipped."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple


class Kind(StrEnum):
    """Discrepancy kinds, in the order results are listed."""

    UNREGISTERED_OPERATION = "unregistered_operation"
    UNUSED_REGISTER_ENTRY = "unused_register_entry"
    OPERATOR_MISMATCH = "operator_mismatch"
    PURPOSE_MISMATCH = "purpose_mismatch"
    COUNT_MISMATCH = "count_mismatch"
    OFF_HOURS = "off_hours"
    UNAUTHORIZED_JIMU = "unauthorized_jimu"
    UNKNOWN_OPERATOR = "unknown_operator"
    CONCURRENT_SESSION = "concurrent_session"
    REPEATED_SUBJECT = "repeated_subject"
    WATCHLIST_HIT = "watchlist_hit"
    VOLUME_SPIKE = "volume_spike"
    FAILED_SEARCH_BURST = "failed_search_burst"
    UNREGISTERED_TERMINAL = "unregistered_terminal"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {kind: rank for rank, kind in enumerate(Kind)}
REGISTER_KINDS = frozenset({Kind.UNUSED_REGISTER_ENTRY, Kind.COUNT_MISMATCH})  # about an entry, not an operation

KIND_LABELS = {
    Kind.UNREGISTERED_OPERATION: "無記帳照会",
    Kind.UNUSED_REGISTER_ENTRY: "操作のない記帳",
    Kind.OPERATOR_MISMATCH: "操作者の不一致",
    Kind.PURPOSE_MISMATCH: "利用事務の不一致",
    Kind.COUNT_MISMATCH: "照会件数の不一致",
    Kind.OFF_HOURS: "時間外・休日の操作",
    Kind.UNAUTHORIZED_JIMU: "権限外の事務",
    Kind.UNKNOWN_OPERATOR: "未登録・失効済みの操作者ID",
    Kind.CONCURRENT_SESSION: "同一IDの同時使用",
    Kind.REPEATED_SUBJECT: "同一対象者への繰り返し照会",
    Kind.WATCHLIST_HIT: "注視対象者への照会",
    Kind.VOLUME_SPIKE: "照会件数の急増",
    Kind.FAILED_SEARCH_BURST: "照会失敗の連続",
    Kind.UNREGISTERED_TERMINAL: "未登録の端末",
}


class Discrepancy(NamedTuple):
    """One finding of the engine. `at` (seconds, local time) and the first id give its place in the order.

    `detail` holds only what the referenced operation and entry rows do not say (reason, the entry's
    operator …); exports add those rows' fields. A named tuple: a run at 10^7 operations makes 10^5–10^6 of
    them, and a tuple is made four times faster than a frozen dataclass.
    """

    kind: Kind
    operation_ids: tuple[int, ...]
    register_ids: tuple[int, ...]
    detail: dict[str, Any]
    at: int = 0

    def sort_key(self) -> tuple[int, int, int, int]:
        first_op = self.operation_ids[0] if self.operation_ids else 0
        first_entry = self.register_ids[0] if self.register_ids else 0
        return (self.kind.rank, self.at, first_op, first_entry)


@dataclass(frozen=True)
class SkippedCheck:
    """A kind that was not checked, and why (e.g. the agency has no operator list)."""

    kind: Kind
    reason: str

    def as_json(self) -> dict[str, str]:
        return {"kind": self.kind.value, "reason": self.reason}


@dataclass(frozen=True)
class Outcome:
    """All discrepancies of one run, in their deterministic order, and the checks skipped."""

    discrepancies: list[Discrepancy]
    skipped: list[SkippedCheck] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        """Count per checked kind (zero included); skipped kinds are left out."""
        skipped = {s.kind for s in self.skipped}
        found = Counter(d.kind for d in self.discrepancies)  # Kind.value is a property: read once per kind
        return {kind.value: found[kind] for kind in Kind if kind not in skipped}
