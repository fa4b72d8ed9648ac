"""Handing the issued sheet to the OS printing: `lp` (a real script on PATH standing in for CUPS' lp, recording
what it is given) receives the issued PDF byte for byte from a private 0600 copy that is gone afterwards; a
refusing lp and a missing lp / lpr each give a clear Japanese message."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from support.gui import in_db
from support.shots import save_screenshot
from test_reports_gui import open_preview, runner_and_audit  # noqa: F401 (fixture)

from jukiaudit_desktop.core.errors import JukiAuditError
from jukiaudit_desktop.gui import printing_os
from jukiaudit_desktop.security import viewing
from jukiaudit_desktop.services import reports

LP = """#!/bin/sh
# Stands in for CUPS' lp: records its arguments, the file it was given and that file's mode.
printf '%s\\n' "$@" > "{record}/args"
for last; do :; done
cp "$last" "{record}/printed.pdf"
stat -c %a "$last" > "{record}/mode"
echo "$last" > "{record}/path"
{tail}
"""


def install_lp(folder: Path, monkeypatch: pytest.MonkeyPatch, tail: str = 'echo "request id is Office-42 (1 file(s))"') \
        -> Path:
    """A `lp` script first on PATH; returns the folder where it records what it was given."""
    bin_dir, record = folder / "bin", folder / "record"
    bin_dir.mkdir()
    record.mkdir()
    lp = bin_dir / "lp"
    lp.write_text(LP.format(record=record, tail=tail))
    lp.chmod(lp.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    return record


def test_lp_gets_the_issued_file_itself(qtbot, runner_and_audit, tmp_path: Path,  # noqa: F811
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    record = install_lp(tmp_path, monkeypatch)
    runner, audit_id = runner_and_audit
    preview = open_preview(qtbot, runner, audit_id)
    save_screenshot(preview, tmp_path, "sheet_preview_os_print")
    letters = [b.text().split("&")[1][0] for b in preview.findChildren(QPushButton) if "&" in b.text()]
    assert sorted(letters) == ["G", "O", "P", "S"]   # one mnemonic each, none shared
    qtbot.mouseClick(preview.os_print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "渡しました" in preview.status_label.text(), timeout=15000)
    assert "印刷: OS の印刷(lp)に渡しました: request id is Office-42" in preview.status_label.text()

    doc = preview.issue.doc_number
    issued, _ = in_db(qtbot, runner, lambda db: reports.reissue_findings_sheet(db, doc))
    assert (record / "printed.pdf").read_bytes() == issued == preview.pdf
    handed = Path((record / "path").read_text().strip())
    assert (record / "args").read_text().splitlines() == ["-t", f"指摘事項票 {doc}", "--", str(handed)]
    assert (record / "mode").read_text().strip() == "600" and handed.parent.parent == viewing.viewing_root()
    assert not handed.exists()                       # lp has read it: the clear copy is gone


def test_a_refusing_lp_is_named(qtbot, runner_and_audit, tmp_path: Path, modal_dialogs,  # noqa: F811
                                monkeypatch: pytest.MonkeyPatch) -> None:
    install_lp(tmp_path, monkeypatch, tail='echo "lp: Error - No default destination." >&2; exit 1')
    runner, audit_id = runner_and_audit
    preview = open_preview(qtbot, runner, audit_id)
    qtbot.mouseClick(preview.os_print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(modal_dialogs.shown), timeout=15000)
    assert modal_dialogs.take() == ["QMessageBox.warning: エラー: lp が印刷を受け付けませんでした(終了コード 1: "
                                    "lp: Error - No default destination.)。既定のプリンターが設定されているか確認してください。"]
    assert "渡しました" not in preview.status_label.text()


def test_no_print_command_says_so_and_leaves_no_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert printing_os.print_command() is None
    with pytest.raises(JukiAuditError, match=r"印刷コマンド\(lp / lpr\)が見つかりません"):
        printing_os.hand_over(b"%PDF-1.4 issued", "JKA-2025-0001-01.pdf", "指摘事項票")
    assert list(viewing.viewing_root().iterdir()) == []
