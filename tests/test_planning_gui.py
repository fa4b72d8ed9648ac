"""The 監査計画 page: the coverage matrix of 第7期, generating the plan, pinning by keyboard and context menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu, QMessageBox
from support.gui import start_runner
from support.shots import save_screenshot

from jukiaudit_desktop.core.planning import AuditKind
from jukiaudit_desktop.gui.pages.planning import KIND_COLOURS, MatrixColumn, PlanningPage
from jukiaudit_desktop.services import planning

R8_COLUMN = MatrixColumn.FIRST_YEAR  # 第7期 starts with 令和8年度


@pytest.fixture
def runner(demo_runner):
    return demo_runner


@pytest.fixture
def page(qtbot, runner):
    page = PlanningPage(runner)
    qtbot.addWidget(page)
    page.resize(1280, 760)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.period_combo.count() == 2, timeout=5000)
    choose(qtbot, page, page.period_combo, "第7期")
    choose(qtbot, page, page.year_combo, "令和8年度")
    return page


def choose(qtbot, page: PlanningPage, combo, text: str) -> None:
    """Pick an entry as a user does (the page reacts to `activated`) and wait for the matrix to follow."""
    index = combo.findText(text)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)

    def shown() -> bool:
        if combo is page.period_combo:
            return page.view.period is not None and page.view.period.name == text
        return page.view.year == combo.itemData(index)

    qtbot.waitUntil(shown, timeout=5000)


def column_texts(page: PlanningPage, column: int) -> list[str]:
    return [page.proxy.index(r, column).data() for r in range(page.proxy.rowCount())]


def row_of(page: PlanningPage, code: str) -> int:
    return column_texts(page, MatrixColumn.CODE).index(code)


def test_matrix_shows_the_councils_r8_then_a_generated_plan_then_a_pin_breaking_the_budget(
        qtbot, page: PlanningPage, runner, tmp_path: Path) -> None:
    # The demo holds the council's R8 plan (14 audits, pinned); R9 and R10 are not planned yet: no breach,
    # the 27 other agencies wait.
    assert page.model.rowCount() == 41
    r8 = column_texts(page, R8_COLUMN)
    assert r8.count("内部監査・固定") == 12 and r8.count("外部監査・固定") == 2
    assert column_texts(page, len(page.model.columns) - 3).count("未計画") == 27
    assert page.violations.count() == 0
    assert page.budget_spin.text() == "外部監査枠: 設定なし"  # an inspector's setting, unset by default

    page.budget_spin.setValue(2)
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "作成しました" in page.status_label.text(), timeout=10000)
    assert "規則違反はありません" in page.status_label.text()
    assert page.violations.count() == 0
    assert column_texts(page, R8_COLUMN) == r8  # the council's year stays exactly as pinned
    for code in ("K13", "K22", "K23"):  # new in R8: internal audit in their first year
        assert r8[row_of(page, code)] == "内部監査・固定"
    r9 = column_texts(page, R8_COLUMN + 1)
    assert r9.count("外部監査・計画") == 2
    external_row = r9.index("外部監査・計画")
    brush = page.proxy.index(external_row, R8_COLUMN + 1).data(Qt.ItemDataRole.BackgroundRole)
    assert brush.color() == KIND_COLOURS[AuditKind.EXTERNAL]

    # Pin 税務課 (an R9 agency now) into R8 as external, from the keyboard: the inspector's budget breaks.
    tax_row = row_of(page, "K02")
    assert r8[tax_row] == ""
    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.index(tax_row, R8_COLUMN))
    qtbot.keyClick(page.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "固定しました" in page.status_label.text(), timeout=5000)
    assert column_texts(page, R8_COLUMN)[row_of(page, "K02")] == "外部監査・固定!"
    messages = [page.violations.item(i).text() for i in range(page.violations.count())]
    assert len(messages) == 1 and "担当者の設定: 外部監査の年間枠" in messages[0] and "K02 税務課" in messages[0]
    page.problems_only.setChecked(True)
    assert page.proxy.rowCount() == 3  # 税務課 and the council's two external agencies
    save_screenshot(page, tmp_path, "planning_matrix_pinned")
    page.problems_only.setChecked(False)

    # A budget of 3 for the year, and 計画を作成 again: the pins stay, nothing breaks.
    page.budget_spin.setValue(3)
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "作成しました" in page.status_label.text(), timeout=10000)
    r8 = column_texts(page, R8_COLUMN)
    assert r8[row_of(page, "K02")] == "外部監査・固定" and r8.count("外部監査・固定") == 3
    assert page.violations.count() == 0
    stored = []
    runner.submit(lambda db, _p: planning.stored_plan(db, 2026), stored.append)
    qtbot.waitUntil(lambda: bool(stored), timeout=5000)
    assert stored[0].violations == [] and len(stored[0].entries) == 41
    save_screenshot(page, tmp_path, "planning_matrix")


def test_context_menu_offers_pins_for_plan_years_only(qtbot, page: PlanningPage) -> None:
    choose(qtbot, page, page.year_combo, "令和9年度")
    row = row_of(page, "C01")
    for column, enabled in ((R8_COLUMN, False), (R8_COLUMN + 1, True)):
        rect = page.table.visualRect(page.proxy.index(row, column))
        page.table.customContextMenuRequested.emit(rect.center())
        menu = page.table.findChild(QMenu, "planning_cell_menu")
        qtbot.waitUntil(menu.isVisible, timeout=3000)
        texts = [a.text() for a in menu.actions()]
        assert texts[0].startswith("佐久地域振興局を令和") and texts[0].endswith("内部監査で固定")
        assert menu.actions()[0].isEnabled() is enabled
        menu.close()
        menu.deleteLater()
        qtbot.waitUntil(lambda: page.table.findChild(QMenu, "planning_cell_menu") is None, timeout=3000)


def answer_dialogs(answers: list[str], seen: list[str] | None = None) -> None:
    """Answer the real modal dialogs as they come: each QInputDialog with the next answer; a message box is
    closed and its text kept in `seen`."""
    pending = iter(answers)

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QMessageBox) and seen is not None:
            seen.append(dialog.text())
            dialog.accept()
            return
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(20, answer)
            return
        value = next(pending, None)
        dialog.setTextValue(value or "")
        dialog.accept()
        QTimer.singleShot(20, answer)  # the next question, or a message

    QTimer.singleShot(20, answer)


@pytest.fixture
def empty_page(qtbot, db_path: Path) -> PlanningPage:
    """The page on a new database (no period yet)."""
    page = PlanningPage(start_runner(qtbot, db_path))
    qtbot.addWidget(page)
    page.refresh()
    qtbot.waitUntil(lambda: "期が登録されていません" in page.status_label.text(), timeout=5000)
    return page


@pytest.mark.real_modal  # answers a real QInputDialog and the message box with a timer
def test_an_unreadable_first_year_is_refused_with_a_message(qtbot, empty_page: PlanningPage) -> None:
    page = empty_page
    seen: list[str] = []
    answer_dialogs(["第8期", "11年"], seen)
    qtbot.mouseClick(page.add_period_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[0] == "開始年度: 年度「11年」を読めません。2026、令和8、R8 または 令和8年度 の形で書いてください。"
    assert page.period_combo.count() == 0 and "期が登録されていません" in page.status_label.text()


@pytest.mark.real_modal  # answers the two real QInputDialogs with a timer
def test_a_period_is_added_from_the_page_on_an_empty_database(qtbot, empty_page: PlanningPage) -> None:
    page = empty_page
    assert not page.generate_button.isEnabled()
    answer_dialogs(["第8期", "R11"])  # the first 年度 as typed in 和暦 (2029)
    qtbot.mouseClick(page.add_period_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "を登録しました" in page.status_label.text(), timeout=5000)
    assert page.period_combo.currentText() == "第8期"
    assert [page.year_combo.itemText(i) for i in range(page.year_combo.count())] == ["令和11年度", "令和12年度",
                                                                                    "令和13年度"]
    assert page.generate_button.isEnabled() and page.model.rowCount() == 0
