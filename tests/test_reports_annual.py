"""The annual summary reproduces the seed's R7 council tables from the demo data (PDF and .xlsx read back)."""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.services import planning, reports_annual
from jukiaudit_desktop.storage.database import Database

SEED_RESULTS = {"自己点検": Decimal("2.99"), "内部監査": Decimal("2.95"), "外部監査": Decimal("3.00")}
SEED_FINDINGS = {
    "管理帳票(ドキュメント管理簿、帳票管理簿)を作成していなかった": "県庁:4機関",
    "業務端末使用管理簿の作成及び操作ログとの突合ができていなかった": "県庁:2機関",
}


def test_r7_summary_matches_the_seed(demo_db: Database, tmp_path: Path) -> None:
    report = reports_annual.build_annual_report(demo_db, 2025, date(2026, 1, 21))
    assert {r.audit_type: r.average for r in report.results} == SEED_RESULTS
    counts = {r.audit_type: r.agency_count for r in report.results}
    assert counts == {"自己点検": 40, "内部監査": 10, "外部監査": 2}
    assert {f.title: f.counted_text for f in report.findings} == SEED_FINDINGS
    assert dict(report.trend)[2024] == 602_716 and dict(report.trend)[2025] == 664_289
    assert report.usage_year == 2024

    pdf = tmp_path / "annual.pdf"
    reports_annual.write_annual_report(demo_db, 2025, pdf, date(2026, 1, 21))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert all("IPAexGothic" in row and row.split()[-5] == "yes" for row in fonts.splitlines()[2:])
    text = "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    for expected in ("令和7年度監査結果", "2.99点", "(37機関(ほか名称未掲載3))", "2.95点", "3.00点", "(県庁:4機関)", "(県庁:2機関)",
                     "難病法", "67,331", "R6", "R7", "令和8年度監査計画"):
        assert expected in text, expected
    reports_annual.write_annual_report(demo_db, 2025, tmp_path / "again.pdf", date(2026, 1, 21))
    assert (tmp_path / "again.pdf").read_bytes() == pdf.read_bytes()


def test_r7_summary_as_xlsx(demo_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "annual.xlsx"
    reports_annual.write_annual_report(demo_db, 2025, path)
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["監査結果", "指摘事項", "事務別利用件数", "利用件数の推移", "管理簿の点検",
                                   "市町村の監査等", "市町村 3点未満の理由", "市町村フォローアップ", "次年度計画"]
    results = {row[0]: row for row in workbook["監査結果"].iter_rows(min_row=2, values_only=True)}
    assert results["内部監査"][3] == 10 and results["内部監査"][5] == pytest.approx(2.95)
    usage = list(workbook["事務別利用件数"].iter_rows(min_row=2, values_only=True))
    assert sum(row[4] for row in usage) == sum(u.count for u in
                                               reports_annual.build_annual_report(demo_db, 2025).usage)


def test_a_year_without_data_still_renders(db: Database, tmp_path: Path) -> None:
    report = reports_annual.write_annual_report(db, 2030, tmp_path / "empty.pdf")
    assert not report.results and not report.usage
    text = subprocess.run(["pdftotext", str(tmp_path / "empty.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "監査の記録はありません" in text


def test_annual_report_refuses_other_suffixes(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.pdf"):
        reports_annual.write_annual_report(db, 2025, tmp_path / "annual.docx")


def test_next_years_plan_is_the_councils_split_9_3_2(demo_db: Database, tmp_path: Path) -> None:
    report = reports_annual.build_annual_report(demo_db, 2025)
    assert [(line.audit_type, line.group, len(line.agencies)) for line in report.plan] == [
        ("内部監査", "", 9), ("内部監査", "新規事務利用機関", 3), ("外部監査", "", 2)]
    listed = {name for line in report.plan for name in line.agencies}
    path = tmp_path / "annual.pdf"
    reports_annual.write_annual_report(demo_db, 2025, path)
    text = "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())
    assert "未作成" not in text and all(name in text for name in listed)
    assert "公営住宅室、児童相談・養育支援室、諏訪地域振興局、木曾地域振興局(9機関)" in text and "新規事務利用機関:水道事業課、介護支援課、河川課(3機関)" in text
    assert "観光誘客課、南信州地域振興局(2機関)" in text
    proposal = planning.generate_and_save(demo_db, 2026)  # the generator keeps the council's R8 exactly
    assert len(proposal.entries_in(2026)) == 14
    assert [len(line.agencies) for line in reports_annual.build_annual_report(demo_db, 2025).plan] == [9, 3, 2]


def test_usage_table_is_the_seeds_r6_detail(demo_db: Database) -> None:
    report = reports_annual.build_annual_report(demo_db, 2025)
    by_name = {u.name: u.count for u in report.usage}
    assert by_name["難病法"] == 67_331 and by_name["障害自立支援法"] == 190_333
    assert "採石法" not in by_name  # an R8 addition has no R6 figure
    assert report.stated_total == 602_716
