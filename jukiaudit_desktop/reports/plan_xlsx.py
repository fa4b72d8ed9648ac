"""The coverage matrix as .xlsx: the shared table writer, then cells filled by audit type and gaps in red."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from openpyxl.styles import PatternFill

from ..core.planning import AuditKind
from ..core.wareki import format_fiscal_year
from ..planning.matrix import CoverageMatrix
from .spreadsheet import Sheet, xlsx_bytes

FILLS = {AuditKind.INTERNAL: "CCE0FF", AuditKind.EXTERNAL: "FFD99E"}
GAP_FILL = "FFC7C7"
FIRST_YEAR_COLUMN = 3  # after コード and 機関名


def matrix_sheets(matrix: CoverageMatrix) -> list[Sheet]:
    years = list(matrix.period.years)
    rows = [[row.agency.code, row.agency.display_name, *(c.text() if (c := row.cells.get(y)) else "" for y in years),
             "未計画" if row.is_gap else "", "\n".join(v.message for v in row.problems)] for row in matrix.rows]
    grid = Sheet(matrix.period.name, ["コード", "機関名", *(format_fiscal_year(y) for y in years), "期内", "規則違反"],
                 rows)
    violations = Sheet("規則違反", ["規則", "年度", "機関", "内容"],
                       [[v.rule.value, format_fiscal_year(v.fiscal_year) if v.fiscal_year else "",
                         "、".join(v.agencies), v.detail] for v in matrix.violations])
    return [grid, violations]


def matrix_xlsx(matrix: CoverageMatrix) -> bytes:
    """The workbook: the matrix sheet (coloured) and a sheet listing every rule breach."""
    workbook = load_workbook(io.BytesIO(xlsx_bytes(matrix_sheets(matrix))))
    sheet = workbook[matrix.period.name[:31]]
    for r, row in enumerate(matrix.rows, start=2):
        for c, year in enumerate(matrix.period.years, start=FIRST_YEAR_COLUMN):
            cell = row.cells.get(year)
            if cell is not None:
                sheet.cell(r, c).fill = PatternFill("solid", fgColor=FILLS[cell.kind])
        if row.is_gap:
            for c in (1, 2):
                sheet.cell(r, c).fill = PatternFill("solid", fgColor=GAP_FILL)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
