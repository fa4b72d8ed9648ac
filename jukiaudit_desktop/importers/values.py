"""Cell values → stored values: dates (西暦 / 和暦), times, date-times, counts and codes, full-width normalised.

Converters take a raw cell (str from CSV; str, number, date or time from xlsx) and return an ISO string or
int, or raise ValueError with a Japanese message. They cache what repeats (dates, times, codes), which makes
a million-row log fast to read.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any

from ..core.errors import InputError
from ..core.wareki import normalize_text, parse_date

_CACHE_LIMIT = 200_000
_AUTO = "auto"
_WEEKDAY = re.compile(r"\s*\(\s*[日月火水木金土]\s*\)$")  # 2025/04/01(火), after NFKC
_TIME = re.compile(r"^(\d{1,2})\s*[:時]\s*(\d{1,2})\s*(?:[:分]\s*(?:(\d{1,2})\s*秒?)?)?$")
_STAMP = "[0-9]{4}[/-][0-9]{2}[/-][0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}"
_STAMP_LENGTH = 19
_PLAIN_STAMPS = re.compile(f"{_STAMP}(?:\n{_STAMP})*")  # a column of them joined by newlines
_EXACT_STAMP = "[0-9]{4}[/-][0-9]{2}[/-][0-9]{2} (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"  # a valid time of day
_EXACT_STAMPS = re.compile(f"{_EXACT_STAMP}(?:\n{_EXACT_STAMP})*")
_DAY_PART = operator.itemgetter(slice(0, 10))
_CLOCK_PART = operator.itemgetter(slice(11, _STAMP_LENGTH))


def normalize(raw: Any) -> str:
    """A cell as text: full-width digits and letters made ASCII (NFKC), trimmed; None → ""."""
    if raw is None:
        return ""
    text = raw if isinstance(raw, str) else str(raw)
    return text.strip() if text.isascii() else normalize_text(text)


class Cached(dict[Any, Any]):
    """A converter used as `conv[raw]`: each distinct raw value is converted once (up to a limit); a plain
    dict lookup for the rest, which keeps a million-row import fast. Errors are not remembered."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, raw: Any) -> Any:
        value = self.convert(raw)
        if len(self) < _CACHE_LIMIT:
            self[raw] = value
        return value

    def column(self, raws: Sequence[Any]) -> list[Any]:
        """Every value converted (a dict lookup each, in C, once the distinct values are known)."""
        return list(map(self.__getitem__, raws))


class Uncached:
    """A converter used as `conv[raw]` for values that rarely repeat (time stamps)."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        self.convert = convert

    def __getitem__(self, raw: Any) -> Any:
        return self.convert(raw)

    def column(self, raws: Sequence[Any]) -> list[Any]:
        """Every value converted."""
        return list(map(self.convert, raws))


class DateTimes(Uncached):
    """The date-time converter: a column of plain time stamps ("2025/04/01 08:42:04") is checked at once by a
    regular expression and read as cached date and time parts, exactly as `convert` reads each of them. When
    every time is a valid "HH:MM:SS" that reads as itself and each distinct date reads as itself with "-", the
    column is rewritten as one text instead."""

    def __init__(self, convert: Callable[[Any], Any], date_part: Converter, time_part: Converter,
                 clock_as_is: bool = False) -> None:
        super().__init__(convert)
        self.day_and_t = Cached(lambda raw: date_part[raw] + "T")
        self.time_part = time_part
        self.clock_as_is = clock_as_is  # the time formats read a valid "HH:MM:SS" as itself

    def column(self, raws: Sequence[Any]) -> list[Any]:
        try:
            joined = "\n".join(raws)
        except TypeError:  # xlsx cells that are not text
            return super().column(raws)
        if len(joined) != len(raws) * (_STAMP_LENGTH + 1) - 1:
            return super().column(raws)
        if self.clock_as_is and _EXACT_STAMPS.fullmatch(joined):
            days = list(set(map(_DAY_PART, raws)))
            if list(map(self.day_and_t.__getitem__, days)) == [day.replace("/", "-") + "T" for day in days]:
                return joined.replace("/", "-").replace(" ", "T").split("\n")  # one " " and two "/" or "-" a line
        elif not _PLAIN_STAMPS.fullmatch(joined):
            return super().column(raws)
        days_t = map(self.day_and_t.__getitem__, map(_DAY_PART, raws))
        return list(map(operator.add, days_t, map(self.time_part.__getitem__, map(_CLOCK_PART, raws))))


Converter = Cached | Uncached


def date_converter(formats: Sequence[str]) -> Converter:
    """→ "YYYY-MM-DD". "auto" accepts 2025/10/03, 2025-10-03, 20251003, R7.10.3, 令和7年10月3日, with or
    without a weekday after it: 2025/10/03(金)."""

    def convert(raw: Any) -> str:
        if isinstance(raw, datetime | date):
            return (raw.date() if isinstance(raw, datetime) else raw).isoformat()
        text = normalize(raw)
        if not text:
            raise ValueError("日付が空です")
        for fmt in formats:
            try:
                if fmt == _AUTO:
                    return parse_date(_WEEKDAY.sub("", text)).isoformat()
                return datetime.strptime(text, fmt).date().isoformat()
            except (InputError, ValueError):
                continue
        raise ValueError(f"日付「{text}」を読めません(書式: {' / '.join(formats)})")

    return Cached(convert)


def time_converter(formats: Sequence[str]) -> Converter:
    """→ "HH:MM:SS". "auto" accepts 8:05, 08:05:09, 8時5分, 8時5分9秒, and 24:00 as 00:00 (a register's
    end at midnight, which then falls on the next day)."""

    def convert(raw: Any) -> str:
        if isinstance(raw, datetime):
            raw = raw.time()
        if isinstance(raw, time):
            return raw.replace(microsecond=0).isoformat()
        if isinstance(raw, float) and 0 <= raw < 1:  # an Excel time cell without a time format
            seconds = round(raw * 86400)
            return time(seconds // 3600, seconds // 60 % 60, seconds % 60).isoformat()
        text = normalize(raw)
        if not text:
            raise ValueError("時刻が空です")
        for fmt in formats:
            try:
                if fmt == _AUTO:
                    m = _TIME.match(text)
                    if m is None:
                        continue
                    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
                    if (hour, minute, second) == (24, 0, 0):
                        hour = 0
                    return time(hour, minute, second).isoformat()
                return datetime.strptime(text, fmt).time().isoformat()
            except ValueError:
                continue
        raise ValueError(f"時刻「{text}」を読めません(書式: {' / '.join(formats)})")

    return Cached(convert)


def datetime_converter(formats: Sequence[str]) -> Converter:
    """→ "YYYY-MM-DDTHH:MM:SS" from one cell. A format with a space ("%Y/%m/%d %H:%M:%S") or "auto" is read as a
    date part and a time part, each cached, so that a million distinct time stamps stay fast."""
    split_formats = []
    for fmt in formats:
        date_fmt, sep, time_fmt = fmt.partition(" ")
        split_formats.append((date_fmt, time_fmt) if sep else (fmt, ""))
    date_part = date_converter([d for d, t in split_formats if t] or [_AUTO])
    time_formats = [t for d, t in split_formats if t] or [_AUTO]
    time_part = time_converter(time_formats)
    whole = [d for d, t in split_formats if not t and d != _AUTO]

    def convert(raw: Any) -> str:
        if isinstance(raw, datetime):
            return raw.replace(microsecond=0).isoformat()
        text = raw if isinstance(raw, str) and raw.isascii() else normalize(raw)
        day, sep, clock = text.strip().partition(" ")
        if not sep:
            day, sep, clock = text.partition("T")
        if sep:
            try:
                return str(date_part[day]) + "T" + str(time_part[clock.strip()])
            except ValueError:
                if not whole:
                    raise
        for fmt in whole:
            try:
                return datetime.strptime(text, fmt).isoformat()
            except ValueError:
                continue
        raise ValueError(f"日時「{text}」を読めません(書式: {' / '.join(formats)})")

    clock_as_is = all(t in (_AUTO, "%H:%M:%S") for t in time_formats)
    return DateTimes(convert, date_part, time_part, clock_as_is)


def count_converter(allow_blank: bool = False) -> Converter:
    """→ int ≥ 0. Accepts 12, １２, 1,234, 12件 and whole numbers from Excel; blank → None where allowed."""

    def convert(raw: Any) -> int | None:
        if allow_blank and not normalize(raw):
            return None
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        else:
            text = normalize(raw).replace(",", "").removesuffix("件").strip()
            if not text.isdigit():
                raise ValueError(f"件数「{normalize(raw)}」は 0 以上の整数ではありません")
            value = int(text)
        if value < 0:
            raise ValueError(f"件数「{value}」は 0 以上の整数ではありません")
        return value

    return Cached(convert)


def code_converter(mapping: dict[str, str], required: bool) -> Converter:
    """→ normalised text, translated through the profile's code mapping; None when empty and optional."""
    table = {normalize(k): v for k, v in mapping.items()}

    def convert(raw: Any) -> str | None:
        text = normalize(raw)
        if not text:
            if required:
                raise ValueError("値が空です")
            return None
        return table.get(text, text)

    return Cached(convert)
