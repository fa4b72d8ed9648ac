"""Start-up of `reconcile`, each in a fresh process: in passphrase mode it never loads the keyring package
(security.keys imports it where a keyring is used: ~60 ms of every command's start-up); the business calendar
loads the holidays package's Japan alone, not its 200-odd other countries (0.1–0.2 s)."""

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


CALENDAR = """
import sys
from datetime import date
from jukiaudit_desktop.reconcile.settings import BusinessCalendar, ReconcileSettings
calendar = BusinessCalendar(ReconcileSettings())
print([calendar.closed_reason(date(*day)) for day in ((2025, 5, 5), (2025, 5, 6), (2026, 1, 12), (2025, 5, 7))])
print(sorted(m for m in sys.modules if m.startswith("holidays.countries.")))
import holidays
print(holidays.Japan(years=2025, language="ja").get(date(2025, 11, 24)), holidays.US(years=2025).get(date(2025, 7, 4)))
"""


def test_the_calendar_loads_japan_alone_and_names_its_holidays() -> None:
    result = subprocess.run([sys.executable, "-c", CALENDAR], capture_output=True, text=True, timeout=120)
    assert result.stdout.splitlines() == [
        "['祝日(こどもの日)', '祝日(振替休日)', '祝日(成人の日)', None]",
        "['holidays.countries.japan']",
        "振替休日 Independence Day",  # the package still serves any country afterwards
    ], result.stderr
