"""和暦 (Japanese era) dates: display, parsing of 和暦 and 西暦 input, and the April–March fiscal year."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from .errors import InputError


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: date


# Newest first; 令和 from 2019-05-01, 平成 from 1989-01-08, 昭和 from 1926-12-25.
ERAS = (
    Era("令和", "R", date(2019, 5, 1)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("昭和", "S", date(1926, 12, 25)),
)


def era_of(day: date) -> tuple[Era, int]:
    for era in ERAS:
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise ValueError(f"{day} is before 昭和")


def _year_text(year: int) -> str:
    return "元" if year == 1 else str(year)


def format_wareki(day: date) -> str:
    """令和7年10月3日 (元年 for the first year)."""
    era, year = era_of(day)
    return f"{era.name}{_year_text(year)}年{day.month}月{day.day}日"


def format_wareki_or(day: date | None, blank: str = "") -> str:
    """format_wareki(day), or `blank` when there is no date (an open end, a date not set yet)."""
    return blank if day is None else format_wareki(day)


def format_wareki_moment(iso: str) -> str:
    """2025-04-02T13:51:56 → 令和7年4月2日 13:51:56 (minutes only when the text has none); text that is not an
    ISO time stamp comes back as it is."""
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    clock = moment.strftime("%H:%M:%S" if len(iso) > 16 else "%H:%M")
    return f"{format_wareki(moment.date())} {clock}"


def format_wareki_short(day: date) -> str:
    """R7.10.3"""
    era, year = era_of(day)
    return f"{era.letter}{year}.{day.month}.{day.day}"


def fiscal_year(day: date) -> int:
    """The 年度 (西暦 of its April) that `day` falls in."""
    return day.year if day.month >= 4 else day.year - 1


def format_fiscal_year(year: int) -> str:
    """令和7年度 for 2025; 令和元年度 for 2019, as the year is named after its era change."""
    era, era_year = era_of(date(year, 12, 31))
    return f"{era.name}{_year_text(era_year)}年度"


_FISCAL_WAREKI = re.compile(r"^(?P<era>令和|平成|昭和|[RrHhSs])\s*(?P<year>元|\d{1,2})\s*(?:年度?)?$")
_FISCAL_SEIREKI = re.compile(r"^(?P<year>\d{4})\s*(?:年度?)?$")
FISCAL_YEAR_RANGE = (1989, 2100)  # 平成元年度 (the 住基ネット began in 平成14年度) to a far future
FISCAL_YEAR_EXAMPLES = "2026、令和8、R8 または 令和8年度"


def parse_fiscal_year(text: str, location: str | None = None) -> int:
    """The 年度 (西暦 of its April) typed as 2026, 2026年度, 令和8, 令和8年度, R8, r8 or 令和元年度 (full-width
    digits too). 令和N年度 is 2018+N: the year is named after the era it ends in (令和元年度 = 2019 = 平成31年度)."""
    value = normalize_text(text)
    if m := _FISCAL_SEIREKI.match(value):
        year = int(m["year"])
    elif m := _FISCAL_WAREKI.match(value):
        letter = m["era"].upper() if len(m["era"]) == 1 else m["era"]
        index, era = next((i, e) for i, e in enumerate(ERAS) if letter in (e.letter, e.name))
        era_year = 1 if m["year"] == "元" else int(m["year"])
        last_year = ERAS[index - 1].start.year if index else None  # the era's last 年度 is its successor's first
        if era_year < 1 or (last_year is not None and era.start.year + era_year - 1 > last_year):
            raise InputError(f"年度「{text}」はありません({era.name}は{era.start.year}年から"
                             f"{'' if last_year is None else f'{last_year}年まで'})。", location)
        year = era.start.year + era_year - 1
    else:
        raise InputError(f"年度「{text}」を読めません。{FISCAL_YEAR_EXAMPLES} の形で書いてください。", location)
    if not FISCAL_YEAR_RANGE[0] <= year <= FISCAL_YEAR_RANGE[1]:
        raise InputError(f"年度「{text}」は範囲外です({format_fiscal_year(FISCAL_YEAR_RANGE[0])}～"
                         f"{format_fiscal_year(FISCAL_YEAR_RANGE[1])})。", location)
    return year


_WAREKI = re.compile(
    r"^(?P<era>令和|平成|昭和|[RrHhSs])\s*(?P<year>元|\d{1,2})\s*(?:年|[./-])\s*(?P<month>\d{1,2})\s*(?:月|[./-])"
    r"\s*(?P<day>\d{1,2})\s*日?$"
)
_SEIREKI = re.compile(r"^(?P<year>\d{4})\s*(?:年|[./-])\s*(?P<month>\d{1,2})\s*(?:月|[./-])\s*(?P<day>\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$")


def normalize_text(text: str) -> str:
    """Full-width digits, letters and punctuation to their ASCII forms (NFKC), trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_date(text: str, location: str | None = None) -> date:
    """Accepts 2025/10/03, 2025-10-03, 20251003, 2025年10月3日, R7.10.3, 令和7年10月3日, 令和元年5月1日."""
    value = normalize_text(text)
    try:
        if m := _SEIREKI.match(value) or _COMPACT.match(value):
            return date(int(m["year"]), int(m["month"]), int(m["day"]))
        if m := _WAREKI.match(value):
            letter = m["era"].upper() if len(m["era"]) == 1 else m["era"]
            era = next(e for e in ERAS if letter in (e.letter, e.name))
            era_year = 1 if m["year"] == "元" else int(m["year"])
            day = date(era.start.year + era_year - 1, int(m["month"]), int(m["day"]))
            if day < era.start or era_year < 1:
                raise ValueError(f"{era.name}{era_year}年にその日付はありません")
            return day
    except ValueError as exc:
        raise InputError(f"日付「{text}」が正しくありません({exc})。", location) from None
    raise InputError(f"日付「{text}」を読めません。2025/10/03 や 令和7年10月3日、R7.10.3 の形で書いてください。",
                     location)
