"""Exports on a database that cannot be written: they work, record nothing and say so. On a writable database
every export is in the trail, and an export whose entry cannot be recorded leaves no file."""

from __future__ import annotations

import csv
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.promises import require, require_tool

from jukiaudit_desktop.cli import main
from jukiaudit_desktop.security import keys
from jukiaudit_desktop.services import exports
from jukiaudit_desktop.services.app_trail import latest_entries
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage.database import StorageError, open_database

DRIVER = Path(__file__).resolve().parent / "support" / "file_keyring_cli.py"
PASSPHRASE = "read only export passphrase"
NOT_RECORDED = "この書き出しは監査証跡に記録されません"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A passphrase-mode database with one finding (a subprocess cannot reach the tests' keyring), built once."""
    path = tmp_path_factory.mktemp("template") / "audit.db"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PW", PASSPHRASE)
        for args in (["init"], ["agency", "add", "--code", "K15", "--name", "こども・家庭課"],
                     ["audit", "new", "--agency", "K15", "--year", "2025", "--type", "内部監査", "--start", "R7.10.15"],
                     ["finding", "add", "--audit", "1", "--class", "要改善事項", "--title", "帳票管理簿を作成していなかった"]):
            assert main(["--db", str(path), "--passphrase-env", "PW", *args]) == 0
    return path


@pytest.fixture
def passphrase_db(template: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PW", PASSPHRASE)
    for source in template.parent.iterdir():
        shutil.copy2(source, db_path.parent / source.name.replace(template.name, db_path.name))
    return db_path


def trail_actions(db_path: Path) -> list[str]:
    db = open_app_database(db_path, PASSPHRASE, read_only=True)
    try:
        return [entry.action for entry in latest_entries(db, 1000)]
    finally:
        db.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_exports_work_on_a_read_only_file_on_a_read_only_medium(passphrase_db: Path,
                                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    """The file is 0400 and its folder is mounted read-only (root ignores 0400, so the mount makes it real):
    SQLite can create neither -wal nor -shm there. Exports and verify-trail still work, write nothing beside
    the database, and each export says it is not recorded."""
    require_tool("unshare")
    folder = passphrase_db.parent
    mount = f"mount --bind -o ro {shlex.quote(str(folder))} {shlex.quote(str(folder))}"
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", mount], capture_output=True)
    require(probe.returncode == 0, f"a read-only bind mount is not permitted here: {probe.stderr.decode(errors='replace')}")
    passphrase_db.chmod(0o400)
    before = {p.name: sha256(p) for p in folder.iterdir()}
    out = tmp_path_factory.mktemp("exports")  # outside the read-only folder
    # The whole CLI (support/file_keyring_cli.py … cli), deriving at the tests' scrypt cost (support/kdf.py)
    base = [sys.executable, str(DRIVER), str(out / "unused-keyring.json"), str(passphrase_db), "cli",
            "--passphrase-env", "PW"]
    commands = [["export-findings", "--out", str(out / "findings.csv")],
                ["annual-report", "--year", "2025", "--out", str(out / "annual.xlsx")],
                ["verify-trail"]]
    script = [mount]
    script += [f"{shlex.join(base + command)}; echo \"exit=$?\" >&2" for command in commands]
    result = subprocess.run(["unshare", "-rm", "sh", "-ec", "\n".join(script)], capture_output=True, text=True,
                            timeout=300, env={**os.environ, "PW": PASSPHRASE, "SCRYPT_N": str(keys.SCRYPT_N),
                                              "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("exit=0") == 3, result.stderr
    assert result.stderr.count(NOT_RECORDED) == 2, result.stderr
    assert "問題はありません" in result.stdout
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [row[8] for row in rows[1:]] == ["帳票管理簿を作成していなかった"]
    assert (out / "annual.xlsx").stat().st_size > 0
    assert {p.name: sha256(p) for p in folder.iterdir()} == before  # no -wal/-shm, the database as it was
    assert "export.findings" not in trail_actions(passphrase_db)


def test_an_export_on_a_writable_database_is_recorded_once(passphrase_db: Path, cli, tmp_path: Path) -> None:
    code, out, err = cli("--passphrase-env", "PW", "export-findings", "--out", str(tmp_path / "f.xlsx"))
    assert code == 0 and "指摘事項 1 件" in out and NOT_RECORDED not in err
    actions = trail_actions(passphrase_db)
    assert actions.count("export.findings") == 1 and actions[0] == "export.findings"


def test_an_export_from_a_read_only_open_records_nothing(passphrase_db: Path, tmp_path: Path) -> None:
    db = open_app_database(passphrase_db, PASSPHRASE, read_only=True)
    try:
        assert exports.export_findings(db, tmp_path / "f.csv") == 1
    finally:
        db.close()
    assert (tmp_path / "f.csv").exists()
    assert "export.findings" not in trail_actions(passphrase_db)


def test_an_export_whose_entry_cannot_be_recorded_leaves_no_file(passphrase_db: Path, tmp_path: Path) -> None:
    """Another program holds the write lock: the trail cannot take the entry, so no file appears."""
    db = open_app_database(passphrase_db, PASSPHRASE)
    other = open_database(passphrase_db, db.key, verify=False)
    target = tmp_path / "f.csv"
    try:
        with other.transaction(), pytest.raises(StorageError, match="使用中"):
            exports.export_findings(db, target)
    finally:
        other.close()
        db.close()
    assert [p.name for p in tmp_path.iterdir() if target.name in p.name] == []  # nor its temp file
    assert "export.findings" not in trail_actions(passphrase_db)
