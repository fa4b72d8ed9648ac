"""The frozen application builds and its smoke test passes (installer/build.py --smoke).

It takes minutes, so it runs only when asked (JUKIAUDIT_BUILD_TESTS=1, as .ci/run does) and needs
PyInstaller (`pip install -e '.[installer]'`); the README's plain `pytest` skips it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.installer,
    pytest.mark.skipif(os.environ.get("JUKIAUDIT_BUILD_TESTS") != "1", reason="set JUKIAUDIT_BUILD_TESTS=1 to build"),
]


def test_the_frozen_application_builds_and_passes_its_smoke_test() -> None:
    pytest.importorskip("PyInstaller")
    result = subprocess.run([sys.executable, str(ROOT / "installer" / "build.py"), "--smoke"], cwd=ROOT,
                            capture_output=True, text=True, encoding="utf-8", timeout=3600)
    print(result.stdout[-4000:], result.stderr[-4000:])
    assert result.returncode == 0
    assert "smoke: frozen start" in result.stdout
