"""Start-up of `reconcile`, in a fresh process: in passphrase mode it never loads the keyring package
(security.keys imports it where a keyring is used: ~60 ms of every command's start-up)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHILD = """
import sys
from pathlib import Path
from jukiaudit_desktop.security import keys
keys.SCRYPT_N = 2**10  # a cheap derivation: what is measured is which modules load, not the KDF
from jukiaudit_desktop.cli import main
from jukiaudit_desktop.core.master import Agency
from jukiaudit_desktop.services import master_data
from jukiaudit_desktop.services.database_access import open_app_database
db = open_app_database(Path(sys.argv[1]), "correct horse battery staple 7", create=True)
master_data.add_agency(db, Agency("B01", "テスト機関"))
db.close()
assert "keyring" not in sys.modules
code = main(["--db", sys.argv[1], "--passphrase-env", "PW", "reconcile", "--agency", "B01", "--json", sys.argv[2]])
print(code, "keyring" in sys.modules)
"""


def test_a_passphrase_mode_reconcile_loads_no_keyring(tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    result = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "audit.db"), str(out)], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "PW": "correct horse battery staple 7"})
    assert result.stdout.splitlines()[-1] == "0 False", result.stderr
    assert out.read_text(encoding="utf-8").startswith('{"summary": ')

