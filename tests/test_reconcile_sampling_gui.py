"""根拠書類の抽出確認 from the ログ突合 page, driven with the mouse and keys: draw a sample (period in 和暦, size,
seed), the same seed again gives the same lines and another seed others, strata per 事務, sorting, results per
line (確認済 / 不備 with 備考), a 不備 raised as a finding, the PDF saved and read back, the window gone on lock."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QFileDialog
from support.gui import app_font, click_row, in_db, start_runner
from support.mnemonics import clashes
from support.promises import require_tool
from support.shots import save_screenshot
from support.subject_log import click_header, generate, import_planted

from jukiaudit_desktop.core.audit import AuditType
from jukiaudit_desktop.core.errors import CancelledError
from jukiaudit_desktop.core.progress import Progress
from jukiaudit_desktop.gui.pages.reconcile import ReconcilePage
from jukiaudit_desktop.gui.sample_dialog import LINE_COLUMNS, SampleDialog
from jukiaudit_desktop.services import audits, findings, sampling
from jukiaudit_desktop.services.reconciliation import Period

COLUMN = {column.header: number for number, column in enumerate(LINE_COLUMNS)}


@pytest.fixture(autouse=True)
def _app_font(qapp):
    with app_font():  # the app's font for the screenshots, the previous one restored after
        yield


@pytest.fixture
def planted(tmp_path: Path) -> Path:
    """The generated log with a 住民票コード column (tools/gen_subject_log.py): 2025-04-01 … 2025-05-30."""
    return generate(tmp_path / "planted")


@pytest.fixture
def page(qtbot, db, db_path: Path, planted: Path) -> ReconcilePage:
    import_planted(db, planted)
    audits.create_audit(db, "C17", 2025, AuditType.INTERNAL)
    runner = start_runner(qtbot, db_path)
    widget = ReconcilePage(runner)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    widget.refresh()
    qtbot.waitUntil(lambda: widget.current_agency_code() == "C17", timeout=10000)
    return widget


def _open(qtbot, page: ReconcilePage) -> SampleDialog:
    qtbot.mouseClick(page.sample_button, Qt.MouseButton.LeftButton)
    dialog = page.sample_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: "まだありません" in dialog.info_label.text() or dialog.view.chosen is not None,
                    timeout=10000)
    return dialog


def _type(qtbot, widget, text: str) -> None:
    """Replace what `widget` holds by typing, as a user would (select all, then the keys)."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def _ime_commit(widget, text: str) -> None:
    """Japanese text as an input method hands it over: one commit string (QTest types ASCII keys only)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _draw(qtbot, dialog: SampleDialog, seed: str) -> list[int]:
    """Type the seed, click 抽出する, wait for the new sample; its operation ids in line order."""
    before = None if dialog.view.chosen is None else dialog.view.chosen.id
    _type(qtbot, dialog.seed_spin, seed)
    qtbot.mouseClick(dialog.draw_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.view.chosen is not None and dialog.view.chosen.id != before, timeout=10000)
    return [line.operation_id for line in dialog.view.lines]


def _shown(dialog: SampleDialog, column: str) -> list[str]:
    proxy = dialog.lines_proxy
    return [proxy.index(row, COLUMN[column]).data() for row in range(proxy.rowCount())]


def test_draw_record_raise_and_print_a_sample_from_the_reconcile_page(qtbot, page: ReconcilePage, db,
                                                                      tmp_path: Path, monkeypatch) -> None:
    dialog = _open(qtbot, page)
    assert "C17" in dialog.windowTitle() and not dialog.pdf_button.isEnabled()
    assert clashes(dialog) == {}
    save_screenshot(page, tmp_path, "reconcile_page")
    _type(qtbot, dialog.from_edit.edit, "R7.4.1")
    _type(qtbot, dialog.to_edit.edit, "2025/04/30")
    assert dialog.to_edit.preview.text() == "→ 令和7年4月30日"
    _type(qtbot, dialog.size_spin, "30")

    first = _draw(qtbot, dialog, "20251001")
    again = _draw(qtbot, dialog, "20251001")
    other = _draw(qtbot, dialog, "7")
    assert len(first) == 30 and first == again and other != first  # reproducible from the seed alone
    assert dialog.sample_combo.count() == 3 and "乱数の種 7" in dialog.sample_combo.currentText()
    assert all(re.fullmatch(r"R7\.4\.\d{1,2} \d\d:\d\d:\d\d", text) for text in _shown(dialog, "照会日時"))
    strata = {s.jimu_code: s for s in dialog.strata_model.rows}
    assert sum(s.drawn for s in strata.values()) == 30 and all(s.drawn >= 1 for s in strata.values())
    assert strata["別表5-10"].drawn > strata["別表5-5"].drawn  # in proportion to the volume
    assert "令和7年4月1日～令和7年4月30日" in dialog.info_label.text() and "未確認 30 件" in dialog.info_label.text()

    # back to the first sample through the combo, with the keyboard
    dialog.sample_combo.setFocus()
    qtbot.keyClick(dialog.sample_combo, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: dialog.view.chosen is not None and dialog.view.chosen.seed == 20251001
                    and [line.operation_id for line in dialog.view.lines] == first, timeout=10000)
    sample_id = dialog.view.chosen.id

    # sorting on raw values: by 事務, then back by 番号
    click_header(qtbot, dialog.lines_table, COLUMN["事務"])
    assert _shown(dialog, "事務") == sorted(_shown(dialog, "事務"))
    click_header(qtbot, dialog.lines_table, COLUMN["番号"])
    assert [int(n) for n in _shown(dialog, "番号")] == list(range(1, 31))

    # 確認済 on line 1 moves on to line 2
    click_row(qtbot, dialog.lines_table, 0)
    qtbot.mouseClick(dialog.checked_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _shown(dialog, "確認結果")[0] == "確認済", timeout=10000)
    qtbot.waitUntil(lambda: dialog.selected_line() is not None and dialog.selected_line().ordinal == 2, timeout=5000)
    # 不備 without 備考 is refused in the window, nothing stored
    qtbot.mouseClick(dialog.deficient_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "備考" in dialog.message_label.text(), timeout=10000)
    assert _shown(dialog, "確認結果")[1] == "未確認"
    # with one: typed, then Alt+F (the button's mnemonic) records it
    _ime_commit(dialog.note_edit, "申請書なし")
    qtbot.keyClick(dialog.note_edit, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: _shown(dialog, "確認結果")[1] == "不備", timeout=10000)
    assert _shown(dialog, "備考")[1] == "申請書なし" and "未確認 28 件" in dialog.info_label.text()
    assert {s.jimu_code: s.deficient for s in dialog.strata_model.rows}[dialog.view.lines[1].jimu_code] == 1

    # raise the 不備 as a finding of the agency's audit
    click_row(qtbot, dialog.lines_table, 1)
    assert not dialog.raise_button.isEnabled()  # no audit chosen yet
    dialog.audit_combo.setFocus()
    qtbot.keyClick(dialog.audit_combo, Qt.Key.Key_Down)
    assert dialog.raise_button.isEnabled()
    qtbot.mouseClick(dialog.raise_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _shown(dialog, "指摘事項")[1].startswith("No."), timeout=10000)
    finding_id = dialog.view.lines[1].finding_id
    assert finding_id is not None and f"指摘事項 No.{finding_id}" in dialog.message_label.text()
    stored = in_db(qtbot, page.runner, lambda d: findings.get_finding(d, finding_id))
    assert "根拠書類" in stored.title and "申請書なし" in stored.condition and "乱数の種 20251001" in stored.condition
    click_row(qtbot, dialog.lines_table, 1)
    assert not dialog.raise_button.isEnabled() and not dialog.deficient_button.isEnabled()  # raised once only

    # the list for the visit, saved and read back
    pdftotext = require_tool("pdftotext")
    target = tmp_path / "sample.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), "")))
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "確認票を保存しました" in dialog.message_label.text(), timeout=20000)
    text = subprocess.run([pdftotext, "-layout", str(target), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "乱数の種:20251001" in flat and f"抽出{sample_id}:30件" in flat
    assert "確認済" in flat and "不備:申請書なし" in flat and f"指摘事項{finding_id}" in flat
    rows = (tmp_path / "planted" / "oplog.csv").read_text(encoding="utf-8").splitlines()
    first_line = dialog.view.lines[0]
    number = rows[first_line.line - 1].rsplit(",", 1)[1]
    assert first_line.masked and first_line.masked in text and number not in text
    assert _shown(dialog, "対象者")[0] == first_line.masked and number not in _shown(dialog, "対象者")

    exported = in_db(qtbot, page.runner, lambda d: sampling.export_sample(d, sample_id))
    assert [line["result"] for line in exported["lines"][:3]] == ["確認済", "不備", None]
    save_screenshot(dialog, tmp_path, "sample_dialog")


def test_locking_closes_the_window_and_drops_answers_still_on_their_way(qtbot, page: ReconcilePage) -> None:
    dialog = _open(qtbot, page)
    _draw(qtbot, dialog, "1")
    qtbot.mouseClick(dialog.draw_button, Qt.MouseButton.LeftButton)  # its answer arrives after the lock
    with qtbot.waitSignal(dialog.destroyed, timeout=5000):
        page.clear()
    assert page.sample_dialog is None
    drained = in_db(qtbot, page.runner, lambda d: len(sampling.list_samples(d, "C17")))
    assert drained == 2  # the work was done; its answer was dropped without touching the deleted window


def test_a_cancelled_draw_stores_nothing(db, planted: Path) -> None:
    import_planted(db, planted)
    progress = Progress()
    progress.cancel()
    with pytest.raises(CancelledError):
        sampling.draw_sample(db, "C17", Period(), 30, 1, progress)
    assert sampling.list_samples(db, "C17") == []
    seen: list[str] = []
    sample_id = sampling.draw_sample(db, "C17", Period(), 30, 1, Progress(lambda d, t, m: seen.append(m)))
    assert [s.id for s in sampling.list_samples(db, "C17")] == [sample_id] and len(seen) == 3


def test_an_import_with_sampled_operations_is_not_removed(db, planted: Path, tmp_path: Path) -> None:
    from jukiaudit_desktop.core.errors import InputError
    from jukiaudit_desktop.services import import_batches

    import_planted(db, planted)
    sample_id = sampling.draw_sample(db, "C17", Period(), 5, 1)
    sampling.record_result(db, sample_id, 1, "確認済")
    [batch] = import_batches.list_imports(db, "C17")
    with pytest.raises(InputError, match=f"抽出 {sample_id} に使われている"):
        import_batches.remove_import(db, batch.id)
    assert len(sampling.sample_lines(db, sample_id)) == 5 and len(import_batches.list_imports(db, "C17")) == 1
    assert sampling.sample_lines(db, sample_id)[0].result == "確認済"


def test_the_strata_shown_are_those_the_sample_was_drawn_from(db, planted: Path, tmp_path: Path) -> None:
    from jukiaudit_desktop.importers.profile import OPLOG, load_profile
    from jukiaudit_desktop.services import imports

    import_planted(db, planted)
    april = Period(date(2025, 4, 1), date(2025, 4, 30))
    sample_id = sampling.draw_sample(db, "C17", april, 30, 20251001)
    before = {s.jimu_code: s.volume for s in sampling.strata(db, sample_id)}
    header = (planted / "oplog.csv").read_text(encoding="utf-8").splitlines()[0]
    later = tmp_path / "later.csv"  # two more 別表5-5 lookups in April, imported after the draw
    later.write_text(f"{header}\n2025/04/01 20:01:00,T01,O01,4情報検索,別表5-5,1,正常,\n"
                     "2025/04/01 20:02:00,T01,O01,4情報検索,別表5-5,1,正常,\n", encoding="utf-8")
    profile = load_profile(planted / "profile.toml")
    imports.import_files(db, "C17", profile.layout(OPLOG), [later], profile_name=profile.name)
    assert {s.jimu_code: s.volume for s in sampling.strata(db, sample_id)} == before
    again = sampling.draw_sample(db, "C17", april, 30, 20251001)
    assert {s.jimu_code: s.volume for s in sampling.strata(db, again)}["別表5-5"] == before["別表5-5"] + 2
