"""The 監査証跡 tab in words: actions and details read as sentences, newest first with a ▼, filtered by action and
by days."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from support.gui import in_db, start_runner

from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.gui.pages.settings import SettingsPage
from jukiaudit_desktop.gui.row_table import SortArrowStyle
from jukiaudit_desktop.gui.trail_words import describe
from jukiaudit_desktop.services import master_data
from jukiaudit_desktop.storage import trail


def test_details_read_as_words() -> None:
    run = {"agency": "C09", "run_id": 7, "operations": 1234, "register_entries": 56,
           "summary": {"unregistered_operation": 30, "off_hours": 9}}
    assert describe("reconcile.run", json.dumps(run)) == "突合を実行(機関 C09、操作 1,234 件、記帳 56 件、差異 39 件)"
    assert describe("audit.status", json.dumps({"audit_id": 3, "old": "計画", "new": "実施中"})) == \
        "監査の状態を変更(計画 → 実施中、監査 ID 3)"
    assert describe("plan.pin", json.dumps({"agency": "K15", "fiscal_year": 2026, "audit_type": "内部監査"})) == \
        "計画を固定(機関 K15、令和8年度、種別 内部監査)"
    assert describe("something.new", json.dumps({"x": 1})) == "something.new(x 1)"  # unknown: kept, not dropped


def test_the_trail_tab_lists_words_newest_first_and_filters(qtbot, db_path: Path) -> None:
    def seed(db):
        for code, name in (("K15", "こども・家庭課"), ("K20", "交通指導課")):
            master_data.add_agency(db, Agency(code, name))

    runner = start_runner(qtbot, db_path, seed)
    page = SettingsPage(runner)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.trail_model.rowCount() >= 3, timeout=5000)
    stored = in_db(qtbot, runner, trail.entries)
    proxy, table = page.trail_proxy, page.ui.trail_table
    shown = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert shown == [str(e.seq) for e in stored] and int(shown[0]) > int(shown[-1])  # newest first
    assert table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert isinstance(table.horizontalHeader().style(), SortArrowStyle)  # drawn ▼ for newest first
    assert proxy.index(0, 2).data() == "機関を追加"
    assert proxy.index(0, 3).data() == "機関を追加(コード K20、名称 交通指導課)"

    filters = page.trail_filters
    filters.action_box.setCurrentIndex(filters.action_box.findData("agency.add"))
    assert proxy.rowCount() == 2
    filters.since.edit.setText("R1.5.1")
    assert proxy.rowCount() == 2
    filters.until.edit.setText("R1.5.31")  # the entries were made today, not in 令和元年5月
    assert proxy.rowCount() == 0
    filters.until.edit.setText("")
    filters.since.edit.setText(f"{date.today():%Y/%m/%d}")
    assert proxy.rowCount() == 2
    runner.close()


def test_import_details_name_the_files_and_rows() -> None:
    detail = {"agency_id": 42, "files": [{"name": "oplog.csv", "rows": 3187}], "profile": "既定"}
    assert describe("import.oplog", json.dumps(detail)) == \
        "操作ログを取り込み(機関 ID 42、ファイル oplog.csv(3,187 行)、プロファイル 既定)"
