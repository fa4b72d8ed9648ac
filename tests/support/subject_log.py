"""Test support of issue 17's GUI tests: the generated log with planted subject patterns, header clicks, and the
マスタ page opened on its 注視対象者 tab."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QTableView

from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.gui.tasks import DbRunner
from jukiaudit_desktop.gui.watchlist_tab import WatchlistTab
from jukiaudit_desktop.importers.profile import OPLOG, load_profile
from jukiaudit_desktop.services import imports, master_data
from jukiaudit_desktop.services.database_access import Database
from support.gui import open_master_page

ROOT = Path(__file__).resolve().parents[2]


def generate(out: Path) -> Path:
    """tools/gen_subject_log.py into `out` (oplog.csv, profile.toml, watchlist.csv…); returns `out`."""
    subprocess.run([sys.executable, str(ROOT / "tools" / "gen_subject_log.py"), str(out)], check=True,
                   env={"PYTHONPATH": str(ROOT)})
    return out


def import_planted(db: Database, planted: Path, code: str = "C17") -> None:
    """Agency `code` with the generated log imported through the real importer and its profile."""
    master_data.add_agency(db, Agency(code, "分析機関"))
    profile = load_profile(planted / "profile.toml")
    imports.import_files(db, code, profile.layout(OPLOG), [planted / "oplog.csv"], profile_name=profile.name)


def click_header(qtbot: Any, table: QTableView, column: int) -> None:
    """Click the header of `column`, as a user sorting the table by it."""
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def open_watchlist_tab(qtbot: Any, runner: DbRunner, agencies: int = 1) -> WatchlistTab:
    """The マスタ page shown on its 注視対象者 tab, once the tab has listed the database's `agencies`."""
    page = open_master_page(qtbot, runner, lambda p: len(p.watchlist_tab.agencies) == agencies, "watchlist_tab")
    return page.watchlist_tab
