"""Printing and saving an issued PDF on the runner's worker thread (never the GUI thread), page by page with
progress and cancel.

- A printer that writes a PDF file (「PDF に出力」) gets the issued document itself, byte for byte: vector text,
  the very file whose hash the sheet's verification expects.
- A real printer gets each page rendered at the printer's own resolution, fitted to the printable area, in
  horizontal bands (one A4 page at 600 dpi would be a 140 MB image).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPrintSupport import QPrinter

from ..core.errors import CancelledError, JukiAuditError
from ..core.progress import Progress
from ..security.atomic import write_atomic

BAND_ROWS = 64  # pixel rows rendered and drawn at a time: each call holds the GIL, ~10 ms at 600 dpi


def page_count(pdf: bytes) -> int:
    document, _buffer = _load(pdf)
    return document.pageCount()


def print_pdf(pdf: bytes, printer: QPrinter, progress: Progress) -> int:
    """Send the document to `printer` (see the module's docstring); returns the pages printed."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
        progress.update(0, 1, "PDF に出力しています")
        save_pdf(pdf, Path(printer.outputFileName()))
        return page_count(pdf)
    return render_to_printer(pdf, printer, progress)


def save_pdf(pdf: bytes, path: Path) -> None:
    write_atomic(path, pdf, mode=0o644)


def _load(pdf: bytes) -> tuple[QPdfDocument, QBuffer]:
    """A document owned by the calling thread; the buffer is returned to keep it alive as long as the document."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise JukiAuditError("印刷する PDF を読めませんでした。プレビューを開き直してください。")
    return document, buffer


def render_to_printer(pdf: bytes, printer: QPrinter, progress: Progress) -> int:
    """Render every page at the printer's resolution onto `printer`; returns the pages printed. Cancelling
    aborts the print job, so nothing half-printed is sent."""
    document, _buffer = _load(pdf)
    pages = document.pageCount()
    painter = QPainter()
    if not painter.begin(printer):
        raise JukiAuditError("プリンターを開けませんでした。プリンターの設定を確認してください。")
    try:
        dpi, target = printer.resolution(), painter.viewport()
        for page in range(pages):
            progress.update(page, pages, f"{page + 1} / {pages} ページ")
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            size = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            for band in _bands(size, BAND_ROWS):
                progress.check()
                image = document.render(page, band.size(), _band_options(size, band))
                painter.drawImage(target.x(), target.y() + band.top(), image)
    except CancelledError:
        printer.abort()
        raise
    finally:
        painter.end()
    progress.update(pages, pages, "完了")
    return pages


def _bands(size: QSize, rows: int) -> list[QRect]:
    """Horizontal bands of about `rows` rows covering `size`, all of nearly the same height (none of 1 row)."""
    count = -(-size.height() // rows)
    edges = [round(i * size.height() / count) for i in range(count + 1)]
    return [QRect(0, top, size.width(), bottom - top) for top, bottom in zip(edges, edges[1:], strict=False)]


def _band_options(size: QSize, band: QRect) -> QPdfDocumentRenderOptions:
    """Render `band` of the page scaled to `size`. QPdfDocument.render() scales a clipped render by
    (width - 1) / width and (height - 1) / height of the clip (it takes QRect.right() - left() as the width), so
    each band would come out 1/64 too small and the page would drift; the page size asked for compensates."""
    options = QPdfDocumentRenderOptions()
    options.setScaledSize(QSize(round(size.width() * band.width() / (band.width() - 1)),
                                round(size.height() * band.height() / (band.height() - 1))))
    options.setScaledClipRect(band)
    return options
