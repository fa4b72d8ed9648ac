"""Printing the issued sheet on the worker: a PDF printer gets the issued file itself (vector, same bytes); a
real printer's page is rendered at its resolution in bands that line up with the original; cancelling aborts
the job; the GUI thread never prints."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from test_reports_gui import open_preview, pdf_printer, runner_and_audit  # noqa: F401 (fixture)
from test_reports_sheet import make_audit

from jukiaudit_desktop.core.errors import CancelledError
from jukiaudit_desktop.core.progress import Progress
from jukiaudit_desktop.gui import printing, sheet_preview
from jukiaudit_desktop.services import reports
from jukiaudit_desktop.storage.database import Database


@pytest.fixture
def sheet(qapp, db: Database) -> bytes:
    pdf, _issue = reports.preview_findings_sheet(db, make_audit(db))
    return pdf


def pixels(pdf: Path, page: int) -> np.ndarray:
    """The page in grey at 150 dpi, drawn by poppler (independent of Qt's renderer)."""
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-gray", "-r", "150", "-f", str(page), "-l", str(page), "-png", str(pdf),
                    str(prefix)], check=True)
    found = sorted(pdf.parent.glob(f"{prefix.name}-*{page}.png"))
    return np.asarray(Image.open(found[-1]).convert("L"), dtype=np.int16)


def offsets(want: np.ndarray, got: np.ndarray) -> list[int]:
    """For each 96-row strip with ink, how many rows `got` must move to match `want` best (±12 searched)."""
    found, width = [], min(want.shape[1], got.shape[1]) - 40
    for top in range(16, min(want.shape[0], got.shape[0]) - 112, 96):
        strip = got[top:top + 64, 40:width]
        if (strip < 200).sum() > 200:
            found.append(min(range(-12, 13), key=lambda dy: np.abs(want[top + dy:top + dy + 64, 40:width] - strip).mean()))
    return found


def test_a_pdf_printer_gets_the_issued_file_byte_for_byte(sheet: bytes, tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    assert printing.print_pdf(sheet, pdf_printer(target), Progress()) >= 2
    assert target.read_bytes() == sheet
    fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
    assert len(fonts.splitlines()) > 2  # text stays text (vector), not a picture of it


@pytest.mark.slow
def test_a_printer_page_is_rendered_in_bands_that_line_up_with_the_original(sheet: bytes, tmp_path: Path) -> None:
    original, printed = tmp_path / "original.pdf", tmp_path / "printed.pdf"
    original.write_bytes(sheet)
    printer = pdf_printer(printed)  # a paint device like any printer; render_to_printer never copies bytes
    printer.setFullPage(True)
    printer.setResolution(300)  # 3,508 rows per A4 page: seven bands
    pages = printing.render_to_printer(sheet, printer, Progress())
    assert pages == printing.page_count(sheet) >= 2
    for page in (1, pages):
        shifts = offsets(pixels(original, page), pixels(printed, page))
        assert len(shifts) >= 5  # the page has ink from top to bottom
        assert all(abs(dy) <= 1 for dy in shifts), f"page {page}: bands drift from the issued sheet: {shifts}"


def test_cancelling_after_the_first_page_stops_before_the_second(sheet: bytes, tmp_path: Path) -> None:
    printer = pdf_printer(tmp_path / "cancelled.pdf")
    printer.setFullPage(True)
    seen: list[int] = []
    progress: Progress

    def report(done: int, _total: int, _message: str) -> None:
        seen.append(done)
        if done == 1:
            progress.cancel()

    progress = Progress(report)
    with pytest.raises(CancelledError):
        printing.render_to_printer(sheet, printer, progress)
    assert seen == [0, 1]


def test_the_preview_prints_and_saves_on_the_worker(qtbot, runner_and_audit, tmp_path: Path,  # noqa: F811
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    runner, audit_id = runner_and_audit
    preview = open_preview(qtbot, runner, audit_id)
    threads: list[str] = []
    real_print, real_save = printing.print_pdf, printing.save_pdf

    def print_recording_thread(*args):  # the real printing, noting the thread it ran on
        threads.append(threading.current_thread().name)
        return real_print(*args)

    def save_recording_thread(*args):
        threads.append(threading.current_thread().name)
        return real_save(*args)

    monkeypatch.setattr(sheet_preview, "print_pdf", print_recording_thread)
    monkeypatch.setattr(sheet_preview, "save_pdf", save_recording_thread)
    monkeypatch.setattr(preview, "ask_printer", lambda: pdf_printer(tmp_path / "printed.pdf"))
    monkeypatch.setattr(preview, "ask_save_path", lambda: tmp_path / "saved.pdf")
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "印刷しました" in preview.status_label.text(), timeout=15000)
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "保存しました" in preview.status_label.text(), timeout=15000)
    assert len(threads) == 2 and threading.main_thread().name not in threads
    assert (tmp_path / "printed.pdf").read_bytes() == (tmp_path / "saved.pdf").read_bytes() == preview.pdf


def test_alt_p_prints_and_ctrl_p_too(qtbot, runner_and_audit, tmp_path: Path,  # noqa: F811
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    runner, audit_id = runner_and_audit
    preview = open_preview(qtbot, runner, audit_id)
    asked: list[int] = []
    monkeypatch.setattr(preview, "ask_printer", lambda: asked.append(1))  # None: the dialog was cancelled
    preview.activateWindow()
    qtbot.keyClick(preview, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: asked == [1], timeout=2000)  # a mnemonic clicks after a short animation
    qtbot.keyClick(preview, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert asked == [1, 1]
