"""The import commands start quickly: starting one loads neither numpy (the reconciliation's; a log's import
loads it to store the log's column cache, once the file is read) nor the report and spreadsheet libraries;
`import list` / `import remove` load what they need when they run."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("command", ["import-oplog", "import-register"])
def test_an_import_command_loads_no_numpy_reportlab_or_openpyxl(command: str) -> None:
    argv = ["--db", "x.db", command, "--agency", "B01", "log.csv"]
    code = ("import sys, jukiaudit_desktop.cli as cli; "
            f"cli.build_parser(cli.command_word({argv!r})).parse_args({argv!r}); "
            "import jukiaudit_desktop.services.imports; "
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                                check=True).stdout.split())
    assert "jukiaudit_desktop" in loaded
    assert not loaded & {"numpy", "reportlab", "openpyxl", "pandas", "PySide6", "holidays"}
