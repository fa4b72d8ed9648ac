"""The sheet carries the trail head at its issue on paper (authenticity box and every page's footer), so the
trail is anchored outside the database: a later rewrite of the trail no longer reaches that head."""

from __future__ import annotations

import subprocess
from pathlib import Path

from test_reports_sheet import make_audit

from jukiaudit_desktop.services import reports
from jukiaudit_desktop.storage import trail
from jukiaudit_desktop.storage.database import Database


def pdf_pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_the_issued_sheet_prints_the_head_the_trail_had_then(db: Database, tmp_path: Path) -> None:
    audit_id = make_audit(db)
    before = trail.current_head(db)
    expected = f"{before.seq}:{before.mac[:16]}"  # seq and the first 16 hex digits of that entry's MAC
    path = tmp_path / "sheet.pdf"
    pdf, issue = reports.findings_sheet_pdf(db, audit_id)
    path.write_bytes(pdf)
    assert issue.trail_head == expected
    assert trail.current_head(db).seq == before.seq + 1  # the issue itself is the next entry (sheet.issue)

    pages = pdf_pages(path)
    assert f"印刷時の証跡ヘッド {expected}" in "".join(pages)
    assert all(f"証跡 {expected}" in page for page in pages), "every page's footer names the head"
    entry = next(e for e in trail.entries(db) if e.seq == before.seq)  # the head names a real entry
    assert db.scalar("SELECT mac FROM trail WHERE seq = ?", (entry.seq,)).startswith(before.mac[:16])

    reprinted, again = reports.findings_sheet_pdf(db, audit_id)  # a reprint keeps the head of the issue
    assert again.reprint and again.trail_head == expected
