"""Use cases: list the imports of an agency and remove one (its rows go; runs made with it are marked 古い).

What a removal keeps: reconciliation runs and their discrepancies stay (marked out of date), so findings raised
from them and the issued sheets that summarise them still verify; their log lines are quoted in the findings'
own text. Only the rows the removed import added go: rows it skipped belong to the earlier import that added
them. An import with operations drawn into a 根拠書類 sample is refused (the sample's results need them).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import InputError
from ..storage import import_batches as repo
from ..storage import sampling_repo, trail
from ..storage.database import Database
from ..storage.import_batches import Batch
from .master_data import require_agency


@dataclass(frozen=True)
class Removal:
    batch: Batch
    operations: int
    register_entries: int
    stale_runs: int


def list_imports(db: Database, agency_code: str) -> list[Batch]:
    agency = require_agency(db, agency_code)
    assert agency.id is not None
    return repo.list_batches(db, agency.id)


def remove_import(db: Database, batch_id: int) -> Removal:
    """Remove one import in one transaction, with a trail entry."""
    batch = repo.get_batch(db, batch_id)
    if batch is None:
        raise InputError(f"取込 {batch_id} は見つかりません(import list で番号を確認してください)。")
    sampled = sampling_repo.drawn_from_batch(db, batch_id)
    if sampled:  # the sample's lines and their recorded results are evidence: they keep their operations
        raise InputError(f"取込 {batch_id} の操作ログは根拠書類の抽出 {'、'.join(map(str, sampled))} に使われているため、"
                         "削除できません。")
    names = "、".join(f.file_name for f in batch.files)
    with db.transaction():
        operations, entries = repo.delete_batch(db, batch_id)
        stale = repo.mark_runs_stale(db, batch.agency_id, batch.imported_at,
                                     f"取込 {batch_id}({names})を削除したため古い結果です")
        trail.record(db, "import.remove", batch_id=batch_id, agency_id=batch.agency_id, kind=batch.kind,
                     files=[f.file_name for f in batch.files], operations=operations, register_entries=entries,
                     stale_runs=stale)
    return Removal(batch, operations, entries, stale)
