"""One terminal's day as a picture's data: the register entries (bars), the operations (ticks), the
reconciliation's tolerance and the discrepancies of that terminal and day (marks)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ..storage import imports_repo
from ..storage.database import Database
from ..storage.imports_repo import OperationFilter
from . import master_data
from .reconciliation import DiscrepancyView


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
    label: str


@dataclass(frozen=True)
class DayPicture:
    terminal: str
    day: date
    tolerance_minutes: int
    ticks: list[Tick]
    bars: list[Bar]
    marks: list[Mark]
    selected_id: int  # the discrepancy the day was opened for


def load_day(db: Database, agency_code: str, chosen: DiscrepancyView, discrepancies: Sequence[DiscrepancyView],
             tolerance_minutes: int) -> DayPicture:
    """The day of `chosen`'s terminal, with the marks of every discrepancy of `discrepancies` on it."""
    agency = master_data.require_agency(db, agency_code)
    assert agency.id is not None
    day, terminal = date.fromisoformat(chosen.at[:10]), chosen.terminal
    ids = imports_repo.operation_ids(db, agency.id, OperationFilter(terminal=terminal, date_from=day, date_to=day))
    rows = imports_repo.operations_by_id(db, list(ids))
    ticks = [Tick(int(r[0]), datetime.fromisoformat(r[1]), str(r[3]), int(r[6])) for r in rows if r[2] == terminal]
    bars = [Bar(int(e.id or 0), e.start_at, e.end_at, e.operator, e.jimu_code, e.count)
            for e in imports_repo.list_register_entries(db, agency.id)
            if e.terminal == terminal and e.start_at.date() <= day <= e.end_at.date()]
    marks = [Mark(d.id, datetime.fromisoformat(d.at), d.kind.label) for d in discrepancies
             if d.terminal == terminal and d.at[:10] == day.isoformat()]
    return DayPicture(terminal, day, tolerance_minutes, ticks, bars, marks, chosen.id)
