"""Imports on the command line: summaries, re-import, exit code 3 with FILE:LINE:COLUMN, agency creation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jukiaudit_desktop.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"
OPLOG, REGISTER = DEMO / "oplog_sample_cp932.csv", DEMO / "register_sample_cp932.csv"


@pytest.fixture
def run(cli):
    return cli


def test_import_into_a_fresh_database_creates_the_agency(run) -> None:
    code, out, err = run("import-oplog", "--agency", "K01", str(OPLOG))
    assert code == EXIT_OK
    assert "4,098 行を取り込みました" in out and "取込済みのファイル 0 件" in out
    assert "K01 は未登録だったため、本庁課として登録しました" in err
    code, out, err = run("import-oplog", "--agency", "K01", str(OPLOG))
    assert code == EXIT_OK and "0 行を取り込みました" in out and "取込済みのファイル 1 件" in out and err == ""
    code, out, _ = run("import-register", "--agency", "K01", str(REGISTER))
    assert code == EXIT_OK and "629 行" in out
    code, out, _ = run("agency", "list")
    assert out.startswith("K01\tK01\t本庁課")


def test_bad_rows_exit_3_with_locations_and_nothing_stored(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果\n"
                   "2025/04/01 08:00:00,T1,K1,a,b,1,c\n2025/04/01 25:00:00,T1,K1,a,b,1,c\n", encoding="cp932")
    code, out, err = run("import-oplog", "--agency", "K01", str(OPLOG), str(bad))
    assert code == EXIT_BAD_INPUT and out == ""
    assert f"{bad}:3:1: 操作日時: 時刻「25:00:00」を読めません" in err
    code, out, _ = run("agency", "list")
    assert out == ""  # not even the agency: the failed import left no trace


def test_profile_option_and_profile_errors(run, tmp_path: Path) -> None:
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"name": "JSON形式", "register": {"columns": {
        "date": {"index": 1}, "start_time": {"index": 2}, "end_time": {"index": 3}, "terminal": {"index": 4},
        "operator": {"index": 5}}, "header_row": 1}}), encoding="utf-8")
    code, out, _ = run("import-register", "--agency", "K01", "--profile", str(profile), str(REGISTER))
    assert code == EXIT_OK and "629 行" in out
    code, _, err = run("import-oplog", "--agency", "K01", "--profile", str(profile), str(OPLOG))
    assert code == EXIT_BAD_INPUT and "[oplog] の定義がありません" in err
    profile.write_text("{not json", encoding="utf-8")
    code, _, err = run("import-register", "--agency", "K01", "--profile", str(profile), str(REGISTER))
    assert code == EXIT_BAD_INPUT and f"{profile}: 取込プロファイルの書式" in err


def test_missing_file_and_usage(run, tmp_path: Path) -> None:
    code, _, err = run("import-oplog", "--agency", "K01", str(tmp_path / "none.csv"))
    assert code == EXIT_BAD_INPUT and "none.csv: ファイルを読めません" in err
    assert run("import-oplog", str(OPLOG))[0] == EXIT_USAGE  # --agency is required
