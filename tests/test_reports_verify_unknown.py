"""verify-sheet on a sheet this database never issued (an unknown document number): refused with the number
named, from a file and from a QR code, and nothing is recorded."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_reports_sheet import make_audit

from jukiaudit_desktop.cli import EXIT_BAD_INPUT, main
from jukiaudit_desktop.services import reports
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage import trail


def test_a_sheet_issued_by_another_database_is_unknown_here(db_path: Path, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    other = open_app_database(tmp_path / "other.db", create=True)
    sheet = tmp_path / "sheet.pdf"
    pdf, issue = reports.findings_sheet_pdf(other, make_audit(other))
    sheet.write_bytes(pdf)
    other.close()
    here = open_app_database(db_path, create=True)
    make_audit(here)  # an audit of its own, but no issued sheet with that number
    before = len(trail.entries(here))
    here.close()
    capsys.readouterr()

    assert main(["--db", str(db_path), "verify-sheet", str(sheet)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"sheet.pdf: 文書番号 {issue.doc_number} の発行記録がこのデータベースにありません" in err
    payload = f"JUKIAUDIT-SHEET;doc={issue.doc_number};sha256={issue.content_sha256}"
    assert main(["--db", str(db_path), "verify-sheet", "--qr", payload]) == EXIT_BAD_INPUT
    assert f"QR コード: 文書番号 {issue.doc_number} の発行記録がこのデータベースにありません" in capsys.readouterr().err

    here = open_app_database(db_path)
    try:
        assert here.scalar("SELECT count(*) FROM issued_document") == 0
        new = trail.entries(here)[: len(trail.entries(here)) - before]
        assert [e.action for e in new] == ["database.open"]  # verify-sheet opens read-only: only this open writes
    finally:
        here.close()
