"""Tamper-evident trail: verify-trail names every bad entry and exits 3; start-up checks warn loudly;
page tampering is caught by cipher_integrity_check; the chain survives a key change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jukiaudit_desktop.cli import main
from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.security import integrity
from jukiaudit_desktop.services import backup, settings
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database


@pytest.fixture
def cli_db(tmp_path: Path) -> Path:
    """A keyring-mode database (the test's in-memory keyring) with a few recorded actions, made through the CLI."""
    path = tmp_path / "audit.db"
    assert run(path, "init") == 0
    for code in ("A1", "A2", "A3"):
        assert run(path, "agency", "add", "--code", code, "--name", f"課{code}") == 0
    return path


def run(path: Path, *args: str) -> int:
    return main(["--db", str(path), *args])


def tamper(path: Path, sql: str, params: tuple[object, ...] = ()) -> None:
    """Change the database behind the app's back (with the key, as a tamperer who had it would)."""
    db = open_app_database(path)
    db.execute(sql, params)
    db.close()


def test_intact_trail_verifies(cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(cli_db, "verify-trail") == 0
    out = capsys.readouterr()
    assert "問題はありません" in out.out
    assert out.err == ""


def test_edited_entry_is_named_and_exit_code_is_3(cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seq = int(trail_rows(cli_db, "agency.add")[1])
    tamper(cli_db, "UPDATE trail SET detail = ? WHERE seq = ?", (json.dumps({"code": "A9"}), seq))
    capsys.readouterr()
    assert run(cli_db, "verify-trail") == 3
    err = capsys.readouterr().err
    assert "警告" in err
    assert f"監査証跡 #{seq}: 記録が改ざんされている" in err
    assert err.count("監査証跡 #") == 1  # only the edited entry is named, the ones after it still chain


def test_deleted_and_swapped_entries_are_named(cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second, third = (int(s) for s in trail_rows(cli_db, "agency.add"))
    tamper(cli_db, "DELETE FROM trail WHERE seq = ?", (second,))
    tamper(cli_db, "UPDATE trail SET at = '2020-01-01T00:00:00+09:00' WHERE seq = ?", (first,))
    capsys.readouterr()
    assert run(cli_db, "verify-trail") == 3
    err = capsys.readouterr().err
    assert f"監査証跡 #{first}: 記録が改ざん" in err
    assert f"監査証跡 #{second + 1}: 連番が飛んでいます(期待 {second}、実際 {second + 1})" in err
    assert third > second + 1


def test_every_command_warns_on_stderr_when_the_trail_is_broken(cli_db: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    tamper(cli_db, "UPDATE trail SET action = 'agency.view' WHERE seq = 3")
    capsys.readouterr()
    assert run(cli_db, "agency", "list") == 0  # the work still runs, but not silently
    err = capsys.readouterr().err
    assert "改ざんまたは破損を検出しました" in err and "監査証跡 #3" in err


def test_a_flipped_byte_in_a_data_page_is_caught_by_the_page_hmacs(cli_db: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = open_app_database(cli_db)
    pages_before = int(db.scalar("PRAGMA page_count"))
    db.conn.executemany("INSERT INTO agency (code, name, kind) VALUES (?, ?, '本庁課')",
                        [(f"X{n}", f"{n:0200d}") for n in range(300)])
    pages_after, page_size = int(db.scalar("PRAGMA page_count")), int(db.scalar("PRAGMA page_size"))
    db.close()
    assert pages_after > pages_before + 2
    page = pages_before + 2  # a page the inserted agencies took: not read when the database opens
    data = bytearray(cli_db.read_bytes())
    data[(page - 1) * page_size + 100] ^= 0x01
    cli_db.write_bytes(bytes(data))
    capsys.readouterr()
    assert run(cli_db, "verify-trail") == 3
    assert f"HMAC verification failed for page {page}" in capsys.readouterr().err


def test_a_flipped_byte_in_the_first_page_is_a_known_error(cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = bytearray(cli_db.read_bytes())
    data[200] ^= 0x01
    cli_db.write_bytes(bytes(data))
    capsys.readouterr()
    assert run(cli_db, "verify-trail") == 3
    err = capsys.readouterr().err
    assert "壊れているか改ざんされています" in err or "パスフレーズが違うか" in err
    assert "Traceback" not in err


def test_chain_still_verifies_after_a_key_change(db: Database) -> None:
    settings.set_auto_lock_minutes(db, 7)
    reopened = backup.change_key(db)
    try:
        assert integrity.check(reopened).ok
        with reopened.transaction():
            trail.record(reopened, "test.after_rekey")
        assert trail.verify(reopened) == []
        assert [e.action for e in trail.entries(reopened, limit=2)] == ["test.after_rekey", "database.rekey"]
    finally:
        reopened.close()


def test_settings_changes_are_recorded(db: Database) -> None:
    settings.set_auto_lock_minutes(db, 9)
    latest = trail.entries(db, limit=1)[0]
    assert latest.action == "setting.set"
    assert json.loads(latest.detail) == {"name": settings.AUTO_LOCK_MINUTES, "value": 9}
    with pytest.raises(InputError, match="1～240 分"):
        settings.set_auto_lock_minutes(db, 0)
    assert trail.entries(db, limit=1)[0].seq == latest.seq


def trail_rows(path: Path, action: str) -> list[str]:
    db = open_app_database(path)
    try:
        return [str(seq) for (seq,) in db.query("SELECT seq FROM trail WHERE action = ? ORDER BY seq", (action,))]
    finally:
        db.close()


@pytest.mark.real_modal  # reads and closes the real warning box
def test_gui_warns_loudly_at_start_when_the_trail_is_broken(qtbot, qapp, tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from jukiaudit_desktop.gui.app import Application

    path = tmp_path / "audit.db"
    db = open_app_database(path, create=True)
    db.execute("UPDATE trail SET detail = '{}' WHERE seq = 1")
    db.close()
    seen: list[str] = []

    def close_warning() -> None:
        box = qapp.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(f"{box.windowTitle()}\n{box.text()}")
            box.accept()

    poll = QTimer()
    poll.timeout.connect(close_warning)
    poll.start(50)
    application = Application(path)
    qtbot.addWidget(application.window)
    application.start()
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)
    poll.stop()
    assert seen[0].startswith("改ざん・破損の検出")
    assert "監査証跡 #1: 記録が改ざんされている" in seen[0]
    application.window.close()
