"""Which operation-log rows count toward 照会件数 (an import profile's `[oplog.count_rule]`).

A register entry's 照会件数 counts persons looked up; what a log writes per lookup differs by vendor:
  op_kinds        only these 処理区分 count (empty: every row counts)
  failed_results  処理結果 values that mean the lookup failed
  count_failed    whether failed rows count (default true)
  per             "row": a row counts its 照会件数 (default);
                  "subject_second": rows of one terminal, operator and second that searched the same person
                  count once (a vendor that writes a 住民票コード検索 and a 個人番号検索 row for one lookup)
The default counts every row's 照会件数, as the sample layout needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core.errors import InputError

PER_ROW, PER_SUBJECT_SECOND = "row", "subject_second"
_KEYS = {"op_kinds", "failed_results", "count_failed", "per"}


@dataclass(frozen=True)
class CountRule:
    op_kinds: tuple[str, ...] = ()
    failed_results: tuple[str, ...] = ()
    count_failed: bool = True
    per: str = PER_ROW

    @property
    def is_default(self) -> bool:
        """Every row counts its own 照会件数: nothing to work out at import."""
        return not self.op_kinds and (self.count_failed or not self.failed_results) and self.per == PER_ROW


def parse_count_rule(data: Any, where: str) -> CountRule:
    key = "oplog.count_rule"
    if not isinstance(data, dict):
        raise InputError(f"{key}: 表(キーと値の組)で書いてください。", where)
    unknown = set(data) - _KEYS
    if unknown:
        raise InputError(f"{key}: 不明なキーがあります: {', '.join(sorted(unknown))}"
                         f"(使えるキー: {', '.join(sorted(_KEYS))})", where)
    lists = {}
    for name in ("op_kinds", "failed_results"):
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise InputError(f"{key}.{name}: 文字列の並びで書いてください(例: [\"住民票コード検索\"])。", where)
        lists[name] = tuple(value)
    count_failed = data.get("count_failed", True)
    if not isinstance(count_failed, bool):
        raise InputError(f"{key}.count_failed: true か false にしてください。", where)
    per = data.get("per", PER_ROW)
    if per not in (PER_ROW, PER_SUBJECT_SECOND):
        raise InputError(f"{key}.per: \"{PER_ROW}\"(行ごと)か \"{PER_SUBJECT_SECOND}\"(同じ秒の同じ対象者は 1 件)"
                         "にしてください。", where)
    return CountRule(lists["op_kinds"], lists["failed_results"], count_failed, per)
