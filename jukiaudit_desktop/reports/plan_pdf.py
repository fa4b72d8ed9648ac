"""The plan as PDF: the year's plan for the council (seed 「令和8年度監査計画」) and the period's coverage matrix."""

from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from ..core.master import listed_names
from ..core.planning import COUNCIL_PRINCIPLES, AuditKind, Rule
from ..core.wareki import format_fiscal_year, format_wareki
from ..planning.document import PlanDocument, YearCount
from ..planning.matrix import CoverageMatrix
from .pdf_base import CONTENT_WIDTH, DocumentInfo, grid_table, paragraph, render_pdf, styles

KIND_COLOURS = {AuditKind.INTERNAL: colors.Color(0.80, 0.88, 1.0), AuditKind.EXTERNAL: colors.Color(1.0, 0.85, 0.62)}
GAP_COLOUR = colors.Color(1.0, 0.78, 0.78)
HEADER = "住民基本台帳ネットワークシステム 監査計画"


def _agency_list(names: tuple[str, ...]) -> str:
    return listed_names(names) if names else "なし"


def _outlook_cells(count: YearCount) -> tuple[str, str, str]:
    if count.internal + count.external == 0:
        return "未計画", "未計画", "—"
    return f"{count.internal}機関", f"{count.external}機関", f"{count.internal + count.external}機関"


def render_plan_document(doc: PlanDocument, doc_number: str, issued_on: date) -> bytes:
    """The year's plan on A4: the basic rules, the year within its period, and the table of audits."""
    s = styles()
    targets = _agency_list(doc.internal)
    if doc.new_agencies:
        targets += f"\n新規事務利用機関: {listed_names(doc.new_agencies)}"
    table = grid_table(
        [[paragraph("区分", s.cell_header), paragraph("監査人", s.cell_header), paragraph("対象機関", s.cell_header)],
         [paragraph("内部監査", s.cell), paragraph(doc.internal_auditors, s.cell), paragraph(targets, s.cell)],
         [paragraph("外部監査", s.cell), paragraph(doc.external_auditors, s.cell),
          paragraph(_agency_list(doc.external), s.cell)]],
        [22 * mm, 50 * mm, CONTENT_WIDTH - 72 * mm], header_column=True)
    outlook = grid_table(
        [[paragraph(t, s.cell_header) for t in ("年度", "内部監査", "外部監査", "計")]]
        + [[paragraph(format_fiscal_year(c.fiscal_year) + ("" if c.fiscal_year == doc.fiscal_year else "(見込み)"),
                      s.cell),
            *(paragraph(text, s.cell_right) for text in _outlook_cells(c))] for c in doc.outlook],
        [50 * mm, 30 * mm, 30 * mm, 30 * mm])
    story: list[Flowable] = [
        paragraph(f"文書番号 {doc_number}", s.right),
        paragraph(format_wareki(issued_on), s.right),
        Spacer(1, 4 * mm),
        paragraph(doc.title, s.title),
        paragraph("【基本的な考え方】", s.heading),
        *(paragraph(f"{i}. {text}", s.body) for i, text in enumerate(COUNCIL_PRINCIPLES, start=1)),
        *([paragraph("【計画作成時の担当者の設定】(基本的な考え方ではない)", s.heading),
           *(paragraph(f"・{line}", s.body) for line in doc.settings)] if doc.settings else []),
        paragraph(f"【{format_fiscal_year(doc.fiscal_year)}の監査について】", s.heading),
        paragraph(f"{doc.period_label}の{doc.year_in_period}年目として、上記の基本的な考え方に基づき、"
                  "次のとおり監査を実施する。", s.body),
        Spacer(1, 2 * mm),
        table,
        paragraph(f"(参考){doc.period_label}の監査予定", s.heading),
        outlook,
        Spacer(1, 2 * mm),
        paragraph("見込みの年度は、監査の記録と指摘事項の状況により毎年度見直す。", s.small),
    ]
    info = DocumentInfo(title=doc.title, doc_number=doc_number, issued_on=issued_on, header_left=HEADER,
                        subject=f"{doc.title}({doc.period_label})")
    return render_pdf(story, info)


def render_matrix(matrix: CoverageMatrix, doc_number: str, issued_on: date) -> bytes:
    """The coverage matrix on A4: one row per agency, a coloured cell per audit, gaps and breaches marked."""
    s = styles()
    years = list(matrix.period.years)
    header = ["コード", "機関名", *(format_fiscal_year(y) for y in years), "規則違反・未計画"]
    rows: list[list[Any]] = [[paragraph(t, s.cell_header) for t in header]]
    commands: list[tuple[Any, ...]] = []
    for r, row in enumerate(matrix.rows, start=1):
        cells = []
        for c, year in enumerate(years, start=2):
            cell = row.cells.get(year)
            cells.append(paragraph("" if cell is None else cell.text(short=True), s.cell))
            if cell is not None:
                commands.append(("BACKGROUND", (c, r), (c, r), KIND_COLOURS[cell.kind]))
        notes = "、".join(sorted({v.rule.value for v in row.problems}))
        if row.is_gap:
            commands.append(("BACKGROUND", (0, r), (1, r), GAP_COLOUR))
        rows.append([paragraph(row.agency.code, s.cell), paragraph(row.agency.display_name, s.cell), *cells,
                     paragraph(notes, s.cell)])
    rows.append([paragraph("", s.cell), paragraph("計(内部/外部)", s.cell),
                 *(paragraph(f"{matrix.count(y, AuditKind.INTERNAL)} / {matrix.count(y, AuditKind.EXTERNAL)}",
                             s.cell_right) for y in years), paragraph("", s.cell)])
    year_width = 24 * mm
    widths = [16 * mm, 44 * mm, *([year_width] * len(years)), CONTENT_WIDTH - 60 * mm - year_width * len(years)]
    title = f"{matrix.period.label} 監査の実施状況と計画"
    unplanned = sum(1 for v in matrix.violations if v.rule is Rule.COVERAGE)
    story: list[Flowable] = [
        paragraph(title, s.title),
        paragraph(f"対象 {len(matrix.rows)}機関 ・ 期内に監査のない機関 {unplanned} ・ "
                  f"規則違反 {len(matrix.violations) - unplanned}件 ・ 作成日 {format_wareki(issued_on)}", s.body),
        paragraph("色: 青=内部、橙=外部、赤=期内に監査なし。履歴=アプリ導入前の記録、記録=アプリで記録、"
                  "計画=計画案、固定=担当者が固定、!=この年度に規則違反。", s.small),
        Spacer(1, 2 * mm),
        grid_table(rows, widths, extra_style=commands),
    ]
    info = DocumentInfo(title=title, doc_number=doc_number, issued_on=issued_on, header_left=HEADER)
    return render_pdf(story, info)
