"""The sample list for the on-site visit: the drawn operations with 申請書・根拠書類の確認欄, and the seed."""

from __future__ import annotations

from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from ..core.identifiers import VISIBLE_DIGITS
from ..core.wareki import format_wareki, format_wareki_short
from ..storage.sampling_repo import SampleInfo, SampleLine
from .pdf_base import CONTENT_WIDTH, DocumentInfo, grid_table, paragraph, render_pdf, styles

HEADER = "住民基本台帳ネットワークシステム 根拠書類の確認"
BOXES = "□有\n□無"


def _recorded(line: SampleLine) -> str:
    """The result recorded so far (empty on the list printed before the visit)."""
    if line.result is None:
        return ""
    return line.result + (f": {line.note}" if line.note else "") + (
        f"\n指摘事項 {line.finding_id}" if line.finding_id is not None else "")


def render_sample(info: SampleInfo, lines: list[SampleLine]) -> bytes:
    """A4 list: one row per drawn operation; the agency ticks 申請書 and 根拠書類 and the inspector notes."""
    s = styles()
    first = "最初" if info.period.first is None else format_wareki(info.period.first)
    last = "最後" if info.period.last is None else format_wareki(info.period.last)
    drawn_on = date.fromisoformat(info.drawn_at[:10])
    header = ["番号", "照会日時", "端末", "操作者", "事務", "対象者", "出典", "申請書", "根拠\n書類", "確認・備考"]
    rows = [[paragraph(t, s.cell_header) for t in header]]
    for line in lines:
        at = datetime.fromisoformat(line.at)
        rows.append([paragraph(str(line.ordinal), s.cell_right),
                     paragraph(f"{format_wareki_short(at.date())}\n{at:%H:%M:%S}", s.cell),
                     paragraph(line.terminal, s.cell), paragraph(line.operator, s.cell),
                     paragraph(line.jimu_code or "-", s.cell), paragraph(line.masked or "-", s.cell),
                     paragraph(f"{line.file}\n{line.line}行目", s.cell),
                     paragraph(BOXES, s.cell), paragraph(BOXES, s.cell), paragraph(_recorded(line), s.cell)])
    widths = [9 * mm, 21 * mm, 11 * mm, 13 * mm, 19 * mm, 23 * mm, 22 * mm, 12 * mm, 12 * mm]
    widths.append(CONTENT_WIDTH - sum(widths))
    title = "照会記録の抽出確認票"
    story: list[Flowable] = [
        paragraph(title, s.title),
        paragraph(f"機関: {info.agency_code} {info.agency_name}、期間: {first}～{last}", s.body),
        paragraph(f"抽出 {info.id}: {len(lines)} 件(指定 {info.size} 件。事務ごとの件数に比例し、利用のある事務から各 1 件以上)",
                  s.body),
        paragraph(f"乱数の種: {info.seed}、抽出日: {format_wareki(drawn_on)}", s.body),
        paragraph("同じデータと同じ乱数の種からは同じ行が抽出されます。各行について、照会の申請書と根拠書類の有無に"
                  f"印を付け、確認した内容を記入してください。対象者の番号は下 {VISIBLE_DIGITS} 桁のみ表示しています。", s.small),
        Spacer(1, 2 * mm),
        grid_table(rows, widths),
        Spacer(1, 6 * mm),
        paragraph("確認日:            確認者(機関):                    監査人:                    ", s.body),
    ]
    doc_info = DocumentInfo(title=title, doc_number=f"抽出{info.id}", issued_on=drawn_on, header_left=HEADER,
                            subject=f"{title} 乱数の種 {info.seed}")
    return render_pdf(story, doc_info)
