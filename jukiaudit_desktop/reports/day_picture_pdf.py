"""The findings sheet's appendix: one page per flagged day of its reconciliation run, the day drawn in vectors
(reportlab graphics, no image) — one lane per operator with the register entries as bars inside their shaded
tolerance band and the operations as ticks, hours outside business hours shaded, the discrepancies as numbered
marks — followed by the day's discrepancies and register entries as tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Spacer

from ..core.day_picture import DayPicture, operator_colours
from ..core.wareki import format_wareki
from .pdf_base import CONTENT_WIDTH, FONT_NAME, Styles, grid_table, paragraph

APPENDIX_TITLE = "付録 ログ突合の日別図"
WEEKDAYS = "月火水木金土日"
LABEL_W, AXIS_H, MARK_ROW, LEGEND_H = 20 * mm, 6 * mm, 4.5 * mm, 7 * mm
LANE_H, LANES_MAX_H, MARK_LEVELS = 11 * mm, 88 * mm, 6
BAND = colors.HexColor("#fff3c4")
BAR, BAR_EDGE = colors.HexColor("#90a4ae"), colors.HexColor("#546e7a")
OFF_HOURS, GRID = colors.Color(0.92, 0.92, 0.92), colors.Color(0.78, 0.78, 0.78)
MARK, EXPLAINED = colors.HexColor("#c62828"), colors.Color(0.55, 0.55, 0.55)


def _minutes(moment: datetime, midnight: datetime) -> float:
    return (moment - midnight).total_seconds() / 60


class DayPictureFlowable(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """One day of one terminal, as wide as the text block."""

    def __init__(self, picture: DayPicture, width: float = CONTENT_WIDTH) -> None:
        super().__init__()
        self.picture = picture
        self.width = width
        self.midnight = datetime.combine(picture.day, time())
        tolerance = picture.tolerance_minutes
        self.operators = sorted({t.operator for t in picture.ticks} | {b.operator for b in picture.bars})
        self.lane_h = min(LANE_H, LANES_MAX_H / max(len(self.operators), 1))
        moments = [_minutes(t.at, self.midnight) for t in picture.ticks]
        moments += [_minutes(m.at, self.midnight) for m in picture.marks]
        for bar in picture.bars:
            moments += [_minutes(bar.start, self.midnight) - tolerance,
                        _minutes(bar.end, self.midnight) + 1 + tolerance]
        if picture.business_hours:
            moments += [h.hour * 60 + h.minute for h in picture.business_hours]
        first, last = (min(moments), max(moments)) if moments else (8 * 60, 18 * 60)
        self.first_hour = max(0, int(first // 60))
        self.last_hour = min(24, max(self.first_hour + 1, -int(-last // 60)))
        self.levels = self._mark_levels()
        marks_h = (max(self.levels, default=0) + 1) * MARK_ROW + 3 * mm
        self.height = AXIS_H + len(self.operators) * self.lane_h + marks_h + LEGEND_H

    def _mark_levels(self) -> list[int]:
        """Each mark goes on the first row below the lanes where it keeps a mark's width (and its number) from
        the mark before it; when all MARK_LEVELS rows are taken, on the row whose last mark is furthest left."""
        last_x = [float("-inf")] * MARK_LEVELS
        levels = []
        for mark in self.picture.marks:
            x = self.x(_minutes(mark.at, self.midnight))
            level = next((i for i, left in enumerate(last_x) if x - left >= 5 * mm),
                         min(range(MARK_LEVELS), key=lambda i: last_x[i]))
            last_x[level] = x
            levels.append(level)
        return levels

    def x(self, minutes: float) -> float:
        span = (self.last_hour - self.first_hour) * 60
        clamped = min(max(minutes, self.first_hour * 60), self.last_hour * 60)
        return float(LABEL_W + (clamped - self.first_hour * 60) / span * (self.width - LABEL_W))

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        lanes_top = self.height - AXIS_H
        lanes_bottom = lanes_top - len(self.operators) * self.lane_h
        canvas.saveState()
        self._draw_hours(lanes_top, lanes_bottom)
        colours = operator_colours(self.picture)
        for index, operator in enumerate(self.operators):
            self._draw_lane(operator, lanes_top - (index + 1) * self.lane_h, colours.get(operator, "#424242"))
        self._draw_marks(lanes_top, lanes_bottom)
        self._draw_legend()
        canvas.restoreState()

    def _draw_hours(self, top: float, bottom: float) -> None:
        canvas, hours = self.canv, self.picture.business_hours
        if hours or self.picture.closed:
            canvas.setFillColor(OFF_HOURS)
            open_from, open_to = ((0, 0) if self.picture.closed or not hours else
                                  (hours[0].hour * 60 + hours[0].minute, hours[1].hour * 60 + hours[1].minute))
            for start, end in ((self.first_hour * 60, open_from), (open_to, self.last_hour * 60)):
                if end > start:
                    canvas.rect(self.x(start), bottom, self.x(end) - self.x(start), top - bottom, stroke=0, fill=1)
        step = 1 if self.last_hour - self.first_hour <= 14 else 2
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.3)
        canvas.setFillColor(colors.black)
        canvas.setFont(FONT_NAME, 6.5)
        for hour in range(self.first_hour, self.last_hour + 1):
            x = self.x(hour * 60)
            canvas.line(x, bottom, x, top)
            if (hour - self.first_hour) % step == 0:
                canvas.drawCentredString(x, top + 2 * mm, f"{hour}時")
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(0.5)
        canvas.rect(LABEL_W, bottom, self.width - LABEL_W, top - bottom, stroke=1, fill=0)

    def _draw_lane(self, operator: str, bottom: float, colour: str) -> None:
        canvas, h, tolerance = self.canv, self.lane_h, self.picture.tolerance_minutes
        middle = bottom + h / 2
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.3)
        canvas.line(LABEL_W, bottom, self.width, bottom)
        canvas.setFillColor(colors.black)
        size = min(7.0, h * 0.6)
        canvas.setFont(FONT_NAME, size)
        label = operator
        while label and stringWidth(label, FONT_NAME, size) > LABEL_W - 2 * mm:
            label = label[:-1]
        canvas.drawString(0, middle - size / 3, label)
        for bar in self.picture.bars:
            if bar.operator != operator:
                continue
            start, end = _minutes(bar.start, self.midnight), _minutes(bar.end + timedelta(minutes=1), self.midnight)
            left, right = self.x(start - tolerance), self.x(end + tolerance)
            canvas.setFillColor(BAND)
            canvas.rect(left, bottom + 0.08 * h, right - left, 0.84 * h, stroke=0, fill=1)
            canvas.setFillColor(BAR)
            canvas.setStrokeColor(BAR_EDGE)
            canvas.setLineWidth(0.4)
            left, right = self.x(start), self.x(end)
            canvas.rect(left, middle, max(right - left, 0.6), 0.34 * h, stroke=1, fill=1)
            text = f"{bar.jimu_code or '事務なし'} {'' if bar.count is None else f'{bar.count}件'}".strip()
            text_size = min(5.5, h * 0.3)
            if stringWidth(text, FONT_NAME, text_size) <= right - left - 1:
                canvas.setFillColor(colors.black)
                canvas.setFont(FONT_NAME, text_size)
                canvas.drawString(left + 0.5, middle + 0.17 * h - text_size / 3, text)
        xs = sorted({round(self.x(_minutes(t.at, self.midnight)), 1) for t in self.picture.ticks
                     if t.operator == operator})
        if xs:
            canvas.setStrokeColor(colors.HexColor(colour))
            canvas.setLineWidth(0.6)
            canvas.lines([(x, bottom + 0.1 * h, x, middle - 0.04 * h) for x in xs])

    def _draw_marks(self, top: float, bottom: float) -> None:
        canvas = self.canv
        for number, (mark, level) in enumerate(zip(self.picture.marks, self.levels, strict=True), start=1):
            x = self.x(_minutes(mark.at, self.midnight))
            colour = EXPLAINED if mark.explained else MARK
            canvas.setStrokeColor(colour)
            canvas.setLineWidth(0.4)
            canvas.setDash(1.5, 1.5)
            canvas.line(x, bottom, x, top)
            canvas.setDash()
            apex = bottom - 1 * mm - level * MARK_ROW
            path = canvas.beginPath()
            path.moveTo(x, apex)
            path.lineTo(x - 1.4 * mm, apex - 2.4 * mm)
            path.lineTo(x + 1.4 * mm, apex - 2.4 * mm)
            path.close()
            canvas.setFillColor(colour)
            canvas.drawPath(path, stroke=1, fill=0 if mark.explained else 1)
            canvas.setFillColor(colors.black)
            canvas.setFont(FONT_NAME, 6)
            canvas.drawString(x + 1.7 * mm, apex - 2.3 * mm, str(number))

    def _draw_legend(self) -> None:
        canvas, y = self.canv, 1.5 * mm
        canvas.setFont(FONT_NAME, 6.5)
        x = 0.0
        items = (
            ("band", f"許容幅(前後{self.picture.tolerance_minutes}分)"), ("bar", "管理簿の記帳(事務・件数)"),
            ("tick", "操作(色は操作者)"), ("mark", "差異(番号は下の表)"), ("explained", "説明済みの差異"),
            ("off", "業務時間外"),
        )
        for kind, text in items:
            if kind in ("band", "bar", "off"):
                fill = {"band": BAND, "bar": BAR, "off": OFF_HOURS}[kind]
                canvas.setFillColor(fill)
                canvas.setStrokeColor(BAR_EDGE if kind == "bar" else fill)
                canvas.setLineWidth(0.4)
                canvas.rect(x, y, 5 * mm, 2.5 * mm, stroke=1, fill=1)
            elif kind == "tick":
                canvas.setStrokeColor(colors.HexColor(operator_colours(self.picture).get(
                    self.operators[0] if self.operators else "", "#1565c0")))
                canvas.setLineWidth(0.6)
                canvas.lines([(x + dx * mm, y, x + dx * mm, y + 2.5 * mm) for dx in (1, 2, 2.5, 4)])
            else:
                colour = EXPLAINED if kind == "explained" else MARK
                path = canvas.beginPath()
                path.moveTo(x + 2.5 * mm, y + 2.5 * mm)
                path.lineTo(x + 1.1 * mm, y)
                path.lineTo(x + 3.9 * mm, y)
                path.close()
                canvas.setStrokeColor(colour)
                canvas.setFillColor(colour)
                canvas.setLineWidth(0.4)
                canvas.drawPath(path, stroke=1, fill=0 if kind == "explained" else 1)
            canvas.setFillColor(colors.black)
            canvas.drawString(x + 6 * mm, y + 0.4 * mm, text)
            x += 6 * mm + stringWidth(text, FONT_NAME, 6.5) + 2.5 * mm


def _day_heading(picture: DayPicture) -> str:
    day = picture.day
    return f"端末 {picture.terminal}  {format_wareki(day)}({WEEKDAYS[day.weekday()]})"


def _day_summary(picture: DayPicture) -> str:
    logged = sum(t.count for t in picture.ticks)
    pending = sum(1 for m in picture.marks if not m.explained)
    hours = ""
    if picture.business_hours:
        start, end = picture.business_hours
        hours = f"、業務時間 {start:%H:%M}～{end:%H:%M}"
    if picture.closed:
        hours += f"(この日は{picture.closed}のため終日業務時間外)"
    return (f"操作 {len(picture.ticks):,} 回(照会 {logged:,} 件)、管理簿の記帳 {len(picture.bars)} 件、"
            f"差異 {len(picture.marks)} 件(うち説明済みでないもの {pending} 件)。"
            f"許容幅 前後 {picture.tolerance_minutes} 分{hours}。")


def _discrepancy_table(picture: DayPicture, s: Styles) -> Flowable:
    header = [paragraph(t, s.cell_header) for t in ("No.", "時刻", "種類", "操作者", "内容", "状況")]
    rows = [header] + [
        [paragraph(str(n), s.cell_right), paragraph(f"{m.at:%H:%M:%S}", s.cell), paragraph(m.label, s.cell),
         paragraph(m.operator or "—", s.cell), paragraph(m.summary or "—", s.cell), paragraph(m.status, s.cell)]
        for n, m in enumerate(picture.marks, start=1)
    ]
    fixed = 10 * mm + 21 * mm + 34 * mm + 20 * mm + 18 * mm
    return grid_table(rows, [10 * mm, 21 * mm, 34 * mm, 20 * mm, CONTENT_WIDTH - fixed, 18 * mm])


def _register_table(picture: DayPicture, s: Styles) -> Flowable:
    if not picture.bars:
        return paragraph("この端末・日の管理簿の記帳はありません。", s.small)
    header = [paragraph(t, s.cell_header) for t in ("記帳の時間", "使用者", "利用事務", "照会件数")]
    rows = [header] + [
        [paragraph(f"{b.start:%H:%M}～{b.end:%H:%M}" if b.start.date() == b.end.date()
                   else f"{b.start:%m/%d %H:%M}～{b.end:%m/%d %H:%M}", s.cell),
         paragraph(b.operator, s.cell), paragraph(b.jimu_code or "—", s.cell),
         paragraph("—" if b.count is None else str(b.count), s.cell_right)]
        for b in sorted(picture.bars, key=lambda b: (b.start, b.entry_id))
    ]
    return grid_table(rows, [40 * mm, 30 * mm, CONTENT_WIDTH - 95 * mm, 25 * mm])


def appendix_story(days: Sequence[DayPicture], s: Styles) -> list[Flowable]:
    """One page (or more, when a day's tables are long) per flagged day; nothing when there are none."""
    story: list[Flowable] = []
    for number, picture in enumerate(days, start=1):
        story += [
            PageBreak(),
            paragraph(f"{APPENDIX_TITLE}({number}/{len(days)})  {_day_heading(picture)}", s.heading),
            paragraph(_day_summary(picture), s.small),
            Spacer(1, 3 * mm),
            DayPictureFlowable(picture),
            Spacer(1, 3 * mm),
            paragraph("この日の差異", s.body),
            _discrepancy_table(picture, s),
            Spacer(1, 3 * mm),
            paragraph("この日の管理簿の記帳", s.body),
            _register_table(picture, s),
        ]
    return story
