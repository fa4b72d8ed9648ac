"""The reports commands of the CLI, run through `main` on a real database."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from test_reports_sheet import make_audit

from jukiaudit_desktop.cli import main
from jukiaudit_desktop.services import findings, reports
from jukiaudit_desktop.services.database_access import open_app_database


@pytest.fixture
def audit_db(db_path: Path) -> tuple[Path, int]:
    database = open_app_database(db_path, create=True)
    audit_id = make_audit(database)
    database.close()
    return db_path, audit_id


def test_findings_pdf_then_verify(audit_db: tuple[Path, int], tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    db_path, audit_id = audit_db
    out = tmp_path / "sheet.pdf"
    assert main(["--db", str(db_path), "findings-pdf", "--audit", str(audit_id), "--out", str(out)]) == 0
    assert "発行しました" in capsys.readouterr().out
    first = out.read_bytes()
    assert main(["--db", str(db_path), "findings-pdf", "--audit", str(audit_id), "--out", str(out)]) == 0
    assert "再発行" in capsys.readouterr().out
    assert out.read_bytes() == first
    assert main(["--db", str(db_path), "verify-sheet", str(out)]) == 0
    assert "一致:" in capsys.readouterr().out
    database = open_app_database(db_path)
    qr = reports.preview_findings_sheet(database, audit_id)[1]
    database.close()
    payload = f"JUKIAUDIT-SHEET;doc={qr.doc_number};sha256={qr.content_sha256}"
    assert main(["--db", str(db_path), "verify-sheet", "--qr", payload]) == 0
    assert main(["--db", str(db_path), "verify-sheet"]) == 3

    database = open_app_database(db_path)
    finding = findings.list_findings(database, audit_id)[0]
    findings.update_finding(database, finding.id, title="管理帳票を一部作成していなかった")
    database.close()
    assert main(["--db", str(db_path), "verify-sheet", str(out)]) == 4
    assert "変更されています" in capsys.readouterr().out


def test_findings_pdf_unknown_audit_is_a_clear_error(audit_db: tuple[Path, int], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db_path, _ = audit_db
    assert main(["--db", str(db_path), "findings-pdf", "--audit", "999", "--out", str(tmp_path / "x.pdf")]) == 3
    assert "監査 ID 999" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_export_findings_command(audit_db: tuple[Path, int], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    db_path, _ = audit_db
    out = tmp_path / "findings.xlsx"
    assert main(["--db", str(db_path), "export-findings", "--out", str(out)]) == 0
    assert "2 件" in capsys.readouterr().out and out.stat().st_size > 0


def test_sheet_issuer_is_set_and_printed_on_the_sheet(audit_db: tuple[Path, int], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    db_path, audit_id = audit_db
    assert main(["--db", str(db_path), "sheet-issuer", "長野県 市町村課長"]) == 0
    assert "長野県 市町村課長" in capsys.readouterr().out
    assert main(["--db", str(db_path), "sheet-issuer", " "]) == 3
    out = tmp_path / "sheet.pdf"
    assert main(["--db", str(db_path), "findings-pdf", "--audit", str(audit_id), "--out", str(out)]) == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "長野県 市町村課長" in text
