"""The sheet's reconciliation summary and the discrepancy export, from the shared samples imported and reconciled
through the real services on the demo database."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
import shared_data
from support.imports import slice_of_log

from jukiaudit_desktop.core.audit import AuditType
from jukiaudit_desktop.importers.profile import default_profile
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.reports.day_picture_pdf import APPENDIX_TITLE
from jukiaudit_desktop.services import (
    audits,
    findings,
    imports,
    inquiry_list,
    reconciliation,
    reports,
)
from jukiaudit_desktop.storage.database import Database

SAMPLES = shared_data.SAMPLES
AGENCY = "C09"  # the demo's sample agency (長野地域振興局): its terminals and operators match the samples
# The log's first two days: all ten kinds of discrepancy the whole log shows are among them (the sheet's test
# checks), and the sheet's appendix of flagged days stays short (the whole log's takes seconds to draw).
LOG_LINES = 300


@pytest.fixture
def reconciled(demo_db: Database, tmp_path: Path) -> tuple[Database, int, list[reconciliation.StoredDiscrepancy]]:
    db = demo_db
    agency, _ = imports.ensure_agency(db, AGENCY)
    assert agency.id is not None
    profile = default_profile()
    log = slice_of_log(tmp_path, "oplog.csv", 2, LOG_LINES)
    imports.import_files(db, agency.id, profile.layout("oplog"), [log])
    imports.import_files(db, agency.id, profile.layout("register"), [SAMPLES / "register_cp932.csv"])
    run = reconciliation.run_reconciliation(db, AGENCY, ReconcileSettings())
    found = reconciliation.list_discrepancies(db, run.run_id)
    audit = next(a for a in audits.list_audits(db, 2025) if a.agency_code == AGENCY
                 and a.audit_type is AuditType.EXTERNAL)
    assert audit.id is not None
    return db, audit.id, found


def test_sheet_counts_discrepancies_explained_and_raised(reconciled, tmp_path: Path) -> None:
    db, audit_id, found = reconciled
    reconciliation.mark_explained(db, found[0].id, "研修用の照会(記録あり)")
    findings.raise_from_discrepancy(db, audit_id, found[1].id)
    sheet = reports.build_findings_sheet(db, audit_id)
    assert sheet.reconciliation is not None
    lines = {line.kind: line for line in sheet.reconciliation.lines}
    assert sum(line.count for line in lines.values()) == len(found)
    first_kind = found[0].kind.value
    assert lines[first_kind].explained == 1 and lines[found[1].kind.value].raised == 1

    path = tmp_path / "sheet.pdf"
    path.write_bytes(reports.findings_sheet_pdf(db, audit_id)[0])
    layout = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                            check=True).stdout
    layout = layout.split(APPENDIX_TITLE)[0]  # the sheet itself (the appendix's day pictures have numbered axes)
    rows = {m[1]: tuple(int(n) for n in m.groups()[1:])
            for m in re.finditer(r"^\s*(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", layout, re.MULTILINE)}
    # the table's rows as printed: per kind (count, explained, raised, pending), counted here from `found`
    per_kind = Counter(d.kind for d in found)
    assert len(per_kind) >= 10  # every kind the whole sample log shows
    expected = {kind.label: (n, int(kind is found[0].kind), int(kind is found[1].kind), 0) for kind, n in per_kind.items()}
    expected = {label: (n, e, r, n - e - r) for label, (n, e, r, _) in expected.items()}
    assert {label: row for label, row in rows.items() if row != (0, 0, 0, 0)} == {
        **expected, "計": (len(found), 1, 1, len(found) - 2)}, layout


def test_discrepancy_export_lists_every_discrepancy(reconciled, tmp_path: Path) -> None:
    db, _, found = reconciled
    path = tmp_path / "discrepancies.csv"
    assert inquiry_list.export_inquiry(db, path) == len(found)
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    assert rows[0] == list(inquiry_list.HEADERS)
    assert [r[3] for r in rows[1:]] == [d.kind.label for d in found]
    assert all(r[-2] == r[-1] == "" for r in rows[1:])  # 回答 and 確認者 for the agency


def test_a_finding_raised_from_a_run_ties_the_sheet_to_that_run(reconciled, tmp_path: Path) -> None:
    db, audit_id, found = reconciled
    first_run = reconciliation.latest_run(db, AGENCY)
    later = reconciliation.run_reconciliation(db, AGENCY, ReconcileSettings()).run_id
    findings.raise_from_discrepancy(db, audit_id, found[0].id)   # a discrepancy of the first run
    assert first_run is not None and later != first_run.id
    assert reports.sheet_run(db, audits.get_audit(db, audit_id)) == first_run.id
    path = tmp_path / "sheet.pdf"
    path.write_bytes(reports.findings_sheet_pdf(db, audit_id)[0])
    reconciliation.run_reconciliation(db, AGENCY, ReconcileSettings())
    assert reports.verify_sheet(db, path).matches
