"""The 注視対象者 tab's CSV import (as `watchlist import`): the file and the list chosen by the user, the advice
to delete the file, only hashes stored, a bad file refused whole; the list sorts on raw values, dates in 和暦."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from support.gui import app_font, click_row, start_runner
from support.shots import save_screenshot
from support.subject_log import click_header, generate, open_watchlist_tab

from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.gui.watchlist_tab import COLUMNS, WatchlistTab
from jukiaudit_desktop.services import master_data, watchlist

LABEL = next(n for n, c in enumerate(COLUMNS) if c.header == "表示名")
ADDED = next(n for n, c in enumerate(COLUMNS) if c.header == "登録日時")


@pytest.fixture(autouse=True)
def _app_font(qapp):
    with app_font():  # the app's font for the screenshots, the previous one restored after
        yield


@pytest.fixture
def tab(qtbot, db, db_path: Path) -> WatchlistTab:
    master_data.add_agency(db, Agency("C17", "分析機関"))
    return open_watchlist_tab(qtbot, start_runner(qtbot, db_path))


def _choose(monkeypatch, file: Path, target: str) -> list[list[str]]:
    """The user picks `file` in the open dialog, then `target` in the list question; returns what was offered."""
    offered: list[list[str]] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(file), "")))

    def pick(_parent, _title, _label, items, *_args, **_kwargs):
        offered.append(list(items))
        return target, True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(pick))
    return offered


def _shown(tab: WatchlistTab, column: int) -> list[str]:
    model = tab.table.model()
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_import_a_csv_into_an_agencys_list(qtbot, tab: WatchlistTab, db, monkeypatch,
                                           modal_dialogs, tmp_path: Path) -> None:
    source = generate(tmp_path / "planted") / "watchlist.csv"
    numbers = [line.split(",")[1] for line in source.read_text(encoding="utf-8").splitlines()[1:]]
    offered = _choose(monkeypatch, source, "C17 分析機関")
    qtbot.mouseClick(tab.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=10000)
    assert offered == [["共通(すべての機関)", "C17 分析機関"]]
    qtbot.waitUntil(lambda: bool(modal_dialogs.shown), timeout=5000)
    [told] = modal_dialogs.take()
    assert "3 件" in told and str(source) in told and watchlist.DELETE_ADVICE in told
    assert {e.agency_code for e in watchlist.list_entries(db)} == {"C17"}
    assert all(re.fullmatch(r"令和\d+年\d+月\d+日 \d\d:\d\d", text) for text in _shown(tab, ADDED))
    shown = " ".join(str(tab.model.data(tab.model.index(r, c))) for r in range(3) for c in range(len(COLUMNS)))
    assert not any(number in shown for number in numbers)
    save_screenshot(tab.window(), tmp_path, "watchlist_tab")

    click_header(qtbot, tab.table, LABEL)  # sorted by 表示名
    assert _shown(tab, LABEL) == sorted(_shown(tab, LABEL))
    click_row(qtbot, tab.table, 0)  # removal takes the row shown, whatever the order
    first = _shown(tab, LABEL)[0]
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=10000)
    assert first not in _shown(tab, LABEL)


def test_a_bad_file_is_refused_whole(qtbot, tab: WatchlistTab, db, tmp_path: Path, monkeypatch,
                                     modal_dialogs) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("種別,番号,表示名\n住民票コード,30000019794,著名人A\n個人番号,400000000018,誤り\n", encoding="utf-8")
    _choose(monkeypatch, bad, "共通(すべての機関)")
    qtbot.mouseClick(tab.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(modal_dialogs.shown), timeout=10000)
    [told] = modal_dialogs.take()
    assert "QMessageBox.warning" in told and "bad.csv:3" in told
    assert watchlist.list_entries(db) == [] and tab.model.rowCount() == 0
