"""The plan on the command line: propose / save, check (exit 3 with the breaches), pin, the council PDF read back,
the coverage matrix as .xlsx read back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from jukiaudit_desktop.cli import EXIT_BAD_INPUT, EXIT_OK


@pytest.fixture
def run(cli, demo_db_path: Path):
    """The CLI on a copy of the demo database (the `demo` command itself is tested in test_master_cli)."""
    return cli


COUNCIL_R8 = {  # seed 資料2 （令和8年度監査計画）; the 3 new agencies from 資料4
    ("K03", "内部監査"), ("K12", "内部監査"), ("K01", "内部監査"), ("K21", "内部監査"), ("K05", "内部監査"),
    ("K07", "内部監査"), ("K17", "内部監査"), ("C03", "内部監査"), ("C06", "内部監査"),
    ("K13", "内部監査"), ("K22", "内部監査"), ("K23", "内部監査"), ("K09", "外部監査"), ("C05", "外部監査"),
}


def test_demo_holds_the_councils_r8_plan(run) -> None:
    code, out, _ = run("plan", "show", "--year", "2026", "--json")
    assert code == EXIT_OK
    shown = json.loads(out)
    assert set(shown) == {"year", "audits"} and shown["year"] == 2026
    assert all(set(a) == {"agency_code", "agency_name", "audit_type", "new_agency", "pinned", "reason"}
               for a in shown["audits"])
    assert {(a["agency_code"], a["audit_type"]) for a in shown["audits"]} == COUNCIL_R8
    assert len(shown["audits"]) == 14
    assert {a["agency_code"] for a in shown["audits"] if a["new_agency"]} == {"K13", "K22", "K23"}
    code, out, _ = run("plan", "check", "--year", "2026")
    assert code == EXIT_OK and "規則違反はありません" in out and "後の年度で計画する機関: 27機関" in out
    code, _, err = run("plan", "show", "--year", "2027")
    assert code == EXIT_BAD_INPUT and "令和9年度の計画が保存されていません" in err


def test_propose_check_save_pin_and_check_again(run, tmp_path: Path) -> None:
    out_file = tmp_path / "plan.json"
    code, out, _ = run("plan", "--year", "2026", "--external", "2", "--as-of", "R8.1.21", "--json", str(out_file))
    assert code == EXIT_OK and "保存していません" in out
    proposal = json.loads(out_file.read_text(encoding="utf-8"))
    assert proposal["period"] == "第7期" and proposal["external_budget"] == 2
    assert proposal["internal_counts"] == {"2026": 9} and proposal["prefer_overdue"] is False
    r8 = [e for e in proposal["entries"] if e["fiscal_year"] == 2026]
    assert {(e["agency_code"], e["audit_type"]) for e in r8} == COUNCIL_R8  # pins kept exactly, none added
    assert proposal["summary"]["2026"] == {"内部監査": 12, "外部監査": 2}
    assert len({e["agency_code"] for e in proposal["entries"]}) == len(proposal["entries"]) == 41

    assert run("plan", "--year", "2026", "--as-of", "2026-01-21", "--save")[0] == EXIT_OK
    code, out, _ = run("plan", "check", "--year", "2026")
    assert code == EXIT_OK and "規則違反はありません" in out and "後の年度" not in out

    assert run("plan", "pin", "--agency", "K13", "--year", "2027")[0] == EXIT_OK  # a new agency moved a year
    code, out, _ = run("plan", "check", "--year", "2026")
    assert code == EXIT_BAD_INPUT
    assert out.splitlines()[0] == ("【新規機関は利用開始年度に内部監査】令和8年度: K13 水道事業課 — "
                                   "利用開始年度に内部監査が入っていません。")
    code, _, err = run("plan", "--year", "2026")  # the generator refuses to plan around the broken pin
    assert code == EXIT_BAD_INPUT and "K13 水道事業課" in err and "新規機関は利用開始年度に内部監査" in err
    code, _, err = run("plan", "pin", "--agency", "K13", "--year", "2026", "--type", "監査")
    assert code == EXIT_BAD_INPUT and "--type は 内部監査 か 外部監査" in err
    assert run("plan", "unpin", "--agency", "K13", "--year", "2026")[0] == EXIT_OK
    assert run("plan", "--year", "2026", "--save")[0] == EXIT_OK
    assert run("plan", "check", "--year", "2026")[0] == EXIT_OK


def test_plan_pdf_reads_back_and_reprints_identically(run, tmp_path: Path) -> None:
    code, _, err = run("plan", "pdf", "--year", "2027", "--out", str(tmp_path / "none.pdf"))
    assert code == EXIT_BAD_INPUT and "令和9年度の計画が保存されていません" in err
    first, second = tmp_path / "plan1.pdf", tmp_path / "plan2.pdf"
    code, out, _ = run("plan", "pdf", "--year", "2026", "--out", str(first))
    assert code == EXIT_OK and "JKA-PLAN-2026-01" in out
    assert run("plan", "pdf", "--year", "2026", "--out", str(second))[0] == EXIT_OK
    assert first.read_bytes() == second.read_bytes()
    text = "".join(page.extract_text() for page in PdfReader(first).pages).replace(" ", "").replace("\n", "")
    assert "令和8年度住民基本台帳ネットワーク監査計画" in text
    assert "新規事務利用機関:水道事業課、介護支援課、河川課(3機関)" in text
    assert "諏訪地域振興局、木曾地域振興局(9機関)" in text and "令和9年度(見込み)未計画" in text
    assert "消防課" in text and "(2機関)" in text and "1/1" in text
    # The council's three principles only; no setting was made, so no settings section and no 4th principle.
    assert "3.新規事務利用機関については、利用開始年度に内部監査を実施する。" in text
    assert "4." not in text and "外部監査は年" not in text and "担当者の設定" in text  # 9 internal in R8


def test_matrix_xlsx_and_bad_period(run, tmp_path: Path) -> None:
    code, _, err = run("plan", "matrix", "--period", "第9期", "--xlsx", str(tmp_path / "m.xlsx"))
    assert code == EXIT_BAD_INPUT and "期「第9期」は登録されていません(登録済み: 第6期、第7期)" in err
    path = tmp_path / "m.xlsx"
    code, out, _ = run("plan", "matrix", "--period", "第6期", "--xlsx", str(path))
    assert code == EXIT_OK and "38機関、期内に監査のない機関 0" in out
    sheet = load_workbook(path)["第6期"]
    assert [c.value for c in sheet[1]] == ["コード", "機関名", "令和5年度", "令和6年度", "令和7年度", "期内", "規則違反"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 38
    assert all(sum(1 for v in row[2:5] if v) == 1 for row in rows)  # every agency once in 第6期
    by_code = {row[0]: row for row in rows}
    assert by_code["C09"][4] == "外部監査・記録" and by_code["K03"][2] == "内部監査・履歴"
    c09 = next(r for r in range(2, 40) if sheet.cell(r, 1).value == "C09")
    assert sheet.cell(c09, 5).fill.fgColor.rgb.endswith("FFD99E")
