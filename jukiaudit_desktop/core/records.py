"""Imported evidence: one operation-log record and one 業務端末使用管理簿 (register) entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

DEFAULT_SUCCESS_RESULTS = ("正常",)  # 処理結果 values that are not a failed search, unless the profile says others


@dataclass(frozen=True, slots=True)
class OperationRecord:
    """One row of a terminal's operation log (操作ログ). `at` is local time (JST), to the second."""

    at: datetime
    terminal: str
    operator: str
    jimu_code: str | None
    count: int
    op_kind: str | None = None  # 処理区分
    result: str | None = None  # 処理結果
    subject_hash: str | None = None  # keyed hash of 個人番号 / 住民票コード, never the clear value
    subject_mask: str | None = None  # masked form for display
    file_name: str | None = None  # source file (basename)
    line: int | None = None  # physical line in the source file (header = 1)
    id: int | None = None


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """One entry of the 業務端末使用管理簿: a window of use of one terminal, to the minute (end inclusive).

    An entry that runs past midnight has `end_at` on the next day.
    """

    start_at: datetime
    end_at: datetime
    terminal: str
    operator: str
    jimu_code: str | None
    count: int | None
    file_name: str | None = None  # None: typed in by hand
    line: int | None = None  # physical line (CSV) or sheet row (xlsx)
    id: int | None = None
