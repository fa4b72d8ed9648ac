"""和暦 display and 和暦/西暦 parsing."""

from datetime import date

import pytest

from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.core.wareki import (
    fiscal_year,
    format_fiscal_year,
    format_wareki,
    format_wareki_short,
    parse_date,
)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2025, 10, 3), "令和7年10月3日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
    ],
)
def test_format_wareki(day: date, text: str) -> None:
    assert format_wareki(day) == text
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["R7.10.3", "令和7年10月3日", "2025/10/03", "2025-10-03", "２０２５／１０／０３", "r7.10.3"])
def test_parse_accepts_wareki_and_seireki(text: str) -> None:
    assert parse_date(text) == date(2025, 10, 3)


def test_parse_rejects_nonsense_with_location() -> None:
    with pytest.raises(InputError, match="a.csv:3:1"):
        parse_date("2025/02/30", "a.csv:3:1")
    with pytest.raises(InputError):
        parse_date("令和0年1月1日")
    with pytest.raises(InputError):
        parse_date("平成1年1月7日")  # before 平成 began


def test_fiscal_year() -> None:
    assert fiscal_year(date(2026, 3, 31)) == 2025
    assert fiscal_year(date(2026, 4, 1)) == 2026
    assert format_fiscal_year(2025) == "令和7年度"
    assert format_fiscal_year(2019) == "令和元年度"
    assert format_wareki_short(date(2025, 10, 3)) == "R7.10.3"


def test_a_missing_date_is_shown_blank_or_as_the_caller_says() -> None:
    from jukiaudit_desktop.core.wareki import format_wareki_or

    assert format_wareki_or(date(2019, 5, 1)) == "令和元年5月1日"
    assert format_wareki_or(None) == ""
    assert format_wareki_or(None, "日程未定") == "日程未定"


def test_moments_in_wareki_keep_seconds_only_when_given() -> None:
    from jukiaudit_desktop.core.wareki import format_wareki_moment

    assert format_wareki_moment("2025-04-02T13:51:56") == "令和7年4月2日 13:51:56"
    assert format_wareki_moment("2019-04-30T09:00") == "平成31年4月30日 09:00"
    assert format_wareki_moment("2019-05-01T00:00") == "令和元年5月1日 00:00"
    assert format_wareki_moment("手入力") == "手入力"
