"""One terminal's day as a picture's data: the register entries (bars), the operations (ticks), the
reconciliation's tolerance and business hours, and the discrepancies of that terminal and day (marks).
Drawn on screen by gui/day_timeline.py and on paper by reports/day_picture_pdf.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

# One colour per operator, in the order of their sorted IDs (the screen and the paper agree).
OPERATOR_PALETTE = ("#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#ad1457", "#4e342e", "#558b2f")


@dataclass(frozen=True)
class Tick:
    operation_id: int
    at: datetime
    operator: str
    count: int


@dataclass(frozen=True)
class Bar:
    entry_id: int
    start: datetime
    end: datetime
    operator: str
    jimu_code: str | None
    count: int | None


@dataclass(frozen=True)
class Mark:
    discrepancy_id: int
    at: datetime
    label: str            # the kind's Japanese name
    operator: str = ""
    summary: str = ""     # the discrepancy in words (see services.reconciliation.describe)
    status: str = ""      # 未対応 / 説明済み / 指摘事項
    explained: bool = False


@dataclass(frozen=True)
class DayPicture:
    terminal: str
    day: date
    tolerance_minutes: int
    ticks: list[Tick]
    bars: list[Bar]
    marks: list[Mark]
    selected_id: int  # the discrepancy the day was opened for
    business_hours: tuple[time, time] | None = None
    closed: str | None = None  # why the whole day is outside business hours (土曜日, 祝日(…), 休業日)


def operator_colours(picture: DayPicture) -> dict[str, str]:
    """Each operator of the day's operations → its colour (hex)."""
    operators = sorted({t.operator for t in picture.ticks})
    return {op: OPERATOR_PALETTE[i % len(OPERATOR_PALETTE)] for i, op in enumerate(operators)}
