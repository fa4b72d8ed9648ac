"""Page layout of a sheet with several long findings, read back page by page: a finding split over pages repeats
its No. and 件名, a heading never ends a page, the column header stands only at the top of the findings, and no
page holds only 「以上」. The pages are also rendered to PNG (under the test's tmp_path) to be looked at."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from test_reports_sheet import make_audit

from jukiaudit_desktop.core.audit import FindingClass
from jukiaudit_desktop.services import findings, reports
from jukiaudit_desktop.storage.database import Database

HEADINGS = ("1監査の概要", "2評価結果", "3指摘事項", "4業務端末使用管理簿", "5確認欄", "6真正性の確認")


def long_findings(db: Database, audit_id: int, count: int) -> None:
    for n in range(count):
        findings.add_finding(
            db, audit_id, FindingClass.NEEDS_IMPROVEMENT, f"長い指摘事項その{n + 1}:アクセス権限の見直しが行われていなかった",
            condition=f"事実{n + 1}:" + "操作者の異動後もアクセス権限が削除されず、照合情報が残っていた。" * (8 + 6 * n),
            criteria="セキュリティ対策要綱 第12条(アクセス管理)" * 3,
            recommendation="異動の都度、権限を見直し、記録を残すこと。" * (4 + 2 * n), due_date=date(2026, 3, 31))


def pages_of(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return ["".join(page.split()) for page in text.split("\f") if page.strip()]


def test_several_long_findings_lay_out_by_the_rules(db: Database, tmp_path: Path) -> None:
    audit_id = make_audit(db)
    long_findings(db, audit_id, 4)
    path = tmp_path / "long.pdf"
    path.write_bytes(reports.findings_sheet_pdf(db, audit_id)[0])
    pages = pages_of(path)
    assert len(pages) >= 4
    for page in pages:
        body = page.rsplit("SHA-256", 1)[0]       # the text above the page footer
        assert not body.endswith(HEADINGS), body[-60:]           # a heading never ends a page
        assert page.count("No.項目内容") <= 1
    for number, page in enumerate(pages[1:], start=2):
        first_rows = page[:400]
        continued = [n for n in range(1, 7) if f"{n}件名" in first_rows]
        if "現状(事実)" in first_rows[:200] or "改善を求める事項" in first_rows[:200]:
            assert continued, f"page {number} continues a finding without its No. and 件名"
    last = pages[-1].rsplit("SHA-256", 1)[0]
    assert last.endswith("以上") and "真正性の確認" in last   # 以上 never stands alone
    shots = path.parent / "shots"
    shots.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(shots / "layout")], check=True)
    assert len(list(shots.glob("layout-*.png"))) == len(pages)
