"""The annual summary for the council: what it says, drawn as an A4 PDF (with a trend chart) or as .xlsx tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from ..core.master import listed_names
from ..core.wareki import era_of, format_fiscal_year
from .pdf_base import (
    CONTENT_WIDTH,
    FONT_NAME,
    DocumentInfo,
    Styles,
    grid_table,
    paragraph,
    render_pdf,
    styles,
)
from .spreadsheet import Sheet

REPORT_TITLE = "住民基本台帳ネットワークシステム 年次報告"


@dataclass(frozen=True)
class AuditTypeResult:
    """One line of 【監査結果】: an audit type, when, the agencies, the auditors, the average (3点満点)."""

    audit_type: str
    period: str            # e.g. R7.10～11
    agencies: str          # names, or a count by kind when there are many, with the count (仮 apart)
    agency_count: int
    auditors: str
    average: Decimal | None


@dataclass(frozen=True)
class FindingCount:
    """A finding raised at several agencies, counted: 管理帳票を作成していなかった (県庁:4機関)."""

    audit_type: str
    finding_class: str
    title: str
    by_scope: tuple[tuple[str, int], ...]   # (県庁 / 地域振興局 / 市町村, agencies)

    @property
    def counted_text(self) -> str:
        return "、".join(f"{scope}:{n}機関" for scope, n in self.by_scope)


@dataclass(frozen=True)
class UsageLine:
    code: str
    name: str
    division: str
    count: int


@dataclass(frozen=True)
class PlanLine:
    audit_type: str
    group: str                 # "" or 新規事務利用機関 (first year of use)
    agencies: tuple[str, ...]  # display names: placeholders carry 【仮】 and are counted apart

    @property
    def text(self) -> str:
        listed = listed_names(self.agencies)
        return f"{self.group}: {listed}" if self.group else listed


@dataclass(frozen=True)
class RegisterLine:
    """One 管理簿 kind across the year's audits: audits that looked at it and the gaps they found."""

    kind: str
    checked: int
    not_kept: int
    stale: int
    no_reconciliation: int


@dataclass(frozen=True)
class MunicipalPart:
    """資料5: J-LIS activities as stated (区分, 監査人, 対象, 対象数, 実施時期, 内容), the tally of self-check items
    under 3 by category (分類, 項目数, 市町村数, 主な理由), the follow-up list (市町村, 区分, 事項, 状況)."""

    activities: tuple[tuple[str, str, str, str, str, str], ...]
    reasons: tuple[tuple[str, int, int, str], ...]
    followups: tuple[tuple[str, str, str, str], ...]


@dataclass(frozen=True)
class AnnualReport:
    fiscal_year: int
    issued_on: date
    results: tuple[AuditTypeResult, ...]
    findings: tuple[FindingCount, ...]
    usage_year: int | None                  # latest year up to fiscal_year with figures per 事務
    usage: tuple[UsageLine, ...]
    stated_total: int | None                # the total reported for usage_year, where one was recorded
    trend: tuple[tuple[int, int], ...]      # (fiscal year, total uses)
    plan: tuple[PlanLine, ...]
    stated_jimu: int | None = None          # the number of 事務 the material states (資料1: 58), where recorded
    registers: tuple[RegisterLine, ...] = ()  # 管理簿 inspection of the year's audits
    municipal: MunicipalPart | None = None  # 資料5, where anything was recorded for the year

    @property
    def usage_total(self) -> int:
        return sum(line.count for line in self.usage)


def short_fiscal_year(year: int) -> str:
    """H19, R1, R7: the axis labels of the seed's trend chart."""
    era, era_year = era_of(date(year, 12, 31))
    return f"{era.letter}{era_year}"


def _average(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}点"


def _results(report: AnnualReport, s: Styles) -> list[Flowable]:
    rows = [[paragraph(t, s.cell_header) for t in ("区分", "実施機関", "監査人", "監査結果等(3点満点)")]]
    for r in report.results:
        rows.append([paragraph(f"{r.audit_type}\n({r.period})", s.cell),
                     paragraph(r.agencies, s.cell), paragraph(r.auditors, s.cell),
                     paragraph(_average(r.average), s.cell_right)])
    table = grid_table(rows, [30 * mm, CONTENT_WIDTH - 30 * mm - 45 * mm - 30 * mm, 45 * mm, 30 * mm])
    body = [table] if report.results else [paragraph("この年度の監査の記録はありません。", s.body)]
    return [paragraph(f"1 {format_fiscal_year(report.fiscal_year)}監査結果", s.heading), *body]


def _findings(report: AnnualReport, s: Styles) -> list[Flowable]:
    heading = paragraph("2 監査での指摘事項", s.heading)
    if not report.findings:
        return [heading, paragraph("指摘事項はありませんでした。", s.body), *_registers(report, s)]
    rows = [[paragraph(t, s.cell_header) for t in ("監査区分", "区分", "指摘事項", "機関数")]]
    for f in report.findings:
        rows.append([paragraph(f.audit_type, s.cell), paragraph(f.finding_class, s.cell), paragraph(f.title, s.cell),
                     paragraph(f"({f.counted_text})", s.cell)])
    return [heading, grid_table(rows, [22 * mm, 22 * mm, CONTENT_WIDTH - 22 * mm - 22 * mm - 40 * mm, 40 * mm]),
            Spacer(1, 2 * mm), *_registers(report, s)]


def _registers(report: AnnualReport, s: Styles) -> list[Flowable]:
    if not report.registers:
        return []
    rows = [[paragraph(t, s.cell_header) for t in ("管理簿", "点検した監査", "備えていない", "記帳が途絶", "突合なし")]]
    rows += [[paragraph(r.kind, s.cell), *(paragraph(f"{n}件", s.cell_right) for n in
                                          (r.checked, r.not_kept, r.stale, r.no_reconciliation))]
             for r in report.registers]
    widths = [CONTENT_WIDTH - 4 * 28 * mm, 28 * mm, 28 * mm, 28 * mm, 28 * mm]
    return [paragraph("管理簿の点検状況(内部監査・外部監査で確認した管理簿)", s.body), grid_table(rows, widths)]


def trend_chart(trend: tuple[tuple[int, int], ...]) -> Drawing:
    """Bars of total uses per fiscal year (H19 … R7 as data allows), in 万件."""
    width, height = CONTENT_WIDTH, 62 * mm
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT_NAME  # the renderer's default would pull in an unembedded Helvetica
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 16 * mm, 10 * mm, width - 22 * mm, height - 18 * mm
    chart.data = [[total / 10_000 for _, total in trend]]
    chart.categoryAxis.categoryNames = [short_fiscal_year(year) for year, _ in trend]
    chart.categoryAxis.labels.fontName = FONT_NAME
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = FONT_NAME
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.Color(0.35, 0.35, 0.35)
    chart.barLabelFormat = "%.1f"
    chart.barLabels.fontName = FONT_NAME
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 6
    drawing.add(chart)
    drawing.add(String(0, height - 6 * mm, "(万件)", fontName=FONT_NAME, fontSize=7))
    return drawing


def _usage(report: AnnualReport, s: Styles) -> list[Flowable]:
    year = format_fiscal_year(report.fiscal_year)
    story: list[Flowable] = [paragraph(f"3 本人確認情報の県事務利用状況({year})", s.heading)]
    if report.trend:
        first, last = report.trend[0][0], report.trend[-1][0]
        story += [paragraph(f"住基ネット利用件数の推移({short_fiscal_year(first)}～{short_fiscal_year(last)})", s.body),
                  trend_chart(report.trend), Spacer(1, 2 * mm)]
    if report.usage_year is None:
        return [*story, paragraph("事務別の利用件数は登録されていません。", s.body)]
    rows = [[paragraph(t, s.cell_header) for t in ("事務コード", "事務", "担当課", "利用件数")]]
    rows += [[paragraph(u.code, s.cell), paragraph(u.name, s.cell), paragraph(u.division, s.cell),
              paragraph(f"{u.count:,}", s.cell_right)] for u in report.usage]
    rows.append([paragraph("計", s.cell), "", "", paragraph(f"{report.usage_total:,}", s.cell_right)])
    table = grid_table(rows, [24 * mm, CONTENT_WIDTH - 24 * mm - 45 * mm - 25 * mm, 45 * mm, 25 * mm])
    detail_year = format_fiscal_year(report.usage_year)
    story += [paragraph(f"事務別利用件数({detail_year}、延べ {report.usage_total:,} 件)", s.body), table]
    if report.stated_jimu is not None and report.stated_jimu != len(report.usage):
        story += [Spacer(1, 1 * mm), paragraph(f"注: 資料本文は「{report.stated_jimu}の事務」と記すが、事務別の表は "
                                               f"{len(report.usage)} 事務です。", s.small)]
    if report.stated_total is not None and report.stated_total != report.usage_total:
        story += [Spacer(1, 1 * mm), paragraph(f"注: {detail_year}の総計として報告された {report.stated_total:,} 件と、事務別件数の合計 "
                               f"{report.usage_total:,} 件が一致しません。", s.small)]
    return story


def _plan(report: AnnualReport, s: Styles) -> list[Flowable]:
    next_year = format_fiscal_year(report.fiscal_year + 1)
    heading = paragraph(f"4 {next_year}監査計画", s.heading)
    if not report.plan:
        return [heading, paragraph(f"{next_year}の監査計画は未作成です。", s.body)]
    rows = [[paragraph(t, s.cell_header) for t in ("区分", "対象機関")]]
    rows += [[paragraph(p.audit_type, s.cell), paragraph(p.text, s.cell)] for p in report.plan]
    return [heading, grid_table(rows, [30 * mm, CONTENT_WIDTH - 30 * mm])]


def _municipal(report: AnnualReport, s: Styles) -> list[Flowable]:
    part = report.municipal
    if part is None:
        return []
    story: list[Flowable] = [paragraph("5 市町村の住民基本台帳ネットワークシステムのセキュリティ対策", s.heading)]
    if part.activities:
        rows = [[paragraph(t, s.cell_header) for t in ("区分", "監査人", "対象", "実施時期", "内容")]]
        rows += [[paragraph(a[0], s.cell), paragraph(a[1], s.cell), paragraph(a[2], s.cell),
                  paragraph(a[4], s.cell), paragraph(a[5], s.cell)] for a in part.activities]
        story.append(grid_table(rows, [26 * mm, 16 * mm, 34 * mm, 26 * mm, CONTENT_WIDTH - 102 * mm]))
    story.append(paragraph("自己点検 3点未満の主な理由(分類別)", s.body))
    if part.reasons:
        rows = [[paragraph(t, s.cell_header) for t in ("分類", "項目数", "市町村数", "主な理由")]]
        rows += [[paragraph(r[0], s.cell), paragraph(f"{r[1]}", s.cell_right), paragraph(f"{r[2]}", s.cell_right),
                  paragraph(r[3], s.cell)] for r in part.reasons]
        story.append(grid_table(rows, [34 * mm, 18 * mm, 18 * mm, CONTENT_WIDTH - 70 * mm]))
    else:
        story.append(paragraph("市町村の自己点検の点数は登録されていません。", s.small))
    story.append(paragraph("フォローアップ(県の関わり)", s.body))
    if part.followups:
        rows = [[paragraph(t, s.cell_header) for t in ("市町村", "区分", "事項", "状況")]]
        rows += [[paragraph(c, s.cell) for c in f] for f in part.followups]
        story.append(grid_table(rows, [30 * mm, 26 * mm, CONTENT_WIDTH - 86 * mm, 30 * mm]))
    else:
        story.append(paragraph("フォローアップの記録はありません。", s.small))
    return story


def render_annual_pdf(report: AnnualReport, doc_number: str, trail_head: str = "") -> bytes:
    """`trail_head`: the trail head when the report was made, printed on every page (an anchor outside the
    database that verify-trail --head / trail.head_in_chain checks)."""
    s = styles()
    title = f"{format_fiscal_year(report.fiscal_year)} {REPORT_TITLE}"
    story: list[Flowable] = [paragraph(title, s.title), *_results(report, s), *_findings(report, s),
                             *_usage(report, s), *_plan(report, s), *_municipal(report, s)]
    info = DocumentInfo(title=title, doc_number=doc_number, issued_on=report.issued_on,
                        header_left="本人確認情報等保護審議会 資料", subject=title,
                        footer_note=f"証跡 {trail_head}" if trail_head else "",
                        keywords=f"jukiaudit-annual; trail={trail_head}" if trail_head else "")
    return render_pdf(story, info)


def annual_sheets(report: AnnualReport) -> list[Sheet]:
    """The same tables for .xlsx: results, findings, usage per 事務, yearly totals, next year's plan."""
    return [
        Sheet("監査結果", ("区分", "実施時期", "実施機関", "機関数", "監査人", "監査結果等(3点満点)"),
              [(r.audit_type, r.period, r.agencies, r.agency_count, r.auditors,
                None if r.average is None else float(r.average)) for r in report.results]),
        Sheet("指摘事項", ("監査区分", "区分", "指摘事項", "機関数"),
              [(f.audit_type, f.finding_class, f.title, f.counted_text) for f in report.findings]),
        Sheet("事務別利用件数", ("年度", "事務コード", "事務", "担当課", "利用件数"),
              [(report.usage_year, u.code, u.name, u.division, u.count) for u in report.usage]),
        Sheet("利用件数の推移", ("年度", "和暦", "利用件数"),
              [(year, format_fiscal_year(year), total) for year, total in report.trend]),
        Sheet("管理簿の点検", ("管理簿", "点検した監査", "備えていない", "記帳が途絶", "突合なし"),
              [(r.kind, r.checked, r.not_kept, r.stale, r.no_reconciliation) for r in report.registers]),
        Sheet("市町村の監査等", ("区分", "監査人", "対象", "対象数", "実施時期", "内容"),
              list(report.municipal.activities) if report.municipal else []),
        Sheet("市町村 3点未満の理由", ("分類", "項目数", "市町村数", "主な理由"),
              list(report.municipal.reasons) if report.municipal else []),
        Sheet("市町村フォローアップ", ("市町村", "区分", "事項", "状況"),
              list(report.municipal.followups) if report.municipal else []),
        Sheet("次年度計画", ("区分", "内訳", "対象機関", "機関数"),
              [(p.audit_type, p.group, "、".join(p.agencies), len(p.agencies)) for p in report.plan]),
    ]
