"""The findings sheet's appendix: one page per flagged day of its run (a terminal-day with a discrepancy not
explained), drawn in vectors with Japanese labels on A4; the issued file keeps it byte for byte (preview = issue,
reissue identical after an import is removed, verify-sheet still 一致)."""

from __future__ import annotations

import io
import subprocess
from datetime import date, datetime, time, timedelta
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.units import mm

from jukiaudit_desktop.core.day_picture import Bar, DayPicture, Mark, Tick
from jukiaudit_desktop.core.wareki import format_wareki
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.reports.day_picture_pdf import DayPictureFlowable, appendix_story
from jukiaudit_desktop.reports.pdf_base import (
    MARGIN_BOTTOM,
    MARGIN_TOP,
    PAGE_SIZE,
    DocumentInfo,
    render_pdf,
    styles,
)
from jukiaudit_desktop.services import audits, import_batches, reconciliation, reports
from jukiaudit_desktop.services.master_demo import SAMPLE_AGENCY_CODE
from jukiaudit_desktop.storage.database import Database

ISSUED_ON = date(2025, 12, 1)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def sample_audit(db: Database) -> int:
    """The demo's audit of the sample agency, whose sheet reports a fresh run of its logs."""
    reconciliation.run_reconciliation(db, SAMPLE_AGENCY_CODE, ReconcileSettings())
    found = [a for a in audits.list_audits(db) if a.agency_code == SAMPLE_AGENCY_CODE and a.audit_type.value != "自己点検"]
    assert len(found) == 1 and found[0].id is not None
    return found[0].id


def test_one_page_per_flagged_day_and_the_issued_file_keeps_it(demo_db: Database, tmp_path: Path) -> None:
    db = demo_db
    audit_id = sample_audit(db)
    run_id = reports.sheet_run(db, audits.get_audit(db, audit_id))
    assert run_id is not None
    views = reconciliation.view_run(db, run_id)
    days: dict[tuple[str, str], list[reconciliation.DiscrepancyView]] = {}
    for view in views:
        days.setdefault((view.at[:10], view.terminal), []).append(view)
    alone = next(key for key, on_day in sorted(days.items()) if len(on_day) == 1)
    reconciliation.mark_explained(db, days[alone][0].id, "研修用の操作(確認済み)")  # that day is no longer flagged
    flagged = sorted(key for key in days if key != alone)

    preview, _ = reports.preview_findings_sheet(db, audit_id, ISSUED_ON)
    pdf, issue = reports.findings_sheet_pdf(db, audit_id, issued_on=ISSUED_ON, allow_incomplete=True)
    assert pdf == preview                                   # the appendix is part of what the preview promised

    texts = page_texts(pdf)
    appendix = [t for t in texts if "付録 ログ突合の日別図(" in t]
    assert len(appendix) == len(flagged) and texts[-len(flagged):] == appendix
    assert f"差異のあった端末・日({len(flagged)} 日)" in "".join(texts[:-len(flagged)]).replace("\n", "")
    for number, ((day, terminal), text) in enumerate(zip(flagged, appendix, strict=True), start=1):
        assert f"({number}/{len(flagged)})" in text and f"端末 {terminal}" in text
        assert format_wareki(date.fromisoformat(day)) in text
        for view in days[(day, terminal)]:                  # every discrepancy of the day is listed with its time
            assert view.at[11:19] in text, (view, text)
            assert view.kind.label in text.replace("\n", "")
    explained_day = format_wareki(date.fromisoformat(alone[0]))
    assert not any(f"端末 {alone[1]}  {explained_day}" in t or f"端末 {alone[1]} {explained_day}" in t
                   for t in appendix)

    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    assert subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                          check=True).stdout.count("\n") == 2    # header lines only: vectors, no image
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert all("IPAexGothic" in row for row in fonts.splitlines()[2:])
    for page in PdfReader(str(path)).pages:
        assert [round(float(v)) for v in page.mediabox] == [0, 0, 595, 842]   # A4

    batch = import_batches.list_imports(db, SAMPLE_AGENCY_CODE)[0]
    import_batches.remove_import(db, batch.id)              # the rows the pictures were drawn from go away
    reissued, _ = reports.reissue_findings_sheet(db, issue.doc_number)
    assert reissued == pdf
    assert reports.verify_sheet(db, path).matches


def busy_day() -> DayPicture:
    """A terminal's day of 5,000 operations by 12 operators (one past midnight), 40 entries and 30 marks."""
    day = date(2025, 6, 2)
    midnight = datetime.combine(day, time())
    operators = [f"K{n:05d}" for n in range(12)]
    ticks = [Tick(i, midnight + timedelta(hours=7, seconds=i * 11), operators[i % 12], 1) for i in range(5000)]
    bars = [Bar(i, midnight + timedelta(hours=8, minutes=20 * i), midnight + timedelta(hours=8, minutes=20 * i + 15),
                operators[i % 12], "別表5-4", 3) for i in range(40)]
    bars.append(Bar(99, midnight - timedelta(hours=1), midnight + timedelta(minutes=30), operators[0], None, None))
    marks = [Mark(i, midnight + timedelta(hours=9, minutes=7 * i), "記帳のない操作", operators[i % 12],
                  "管理簿に記帳のない操作", "未対応", explained=i % 5 == 0) for i in range(30)]
    return DayPicture("T001", day, 5, ticks, bars, marks, 0, (time(8, 30), time(17, 30)))


def test_a_busy_day_fits_the_page_and_renders_the_same_bytes(tmp_path: Path) -> None:
    picture = busy_day()
    flowable = DayPictureFlowable(picture)
    width, height = flowable.wrap(0, 0)
    assert height < (PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM) * 0.6 and width <= PAGE_SIZE[0] - 36 * mm
    assert (flowable.first_hour, flowable.last_hour) == (0, 23)     # the entry from the day before starts it

    info = DocumentInfo(title="付録", doc_number="JKA-2025-0001-01", issued_on=ISSUED_ON)
    pdf = render_pdf(appendix_story([picture], styles()), info)
    assert render_pdf(appendix_story([picture], styles()), info) == pdf
    first = page_texts(pdf)[1]                           # the appendix starts on a page of its own
    assert "付録 ログ突合の日別図(1/1)" in first and "操作 5,000 回" in first and "K00011" in first
    assert "説明済みの差異" in first and "業務時間外" in first   # the picture (its legend) is on the heading's page
    path = tmp_path / "busy.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "2", "-l", "2", str(path), str(tmp_path / "busy")],
                   check=True)
