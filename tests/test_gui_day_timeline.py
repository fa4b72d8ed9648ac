"""ログ突合's picture of a terminal's day on the demo data: as many ticks as the day's operations, a mark for each
discrepancy of that terminal and day, and the list and the picture following each other both ways."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from support.gui import click_row, in_db, start_runner

from jukiaudit_desktop.gui.day_timeline import SELECTED_COLOUR
from jukiaudit_desktop.gui.pages.reconcile import ReconcilePage
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services import reconciliation
from jukiaudit_desktop.services.master_demo import SAMPLE_AGENCY_CODE


def prepare(db) -> None:  # on a copy of the session's demo database
    reconciliation.run_reconciliation(db, SAMPLE_AGENCY_CODE, ReconcileSettings(tolerance_minutes=7))


@pytest.fixture
def page(qtbot, demo_db_path: Path):
    runner = start_runner(qtbot, demo_db_path, prepare)
    page = ReconcilePage(runner)
    qtbot.addWidget(page)
    page.resize(1366, 900)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.proxy.rowCount() > 0 and not runner.busy, timeout=20000)
    yield page
    page.close()
    runner.close()


def operations_of_day(db, terminal: str, day: str) -> int:
    return db.scalar("SELECT count(*) FROM operation o JOIN agency a ON a.id = o.agency_id "
                     "WHERE a.code = ? AND o.terminal = ? AND substr(o.at, 1, 10) = ?",
                     [SAMPLE_AGENCY_CODE, terminal, day])


def test_the_day_of_the_chosen_discrepancy_and_both_ways(qtbot, page: ReconcilePage) -> None:
    # The busiest terminal-day of the run, so that its picture has several marks.
    rows = [page.proxy.row_at(page.proxy.index(r, 0)) for r in range(page.proxy.rowCount())]
    days = {}
    for view in rows:
        days.setdefault((view.terminal, view.at[:10]), []).append(view)
    (terminal, day), on_day = max(days.items(), key=lambda kv: len(kv[1]))
    assert len(on_day) >= 2
    first = rows.index(on_day[0])
    click_row(qtbot, page.table, first)
    page.register_tabs.setCurrentWidget(page.timeline)  # the day's tab, beside the register entries
    qtbot.waitUntil(lambda: page.timeline.picture is not None and not page.runner.busy, timeout=10000)
    picture = page.timeline.picture
    assert (picture.terminal, picture.day.isoformat(), picture.tolerance_minutes) == (terminal, day, 7)
    assert len(picture.ticks) == in_db(qtbot, page.runner, lambda db: operations_of_day(db, terminal, day)) > 0
    assert sorted(m.discrepancy_id for m in picture.marks) == sorted(v.id for v in on_day)
    assert picture.selected_id == on_day[0].id
    assert page.timeline.marks[on_day[0].id].brush().color() == SELECTED_COLOUR
    # The chosen mark is in view.
    assert page.timeline.viewport().rect().contains(page.timeline.mark_position(on_day[0].id).toPoint())

    # A click on another mark selects its row (marks of one moment are stacked, each can be clicked).
    other = on_day[-1].id
    page.timeline.centerOn(page.timeline.marks[other])
    qtbot.mouseClick(page.timeline.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.timeline.mark_position(other).toPoint())
    qtbot.waitUntil(lambda: page.selected() is not None and page.selected().id == other, timeout=5000)
    qtbot.waitUntil(lambda: page.timeline.picture.selected_id == other, timeout=5000)
    assert page.timeline.marks[other].brush().color() == SELECTED_COLOUR

    # Moving in the list moves the picture.
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.timeline.picture.selected_id == rows[0].id and not page.runner.busy, timeout=10000)
    assert page.timeline.picture.terminal == rows[0].terminal
