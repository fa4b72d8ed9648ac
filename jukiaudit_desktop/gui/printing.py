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

BAND_ROWS = 512  # pixel rows rendered and drawn at a time


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
            options = QPdfDocumentRenderOptions()
            options.setScaledSize(size)
            for top in range(0, size.height(), BAND_ROWS):
                progress.check()
                band = QRect(0, top, size.width(), min(BAND_ROWS, size.height() - top))
                options.setScaledClipRect(band)
                painter.drawImage(target.x(), target.y() + top, document.render(page, band.size(), options))
    except CancelledError:
        printer.abort()
        raise
    finally:
        painter.end()
    progress.update(pages, pages, "完了")
    return pages
