"""Exports of the findings and discrepancy lists to .xlsx or CSV, for people who work in Excel."""

from __future__ import annotations

from pathlib import Path

from ..core.wareki import format_fiscal_year
from ..reconcile.model import KIND_LABELS, Kind
from ..reports.spreadsheet import Sheet, table_bytes
from ..security.atomic import write_atomic
from ..storage import reports_repo, trail
from ..storage.database import Database
from .findings import list_findings

FINDING_HEADERS = ("年度", "機関コード", "機関名", "監査区分", "指摘ID", "チェック項目", "区分", "重要度", "件名",
                   "現状(事実)", "判断基準", "原因", "影響", "改善を求める事項", "改善報告期限", "対応状況")
DISCREPANCY_HEADERS = ("突合ID", "機関コード", "機関名", "番号", "種類", "種類(名称)", "状態", "説明",
                       "詳細", "操作ログID", "管理簿ID")
STATUS_LABELS = {"open": "未処理", "explained": "説明済み", "raised": "指摘として提起"}


def _kind_label(kind: str) -> str:
    return KIND_LABELS[Kind(kind)] if kind in Kind._value2member_map_ else kind


def findings_sheet(db: Database, fiscal_year: int | None = None) -> Sheet:
    rows = []
    for f in list_findings(db):
        if fiscal_year is not None and f.fiscal_year != fiscal_year:
            continue
        rows.append((format_fiscal_year(f.fiscal_year), f.agency_code, f.agency_name,
                     f.audit_type.value if f.audit_type else "", f.id, f.item_code, f.finding_class.value,
                     f.severity.value, f.title, f.condition, f.criteria, f.cause, f.effect, f.recommendation,
                     f.due_date, f.status.value))
    return Sheet("指摘事項", FINDING_HEADERS, rows)


def discrepancies_sheet(db: Database, reconciliation_id: int | None = None) -> Sheet:
    rows = [(run, code, name, ordinal, kind, _kind_label(kind), STATUS_LABELS.get(status, status),
             explanation, detail, operation_ids, register_ids)
            for run, code, name, ordinal, kind, status, explanation, detail, operation_ids, register_ids
            in reports_repo.discrepancy_rows(db, reconciliation_id)]
    return Sheet("突合結果", DISCREPANCY_HEADERS, rows)


def export_findings(db: Database, path: Path, fiscal_year: int | None = None) -> int:
    """Write the findings list to `path` (.xlsx or .csv); returns the number of rows."""
    sheet = findings_sheet(db, fiscal_year)
    write_atomic(path, table_bytes(path, [sheet]))
    with db.transaction():
        trail.record(db, "export.findings", file=path.name, rows=len(sheet.rows), fiscal_year=fiscal_year)
    return len(sheet.rows)


def export_discrepancies(db: Database, path: Path, reconciliation_id: int | None = None) -> int:
    """Write the discrepancy list (one run, or all) to `path` (.xlsx or .csv); returns the number of rows."""
    sheet = discrepancies_sheet(db, reconciliation_id)
    write_atomic(path, table_bytes(path, [sheet]))
    with db.transaction():
        trail.record(db, "export.discrepancies", file=path.name, rows=len(sheet.rows),
                     reconciliation_id=reconciliation_id)
    return len(sheet.rows)
