"""The trail binds the data: edits made with the database key and another client (sqlcipher3) to business
tables or to the trail itself are reported by verify-trail, or — for a chain rebuilt with the key — by
verify-sheet against the head an issued sheet printed and by verify-trail against an exported head."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
import sqlcipher3
from support.demo_db import DemoTemplate
from support.memory_keyring import MemoryKeyring

from jukiaudit_desktop.cli import main
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.security import keys
from jukiaudit_desktop.services import reconciliation
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage import bindings, trail


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, demo_template: DemoTemplate) -> tuple[Path, bytes]:
    """Demo data (a copy of the session's), a reconciliation run (discrepancies), one explained by the app, an
    issued sheet (PDF); keyring mode, under a keyring of the module's own. Returns (folder, database key)."""
    directory = tmp_path_factory.mktemp("template")
    db_path = directory / "audit.db"
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        return directory, _prepare(demo_template.copy_to(db_path), directory)
    finally:
        keyring.set_keyring(previous)


def _prepare(db_path: Path, directory: Path) -> bytes:
    db = open_app_database(db_path)
    result = reconciliation.run_reconciliation(db, "C09", ReconcileSettings())
    first = db.scalar("SELECT min(id) FROM discrepancy WHERE reconciliation_id = ?", (result.run_id,))
    reconciliation.mark_explained(db, first, "研修用の照会(課長確認済み)")
    audit_id = db.scalar("SELECT audit_id FROM finding ORDER BY id LIMIT 1")
    db.close()
    assert run(db_path, "findings-pdf", "--audit", str(audit_id), "--out", str(directory / "sheet.pdf")) == 0
    assert run(db_path, "annual-report", "--year", "2025", "--out", str(directory / "annual.pdf")) == 0
    assert run(db_path, "trail", "export-head", "--out", str(directory / "head.json")) == 0
    return keys.keyring_key(db_path, create=False)


def printed_head(pdf: Path) -> str:
    """The trail head as printed on the annual report's pages (read back with pdftotext)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"証跡 (\d+:[0-9a-f]{16})", text)
    assert match is not None, text[-500:]
    return match.group(1)


def annual_head_problem(db_path: Path) -> trail.TrailProblem | None:
    db = open_app_database(db_path, read_only=True)
    try:
        return trail.head_in_chain(db, printed_head(db_path.parent / "annual.pdf"))
    finally:
        db.close()


@pytest.fixture
def copy(template: tuple[Path, bytes], tmp_path: Path) -> Iterator[Path]:
    """A copy of the template's folder, the database's key in the test's keyring."""
    folder, key = template
    work = tmp_path / "work"
    shutil.copytree(folder, work)
    keys.store_keyring_key(work / "audit.db", key)
    yield work / "audit.db"


def run(db_path: Path, *args: str) -> int:
    return main(["--db", str(db_path), *args])


def tamper(db_path: Path, edit: Callable[[sqlcipher3.Connection], None]) -> None:
    """An edit with the database key through an independent client (no app code, no capture triggers)."""
    key = keys.keyring_key(db_path, create=False)
    conn = sqlcipher3.connect(str(db_path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("BEGIN")
    edit(conn)
    conn.execute("COMMIT")
    conn.close()


def test_the_untouched_database_verifies(copy: Path, capsys) -> None:
    assert run(copy, "verify-trail", "--head", str(copy.parent / "head.json")) == 0
    assert "問題はありません" in capsys.readouterr().out
    assert run(copy, "verify-sheet", str(copy.parent / "sheet.pdf")) == 0
    assert annual_head_problem(copy) is None


EDITS = {
    "score": ("UPDATE audit_score SET verified = 1 WHERE rowid = (SELECT min(rowid) FROM audit_score "
              "WHERE verified = 3)", "audit_score の行 id"),
    "finding": ("UPDATE finding SET title = title || '(軽微)' WHERE id = (SELECT min(id) FROM finding)",
                "finding の行 id"),
    "delete-operations": ("DELETE FROM operation WHERE id IN (SELECT id FROM operation ORDER BY id LIMIT 1000)",
                          "(記録 4098 行、現在 3098 行)"),
    "explain-discrepancies": ("UPDATE discrepancy SET status = 'explained', explanation = '確認済み' "
                              "WHERE status = 'open'", "discrepancy の行 id"),
    "issued-hash": ("UPDATE issued_document SET content_sha256 = '00' || substr(content_sha256, 3)",
                    "issued_document の行 id"),
    "add-operator": ("INSERT INTO operator (agency_id, operator_code, name) SELECT agency_id, 'X999', '架空' "
                     "FROM operator LIMIT 1", "operator の行 id"),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_edit_of_business_data_outside_the_app_is_reported(copy: Path, name: str, capsys) -> None:
    sql, expected = EDITS[name]
    tamper(copy, lambda conn: conn.execute(sql))
    capsys.readouterr()
    assert run(copy, "verify-trail") == 3
    assert expected in capsys.readouterr().err


def test_deleting_the_newest_entries_is_reported(copy: Path, capsys) -> None:
    tamper(copy, lambda conn: conn.execute("DELETE FROM trail WHERE seq > (SELECT max(seq) - 3 FROM trail)"))
    capsys.readouterr()
    assert run(copy, "verify-trail") == 3  # the rows those entries bound no longer match the trail
    err = capsys.readouterr().err
    assert "issued_document の行 id" in err
    assert run(copy, "verify-trail", "--head", str(copy.parent / "head.json")) == 3
    assert "末尾の記録が削除されています" in capsys.readouterr().err


def test_deleting_all_entries_is_reported(copy: Path, capsys) -> None:
    tamper(copy, lambda conn: conn.execute("DELETE FROM trail"))
    capsys.readouterr()
    assert run(copy, "verify-trail") == 3
    err = capsys.readouterr().err
    assert "監査証跡が空です" in err
    assert "証跡に記録がありません" in err


def test_deleting_the_first_entry_is_reported(copy: Path, capsys) -> None:
    tamper(copy, lambda conn: conn.execute("DELETE FROM trail WHERE seq = 1"))
    capsys.readouterr()
    assert run(copy, "verify-trail") == 3
    assert "最初の記録(#1 database.create)がありません" in capsys.readouterr().err


def rebuild_chain(conn: sqlcipher3.Connection, key: bytes) -> None:
    """What a key holder can do: edit a score, rewrite the digest that bound it, recompute every MAC."""
    conn.execute("UPDATE audit_score SET verified = 1 WHERE rowid = (SELECT min(rowid) FROM audit_score "
                 "WHERE verified = 3)")
    trail_key = trail.hmac.new(key, b"jukiaudit-trail-v1", trail.hashlib.sha256).digest()
    current = {row[0]: bindings.digest("audit_score", row[1:]).hex() for row in conn.execute(
        f"SELECT rowid, {bindings.column_sql(conn, 'audit_score')} FROM audit_score")}
    prev = trail.GENESIS_MAC
    for seq, at, action, detail, binds in conn.execute(
            "SELECT seq, at, action, detail, binds FROM trail ORDER BY seq").fetchall():
        if binds is not None:
            data = json.loads(binds)
            data["rows"] = [[t, i, current[i] if t == "audit_score" else d] for t, i, d in data["rows"]]
            binds = json.dumps(data, separators=(",", ":"))
        mac = trail._mac(trail_key, prev, seq, at, action, detail, binds)
        conn.execute("UPDATE trail SET binds = ?, mac = ? WHERE seq = ?", (binds, mac, seq))
        prev = mac


def test_a_rebuilt_chain_is_caught_by_the_printed_and_exported_heads(copy: Path, capsys) -> None:
    key = keys.keyring_key(copy, create=False)
    tamper(copy, lambda conn: rebuild_chain(conn, key))
    capsys.readouterr()
    assert run(copy, "verify-trail") == 0  # consistent inside: only an anchor outside the database tells
    capsys.readouterr()
    assert run(copy, "verify-sheet", str(copy.parent / "sheet.pdf")) == 4
    assert "証跡が作り直されています" in capsys.readouterr().out
    assert run(copy, "verify-trail", "--head", str(copy.parent / "head.json")) == 3
    assert "証跡が作り直されています" in capsys.readouterr().err
    problem = annual_head_problem(copy)
    assert problem is not None and "証跡が作り直されています" in problem.message


def test_changes_made_by_the_app_after_the_export_keep_the_old_head_in_the_chain(copy: Path, capsys) -> None:
    assert run(copy, "agency", "add", "--code", "Z01", "--name", "新設課") == 0
    assert run(copy, "verify-trail", "--head", str(copy.parent / "head.json")) == 0
