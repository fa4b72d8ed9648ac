"""Exports: real .xlsx and CSV files read back; formula injection neutralised in every text cell."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from test_reports_sheet import make_audit

from jukiaudit_desktop.core.audit import FindingClass
from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.reports.spreadsheet import neutralise
from jukiaudit_desktop.services import exports, findings
from jukiaudit_desktop.storage.database import Database

NASTY = {"title": "=HYPERLINK(\"http://x\",\"押して\")", "condition": "+1+1", "criteria": "-2+3",
         "cause": "@SUM(A1)", "effect": "\tタブ", "recommendation": "\r改行"}


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_neutralise_prefixes_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["管理簿", "1=1", " =1", "", "'=1"])
def test_neutralise_leaves_plain_text(text: str) -> None:
    assert neutralise(text) == text


def add_nasty_finding(db: Database) -> int:
    audit_id = make_audit(db)
    findings.add_finding(db, audit_id, FindingClass.OPINION, NASTY["title"], condition=NASTY["condition"],
                         criteria=NASTY["criteria"], cause=NASTY["cause"], effect=NASTY["effect"],
                         recommendation=NASTY["recommendation"])
    return audit_id


def test_findings_csv_has_bom_and_no_live_formula(db: Database, tmp_path: Path) -> None:
    add_nasty_finding(db)
    path = tmp_path / "findings.csv"
    assert exports.export_findings(db, path) == 3
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(exports.FINDING_HEADERS)
    nasty = next(r for r in rows if "HYPERLINK" in "".join(r))
    for value in NASTY.values():
        assert "'" + value in nasty
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_findings_xlsx_keeps_text_as_text(db: Database, tmp_path: Path) -> None:
    add_nasty_finding(db)
    path = tmp_path / "findings.xlsx"
    exports.export_findings(db, path, fiscal_year=2025)
    ws = openpyxl.load_workbook(path)["指摘事項"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value is not None]
    nasty = next(c for c in cells if c.value == NASTY["title"])  # no visible apostrophe: typed as text
    assert nasty.data_type == "s" and nasty.quotePrefix
    assert all(c.data_type != "f" for c in cells)
    with zipfile.ZipFile(path) as archive:  # no formula anywhere in the file
        assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in archive.namelist())
    assert ws["A2"].value == "令和7年度"


def test_findings_export_filters_by_year(db: Database, tmp_path: Path) -> None:
    add_nasty_finding(db)
    assert exports.export_findings(db, tmp_path / "none.csv", fiscal_year=2030) == 0


def test_export_refuses_an_unknown_suffix(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.xlsx"):
        exports.export_findings(db, tmp_path / "findings.txt")


def test_findings_xlsx_prints_on_a4_with_dates_in_wareki_and_tall_rows(db: Database, tmp_path: Path) -> None:
    add_nasty_finding(db)
    path = tmp_path / "findings.xlsx"
    exports.export_findings(db, path, fiscal_year=2025)
    ws = openpyxl.load_workbook(path)["指摘事項"]
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$1:$1"
    due = [c for c in ws[2] if isinstance(c.value, datetime)]
    assert due and due[0].value.date() == date(2026, 1, 30) and due[0].number_format.startswith("[$-411]ggge")
    long_row = next(r for r in range(2, ws.max_row + 1) if "突合の記録" in str(ws.cell(r, 10).value))
    assert ws.row_dimensions[long_row].height > 15 * 10           # the long condition's wrapped lines fit
    assert all(not str(c.value).startswith("'") for row in ws.iter_rows() for c in row if c.value)
    csv_path = tmp_path / "findings.csv"
    exports.export_findings(db, csv_path, fiscal_year=2025)
    assert "令和8年1月30日" in csv_path.read_bytes().decode("utf-8-sig")
