"""Export of the findings list to .xlsx or CSV, for people who work in Excel (the discrepancy list, a 疑義照会
list, is services.inquiry_list)."""

from __future__ import annotations

from pathlib import Path

from ..core.wareki import format_fiscal_year
from ..reports.spreadsheet import Sheet, table_bytes
from ..storage.database import Database
from .app_trail import write_export
from .findings import list_findings

FINDING_HEADERS = ("年度", "機関コード", "機関名", "監査区分", "指摘ID", "チェック項目", "区分", "重要度", "件名",
                   "現状(事実)", "判断基準", "原因", "影響", "改善を求める事項", "改善報告期限", "対応状況")


def findings_sheet(db: Database, fiscal_year: int | None = None) -> Sheet:
    rows = []
    for f in list_findings(db):
        if fiscal_year is not None and f.fiscal_year != fiscal_year:
            continue
        rows.append((format_fiscal_year(f.fiscal_year), f.agency_code, f.agency_name,
                     f.audit_type.value if f.audit_type else "", f.id, f.item_code, f.finding_class.value,
                     f.severity.value, f.title, f.condition, f.criteria, f.cause, f.effect, f.recommendation,
                     f.due_date, f.status))
    return Sheet("指摘事項", FINDING_HEADERS, rows)


def export_findings(db: Database, path: Path, fiscal_year: int | None = None) -> int:
    """Write the findings list to `path` (.xlsx or .csv); returns the number of rows."""
    sheet = findings_sheet(db, fiscal_year)
    write_export(db, path, table_bytes(path, [sheet]), "export.findings", rows=len(sheet.rows),
                 fiscal_year=fiscal_year)
    return len(sheet.rows)

