"""「この対象者への照会」: every lookup of the subject a discrepancy is about, across the agency's imported logs,
shown with the masked number only (the stored hash stays inside; no clear number exists to show)."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import InputError
from ..storage import reconcile_repo, subjects_repo
from ..storage.database import Database


@dataclass(frozen=True)
class Lookup:
    operation_id: int
    at: str
    terminal: str
    operator: str
    op_kind: str | None
    jimu_code: str | None
    result: str | None
    masked: str
    file: str
    line: int


def lookups_of_discrepancy(db: Database, discrepancy_id: int) -> list[Lookup]:
    """The lookups of the subject of the discrepancy's first operation that has one."""
    found = reconcile_repo.get_discrepancy(db, discrepancy_id)
    if found is None:
        raise InputError(f"差異 {discrepancy_id} は見つかりません。")
    return _lookups(db, found.operation_ids)


def lookups_of_operation(db: Database, operation_id: int) -> list[Lookup]:
    return _lookups(db, (operation_id,))


def _lookups(db: Database, operation_ids: tuple[int, ...]) -> list[Lookup]:
    subject = subjects_repo.operation_subject(db, operation_ids)
    if subject is None:
        raise InputError("この操作には対象者(個人番号・住民票コード)の記録がありません。"
                         "取込プロファイルで対象者の列を指定して取り込んだ操作ログだけが対象です。")
    return [Lookup(*row) for row in subjects_repo.lookups(db, *subject)]
