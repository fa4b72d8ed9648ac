"""Benchmark: the GUI's event loop while the findings sheet is issued and printed (the reconciliation
benchmark's measure: the longest gap between 10 ms timer ticks on the GUI thread).

    python benchmarks/bench_print.py [--dpi 600] [--on-gui-thread]

Setup (not measured): a fresh encrypted database with the demo data; the audit with the most findings.
Measured, one after the other on the runner as the preview does it:
  1. preview: the sheet rendered on the worker; show_preview: the dialog drawing it (QPdfView, 500 ms);
  2. print to a PDF file: the sheet issued, then the issued file written (the 「PDF に出力」 printer);
  3. print to a printer: every page rendered at --dpi in bands onto a QPrinter (a PDF-engine printer stands in
     for a real one, which offscreen Qt does not have).
--on-gui-thread runs step 3 on the GUI thread instead, as 0.1.0 did, for the figure to compare with.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=600)
    parser.add_argument("--on-gui-thread", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QApplication

    from jukiaudit_desktop.core.progress import Progress
    from jukiaudit_desktop.gui import printing
    from jukiaudit_desktop.gui.sheet_preview import SheetPreviewDialog
    from jukiaudit_desktop.gui.tasks import DbRunner
    from jukiaudit_desktop.services import demo, findings, reports
    from jukiaudit_desktop.storage.database import open_database

    workdir = Path(tempfile.mkdtemp(prefix="bench_print_"))
    app = QApplication([])
    runner = DbRunner()

    key = os.urandom(32)
    db = open_database(workdir / "bench.db", key, create=True)
    demo.load_demo(db)
    audit_id = max({f.audit_id for f in findings.list_findings(db)}, key=lambda a: len(findings.list_findings(db, a)))
    db.close()
    audit_ids = [audit_id]
    runner.open_database(lambda: open_database(workdir / "bench.db", key))

    clock, gaps, phases = QElapsedTimer(), [], {}
    state = {"last": 0}

    def tick() -> None:
        now = clock.elapsed()
        gaps.append((now, now - state["last"]))
        state["last"] = now

    def printer(name: str, dpi: int) -> QPrinter:
        target = QPrinter(QPrinter.PrinterMode.HighResolution)
        target.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        target.setOutputFileName(str(workdir / name))
        target.setResolution(dpi)
        return target

    def mark(phase: str) -> None:
        phases[phase] = clock.elapsed()

    def start() -> None:
        clock.start()
        ticker.start()
        runner.submit(lambda db, _p: reports.preview_findings_sheet(db, audit_ids[0]), show_preview)

    def show_preview(result) -> None:  # noqa: ANN001
        mark("preview_ms")
        preview = SheetPreviewDialog(runner, audit_ids[0], *result)
        preview.show()
        app.preview = preview  # type: ignore[attr-defined]
        preview.ask_printer = lambda: printer("to_file.pdf", args.dpi)
        QTimer.singleShot(500, lambda: print_to_file(preview))  # the dialog draws itself meanwhile

    def print_to_file(preview: SheetPreviewDialog) -> None:
        mark("show_preview_ms")
        preview.print_sheet()
        wait_for(lambda: "印刷しました" in preview.status_label.text(), lambda: raster(preview.pdf))

    def raster(pdf: bytes) -> None:
        mark("issue_and_print_to_file_ms")
        target = printer("to_printer.pdf", args.dpi)
        target.setFullPage(True)
        if args.on_gui_thread:
            pages = printing.render_to_printer(pdf, target, Progress())
            done(pages)
        else:
            runner.submit(lambda _db, progress: printing.render_to_printer(pdf, target, progress), done,
                          label="印刷しています")

    def done(pages: int) -> None:
        mark("print_to_printer_ms")
        phases["pages"] = pages
        QTimer.singleShot(50, app.quit)

    def wait_for(condition, then) -> None:  # noqa: ANN001
        if condition():
            then()
        else:
            QTimer.singleShot(10, lambda: wait_for(condition, then))

    ticker = QTimer()
    ticker.setInterval(10)
    ticker.timeout.connect(tick)
    runner.submit(lambda _db, _p: None, lambda _none: start())
    app.exec()
    runner.close()
    ends = [("preview", phases["preview_ms"]), ("show_preview", phases["show_preview_ms"]), ("issue_and_print_to_file", phases["issue_and_print_to_file_ms"]),
            ("print_to_printer", phases["print_to_printer_ms"])]
    worst, start_ms = {}, 0
    for name, end_ms in ends:  # the longest gap of each step (a gap counts for the step it ends in)
        worst[f"max_gap_ms_{name}"] = max((gap for at, gap in gaps if start_ms < at <= end_ms + 10), default=0)
        start_ms = end_ms + 10
    print(json.dumps({"event_loop_max_gap_ms": max(gap for _at, gap in gaps), **worst, "ticks": len(gaps),
                      "dpi": args.dpi, "print_on": "gui thread" if args.on_gui_thread else "worker", **phases}))


if __name__ == "__main__":
    main()
