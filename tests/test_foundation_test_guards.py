"""The suite's own guards: an unexpected modal dialog fails a test instead of hanging it, and a promise that
needs a missing tool skips on a developer's machine but fails in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from support.modal import ModalGuard
from support.promises import require, require_tool

TESTS = Path(__file__).resolve().parent

INNER_TESTS = '''
import pytest
from PySide6.QtWidgets import QMessageBox

def test_unexpected_box(qtbot):
    QMessageBox.warning(None, "エラー", "思いがけない箱")

def test_expected_box(qtbot, modal_dialogs):
    QMessageBox.question(None, "確認", "消しますか")
    assert modal_dialogs.take() == ["QMessageBox.question: 確認: 消しますか"]

@pytest.mark.requires(False, "a tool that is not there")
def test_promise_without_its_tool():
    pass
'''


def test_dialogs_are_recorded_and_cancelled_instead_of_shown(qtbot, modal_dialogs: ModalGuard) -> None:
    assert QMessageBox.question(None, "確認", "消しますか") == QMessageBox.StandardButton.No
    assert QFileDialog.getOpenFileName(None, "開く", "", "*.csv") == ("", "")
    assert QInputDialog.getText(None, "名前", "名前:") == ("", False)
    box = QMessageBox(QMessageBox.Icon.Warning, "警告", "本文")
    assert box.exec() == 0
    assert modal_dialogs.unexpected() is not None
    assert modal_dialogs.take() == ["QMessageBox.question: 確認: 消しますか", "QFileDialog.getOpenFileName: 開く",
                                    "QInputDialog.getText: 名前: 名前:", "QMessageBox.exec: 警告: 本文"]
    assert modal_dialogs.unexpected() is None


@pytest.mark.slow
def test_a_test_with_an_unexpected_dialog_fails_and_a_promise_fails_in_ci(tmp_path: Path) -> None:
    inner = tmp_path / "test_inner.py"
    inner.write_text(INNER_TESTS, encoding="utf-8")
    env = {**os.environ, "CI": "true", "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "conftest", "-p", "no:cacheprovider", "-q", "-n", "0",
                             "-o", "timeout=60", "-c", str(TESTS.parent / "pyproject.toml"), "--rootdir", str(tmp_path),
                             str(inner)], capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert "FAILED test_inner.py::test_unexpected_box" in result.stdout, result.stdout + result.stderr
    assert "思いがけない箱" in result.stdout
    assert "ERROR test_inner.py::test_promise_without_its_tool" in result.stdout  # failed in its set-up
    assert "a tool that is not there (CI=true" in result.stdout
    assert "1 failed, 1 passed, 1 error" in result.stdout


def test_a_missing_tool_skips_on_a_developer_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-such-tool-here is not installed"):
        require_tool("no-such-tool-here")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no-such-tool-here is not installed"):
        require_tool("no-such-tool-here")
    require(True, "never said")
    assert require_tool("sh").endswith("/sh")
