"""Screenshots of every page (ホーム first, as the app opens) at a laptop's and a desktop's size, on a fresh database with the demo data
(offscreen Qt; nothing is written outside OUT and a temporary folder).

    python tools/screenshots.py OUT [--sizes 1366x768 1920x1080]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--sizes", nargs="+", default=["1366x768", "1920x1080"])
    args = parser.parse_args()
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from jukiaudit_desktop.gui.app import install_japanese_font
    from jukiaudit_desktop.gui.import_wizard import ImportWizard
    from jukiaudit_desktop.gui.main_window import MainWindow
    from jukiaudit_desktop.gui.pages.audits import AuditsPage
    from jukiaudit_desktop.gui.pages.reconcile import ReconcilePage
    from jukiaudit_desktop.gui.tasks import DbRunner
    from jukiaudit_desktop.paths import resource
    from jukiaudit_desktop.services import demo
    from jukiaudit_desktop.storage.database import open_database

    app = QApplication([])
    install_japanese_font(app)
    workdir = Path(tempfile.mkdtemp(prefix="jukiaudit_shots_"))
    key = os.urandom(32)
    db = open_database(workdir / "demo.db", key, create=True)
    demo.load_demo(db)
    db.close()
    runner = DbRunner()
    opened: list[object] = []
    runner.open_database(lambda: open_database(workdir / "demo.db", key), opened.append)

    def wait(condition, ms: int = 30000) -> None:  # noqa: ANN001
        """Run the event loop until `condition()` (a tool, not the app: it waits for the worker between shots)."""
        loop, clock, timer = QEventLoop(), QElapsedTimer(), QTimer()
        clock.start()
        timer.timeout.connect(lambda: (condition() or clock.elapsed() > ms) and loop.quit())
        timer.start(50)
        loop.exec()
        timer.stop()

    wait(lambda: bool(opened))
    window = MainWindow(runner)
    window.show()
    window.show_database(workdir / "demo.db", "keyring")
    window.database_opened()
    args.out.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        width, height = (int(n) for n in size.split("x"))
        window.resize(width, height)
        for row, page in enumerate(window.page_widgets):
            window.navigation.setCurrentRow(row)
            wait(lambda: not runner.busy)
            if isinstance(page, ReconcilePage) and page.model.rowCount() == 0:
                page.run_reconciliation()
                wait(lambda p=page: p.model.rowCount() > 0 and not runner.busy)
                page.table.selectRow(0)
                page.register_tabs.setCurrentWidget(page.timeline)  # the terminal's day, beside the register
                wait(lambda: not runner.busy)
            if hasattr(page, "ui") and hasattr(page.ui, "trail_tab"):  # 設定: the trail tab is the one changed
                page.ui.trail_tab.parentWidget().parentWidget().setCurrentWidget(page.ui.trail_tab)
            window.grab().save(str(args.out / f"{size}_{row + 1}_{type(page).__name__}.png"))
        audits = window.page(AuditsPage)
        window.navigation.setCurrentRow(window.page_widgets.index(audits))
        wait(lambda a=audits: a.proxy.rowCount() > 0 and not runner.busy)
        audits.table.selectRow(0)
        audits.open_selected()
        wait(lambda a=audits: a.session.items.rowCount() > 0 and not runner.busy)
        window.grab().save(str(args.out / f"{size}_session.png"))
        audits.show_list()
        wait(lambda: not runner.busy)
        reconcile = window.page(ReconcilePage)
        wizard = ImportWizard(runner, reconcile.current_agency_code() or "C09", window)
        wizard.resize(min(width, 1000), min(height - 40, 720))
        wizard.show()
        wizard.add_files([resource("demo", "oplog_sample_cp932.csv")])
        wait(lambda w=wizard: w.preview is not None and not runner.busy)
        wizard.grab().save(str(args.out / f"{size}_import.png"))
        wizard.close()
    window.hide()
    runner.close()


if __name__ == "__main__":
    main()
