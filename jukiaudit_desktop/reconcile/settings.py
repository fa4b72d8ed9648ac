"""Settings of one reconciliation run: tolerance, business hours, closed days, the thresholds of the subject and
activity kinds; and the business calendar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import holidays

from ..core.errors import InputError

# 年末年始: closed in every prefecture office (1/1 is a national holiday as well).
YEAR_END_CLOSED_DAYS = ("12-29", "12-30", "12-31", "01-01", "01-02", "01-03")
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~\uff5e\u301c]\s*(\d{1,2}):(\d{2})\s*$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True)
class ReconcileSettings:
    """Defaults follow the domain notes: 5 minutes tolerance, 08:30–17:30 on weekdays that are not holidays
    nor 年末年始 (12/29–1/3).

    `closed_days` are the closed days beyond national holidays and weekends: "12-29" (every year) or
    "2025-12-29"; by default 年末年始. An agency keeps its own (services.agency_calendar).
    `session_gap_minutes`: an operator's operations on one terminal at most this far apart form one
    continuous use of that terminal (for concurrent_session).
    The thresholds of the subject and activity kinds (rules/subjects.py, rules/activity.py) follow issue 17:
    repeated_subject at `repeat_days` distinct days or `repeat_operators` distinct operators within any
    `repeat_window_days` days; volume_spike at `spike_factor` × the operator's median and at least
    `spike_minimum` operations a day; failed_search_burst at `burst_failures` failures within `burst_minutes`.
    """

    tolerance_minutes: int = 5
    hours_start: time = time(8, 30)
    hours_end: time = time(17, 30)
    closed_days: tuple[str, ...] = YEAR_END_CLOSED_DAYS
    session_gap_minutes: int = 30
    repeat_days: int = 3
    repeat_operators: int = 3
    repeat_window_days: int = 30
    spike_factor: float = 5.0
    spike_minimum: int = 50
    burst_failures: int = 5
    burst_minutes: int = 10

    def __post_init__(self) -> None:
        if not 0 <= self.tolerance_minutes <= 24 * 60:
            raise InputError(f"許容時間 {self.tolerance_minutes} 分は範囲外です(0～1440 分)。")
        if self.hours_start >= self.hours_end:
            raise InputError("業務時間の開始は終了より前にしてください(例: 08:30-17:30)。")
        if self.session_gap_minutes < 0:
            raise InputError("連続使用とみなす間隔は 0 分以上にしてください。")
        for value, label in ((self.repeat_days, "同一対象者の照会日数"), (self.repeat_operators, "同一対象者の照会者数"),
                             (self.repeat_window_days, "同一対象者の判定期間(日)"), (self.spike_minimum, "急増の最少件数"),
                             (self.burst_failures, "失敗の連続件数"), (self.burst_minutes, "失敗の連続の判定時間(分)")):
            if value < 1:
                raise InputError(f"{label}は 1 以上にしてください({value})。")
        if not self.spike_factor > 0:
            raise InputError(f"急増の倍率は 0 より大きくしてください({self.spike_factor})。")
        for text in self.closed_days:
            parse_closed_day(text)

    @property
    def tolerance_seconds(self) -> int:
        return self.tolerance_minutes * 60

    def as_json(self) -> dict[str, Any]:
        return {
            "tolerance_minutes": self.tolerance_minutes,
            "business_hours": format_hours(self.hours_start, self.hours_end),
            "closed_days": list(self.closed_days),
            "session_gap_minutes": self.session_gap_minutes,
            "repeat_days": self.repeat_days,
            "repeat_operators": self.repeat_operators,
            "repeat_window_days": self.repeat_window_days,
            "spike_factor": self.spike_factor,
            "spike_minimum": self.spike_minimum,
            "burst_failures": self.burst_failures,
            "burst_minutes": self.burst_minutes,
        }


def parse_hours(text: str) -> tuple[time, time]:
    """"08:30-17:30" → (08:30, 17:30)."""
    match = _HOURS.match(text)
    if match is None:
        raise InputError(f"業務時間「{text}」を読めません。08:30-17:30 の形で書いてください。")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        return time(h1, m1), time(h2, m2)
    except ValueError:
        raise InputError(f"業務時間「{text}」の時刻が正しくありません。") from None


def format_hours(start: time, end: time) -> str:
    return f"{start:%H:%M}-{end:%H:%M}"


def parse_closed_day(text: str) -> tuple[int | None, int, int]:
    """"12-29" → (None, 12, 29) for every year; "2025-12-29" → (2025, 12, 29)."""
    value = text.strip()
    try:
        if match := _MONTH_DAY.match(value):
            month, day = int(match[1]), int(match[2])
            date(2024, month, day)  # validates (2024 is a leap year, so 02-29 is allowed)
            return None, month, day
        day_ = date.fromisoformat(value)
        return day_.year, day_.month, day_.day
    except ValueError:
        raise InputError(f"休業日「{text}」を読めません。12-29(毎年)か 2025-12-29 の形で書いてください。") from None


_NATIONAL: dict[int, Any] = {}  # national holidays by year, made once a process


def national_holidays(year: int) -> Any:
    """The year's national holidays (振替休日 included), by date. The first call takes a tenth of a second (the
    holidays package loads the calendars of every country): `reconcile` makes it while its key is derived."""
    found = _NATIONAL.get(year)
    if found is None:
        found = _NATIONAL[year] = holidays.Japan(years=year, language="ja")  # type: ignore[attr-defined]
    return found


@dataclass
class BusinessCalendar:
    """Says why a day is closed: weekend, national holiday (振替休日 included), or an extra closed day."""

    settings: ReconcileSettings

    def closed_reason(self, day: date) -> str | None:
        name = national_holidays(day.year).get(day)
        if name is not None:
            return f"祝日({name})"
        for year, month, dom in map(parse_closed_day, self.settings.closed_days):
            if (year is None or year == day.year) and (month, dom) == (day.month, day.day):
                return "休業日"
        if day.weekday() >= 5:
            return "土曜日" if day.weekday() == 5 else "日曜日"
        return None
