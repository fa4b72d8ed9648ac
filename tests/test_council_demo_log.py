"""The demo's sample agency is plausible against the council's material, and 事務 bases keep their dates.

C09 長野地域振興局 uses 住基ネット for 旅券 (資料1: 旅券法 — 国際交流課 各地域振興局, 33,831 uses in R6); its demo
log has every kind of discrepancy planted and nothing else; 住民監査請求 is lawful under 別表第六 from the 一括法's
施行 (令和7年8月16日, 資料3).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from test_reconcile_helpers import lines_by_kind

from jukiaudit_desktop.cli import EXIT_OK
from jukiaudit_desktop.reconcile.model import Kind

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"
EXPECTED = Path(__file__).resolve().parent / "data" / "council" / "demo_expected_discrepancies.json"
PASSPORT = "別表5-4"
R6_PASSPORT = 33_831          # 資料1 旅券法, the whole prefecture (国際交流課 and the 10 地域振興局)
PASSPORT_OFFICES = 11
OPLOG_HEADER = "操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果"


@pytest.fixture
def run(cli, demo_db_path: Path):
    """The CLI on a copy of the session's demo database (what `init` then `demo` make; test_master_cli.py runs
    those commands themselves)."""
    return cli


def _rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((DEMO / "oplog_sample_cp932.csv").read_bytes().decode("cp932"))))


def _reconcile(run, tmp_path: Path, agency: str) -> dict:
    out = tmp_path / f"{agency}.json"
    assert run("reconcile", "--agency", agency, "--json", str(out))[0] == EXIT_OK
    return json.loads(out.read_text(encoding="utf-8"))


def test_demo_log_has_every_kind_planted_and_nothing_else(run, tmp_path: Path) -> None:
    expected = {k: v for k, v in json.loads(EXPECTED.read_text(encoding="utf-8")).items() if not k.startswith("_")}
    # The nine kinds of the register check are planted; the demo log carries no subject column, its terminals
    # are registered and no operator has a spike or a burst of failures, so the subject kinds find nothing.
    assert set(expected) == {k.value for k in Kind if k.rank <= Kind.CONCURRENT_SESSION.rank}
    assert lines_by_kind(_reconcile(run, tmp_path, "C09")) == expected


def test_demo_log_is_a_passport_office_in_proportion_to_r6(run) -> None:
    rows = _rows()
    lookups = Counter()
    for row in rows:
        lookups[row["利用事務コード"]] += int(row["照会件数"])
    days = sorted({row["操作日時"][:10] for row in rows})
    months = (int(days[-1][:4]) - int(days[0][:4])) * 12 + int(days[-1][5:7]) - int(days[0][5:7]) + 1
    yearly = sum(lookups.values()) * 12 / months
    # More than an average passport office, less than the whole prefecture: 長野 is the largest region.
    assert R6_PASSPORT / PASSPORT_OFFICES < yearly < R6_PASSPORT / 2
    assert lookups[PASSPORT] / sum(lookups.values()) > 0.99
    # Only a 地域振興局's 事務 is authorised; the other codes in the log are exactly the planted unauthorized ones.
    code, out, _ = run("jimu", "list", "--agency", "C09")
    authorised = {line.split("\t")[0] for line in out.splitlines()}
    assert code == EXIT_OK and authorised == {PASSPORT}
    unauthorized = json.loads(EXPECTED.read_text(encoding="utf-8"))["unauthorized_jimu"]
    assert sorted(line for line, row in enumerate(rows, start=2) if row["利用事務コード"] not in authorised) \
        == unauthorized


def test_jumin_kansa_seikyu_under_table_six_from_2025_08_16(run, tmp_path: Path) -> None:
    """資料3: lawful under 別表第六 from the 一括法's 施行 (令和7年8月16日), and under the 条例 until the amendment
    takes effect; a lookup under 別表第六 before that day has no basis."""
    log = tmp_path / "kansa.csv"
    log.write_text("\r\n".join([
        OPLOG_HEADER,
        "2025/07/10 10:00:00,T1,A1,本人確認情報照会,条例3-6,1,正常",   # line 2: 条例, fine
        "2025/08/15 10:00:00,T1,A1,本人確認情報照会,別表6-4,1,正常",   # line 3: the day before the 施行
        "2025/09/10 10:00:00,T1,A1,本人確認情報照会,別表6-4,1,正常",   # line 4: 別表第六, lawful
        "2025/09/11 10:00:00,T1,A1,本人確認情報照会,別表6-4,2,正常",   # line 5
        "2025/09/12 10:00:00,T1,A1,本人確認情報照会,条例3-6,1,正常",   # line 6: 条例 still in force
        "2026/03/19 10:00:00,T1,A1,本人確認情報照会,条例3-6,1,正常",   # line 7: the 条例 basis has ended
    ]) + "\r\n", encoding="cp932")
    assert run("import-oplog", "--agency", "E04", str(log))[0] == EXIT_OK
    found = lines_by_kind(_reconcile(run, tmp_path, "E04"))
    assert found["unauthorized_jimu"] == [3, 7]
