"""Benchmark: opening the findings sheet preview — the longest event-loop gap on the GUI thread (the reconciliation
benchmark's measure: 10 ms timer ticks) from the request until the first page is drawn, and how long that takes;
beside each gap the GUI thread's own CPU time in it, which the machine's load does not inflate.

    python benchmarks/bench_preview.py [--opens 5]

Setup (not measured): a fresh encrypted database with the demo data and a reconciliation of the sample agency, so
that its audit's sheet carries the appendix (one page per flagged day, 27 pages in all). Measured, --opens times,
as the audits page does it: open_sheet_preview() renders the sheet on the worker, then the dialog opens and shows
it; "first page" is when the view's page renderer delivers page 1 and the view has painted it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opens", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
    from PySide6.QtPdf import QPdfPageRenderer
    from PySide6.QtWidgets import QApplication

    from jukiaudit_desktop.gui import sheet_preview
    from jukiaudit_desktop.gui.tasks import DbRunner
    from jukiaudit_desktop.reconcile.settings import ReconcileSettings
    from jukiaudit_desktop.services import audits, demo, reconciliation
    from jukiaudit_desktop.services.master_demo import SAMPLE_AGENCY_CODE
    from jukiaudit_desktop.storage.database import open_database

    workdir = Path(tempfile.mkdtemp(prefix="bench_preview_"))
    app = QApplication([])
    app.setQuitOnLastWindowClosed(False)  # each preview is closed before the next opens
    runner = DbRunner()
    key = os.urandom(32)
    db = open_database(workdir / "bench.db", key, create=True)
    demo.load_demo(db)
    reconciliation.run_reconciliation(db, SAMPLE_AGENCY_CODE, ReconcileSettings())
    audit_id = next(a.id for a in audits.list_audits(db)
                    if a.agency_code == SAMPLE_AGENCY_CODE and a.audit_type.value != "自己点検")
    db.close()
    runner.open_database(lambda: open_database(workdir / "bench.db", key))

    clock, gaps, cpu, opens = QElapsedTimer(), [], [], []
    state = {"last": 0, "cpu": time.thread_time()}

    def tick() -> None:
        """The gap since the last tick, and the GUI thread's own CPU time in it (what the machine's load does
        not inflate: on a busy machine the gap also holds the time other processes had the CPU)."""
        now, used = clock.elapsed(), time.thread_time()
        gaps.append((now, now - state["last"]))
        cpu.append((now, round((used - state["cpu"]) * 1000)))
        state["last"], state["cpu"] = now, used

    class FirstPaint(QObject):
        """Notes when the view paints after page 1 has been rendered."""

        def __init__(self, record: dict) -> None:
            super().__init__()
            self.record = record

        def eventFilter(self, _obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint and "rendered_ms" in self.record and "painted_ms" not in self.record:
                self.record["painted_ms"] = clock.elapsed()
            return False

    class MeasuredPreview(sheet_preview.SheetPreviewDialog):
        """The app's dialog, noting when it is built and when page 1 comes from the view's render thread."""

        def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            record = opens[-1]
            record["dialog_ms"] = clock.elapsed()
            super().__init__(*args, **kwargs)
            record["watcher"] = FirstPaint(record)
            self.view.viewport().installEventFilter(record["watcher"])
            self.view.findChild(QPdfPageRenderer).pageRendered.connect(
                lambda page, *_: page == 0 and record.setdefault("rendered_ms", clock.elapsed()))
            wait_for_paint(record, self)

    sheet_preview.SheetPreviewDialog = MeasuredPreview  # open_sheet_preview builds it by this name

    def open_one() -> None:
        opens.append({"asked_ms": clock.elapsed()})
        sheet_preview.open_sheet_preview(runner, audit_id)

    def wait_for_paint(record: dict, dialog: sheet_preview.SheetPreviewDialog) -> None:
        if "painted_ms" not in record:
            QTimer.singleShot(5, lambda: wait_for_paint(record, dialog))
            return
        record["pages"] = dialog.document.pageCount()
        QTimer.singleShot(300, lambda: close(dialog))

    def close(dialog: sheet_preview.SheetPreviewDialog) -> None:
        record = opens[-1]
        record["end_ms"] = clock.elapsed()
        dialog.close()
        if len(opens) < args.opens:
            QTimer.singleShot(200, open_one)
        else:
            QTimer.singleShot(50, app.quit)

    ticker = QTimer()
    ticker.setInterval(10)
    ticker.timeout.connect(tick)

    def start() -> None:
        clock.start()
        ticker.start()
        QTimer.singleShot(100, open_one)

    runner.submit(lambda _db, _p: None, lambda _none: start())
    app.exec()
    runner.close()
    results = []
    for record in opens:
        def worst(since: int, until: int, series: list = gaps) -> int:
            return max((gap for at, gap in series if since < at <= until), default=0)

        results.append({"max_gap_ms": worst(record["asked_ms"], record["end_ms"]),
                        "max_gui_cpu_ms": worst(record["asked_ms"], record["end_ms"], cpu),
                        "max_gap_from_dialog_ms": worst(record["dialog_ms"], record["end_ms"]),
                        "max_gui_cpu_from_dialog_ms": worst(record["dialog_ms"], record["end_ms"], cpu),
                        "render_on_worker_ms": record["dialog_ms"] - record["asked_ms"],
                        "dialog_to_first_page_ms": record["painted_ms"] - record["dialog_ms"],
                        "pages": record["pages"]})
    print(json.dumps({"first_open": results[0],
                      "median_max_gap_ms": statistics.median(r["max_gap_ms"] for r in results),
                      "worst_max_gap_ms": max(r["max_gap_ms"] for r in results),
                      "median_max_gui_cpu_from_dialog_ms": statistics.median(r["max_gui_cpu_from_dialog_ms"]
                                                                             for r in results),
                      "median_dialog_to_first_page_ms": statistics.median(r["dialog_to_first_page_ms"] for r in results),
                      "opens": results}))

if __name__ == "__main__":
    main()
