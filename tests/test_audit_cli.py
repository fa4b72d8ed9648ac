"""Audits on the command line: audit new/list/show, score, finding, followup, selfcheck and checklist."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jukiaudit_desktop.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE


@pytest.fixture
def run(cli):
    assert cli("init")[0] == EXIT_OK
    assert cli("agency", "add", "--code", "K15", "--name", "こども・家庭課")[0] == EXIT_OK
    return cli


def test_an_audit_from_creation_to_findings(run, tmp_path: Path) -> None:
    code, out, _ = run("audit", "new", "--agency", "K15", "--year", "2025", "--type", "内部監査", "--start",
                       "R7.10.15", "--auditor", "市町村課 山田", "--auditor", "デジタルインフラ整備室 佐藤")
    assert code == EXIT_OK and "監査 1(令和7年度 内部監査 こども・家庭課)" in out
    assert run("score", "--audit", "1", "--item", "H-1", "--self", "3", "--verified", "1", "--note", "帳票管理簿なし")[0] == 0
    assert run("score", "--audit", "1", "--item", "A-1", "--verified", "na")[0] == EXIT_OK
    assert run("score", "--audit", "1", "--item", "A-2", "--verified", "3")[0] == EXIT_OK
    code, out, _ = run("finding", "add", "--audit", "1", "--class", "要改善事項", "--title", "帳票管理簿を作成していなかった",
                       "--item", "H-1", "--due", "令和8年1月30日", "--recommendation", "帳票管理簿を作成すること")
    assert code == EXIT_OK and "指摘事項 1 要改善事項" in out
    code, out, _ = run("audit", "show", "1", "--json")
    shown = json.loads(out)
    assert shown["audit"]["auditors"] == ["市町村課 山田", "デジタルインフラ整備室 佐藤"]
    assert shown["audit"]["start_date"] == "2025-10-15"
    items = {i["code"]: i for i in shown["items"]}
    assert (items["H-1"]["self"], items["H-1"]["verified"], items["H-1"]["note"]) == ("3", "1", "帳票管理簿なし")
    assert items["A-1"]["verified"] == "該当なし"
    assert shown["summary"]["verified_average"] == "2.00"  # (1 + 3) / 2, 該当なし left out
    assert shown["findings"][0]["due_date"] == "2026-01-30" and shown["findings"][0]["item_code"] == "H-1"
    code, out, _ = run("audit", "list", "--json")
    assert [a["id"] for a in json.loads(out)] == [1]
    code, out, _ = run("finding", "list", "--overdue")
    assert "帳票管理簿を作成していなかった" in out  # due 令和8年1月30日: today is later
    assert run("followup", "add", "--finding", "1", "--status", "措置済", "--date", "2026/01/20")[0] == EXIT_OK
    code, out, _ = run("finding", "list", "--overdue")
    assert out == ""

    assert run("finding", "add", "--audit", "1", "--class", "意見", "--title", "重複して起票した意見")[0] == EXIT_OK
    code, out, _ = run("finding", "delete", "--id", "2")
    assert code == EXIT_OK and "削除しました: 指摘事項 2 重複して起票した意見" in out
    code, out, _ = run("finding", "list", "--json")
    assert [f["id"] for f in json.loads(out)] == [1]
    code, _, err = run("finding", "delete", "--id", "2")
    assert code == EXIT_BAD_INPUT and "2" in err


def test_bad_input_exits_3_with_a_japanese_message(run) -> None:
    run("audit", "new", "--agency", "K15", "--year", "2025", "--type", "自己点検")
    code, _, err = run("score", "--audit", "1", "--item", "A-1", "--self", "5")
    assert code == EXIT_BAD_INPUT and "点数「5」は使えません" in err
    code, _, err = run("audit", "new", "--agency", "K15", "--year", "2025", "--type", "臨時監査")
    assert code == EXIT_BAD_INPUT and "監査の種別「臨時監査」" in err
    code, _, err = run("audit", "status", "1", "完了")
    assert code == EXIT_BAD_INPUT and "「計画」から「完了」には変更できません" in err
    code, _, err = run("finding", "add", "--audit", "1", "--class", "重大", "--title", "x")
    assert code == EXIT_BAD_INPUT and "指摘の区分「重大」" in err
    assert run("finding", "add", "--audit", "1", "--class", "意見", "--item", "A-1", "--discrepancy", "3")[0] == EXIT_USAGE


def test_forms_for_every_agency_of_a_year(run, tmp_path: Path) -> None:
    assert run("agency", "add", "--code", "C01", "--name", "佐久地域振興局", "--kind", "地域振興局")[0] == EXIT_OK
    assert run("agency", "add", "--code", "K13", "--name", "水道事業課", "--first-use-year", "2026")[0] == EXIT_OK
    code, out, _ = run("selfcheck", "export-all", "--year", "2025", "--dir", str(tmp_path / "forms"))
    assert code == EXIT_OK and "2 機関" in out
    assert sorted(p.name for p in (tmp_path / "forms").iterdir()) == [
        "自己点検_令和7年度_C01_佐久地域振興局.xlsx", "自己点検_令和7年度_K15_こども・家庭課.xlsx"]
    code, out, _ = run("selfcheck", "export", "--agency", "K15", "--year", "2025", "--out", str(tmp_path / "k15.xlsx"))
    assert code == EXIT_OK and "(監査 2)" in out  # the self-check export-all created, not a new one
    code, out, _ = run("audit", "list", "--type", "自己点検", "--json")
    assert sorted((a["agency_code"], a["fiscal_year"]) for a in json.loads(out)) == [("C01", 2025), ("K15", 2025)]


def test_selfcheck_and_checklist_files_round_trip(run, tmp_path: Path) -> None:
    run("audit", "new", "--agency", "K15", "--year", "2025", "--type", "自己点検")
    form = tmp_path / "form.xlsx"
    assert run("selfcheck", "export", "--audit", "1", "--out", str(form))[0] == EXIT_OK
    wb = load_workbook(form)
    ws = wb["自己点検"]
    for row in range(6, ws.max_row + 1):
        ws[f"G{row}"] = 3
    ws["G6"] = 2
    wb.save(form)
    code, out, _ = run("selfcheck", "import", str(form), "--audit", "1")
    assert code == EXIT_OK and "取り込みました: 監査 1" in out
    code, out, _ = run("audit", "aggregate", "--year", "2025", "--json")
    (row,) = json.loads(out)
    assert (row["audit_type"], row["agency_count"]) == ("自己点検", 1) and row["average"] == "2.98"  # 182 / 61 (第2版)
    exported = tmp_path / "checklist.json"
    assert run("checklist", "export", "2", "--out", str(exported))[0] == EXIT_OK  # the shipped 第2版
    code, _, err = run("checklist", "import", str(exported))
    assert code == EXIT_BAD_INPUT and "第2版と同じ内容です" in err
    data = json.loads(exported.read_text(encoding="utf-8"))
    data["items"] = data["items"][:-1]
    exported.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, _ = run("checklist", "import", str(exported))
    assert code == EXIT_OK and "第3版(60項目)" in out
    code, out, _ = run("checklist", "list")
    assert "第3版" in out and "第2版" in out and "第1版" in out


def test_evidence_in_and_out_unchanged(run, tmp_path: Path) -> None:
    run("audit", "new", "--agency", "K15", "--year", "2025", "--type", "内部監査")
    scan = tmp_path / "帳票管理簿.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    code, out, _ = run("audit", "evidence", "add", "--audit", "1", "--item", "H-1", str(scan))
    assert code == EXIT_OK and "帳票管理簿.pdf (2,057 バイト" in out
    code, out, _ = run("audit", "evidence", "list", "--audit", "1")
    assert out.startswith("1\tH-1\t帳票管理簿.pdf\t2057\t")
    back = tmp_path / "back.pdf"
    assert run("audit", "evidence", "get", "1", "--out", str(back))[0] == EXIT_OK
    assert back.read_bytes() == scan.read_bytes()

    # attached by mistake: deleted, its name and hash kept in the trail; after a sheet is issued, refused
    assert run("audit", "evidence", "add", "--audit", "1", str(back))[0] == EXIT_OK
    code, out, _ = run("audit", "evidence", "delete", "2")
    assert code == EXIT_OK and "削除しました: 2 back.pdf" in out
    assert [line.split("\t")[0] for line in run("audit", "evidence", "list", "--audit", "1")[1].splitlines()] == ["1"]
    code, out, _ = run("trail", "--limit", "3")
    assert "evidence.delete" in out and hashlib.sha256(back.read_bytes()).hexdigest() in out
    assert run("findings-pdf", "--audit", "1", "--out", str(tmp_path / "sheet.pdf"), "--allow-incomplete")[0] == 0
    code, _, err = run("audit", "evidence", "delete", "1")
    assert code == EXIT_BAD_INPUT and "帳票管理簿.pdf は指摘事項票(" in err and "削除できません" in err
