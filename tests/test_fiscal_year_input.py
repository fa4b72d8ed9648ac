"""年度 input (issue 16, Terms): 2026, 令和8, R8 and 令和8年度 name the same 年度 wherever one is typed — one parser
in core/, used by every CLI option and GUI field — and anything else is refused with a Japanese message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jukiaudit_desktop.cli import EXIT_BAD_INPUT, EXIT_OK
from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.core.wareki import format_fiscal_year, parse_fiscal_year

FORMS_OF_2026 = ["2026", "2026年度", "令和8", "令和8年度", "R8", "r8", "R8年度", "２０２６", "Ｒ８", "令和８年度", " R 8 "]


@pytest.mark.parametrize("typed", FORMS_OF_2026)
def test_every_form_of_reiwa_8_is_2026(typed: str) -> None:
    assert parse_fiscal_year(typed) == 2026


@pytest.mark.parametrize(("typed", "year"), [("令和元年度", 2019), ("R元", 2019), ("平成31年度", 2019), ("H14", 2002),
                                             ("平成元", 1989), ("2100", 2100)])
def test_era_boundaries(typed: str, year: int) -> None:
    assert parse_fiscal_year(typed) == year


def test_what_is_shown_reads_back() -> None:
    for year in (2002, 2019, 2026):
        assert parse_fiscal_year(format_fiscal_year(year)) == year


@pytest.mark.parametrize(("typed", "message"), [
    ("26", "年度「26」を読めません。2026、令和8、R8 または 令和8年度 の形で書いてください。"),
    ("8", "年度「8」を読めません。"),
    ("令和", "年度「令和」を読めません。"),
    ("2026/4", "年度「2026/4」を読めません。"),
    ("X8", "年度「X8」を読めません。"),
    ("", "年度「」を読めません。"),
    ("令和0", "年度「令和0」はありません(令和は2019年から)。"),
    ("平成40", "年度「平成40」はありません(平成は1989年から2019年まで)。"),
    ("1900", "年度「1900」は範囲外です(平成元年度～令和82年度)。"),
])
def test_other_text_is_refused_in_japanese(typed: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_fiscal_year(typed, "--year")
    assert str(caught.value).startswith(f"--year: {message}")


def test_cli_options_take_every_form(cli) -> None:
    forms = {"K91": "2026", "K92": "令和8", "K93": "R8", "K94": "令和8年度"}
    for code, typed in forms.items():
        assert cli("agency", "add", "--code", code, "--name", f"試験課{code}", "--first-use-year", typed)[0] == EXIT_OK
    code, out, _ = cli("agency", "list")
    assert code == EXIT_OK
    years = {line.split("\t")[0]: line.split("\t")[4] for line in out.splitlines() if line.startswith("K9")}
    assert years == dict.fromkeys(forms, "2026")


def test_cli_refuses_an_unreadable_year_with_exit_3_and_stores_nothing(cli) -> None:
    code, _, err = cli("agency", "add", "--code", "K95", "--name", "試験課", "--first-use-year", "8")
    assert code == EXIT_BAD_INPUT
    assert "--first-use-year: 年度「8」を読めません。2026、令和8、R8 または 令和8年度 の形で書いてください。" in err
    code, _, err = cli("audit", "list", "--year", "令和")
    assert code == EXIT_BAD_INPUT and "--year: 年度「令和」を読めません" in err
    assert "K95" not in cli("agency", "list")[1]


def test_plan_show_reads_the_year_in_wareki(cli, demo_db_path: Path) -> None:
    shown = {}
    for typed in ("2026", "R8", "令和8年度"):
        code, out, _ = cli("plan", "show", "--year", typed, "--json")
        assert code == EXIT_OK
        shown[typed] = json.loads(out)
    assert shown["R8"] == shown["令和8年度"] == shown["2026"]
    assert shown["R8"]["year"] == 2026 and len(shown["R8"]["audits"]) == 14
