"""Shared PDF base: the embedded Japanese font, an A4 official-form template with page n / N, styles.

Every document the app prints goes through `render_pdf`, which is deterministic: the same story and
`DocumentInfo` give byte-identical PDFs (reportlab invariant mode, creation date taken from the data).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import qrcode
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

from ..paths import resource

FONT_NAME = "IPAexGothic"
PAGE_SIZE = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 18 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - 2 * MARGIN_X
RULE_COLOUR = colors.black
HEADER_FILL = colors.Color(0.90, 0.90, 0.90)


def register_japanese_font() -> str:
    """Register the bundled IPAexGothic TrueType font (embedded as subsets) once; return its name."""
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(resource("fonts", "ipaexg.ttf"))))
        pdfmetrics.registerFontFamily(FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME,
                                      boldItalic=FONT_NAME)
    return FONT_NAME


def _style(name: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=FONT_NAME, fontSize=size, leading=leading, wordWrap="CJK", **extra)


@dataclass(frozen=True)
class Styles:
    """Paragraph styles of an official form; all use the embedded font and CJK line breaking."""

    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_header: ParagraphStyle
    cell_right: ParagraphStyle
    right: ParagraphStyle
    right_small: ParagraphStyle


def styles() -> Styles:
    """Running text keeps one character of room on the right: CJK wrapping lets a small kana or a closing
    mark hang past the line end (ぶら下げ), and it must not cross a table rule or the margin."""
    register_japanese_font()
    return Styles(
        title=_style("title", 16, 22, alignment=TA_CENTER, spaceAfter=4 * mm),
        heading=_style("heading", 11, 15, spaceBefore=4 * mm, spaceAfter=1.5 * mm),
        body=_style("body", 9.5, 14, rightIndent=9.5),
        small=_style("small", 7.5, 10, rightIndent=7.5),
        cell=_style("cell", 8.5, 11.5, rightIndent=8.5),
        cell_header=_style("cell_header", 8.5, 11.5, alignment=TA_CENTER),
        cell_right=_style("cell_right", 8.5, 11.5, alignment=TA_RIGHT),
        right=_style("right", 9.5, 14, alignment=TA_RIGHT),
        right_small=_style("right_small", 8, 11, alignment=TA_RIGHT),
    )


def grid_table(rows: Sequence[Sequence[Any]], col_widths: Sequence[float], *, header_rows: int = 1,
               header_column: bool = False, extra_style: Sequence[tuple[Any, ...]] = (),
               repeat_rows: int | None = None) -> Table:
    """A ruled table in the form's style; header rows are shaded and (or the first `repeat_rows` rows) repeated
    on every page it spans, and a row taller than the room left on a page is split inside the row rather than
    overflowing."""
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE_COLOUR),
        ("BOX", (0, 0), (-1, -1), 1.0, RULE_COLOUR),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_FILL))
    if header_column:
        commands.append(("BACKGROUND", (0, 0), (0, -1), HEADER_FILL))
    commands.extend(extra_style)
    repeat = header_rows if repeat_rows is None else repeat_rows
    table = Table([list(r) for r in rows], colWidths=list(col_widths), repeatRows=repeat, hAlign="LEFT",
                  splitInRow=1)
    table.setStyle(TableStyle(commands))
    return table


@dataclass(frozen=True)
class DocumentInfo:
    """What every page shows around the story, and the PDF metadata."""

    title: str
    doc_number: str
    issued_on: date             # the PDF creation date: from the data, never the clock
    header_left: str = ""       # e.g. the issuing body
    footer_note: str = ""       # e.g. the content hash, printed small on every page
    subject: str = ""
    keywords: str = ""          # machine-readable tags read back by verify (see reports.integrity)
    watermark: str = ""         # e.g. 下書き, drawn large and light across every page
    author: str = "JukiAudit Desktop"


def _numbered_canvas_class(info: DocumentInfo) -> type[Canvas]:
    """A canvas that holds pages back until the end, so each can say `n / N`."""
    pdf_date = f"D:{info.issued_on:%Y%m%d}000000+09'00'"

    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.update(invariant=1, initialFontName=FONT_NAME, initialFontSize=9)
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []
            self.setDateFormatter(lambda *_ignored: pdf_date)

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held_pages)
            for state in self._held_pages:
                self.__dict__.update(state)
                self._draw_page_number(total)
                super().showPage()
            super().save()

        def _draw_page_number(self, total: int) -> None:
            self.setFont(FONT_NAME, 9)
            self.drawCentredString(PAGE_SIZE[0] / 2, 10 * mm, f"{self.getPageNumber()} / {total}")

    return NumberedCanvas


def _draw_frame_texts(info: DocumentInfo, canvas: Canvas, _doc: Any) -> None:
    width, height = PAGE_SIZE
    canvas.saveState()
    canvas.setFont(FONT_NAME, 8)
    if info.header_left:
        canvas.drawString(MARGIN_X, height - 12 * mm, info.header_left)
    canvas.drawRightString(width - MARGIN_X, height - 12 * mm, f"文書番号 {info.doc_number}")
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN_X, height - 14 * mm, width - MARGIN_X, height - 14 * mm)
    canvas.line(MARGIN_X, 14 * mm, width - MARGIN_X, 14 * mm)
    if info.footer_note:
        canvas.setFont(FONT_NAME, 6.5)
        canvas.drawString(MARGIN_X, 10 * mm, info.footer_note)
    if info.watermark:
        canvas.setFillColor(colors.Color(0.5, 0.5, 0.5, alpha=0.25))
        canvas.setFont(FONT_NAME, 96)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(45)
        canvas.drawCentredString(0, -32, info.watermark)
    canvas.restoreState()


def render_pdf(story: list[Flowable], info: DocumentInfo) -> bytes:
    """Lay out `story` on A4 portrait pages with header, footer and `n / N`; return the PDF bytes."""
    register_japanese_font()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=PAGE_SIZE, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=info.title, author=info.author, subject=info.subject,
        keywords=info.keywords, creator="JukiAudit Desktop", invariant=1,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="form", frames=[frame],
                                       onPage=lambda c, d: _draw_frame_texts(info, c, d))])
    doc.build(story, canvasmaker=_numbered_canvas_class(info))
    return buffer.getvalue()


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of plain text (escaped: user text never becomes markup); newlines kept."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped.replace("\n", "<br/>"), style)


class QrFlowable(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """A QR code drawn as plain filled squares (no font, no image): crisp in print and deterministic."""

    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
        code.add_data(payload)
        code.make(fit=True)
        self.matrix: list[list[bool]] = code.get_matrix()
        self.size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        cells = len(self.matrix)
        cell = self.size / cells
        self.canv.setFillColor(colors.black)
        for row_index, row in enumerate(self.matrix):
            y = self.size - (row_index + 1) * cell
            for col_index, dark in enumerate(row):
                if dark:
                    self.canv.rect(col_index * cell, y, cell, cell, stroke=0, fill=1)
