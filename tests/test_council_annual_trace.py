"""Every number the R7 annual report prints (demo data) is traced to the council's material.

TRACE below is the table: each number, where it comes from, and the passage of the material that holds it (checked
to be in tests/data/council/nagano-2026-01-council-materials.md). Derived numbers name their derivation, which
the test recomputes from the material. Any number printed and not in the table fails the test.
"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

from jukiaudit_desktop.services import reports_annual
from jukiaudit_desktop.storage.database import Database

SEED = Path(__file__).resolve().parent / "data" / "council" / "nagano-2026-01-council-materials.md"
SEED_TEXT = SEED.read_text(encoding="utf-8")
ROW = re.compile(r"^([^\t]+)\t([^\t]+)\t([^\t]+)\t([\d,]+)$")


def seed_rows() -> dict[str, list[tuple[str, int]]]:
    """資料1's two tables: (事務 name, R6 count) in listing order."""
    tables: dict[str, list[tuple[str, int]]] = {"法定": [], "条例": []}
    current = None
    for line in SEED_TEXT.splitlines():
        if line.startswith("法定事務 33事務"):
            current = "法定"
        elif line.startswith("条例事務 15事務"):
            current = "条例"
        elif line.startswith("<b>"):
            current = None
        elif current and (m := ROW.match(line)):
            tables[current].append((m[1], int(m[4].replace(",", ""))))
    return tables


ROWS = seed_rows()
ROW_SUM = sum(n for rows in ROWS.values() for _, n in rows)

# number as printed → (where, passage of the material holding it, or the derivation the test recomputes)
TRACE: dict[str, tuple[str, str]] = {
    "7": ("令和7年度 (the report's year)", "【令和7年度監査結果】"),
    "8": ("令和8年度 (next year's plan)", "（令和8年度監査計画）"),
    "3": ("3点満点; ほか名称未掲載 3 (40 − 2 運用機関 − 35 named: docs/council-materials.md); 資料5 3町3村",
          "監査結果等 (3点満点)"),
    "2.99": ("自己点検 average", "各機関責任者	2.99点"),
    "2.95": ("内部監査 average", "デジタルインフラ整備室	2.95点"),
    "3.00": ("外部監査 average", "((株)インテック)	3.00点"),
    "10": ("内部監査 R7 (10機関); 地域振興局 10 (各地域振興局); 管理簿 checked at the 10 internal audits",
           "北アルプス地域振興局 (10機関)"),
    "4": ("管理帳票 finding (県庁:4機関); 執行機関 4 (教育委員会×2・公安委員会・監査委員, 資料1 担当課)",
          "(県庁:4機関)"),
    "2": ("外部監査 (2機関); 業務端末使用管理簿 finding (県庁:2機関); 運用機関(2機関); R8 外部監査(2機関)",
          "(県庁:2機関)"),
    "21": ("本庁課 named: 資料1/資料2's 県庁各課 using 住基ネット before R8", "県庁各課及び地域振興局総務管理課"),
    "37": ("40機関 − 3 placeholders (counted apart)", "事務利用機関、運用機関(40機関)"),
    "0": ("管理簿 gaps not found; 資料1 counts of 0; chart axis origin", "消防課	0"),
    "9": ("R8 内部監査 (9機関)", "木曾地域振興局(9機関)"),
    "48": ("事務 in 資料1's tables (33 + 15)", "法定事務 33事務"),
    "58": ("the number of 事務 資料1's text states", "58の事務について"),
    "602,716": ("R6 total as reported", "延べ602,716件"),
    "603,216": ("sum of 資料1's rows (derived, differs from the stated total)", "derived:row_sum"),
    "60.3": ("R6 total in 万件 (trend chart)", "derived:602716"),
    "66.4": ("R7 total in 万件 (trend chart)", "derived:664289"),
    "60": ("chart axis (万件)", "derived:axis"),
    "40": ("chart axis (万件)", "derived:axis"),
    "20": ("chart axis (万件)", "derived:axis"),
    "6": ("R7.6～7 (自己点検 period)", "自己点検 (R7.6~7)"),
    "11": ("R7.10～11, R7.11 (audit periods); 資料5 リモート監査 R7.11～R8.2", "内部監査 (R7.10~11)"),
    "26": ("資料5 リモートヒアリング 26市町村 (松本市ほか)", "26市町村 (松本市ほか)"),
}


def printed_text(db: Database, tmp_path: Path) -> str:
    path = tmp_path / "annual.pdf"
    reports_annual.write_annual_report(db, 2025, path, date(2026, 1, 21))
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_every_number_in_the_annual_report_comes_from_the_material(demo_db: Database, tmp_path: Path) -> None:
    text = printed_text(demo_db, tmp_path)
    for line in text.splitlines():
        line = re.sub(r"文書番号 JKA-2025-ANNUAL", "", line)       # the document number (the app's)
        line = re.sub(r"\b\d+/\d+\s*$", "", line)                    # page n/m
        line = re.sub(r"証跡 \d+:[0-9a-f]+", "", line)              # the trail head (the app's anchor)
        line = re.sub(r"^\s*[1-5] (?=\S)", "", line)                 # section numbers 1–5
        for code, table, number in re.findall(r"((別表\d|条例\d)-(\d+))", line):
            _check_code(code, table, int(number))
        line = re.sub(r"(別表\d|条例\d)-\d+", "", line)
        line = re.sub(r"\bR[6-8]\b", "", line)  # 和暦 years of periods and chart labels (R6–R8: traced as 6–8)
        for number in re.findall(r"\d[\d,]*(?:\.\d+)?", line):
            if number in TRACE:
                continue
            assert _usage_count(number), f"untraced number {number!r} in: {line.strip()}"


def _check_code(code: str, table: str, number: int) -> None:
    """Demo codes are 資料1's listing order (marked 仮): 別表5-N is the Nth 別表第五 row, 条例3-N the Nth 条例 row."""
    if table == "条例3":
        assert 1 <= number <= len(ROWS["条例"]), code
        return
    law_rows = ROWS["法定"]
    sixth = {"特別支援学校就学奨励法", "高校無償化法"}  # 教育委員会: 別表第六 (資料1: 別表6 = 知事以外の執行機関)
    fifth = [name for name, _ in law_rows if name not in sixth]
    if table == "別表5":
        assert 1 <= number <= len(fifth), code
    else:
        assert table == "別表6" and 2 <= number <= 1 + len(sixth), code  # 別表6-1 is not used by the demo


def _usage_count(number: str) -> bool:
    """A per-事務 R6 count printed in the usage table: one of 資料1's rows."""
    value = int(number.replace(",", "")) if re.fullmatch(r"[\d,]+", number) else None
    return value is not None and any(n == value for rows in ROWS.values() for _, n in rows)


def test_the_trace_table_points_into_the_material() -> None:
    for number, (_where, passage) in TRACE.items():
        if passage == "derived:row_sum":
            assert f"{ROW_SUM:,}" == number
        elif passage.startswith("derived:") and passage != "derived:axis":
            stated = int(passage.removeprefix("derived:"))
            assert f"{stated:,}" in SEED_TEXT and f"{stated / 10_000:.1f}" == number
        elif passage != "derived:axis":
            assert passage in SEED_TEXT, (number, passage)
    assert (len(ROWS["法定"]), len(ROWS["条例"])) == (33, 15)
