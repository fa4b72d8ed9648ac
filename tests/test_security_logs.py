"""The app's own log and crash reports mask identifiers, keys and passphrases, and never carry data rows."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from jukiaudit_desktop.gui.errors import show_error
from jukiaudit_desktop.security import app_log

KEY_HEX = "9f" * 32


def test_redact_masks_identifiers_keys_and_passphrases_only() -> None:
    text = (f"個人番号 983205673214 住民票コード 12345678901 PRAGMA key = \"x'{KEY_HEX}'\" passphrase=hunter22 "
            "2025/04/01 09:00:00 照会件数 3 端末 T001 電話 0312345678 13桁 5555555555555")
    masked = app_log.redact(text)
    assert "983205673214" not in masked and "************" in masked
    assert "12345678901" not in masked and "***********" in masked
    assert KEY_HEX not in masked and "hunter22" not in masked
    for kept in ("2025/04/01 09:00:00", "照会件数 3", "T001", "0312345678", "5555555555555"):
        assert kept in masked


def test_log_file_is_in_the_user_log_folder_and_redacted(private_user_dirs) -> None:
    path = app_log.configure_logging()
    assert path.name == app_log.LOG_FILE_NAME
    assert path == app_log.configure_logging()  # configured once per process
    logger = logging.getLogger("jukiaudit.test")
    logger.warning("lookup of %s with key %s", "983205673214", KEY_HEX)
    try:
        raise ValueError("row 983205673214,山田")
    except ValueError:
        logger.exception("failed")
    for handler in logging.getLogger("jukiaudit").handlers:
        handler.flush()
    content = path.read_text(encoding="utf-8")
    assert "lookup of ************ with key <key>" in content
    assert "983205673214" not in content and KEY_HEX not in content
    assert "ValueError: row ************,山田" in content


def _fails_holding_a_data_row() -> None:
    row = ("2025/04/01 09:00:00", "T001", "K10001", "個人番号検索", "983205673214", "信州太郎")
    raise KeyError(f"unexpected column count {len(row)}")


def test_crash_report_has_the_traceback_but_no_local_values() -> None:
    try:
        _fails_holding_a_data_row()
    except KeyError as exc:
        report = app_log.crash_report(exc)
    assert "_fails_holding_a_data_row" in report and "KeyError: 'unexpected column count 6'" in report
    assert "信州太郎" not in report and "983205673214" not in report and "K10001" not in report


@pytest.mark.real_modal  # reads and closes the real crash dialog
def test_crash_dialog_shows_the_redacted_report(qtbot, qapp: QApplication) -> None:
    seen: list[str] = []

    def read_and_close() -> None:
        box = next(w for w in qapp.topLevelWidgets() if w.objectName() == "crash_dialog" and w.isVisible())
        assert isinstance(box, QMessageBox)
        seen.append(box.detailedText())
        box.accept()

    QTimer.singleShot(100, read_and_close)
    try:
        raise RuntimeError("lookup 983205673214 failed")
    except RuntimeError as exc:
        show_error(None, exc)
    assert len(seen) == 1
    assert "RuntimeError: lookup ************ failed" in seen[0]
    assert "983205673214" not in seen[0]
