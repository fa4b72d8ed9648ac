"""Use cases of log reconciliation (ログ突合): run and store a reconciliation, export it, explain a result."""

from __future__ import annotations

import contextlib
import itertools
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

from ..core.errors import InputError
from ..core.progress import NO_PROGRESS, Progress
from ..reconcile.columns import Vocabulary, to_seconds
from ..reconcile.engine import reconcile
from ..reconcile.model import Kind, Outcome
from ..reconcile.settings import ReconcileSettings
from ..storage import reconcile_repo as repo
from ..storage import trail
from ..storage.database import Database, bulk_connection
from ..storage.reconcile_repo import ALL_TIME, Period, RunInfo, StoredDiscrepancy
from . import reconcile_export
from .master_data import require_agency
from .reconcile_export import Found
from .rows_ahead import RowsAhead

OPEN, EXPLAINED, RAISED = "open", "explained", "raised"
STATUS_LABELS = {OPEN: "未対応", EXPLAINED: "説明済み", RAISED: "指摘事項"}
REMOVED_IMPORT = "(削除した取込)"  # where a discrepancy's row was, once its import is removed


@dataclass(frozen=True)
class RunResult:
    run_id: int
    outcome: Outcome
    export: Export | None = None  # run_reconciliation(exporting=True): the run's export, its rows read already


def widened(period: Period) -> Period:
    """The period with a day either side: entries past midnight and operations just outside the period
    still take part in attribution at its edges."""
    return Period(None if period.first is None else period.first - timedelta(days=1),
                  None if period.last is None else period.last + timedelta(days=1))


def bounds(period: Period) -> tuple[int | None, int | None]:
    """The period as (first second, end second exclusive) of the engine's clock; None = open."""
    first = None if period.first is None else to_seconds(datetime.combine(period.first, datetime.min.time()))
    end = None if period.last is None else to_seconds(datetime.combine(period.last + timedelta(days=1),
                                                                          datetime.min.time()))
    return first, end


def within(period: Period, outcome: Outcome) -> Outcome:
    """Only the discrepancies whose operation (or entry start) lies in the period."""
    first, end = bounds(period)
    kept = [d for d in outcome.discrepancies if (first is None or d.at >= first) and (end is None or d.at < end)]
    return Outcome(kept, outcome.skipped)


def run_reconciliation(db: Database, agency_code: str, settings: ReconcileSettings, period: Period = ALL_TIME,
                       progress: Progress = NO_PROGRESS, *, exporting: bool = False) -> RunResult:
    """Reconcile the agency's imported operation logs with its register and store the run. exporting=True: the
    rows its export names are read beside the storing (services.rows_ahead), for export_result."""
    if period.first is not None and period.last is not None and period.first > period.last:
        raise InputError("期間の開始日が終了日より後です。")
    agency = require_agency(db, agency_code)
    assert agency.id is not None
    steps = 4
    names = Vocabulary()
    progress.update(0, steps, "操作ログを読み込んでいます")
    # Reading and storing each on a fresh connection: see storage.database.bulk_connection.
    with bulk_connection(db) as reader:
        ops = repo.load_operations(reader, agency.id, widened(period), names, progress)
        progress.update(1, steps, "業務端末使用管理簿を読み込んでいます")
        entries = repo.load_register(reader, agency.id, widened(period), names)
        lists = repo.load_agency_lists(reader, agency.id, names)
    progress.update(2, steps, f"突合しています(操作 {len(ops):,} 件、記帳 {len(entries):,} 件)")
    outcome = within(period, reconcile(ops, entries, lists, names, settings, bounds(period)))
    progress.update(3, steps, f"結果を保存しています({len(outcome.discrepancies):,} 件)")
    exported = _export_outcome(db, outcome) if exporting else None
    details = repo.detail_texts(d.detail for d in outcome.discrepancies) if exported is None else exported.details
    try:
        with bulk_connection(db) as writer, writer.transaction():
            run_id = repo.insert_run(writer, agency.id, period, settings, outcome, details)
            trail.record(writer, "reconcile.run", agency=agency.code, run_id=run_id, operations=len(ops),
                         register_entries=len(entries), summary=outcome.summary())
    except BaseException:
        if exported is not None:
            exported.close()
        raise
    progress.update(steps, steps, "")
    return RunResult(run_id, outcome, exported)


def require_run(db: Database, run_id: int) -> RunInfo:
    run = repo.get_run(db, run_id)
    if run is None:
        raise InputError(f"突合結果 {run_id} は見つかりません。")
    return run


@dataclass(frozen=True)
class Export:
    """A run as the CLI writes it: `head` (stale, summary per checked kind, skipped checks) and then, one at a
    time, every discrepancy's JSON object (reconcile_export: the file and physical line of each operation and
    register entry, the fields of the one it is about, the detail) as json.dumps writes it. Its rows are read
    from the start, in worker threads (RowsAhead): close() it when not every object is taken. `details`: each
    discrepancy's detail as JSON (reconcile_repo.detail_texts), as stored too."""

    head: dict[str, Any]
    discrepancies: Iterator[str]
    rows: RowsAhead
    details: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {**self.head, "discrepancies": [json.loads(text) for text in self.discrepancies]}

    def close(self) -> None:
        self.rows.close()


def export_run(db: Database, run_id: int) -> dict[str, Any]:
    """The stored run as the CLI writes it (Export). Operation kinds' details start with the operation's
    fields, register kinds' with the entry's."""
    run = require_run(db, run_id)
    return _export(db, repo.list_discrepancies(db, run_id), run.skipped, run.stale).as_dict()


def export_result(db: Database, result: RunResult) -> Export:
    """The run just made, as export_run gives it once stored, from the outcome in hand (not read back): the
    export made beside the storing when run_reconciliation was asked for it (exporting=True)."""
    return _export_outcome(db, result.outcome) if result.export is None else result.export


def _export_outcome(db: Database, outcome: Outcome) -> Export:
    return _export(db, outcome.discrepancies, [s.as_json() for s in outcome.skipped], None)


def _export(db: Database, found: Sequence[Found], skipped: list[dict[str, str]], stale: str | None) -> Export:
    rows = RowsAhead(db, found)  # the reading starts first: the export waits for it, not for what follows
    try:
        details = repo.detail_texts(d.detail for d in found)
        skipped_kinds = {s["kind"] for s in skipped}
        counts = Counter(map(attrgetter("kind"), found))  # in C: Kind.value is a property, dear at 10^5 rows
        summary = {kind.value: counts[kind] for kind in Kind if kind.value not in skipped_kinds}
    except BaseException:
        rows.close()
        raise
    return Export({**({"stale": stale} if stale else {}), "summary": summary, "skipped": skipped},
                  _objects(rows, details), rows, details)


def _objects(rows: RowsAhead, details: list[str]) -> Iterator[str]:
    texts = iter(details)
    with contextlib.closing(rows):
        for chunk, (operations, entries) in rows:
            yield from reconcile_export.objects(chunk, itertools.islice(texts, len(chunk)), operations, entries)


def list_discrepancies(db: Database, run_id: int) -> list[StoredDiscrepancy]:
    return repo.list_discrepancies(db, run_id)


@dataclass(frozen=True)
class DiscrepancyView:
    """One line of the discrepancy list: the discrepancy and the operation or entry it is about."""

    id: int
    ordinal: int
    kind: Kind
    status: str
    explanation: str | None
    at: str  # ISO: the operation's time, or the entry's start
    terminal: str
    operator: str
    summary: str
    file: str | None
    line: int | None


def describe(kind: Kind, detail: dict[str, Any]) -> str:
    """A short Japanese account of a discrepancy from its stored detail."""
    if kind is Kind.UNREGISTERED_OPERATION:
        return "管理簿に記帳のない操作"
    if kind is Kind.UNUSED_REGISTER_ENTRY:
        declared = f"(記帳の照会件数 {detail['register_count']} 件)" if "register_count" in detail else ""
        return "記帳した時間に操作ログがない" + declared
    if kind is Kind.OPERATOR_MISMATCH:
        return f"記帳の使用者は {detail['register_operator']}"
    if kind is Kind.PURPOSE_MISMATCH:
        return f"記帳の利用事務は {detail['register_jimu_code']}"
    if kind is Kind.COUNT_MISMATCH:
        return (f"記帳 {detail['register_count']} 件、操作ログ {detail['logged_count']} 件"
                f"(操作 {detail['operations']} 回)")
    if kind is Kind.CONCURRENT_SESSION:
        return f"同時に端末 {detail['other_terminal']} を使用({detail['other_from'][11:]}～{detail['other_to'][11:]})"
    return str(detail.get("reason", ""))


def view_run(db: Database, run_id: int, *, bulk: bool = True) -> list[DiscrepancyView]:
    """The run's discrepancies as list lines; read on a fresh connection (tens of thousands of rows: see
    bulk_connection), or on `db` itself when not `bulk` (a sheet's few, where a new connection costs more)."""
    summaries: dict[tuple[str, str], str] = {}  # most details repeat: describe each once
    views = []
    if bulk:
        with bulk_connection(db) as reader:
            rows = repo.discrepancy_subjects(reader, run_id)
    else:
        rows = repo.discrepancy_subjects(db, run_id)
    for id_, ordinal, kind_text, status, explanation, detail, at, terminal, operator, file, line in rows:
        kind = Kind(kind_text)
        summary = summaries.get((kind_text, detail))
        if summary is None:
            summary = summaries[(kind_text, detail)] = describe(kind, json.loads(detail))
        if at is None:  # the row's import was removed after the run
            at, terminal, operator, file, line = "", "", "", REMOVED_IMPORT, None
        views.append(DiscrepancyView(id_, ordinal, kind, status, explanation, at, terminal, operator, summary,
                                     file, line))
    return views


@dataclass(frozen=True)
class SideBySide:
    """The operations and register entries a discrepancy refers to, as rows to show next to each other."""

    operations: list[tuple[Any, ...]]
    entries: list[tuple[Any, ...]]


def side_by_side(db: Database, discrepancy_id: int) -> SideBySide:
    found = _require_discrepancy(db, discrepancy_id)
    return SideBySide(repo.operation_rows(db, found.operation_ids), repo.register_rows(db, found.register_ids))


def latest_run(db: Database, agency_code: str) -> RunInfo | None:
    agency = require_agency(db, agency_code)
    assert agency.id is not None
    return repo.latest_run(db, agency.id)


def _require_discrepancy(db: Database, discrepancy_id: int) -> StoredDiscrepancy:
    found = repo.get_discrepancy(db, discrepancy_id)
    if found is None:
        raise InputError(f"差異 {discrepancy_id} は見つかりません。")
    return found


def mark_explained(db: Database, discrepancy_id: int, reason: str) -> StoredDiscrepancy:
    """The auditor accepts the agency's explanation (e.g. 「システム障害時の再照会」)."""
    if not reason.strip():
        raise InputError("説明済みにする理由を入力してください。")
    found = _require_discrepancy(db, discrepancy_id)
    if found.status == RAISED:
        raise InputError("この差異は既に指摘事項になっています。説明済みにはできません。")
    with db.transaction():
        repo.set_status(db, discrepancy_id, EXPLAINED, reason.strip())
        trail.record(db, "reconcile.explain", discrepancy_id=discrepancy_id, kind=found.kind.value)
    return _require_discrepancy(db, discrepancy_id)


def reopen(db: Database, discrepancy_id: int) -> StoredDiscrepancy:
    """Undo mark_explained: the discrepancy is open again and its reason is removed."""
    found = _require_discrepancy(db, discrepancy_id)
    if found.status != EXPLAINED:
        raise InputError("説明済みの差異だけを元に戻せます。")
    with db.transaction():
        repo.set_status(db, discrepancy_id, OPEN, None)
        trail.record(db, "reconcile.reopen", discrepancy_id=discrepancy_id, kind=found.kind.value)
    return _require_discrepancy(db, discrepancy_id)
