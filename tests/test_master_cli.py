"""Master data on the command line: demo, jimu, terminal, operator; exit codes 0 / 2 / 3."""

from __future__ import annotations

import pytest

from jukiaudit_desktop.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE


@pytest.fixture
def run(cli):
    assert cli("init")[0] == EXIT_OK
    return cli


def test_demo_then_jimu_list_for_the_sample_agency_on_a_day(run) -> None:
    code, out, _ = run("demo")
    assert code == EXIT_OK and "マスタデータ" in out
    code, out, _ = run("jimu", "list", "--agency", "C09", "--on", "R7.10.3")
    lines = [line.split("\t") for line in out.splitlines()]
    assert code == EXIT_OK
    # A 地域振興局 uses 住基ネット for 旅券 only (資料1: 旅券法 — 国際交流課 各地域振興局).
    assert [line[:3] for line in lines] == [["別表5-4", "旅券法", "住民基本台帳法別表第五第四号(号は仮)"]]
    _, out, _ = run("jimu", "list", "--agency", "E04")
    assert "条例3-6\t住民監査請求に関する事務\t条例第3条別表第6号(号は仮)\t～令和8年3月18日" in out
    assert "別表6-4\t住民監査請求に関する事務\t住民基本台帳法別表第六第四号(号は仮)\t令和7年8月16日～" in out
    code, out, _ = run("agency", "list")
    water = [line for line in out.splitlines() if "\t水道事業課\t" in line]
    assert water == ["K13\t水道事業課\t本庁課\t企業局\t2026", "K28\t水道事業課\t本庁課"]
    assert sum("【仮】" in line for line in out.splitlines()) == 3
    assert run("demo")[0] == EXIT_BAD_INPUT  # only into an empty database


def test_jimu_add_allow_and_rebase(run) -> None:
    assert run("agency", "add", "--code", "E04", "--name", "監査委員事務局", "--kind", "執行機関",
               "--parent", "監査委員")[0] == EXIT_OK
    assert run("jimu", "add", "--code", "条例3-6", "--name", "住民監査請求に関する事務")[0] == EXIT_OK
    assert run("jimu", "list", "--agency", "E04")[1] == ""
    assert run("jimu", "allow", "--code", "条例3-6", "--agency", "E04")[0] == EXIT_OK
    code, out, _ = run("jimu", "rebase", "--code", "条例3-6", "--new-code", "別表6-4", "--from", "令和8年3月19日")
    assert code == EXIT_OK and "令和8年3月19日 から 別表6-4" in out
    assert run("jimu", "list", "--on", "2026-03-18")[1].startswith("条例3-6\t")
    assert run("jimu", "list", "--on", "2026-03-19")[1].startswith("別表6-4\t")


def test_terminal_and_operator_commands(run) -> None:
    assert run("agency", "add", "--code", "C09", "--name", "長野地域振興局", "--kind", "地域振興局")[0] == EXIT_OK
    assert run("terminal", "add", "--agency", "C09", "--code", "T001", "--location", "端末室")[0] == EXIT_OK
    assert run("terminal", "list")[1] == "C09\tT001\t端末室\n"
    assert run("operator", "add", "--agency", "C09", "--code", "K10000", "--name", "北村 一郎",
               "--registered", "2024/4/1")[0] == EXIT_OK
    assert run("operator", "revoke", "--agency", "C09", "--code", "K10000", "--on", "R7.10.1")[0] == EXIT_OK
    assert run("operator", "list", "--agency", "C09")[1] == "C09\tK10000\t北村 一郎\t令和6年4月1日\t令和7年10月1日\n"


@pytest.mark.parametrize(("argv", "expected", "message"), [
    (["terminal", "add", "--agency", "C09"], EXIT_USAGE, "--code"),
    (["operator", "add", "--agency", "C09", "--code", "K1", "--registered", "2025/02/30"], EXIT_USAGE, "正しくありません"),
    (["jimu"], EXIT_USAGE, "SUBCOMMAND"),
    (["terminal", "add", "--agency", "X99", "--code", "T001"], EXIT_BAD_INPUT, "機関コード X99 は登録されていません"),
    (["jimu", "add", "--code", "別表9-1", "--name", "x"], EXIT_BAD_INPUT, "事務コード「別表9-1」の形が違います"),
    (["agency", "add", "--code", "K01", "--name", "x", "--kind", "課"], EXIT_BAD_INPUT, "種別「課」は使えません"),
    (["jimu", "rebase", "--code", "別表5-1", "--new-code", "別表5-2", "--from", "2026-04-01"], EXIT_BAD_INPUT,
     "事務コード 別表5-1 は登録されていません"),
])
def test_usage_and_input_errors(run, argv: list[str], expected: int, message: str) -> None:
    code, _out, err = run(*argv)
    assert code == expected
    assert message in err
