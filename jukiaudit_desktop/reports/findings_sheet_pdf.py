"""How a findings sheet looks: an A4 official form (reportlab platypus) drawn from a FindingsSheet."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ..core.day_picture import DayPicture
from ..core.wareki import format_fiscal_year, format_wareki, format_wareki_or
from .day_picture_pdf import APPENDIX_TITLE, appendix_story
from .findings_sheet import FindingLine, FindingsSheet, Issue
from .pdf_base import (
    CONTENT_WIDTH,
    FONT_NAME,
    RULE_COLOUR,
    DocumentInfo,
    QrFlowable,
    Styles,
    grid_table,
    paragraph,
    render_pdf,
    styles,
)

SHEET_TITLE = "住基ネット監査結果通知書(指摘事項票)"
SELF_CHECK_TITLE = "住基ネット自己点検結果通知書(指摘事項票)"
SELF_CHECK = "自己点検"
DRAFT = "下書き"
KEYWORD_PREFIX = "jukiaudit-sheet"
BLANK_DATE = "令和　　年　　月　　日"
HEADING_ROOM = 45 * mm  # a heading with less room than this below it starts the next page


def _average(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def audit_dates_text(sheet: FindingsSheet) -> str:
    if sheet.start_date is None:
        return "—"
    if sheet.end_date is None or sheet.end_date == sheet.start_date:
        return format_wareki(sheet.start_date)
    return f"{format_wareki(sheet.start_date)} ～ {format_wareki(sheet.end_date)}"


def metadata_keywords(issue: Issue) -> str:
    """Machine-readable tags in the PDF's Keywords, read back by verify-sheet."""
    return f"{KEYWORD_PREFIX}; doc={issue.doc_number}; sha256={issue.content_sha256}; trail={issue.trail_head}"


QR_PREFIX = "JUKIAUDIT-SHEET"
_QR_PAYLOAD = re.compile(rf"{QR_PREFIX};doc=(?P<doc>[^;]+);sha256=(?P<sha>[0-9a-fA-F]{{64}})")


def qr_payload(issue: Issue) -> str:
    return f"{QR_PREFIX};doc={issue.doc_number};sha256={issue.content_sha256}"


def parse_qr_payload(text: str) -> tuple[str, str] | None:
    """(document number, content hash) from the text a scanner reads off the printed QR code."""
    match = _QR_PAYLOAD.search(text.strip())
    return None if match is None else (match["doc"], match["sha"].lower())


def title(sheet: FindingsSheet) -> str:
    return SELF_CHECK_TITLE if sheet.audit_type == SELF_CHECK else SHEET_TITLE


def _intro(sheet: FindingsSheet) -> str:
    """The letter's paragraph: a 自己点検 is the agency's own check, an audit is ours; the 改善報告 is asked for
    only when there are findings."""
    year = format_fiscal_year(sheet.fiscal_year)
    if sheet.audit_type == SELF_CHECK:
        text = (f"貴所属が実施した{year}住民基本台帳ネットワークシステムの自己点検の結果を確認しましたので、"
                "下記のとおり通知します。")
    else:
        text = f"{year}住民基本台帳ネットワークシステムの{sheet.audit_type}を実施しましたので、その結果を下記のとおり通知します。"
    if sheet.findings:
        text += "指摘事項については、それぞれの改善報告期限までに改善状況を報告してください。"
    return text


def _opening(sheet: FindingsSheet, issue: Issue, s: Styles) -> list[Flowable]:
    number = f"{DRAFT}(文書番号なし)" if issue.draft else f"文書番号 {issue.doc_number}"
    sender = [paragraph(sheet.issuer, s.right)]
    if issue.contact:
        sender.append(paragraph(issue.contact, s.right_small))
    return [
        paragraph(number, s.right),
        paragraph(format_wareki(issue.issued_on), s.right),
        Spacer(1, 3 * mm),
        paragraph(issue.addressee or f"{sheet.agency_name} 御中", s.body),
        *sender,
        Spacer(1, 5 * mm),
        paragraph(title(sheet), s.title),
        paragraph(_intro(sheet), s.body),
        Spacer(1, 2 * mm),
        paragraph("記", s.title),
    ]


def _overview(sheet: FindingsSheet, s: Styles) -> list[Flowable]:
    rows = [
        ("対象機関", f"{sheet.agency_name}(機関コード {sheet.agency_code})"),
        ("監査区分", sheet.audit_type),
        ("年度", format_fiscal_year(sheet.fiscal_year)),
        ("実施日", audit_dates_text(sheet)),
        ("実施場所", sheet.place or "—"),
        ("監査人", "、".join(sheet.auditors) or "—"),
        ("対象機関出席者", "、".join(sheet.attendees) or "—"),
    ]
    table = grid_table([[paragraph(k, s.cell), paragraph(v, s.cell)] for k, v in rows],
                       [32 * mm, CONTENT_WIDTH - 32 * mm], header_rows=0, header_column=True)
    return [*_heading("1 監査の概要", s), table]


def _scores(sheet: FindingsSheet, s: Styles) -> list[Flowable]:
    header = [paragraph(t, s.cell_header) for t in ("区分(カテゴリ)", "項目数", "自己点検", "監査人検証")]
    rows = [header]
    for line in sheet.scores:
        rows.append([paragraph(line.category, s.cell), paragraph(str(line.items), s.cell_right),
                     paragraph(_average(line.self_average), s.cell_right),
                     paragraph(_average(line.verified_average), s.cell_right)])
    total_items = sum(line.items for line in sheet.scores)
    rows.append([paragraph("総合(全項目の平均)", s.cell), paragraph(str(total_items), s.cell_right),
                 paragraph(_average(sheet.overall_self), s.cell_right),
                 paragraph(_average(sheet.overall_verified), s.cell_right)])
    widths = [CONTENT_WIDTH - 3 * 30 * mm, 30 * mm, 30 * mm, 30 * mm]
    table = grid_table(rows, widths, extra_style=[("LINEABOVE", (0, -1), (-1, -1), 1.0, RULE_COLOUR)])
    note = paragraph("点数は3点満点。該当なし及び未評価の項目は平均に含めない。", s.small)
    return [*_heading("2 評価結果(3点満点)", s), table, Spacer(1, 1 * mm), note]


def _heading(text: str, s: Styles) -> list[Flowable]:
    """A section heading that never stands alone at a page foot: it starts a new page when little room is left."""
    return [CondPageBreak(HEADING_ROOM), paragraph(text, s.heading)]


def _finding_table(f: FindingLine, s: Styles, with_header: bool) -> Table:
    """One finding as its own table: when it continues on the next page, its No. and 件名 row repeats there
    (and the column header too for the first finding, which carries it)."""
    fields = [
        ("件名", f.title),
        ("区分・重要度", f"{f.finding_class}(重要度 {f.severity})"),
        ("現状(事実)", f.condition or "—"),
        ("判断基準", f.criteria or "—"),
        ("改善を求める事項", f.recommendation or "—"),
        ("改善報告期限", format_wareki_or(f.due_date, "—")),
    ]
    rows: list[list[Flowable | str]] = []
    if with_header:
        rows.append([paragraph(t, s.cell_header) for t in ("No.", "項目", "内容")])
    for i, (label, text) in enumerate(fields):
        rows.append([paragraph(str(f.number) if i == 0 else "", s.cell_header),
                     paragraph(label, s.cell), paragraph(text, s.cell)])
    title_row = 1 if with_header else 0
    style: list[tuple[Any, ...]] = [("VALIGN", (0, title_row), (-1, -1), "TOP"),
                                    ("BOX", (0, title_row), (-1, -1), 1.2, RULE_COLOUR)]
    return grid_table(rows, [12 * mm, 30 * mm, CONTENT_WIDTH - 42 * mm], header_rows=title_row,
                      repeat_rows=title_row + 1, extra_style=style)


def _findings(sheet: FindingsSheet, s: Styles) -> list[Flowable]:
    heading = _heading("3 指摘事項", s)
    if not sheet.findings:
        return [*heading, paragraph("指摘事項はありません。", s.body)]
    return [*heading, *(_finding_table(f, s, with_header=i == 0) for i, f in enumerate(sheet.findings))]


def _reconciliation(sheet: FindingsSheet, s: Styles, appendix_days: int) -> list[Flowable]:
    heading = _heading("4 業務端末使用管理簿と操作ログの突合結果", s)
    rec = sheet.reconciliation
    if rec is None:
        return [*heading, paragraph("この監査では突合を実施していません。", s.body)]
    if rec.period_from is None and rec.period_to is None:
        period = "取り込んだ記録の全期間"
    else:
        period = f"{format_wareki_or(rec.period_from, '—')} ～ {format_wareki_or(rec.period_to, '—')}"
    intro = paragraph(f"対象期間 {period}(突合実施日 {format_wareki(rec.run_on)})", s.body)
    rows = [[paragraph(t, s.cell_header) for t in ("不一致の種類", "件数", "説明済み", "指摘として提起", "未処理")]]
    for line in rec.lines:
        pending = line.count - line.explained - line.raised
        rows.append([paragraph(line.label, s.cell)] +
                    [paragraph(str(n), s.cell_right) for n in (line.count, line.explained, line.raised, pending)])
    totals = [sum(getattr(x, a) for x in rec.lines) for a in ("count", "explained", "raised")]
    rows.append([paragraph("計", s.cell)] + [paragraph(str(n), s.cell_right)
                                             for n in (*totals, totals[0] - totals[1] - totals[2])])
    widths = [CONTENT_WIDTH - 4 * 24 * mm] + [24 * mm] * 4
    table = grid_table(rows, widths, extra_style=[("LINEABOVE", (0, -1), (-1, -1), 1.0, RULE_COLOUR)])
    story = [*heading, intro, Spacer(1, 1 * mm), table]
    if rec.skipped:
        story.append(paragraph(f"確認できなかった項目(名簿・事務一覧の登録なし): {'、'.join(rec.skipped)}", s.small))
    if appendix_days:
        story.append(paragraph(f"説明済みでない差異のあった端末・日({appendix_days} 日)は、{APPENDIX_TITLE}に"
                               "1 日 1 ページで示す。", s.small))
    return story


def _signature_box(role: str, name: str, s: Styles) -> Table:
    rows = [
        [paragraph(role, s.cell_header), ""],
        [paragraph("役職", s.cell), ""],
        [paragraph("氏名", s.cell), paragraph(name, s.cell)],
        [paragraph("日付", s.cell), BLANK_DATE],  # a plain string keeps the blanks to write in
        [paragraph("署名または押印", s.cell), ""],
    ]
    width = (CONTENT_WIDTH - 6 * mm) / 2
    table = Table(rows, colWidths=[30 * mm, width - 30 * mm], rowHeights=[7 * mm, 9 * mm, 9 * mm, 9 * mm, 26 * mm])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("SPAN", (0, 0), (1, 0)),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE_COLOUR),
        ("BOX", (0, 0), (-1, -1), 1.0, RULE_COLOUR),
        ("BACKGROUND", (0, 0), (1, 0), (0.9, 0.9, 0.9)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return table


def _signatures(sheet: FindingsSheet, s: Styles) -> list[Flowable]:
    pair = Table([[_signature_box("監査人(代表)", sheet.lead_auditor, s),
                   _signature_box("対象機関の責任者", "", s)]],
                 colWidths=[CONTENT_WIDTH / 2, CONTENT_WIDTH / 2])
    pair.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT_NAME), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    note = paragraph("上記の監査結果の内容を確認しました。", s.body)
    return [KeepTogether([paragraph("5 確認欄", s.heading), note, Spacer(1, 2 * mm), pair])]


def _integrity(issue: Issue, s: Styles) -> list[Flowable]:
    if issue.draft:
        return [KeepTogether([paragraph("6 真正性の確認", s.heading),
                              paragraph("下書きのため、文書番号と照合用の情報はありません。", s.body),
                              Spacer(1, 3 * mm), paragraph("以上", s.right)])]
    size = 28 * mm
    drawing = QrFlowable(qr_payload(issue), size)
    text = [
        paragraph("内容ハッシュ(SHA-256、正規化 JSON)", s.small),
        Paragraph(f'<font face="{FONT_NAME}">{issue.content_sha256[:32]}<br/>{issue.content_sha256[32:]}</font>',
                  s.cell),
        Spacer(1, 1.5 * mm),
        paragraph(f"印刷時の証跡ヘッド {issue.trail_head}", s.small),
        paragraph("照合: jukiaudit verify-sheet このファイル.pdf(紙の場合は文書番号と上記ハッシュを照合)", s.small),
    ]
    table = Table([[text, drawing]], colWidths=[CONTENT_WIDTH - size - 4 * mm, size + 4 * mm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT_NAME), ("BOX", (0, 0), (-1, -1), 0.5, RULE_COLOUR),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    # 以上 closes the letter inside the last block, so it never stands alone on a page
    return [KeepTogether([paragraph("6 真正性の確認", s.heading), table, Spacer(1, 3 * mm), paragraph("以上", s.right)])]


def render_findings_sheet(sheet: FindingsSheet, issue: Issue, appendix: Sequence[DayPicture] = ()) -> bytes:
    """The sheet as PDF bytes, followed by the day pictures of `appendix` (its run's flagged days); the same
    sheet, issue and days always give the same bytes."""
    s = styles()
    story: list[Flowable] = [
        *_opening(sheet, issue, s), *_overview(sheet, s), *_scores(sheet, s), *_findings(sheet, s),
        *_reconciliation(sheet, s, len(appendix)), *_signatures(sheet, s), *_integrity(issue, s),
        *appendix_story(appendix, s),
    ]
    info = DocumentInfo(
        title=title(sheet), doc_number=f"{DRAFT}(番号なし)" if issue.draft else issue.doc_number,
        issued_on=issue.issued_on,
        header_left=f"{sheet.agency_name} {format_fiscal_year(sheet.fiscal_year)} {sheet.audit_type}",
        footer_note=f"SHA-256 {issue.content_sha256[:16]}…  証跡 {issue.trail_head}",
        subject=f"{sheet.agency_name} {format_fiscal_year(sheet.fiscal_year)} {sheet.audit_type} 結果通知",
        keywords="" if issue.draft else metadata_keywords(issue), watermark=DRAFT if issue.draft else "",
    )
    return render_pdf(story, info)
