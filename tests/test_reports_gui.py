"""The sheet preview: a real QPdfView on the worker-rendered sheet; printing to a PDF printer and saving issue
the sheet once, then reprint the same document."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from support.gui import in_db
from support.shots import save_screenshot
from test_reports_sheet import make_audit

from jukiaudit_desktop.core.audit import AuditType
from jukiaudit_desktop.gui.sheet_preview import SheetPreviewDialog, open_sheet_preview
from jukiaudit_desktop.gui.tasks import DbRunner
from jukiaudit_desktop.services import audits, reports, signing
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage import trail


@pytest.fixture
def runner_and_audit(qtbot, db_path: Path):
    runner = DbRunner()
    audit_ids: list[int] = []

    def open_with_audit():
        db = open_app_database(db_path, create=True)
        audit_ids.append(make_audit(db))
        return db

    opened: list[object] = []
    runner.open_database(open_with_audit, opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    yield runner, audit_ids[0]
    runner.close()



def open_preview(qtbot, runner, audit_id) -> SheetPreviewDialog:
    open_sheet_preview(runner, audit_id)

    def dialog() -> SheetPreviewDialog | None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, SheetPreviewDialog) and w.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: dialog() is not None, timeout=10000)
    preview = dialog()
    assert preview is not None
    qtbot.addWidget(preview)
    qtbot.waitUntil(lambda: preview.document.status() == QPdfDocument.Status.Ready, timeout=5000)
    return preview


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(150)
    return printer


def test_preview_shows_the_sheet_and_records_nothing(qtbot, runner_and_audit, tmp_path: Path) -> None:
    runner, audit_id = runner_and_audit
    head = in_db(qtbot, runner, trail.current_head)
    preview = open_preview(qtbot, runner, audit_id)
    assert preview.document.pageCount() >= 2
    assert "未発行" in preview.status_label.text() and preview.issue.doc_number in preview.status_label.text()
    assert in_db(qtbot, runner, trail.current_head) == head
    save_screenshot(preview, tmp_path, "sheet_preview")


def test_print_twice_is_one_document_and_a_reprint(qtbot, runner_and_audit, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    runner, audit_id = runner_and_audit
    preview = open_preview(qtbot, runner, audit_id)
    outputs = iter([tmp_path / "print1.pdf", tmp_path / "print2.pdf"])
    monkeypatch.setattr(preview, "ask_printer", lambda: pdf_printer(next(outputs)))

    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "印刷しました" in preview.status_label.text(), timeout=15000)
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "再印刷しました" in preview.status_label.text(), timeout=15000)

    for printed in (tmp_path / "print1.pdf", tmp_path / "print2.pdf"):
        info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True, check=True).stdout
        assert int(info.split("Pages:")[1].split()[0]) == preview.document.pageCount()
    actions = [e.action for e in in_db(qtbot, runner, trail.entries)]
    assert actions[:2] == ["sheet.reprint", "sheet.issue"]
    assert in_db(qtbot, runner, lambda db: db.scalar("SELECT count(*) FROM issued_document")) == 1


def test_save_writes_the_issued_sheet(qtbot, runner_and_audit, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    runner, audit_id = runner_and_audit
    preview = open_preview(qtbot, runner, audit_id)
    target = tmp_path / "saved.pdf"
    monkeypatch.setattr(preview, "ask_save_path", lambda: target)
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "保存しました" in preview.status_label.text(), timeout=15000)
    assert target.read_bytes() == preview.pdf
    assert in_db(qtbot, runner, lambda db: reports.verify_sheet(db, target)).matches


def test_cancelled_print_dialog_issues_nothing(qtbot, runner_and_audit, monkeypatch: pytest.MonkeyPatch) -> None:
    runner, audit_id = runner_and_audit
    preview = open_preview(qtbot, runner, audit_id)
    status = preview.status_label.text()
    asked: list[str] = []
    monkeypatch.setattr(preview, "ask_printer", lambda: asked.append("printer dialog"))  # the user cancels: None
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    assert asked == ["printer dialog"]  # the button did ask; a button that does nothing fails here
    assert in_db(qtbot, runner, lambda db: db.scalar("SELECT count(*) FROM issued_document")) == 0
    assert preview.status_label.text() == status and "未発行" in status


def test_print_sheet_button_on_the_audits_page_opens_the_preview(qtbot, runner_and_audit) -> None:
    from jukiaudit_desktop.gui.pages.audits import AuditsPage

    runner, audit_id = runner_and_audit
    page = AuditsPage(runner)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.proxy.rowCount() > 0, timeout=10000)
    page.select_audit(audit_id)
    qtbot.waitUntil(page.sheet_button.isEnabled, timeout=5000)
    qtbot.mouseClick(page.sheet_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(isinstance(w, SheetPreviewDialog) and w.isVisible() and w.audit_id == audit_id
                                for w in QApplication.topLevelWidgets()), timeout=10000)


def test_sign_and_save_from_the_preview(qtbot, runner_and_audit, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    runner, audit_id = runner_and_audit
    key = tmp_path / "inspector.p12"
    signing.create_signing_key(key, "山田太郎", "市町村課", "kansa-passphrase")
    preview = open_preview(qtbot, runner, audit_id)
    target = tmp_path / "signed.pdf"
    monkeypatch.setattr(preview, "ask_signing", lambda: (key, "kansa-passphrase", target))
    qtbot.mouseClick(preview.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "電子署名して保存しました" in preview.status_label.text(), timeout=20000)
    assert "発行済み" in preview.status_label.text()
    check = signing.check_signature(target, certificate=signing.certificate_path(key))
    assert check.valid and check.signatures[0].trusted
    assert target.read_bytes().startswith(preview.pdf)
    assert [e.action for e in in_db(qtbot, runner, trail.entries)][:2] == ["sheet.sign", "sheet.issue"]


def test_an_unfinished_audit_previews_as_a_draft_and_issues_only_when_confirmed(
        qtbot, runner_and_audit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner, _ = runner_and_audit
    audit_id = in_db(qtbot, runner, lambda db: audits.create_audit(db, "A01", 2025, AuditType.SELF_CHECK).id)
    preview = open_preview(qtbot, runner, audit_id)
    assert preview.issue.draft and "下書き" in preview.status_label.text()
    drawn = tmp_path / "draft.pdf"
    drawn.write_bytes(preview.pdf)
    text = "".join(subprocess.run(["pdftotext", str(drawn), "-"], capture_output=True, text=True).stdout.split())
    assert "下書き(文書番号なし)" in text and "JKA-" not in text
    answers = iter([False, True])
    monkeypatch.setattr(preview, "confirm_incomplete", lambda: next(answers))
    target = tmp_path / "saved.pdf"
    monkeypatch.setattr(preview, "ask_save_path", lambda: target)
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)   # declined: nothing issued
    assert in_db(qtbot, runner, lambda db: db.scalar("SELECT count(*) FROM issued_document")) == 0
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)   # confirmed
    qtbot.waitUntil(lambda: "保存しました" in preview.status_label.text(), timeout=15000)
    assert not preview.issue.draft and preview.issue.doc_number in preview.status_label.text()
    assert in_db(qtbot, runner, lambda db: reports.verify_sheet(db, target)).matches
