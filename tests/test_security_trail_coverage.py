"""Every change the CLI's main commands make is recorded: each transaction that writes data also appends
to the trail, and nothing is written outside a transaction."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import shared_data
import sqlcipher3

from jukiaudit_desktop.cli import main

SAMPLES = shared_data.SAMPLES
_WRITE = re.compile(r"^\s*(INSERT(\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+\"?(\w+)", re.I)


class StatementLog:
    """Statements of every connection, grouped into transactions, via SQLite's trace callback."""

    def __init__(self) -> None:
        self.open: dict[int, list[str]] = {}
        self.unrecorded: list[str] = []
        self.outside: list[str] = []
        self.transactions = 0

    def attach(self, conn) -> None:  # noqa: ANN001 (a sqlcipher3 connection)
        key = id(conn)
        conn.set_trace_callback(lambda sql: self.seen(key, sql))

    def seen(self, key: int, sql: str) -> None:
        head = sql.lstrip().upper()
        if head.startswith("BEGIN"):
            self.open[key] = []
        elif head.startswith(("COMMIT", "END")) and key in self.open:
            self.close(self.open.pop(key))
        elif head.startswith("ROLLBACK"):
            self.open.pop(key, None)
        elif (match := _WRITE.match(sql)) is not None:
            if key in self.open:
                self.open[key].append(match.group(3).lower())
            else:
                self.outside.append(sql[:80])

    def close(self, tables: list[str]) -> None:
        data = {t for t in tables if t != "trail"}
        if data:
            self.transactions += 1
            if "trail" not in tables:
                self.unrecorded.append(", ".join(sorted(data)))


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> StatementLog:
    log = StatementLog()
    original = sqlcipher3.connect

    def traced(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        conn = original(*args, **kwargs)
        log.attach(conn)
        return conn

    monkeypatch.setattr(sqlcipher3, "connect", traced)
    return log


@pytest.mark.slow
def test_main_commands_record_every_change(statements: StatementLog, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "a.db")

    def listed(*command: str) -> list[dict[str, object]]:
        capsys.readouterr()
        assert main(["--db", db, *command, "--json"]) == 0, command
        return json.loads(capsys.readouterr().out)

    commands = [
        ["init"],
        ["demo"],
        ["agency", "add", "--code", "Z99", "--name", "試験課"],
        ["import-oplog", "--agency", "Z99", str(SAMPLES / "oplog_cp932.csv")],
        ["import-register", "--agency", "Z99", str(SAMPLES / "register.xlsx")],
        ["reconcile", "--agency", "Z99", "--json", str(tmp_path / "r.json")],
        ["audit", "new", "--agency", "Z99", "--year", "2025", "--type", "内部監査"],
        ["backup", "--out", str(tmp_path / "b.db")],
        ["rekey"],
    ]
    for command in commands:
        assert main(["--db", db, *command]) == 0, command
    audit_id = str(listed("audit", "list", "--agency", "Z99")[0]["id"])
    finding_id = str(listed("finding", "list")[0]["id"])
    for command in (["finding", "add", "--audit", audit_id, "--class", "意見", "--title", "記録の確認"],
                    ["followup", "add", "--finding", finding_id, "--status", "一部措置", "--planned", "R8.3.31"],
                    ["followup", "statuses", "--set", "措置済:完了", "一部措置:予定日", "未措置:予定日", "報告待ち"],
                    ["plan", "--year", "2026", "--save"]):
        assert main(["--db", db, *command]) == 0, command
    assert statements.outside == []
    assert statements.unrecorded == []
    assert statements.transactions >= 9  # demo, agency, imports, reconcile, audit, finding, follow-up, plan
