"""No clear copies: evidence opened for viewing lands in a private folder (0700, file 0600) outside the shared
temp path, and is gone after locking, after quitting, and at the next start after a crash."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from support.gui import in_db
from test_reconcile_helpers import ensure_agency

from jukiaudit_desktop.core.audit import AuditType
from jukiaudit_desktop.gui.app import Application
from jukiaudit_desktop.gui.pages.audits import AuditsPage
from jukiaudit_desktop.security import viewing
from jukiaudit_desktop.services import audits

CONTENT = b"%PDF-1.4 evidence of a locked cabinet " * 50


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def open_copy(qtbot, application: Application, audit_id: int, opened: list[QUrl]) -> Path:
    page = application.window.page(AuditsPage)
    session = page.session
    if session.audit is None or session.audit.id != audit_id:
        page.open_session(audit_id)
    qtbot.waitUntil(lambda: session.evidence_proxy.rowCount() == 1, timeout=10000)
    opened.clear()
    session.evidence_table.selectRow(0)
    qtbot.mouseClick(session.open_evidence_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    return Path(opened[0].toLocalFile())


def test_evidence_copy_is_private_and_removed_on_lock_and_on_quit(qtbot, tmp_path: Path, monkeypatch) -> None:
    leftover = viewing.write_copy("前回の写し.pdf", b"left by a crash")
    application = Application(tmp_path / "audit.db", None)
    qtbot.addWidget(application.window)
    application.start()
    assert not leftover.exists()  # the next start removes what a crash left
    qtbot.waitUntil(lambda: application.lock.timer.isActive(), timeout=10000)
    qtbot.waitUntil(lambda: not application.runner.busy, timeout=10000)
    source = tmp_path / "施錠確認.pdf"
    source.write_bytes(CONTENT)

    def seed(db):
        ensure_agency(db, "C09")
        audit = audits.create_audit(db, "C09", 2025, AuditType.INTERNAL, start_date=date(2025, 10, 15))
        code = audits.audit_items(db, audit.id)[0].item.code
        audits.add_evidence(db, audit.id, source, item_code=code)
        return audit.id

    audit_id = in_db(qtbot, application.runner, seed)
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(opened.append))

    copy = open_copy(qtbot, application, audit_id, opened)
    assert copy.read_bytes() == CONTENT
    assert copy.is_relative_to(viewing.viewing_root())
    assert copy.is_relative_to(os.environ["XDG_CACHE_HOME"])  # the user's own cache, not a shared temp path
    assert (mode(copy), mode(copy.parent), mode(viewing.viewing_root())) == (0o600, 0o700, 0o700)

    application.lock.action.trigger()
    assert application.lock.locked
    assert not copy.exists() and list(viewing.viewing_root().iterdir()) == []

    qtbot.mouseClick(application.window.centralWidget().button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not application.lock.locked, timeout=10000)
    qtbot.waitUntil(lambda: not application.runner.busy, timeout=10000)
    again = open_copy(qtbot, application, audit_id, opened)
    assert again.read_bytes() == CONTENT
    application.window.close()
    assert not again.exists() and list(viewing.viewing_root().iterdir()) == []
