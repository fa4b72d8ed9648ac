"""The 疑義照会 list: one row per discrepancy (kind in Japanese, 和暦, 事務 code and name, source lines, the
register window, a sentence, empty 回答 / 確認者), xlsx and CSV; the answered list read back as explanations."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from support.imports import OPLOG, REGISTER, layout

from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.reconcile.settings import ReconcileSettings
from jukiaudit_desktop.services import imports, inquiry_list, master_data, reconciliation
from jukiaudit_desktop.storage.database import Database


def _run(db: Database) -> int:
    imports.import_files(db, "C09", layout("oplog"), [OPLOG])
    imports.import_files(db, "C09", layout("register"), [REGISTER])
    master_data.add_jimu(db, "別表5-13", "旅券の発給に関する事務")
    return reconciliation.run_reconciliation(db, "C09", ReconcileSettings()).run_id


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def test_the_list_reads_as_questions_to_the_agency(db: Database, tmp_path: Path) -> None:
    run_id = _run(db)
    path = tmp_path / "疑義照会.csv"
    assert inquiry_list.export_inquiry(db, path, run_id) == 41
    rows = _csv(path)
    by_kind: dict[str, dict[str, str]] = {}
    for row in rows:
        by_kind.setdefault(row["種類"], row)  # the first of each kind
    unregistered = by_kind["無記帳照会"]
    assert unregistered["操作ログ(ファイル:行)"] == "oplog_cp932.csv:830"
    assert unregistered["日時"].startswith("令和7年") and unregistered["端末"].startswith("T")
    assert "記帳がありません" in unregistered["内容"] and unregistered["回答"] == unregistered["確認者"] == ""
    count = by_kind["照会件数の不一致"]
    assert count["管理簿(ファイル:行)"] == "register_cp932.csv:48" and "～" in count["記帳の時間帯"]
    assert "記帳の照会件数は" in count["内容"] and "件ですが、操作ログでは" in count["内容"]
    assert any(r["事務名"] == "旅券の発給に関する事務" and r["事務コード"] == "別表5-13" for r in rows)
    assert all("{" not in r["内容"] and "[" not in r["内容"] for r in rows)

    xlsx = tmp_path / "疑義照会.xlsx"
    assert inquiry_list.export_inquiry(db, xlsx, run_id) == 41
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    assert [c.value for c in sheet[1]] == list(inquiry_list.HEADERS)
    assert sheet.max_row == 42


def test_answers_come_back_as_explanations_all_or_nothing(db: Database, tmp_path: Path) -> None:
    run_id = _run(db)
    xlsx = tmp_path / "answered.xlsx"
    inquiry_list.export_inquiry(db, xlsx, run_id)
    book = openpyxl.load_workbook(xlsx)
    sheet = book.worksheets[0]
    answer_column = list(inquiry_list.HEADERS).index("回答") + 1
    sheet.cell(2, answer_column, "システム障害時の再照会")
    sheet.cell(2, answer_column + 1, "総務課 佐藤")
    sheet.cell(3, answer_column, 20251003)  # a number typed as the answer is read as its text
    book.save(xlsx)
    first, second = (sheet.cell(r, 1).value for r in (2, 3))

    read = inquiry_list.import_answers(db, xlsx)
    assert (read.explained, read.unanswered) == (2, 39)
    found = {d.id: d for d in reconciliation.list_discrepancies(db, run_id)}
    assert found[first].status == "explained"
    assert found[first].explanation == "システム障害時の再照会(確認者: 総務課 佐藤)"
    assert found[second].explanation == "20251003"
    assert db.scalar("SELECT count(*) FROM trail WHERE action = 'reconcile.answers'") == 1

    bad = tmp_path / "bad.csv"
    inquiry_list.export_inquiry(db, bad, run_id)
    lines = bad.read_bytes().decode("utf-8-sig").split("\r\n")
    lines[5] = "99999" + lines[5][lines[5].index(","):-2] + ",回答,"
    lines[4] = lines[4][:-2] + ",別の回答,"
    bad.write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    with pytest.raises(InputError, match=r"bad\.csv:6:1: 差異ID 99999 はありません"):
        inquiry_list.import_answers(db, bad)
    third = int(lines[4].split(",")[0])
    assert {d.id: d for d in reconciliation.list_discrepancies(db, run_id)}[third].status == "open"  # nothing kept

    control = tmp_path / "control.csv"  # a control character in one answer: the whole file refused
    inquiry_list.export_inquiry(db, control, run_id)
    lines = control.read_bytes().decode("utf-8-sig").split("\r\n")
    lines[4] = lines[4][:-2] + ",別の回答,"
    lines[5] = lines[5][:-2] + ",端末障害\x1bのため,"
    control.write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    with pytest.raises(InputError, match=rf"control\.csv:6:{answer_column}: セルに制御文字\(U\+001B\)"):
        inquiry_list.import_answers(db, control)
    assert {d.id: d for d in reconciliation.list_discrepancies(db, run_id)}[third].status == "open"


def test_cli_export_and_answers(cli, db_path: Path, tmp_path: Path) -> None:
    assert cli("import-oplog", "--agency", "C09", str(OPLOG))[0] == 0
    assert cli("import-register", "--agency", "C09", str(REGISTER))[0] == 0
    assert cli("reconcile", "--agency", "C09", "--json", str(tmp_path / "run.json"))[0] == 0
    out = tmp_path / "list.csv"
    code, text, _ = cli("export-discrepancies", "--out", str(out), "--run", "1")
    assert code == 0 and "差異 41 件の疑義照会リスト" in text
    rows = out.read_bytes().decode("utf-8-sig").split("\r\n")
    assert rows[1].endswith(",,")  # 回答 and 確認者, empty
    rows[1] = rows[1][:-2] + ",業務上必要な照会,山田"
    out.write_bytes("\r\n".join(rows).encode("utf-8-sig"))
    code, text, _ = cli("discrepancy", "answers", str(out))
    assert code == 0 and "回答 1 件を説明として記録しました(回答のない行 40 件)" in text
    explained = cli("discrepancy", "reopen", "--id", rows[1].split(",")[0])
    assert explained[0] == 0  # it was explained
