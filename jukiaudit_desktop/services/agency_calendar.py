"""Each agency's business calendar for reconciliation: business hours and closed days beyond national holidays
and weekends (by default 08:30–17:30 and 年末年始 12/29–1/3; e.g. 17:15 closing, a 振興局's own closing days)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from ..reconcile.settings import (
    YEAR_END_CLOSED_DAYS,
    ReconcileSettings,
    format_hours,
    parse_closed_day,
    parse_hours,
)
from ..storage.database import Database
from . import settings
from .master_data import require_agency


@dataclass(frozen=True)
class AgencyCalendar:
    hours_start: time = time(8, 30)
    hours_end: time = time(17, 30)
    closed_days: tuple[str, ...] = YEAR_END_CLOSED_DAYS

    @property
    def business_hours(self) -> str:
        return format_hours(self.hours_start, self.hours_end)


def _name(code: str) -> str:
    return f"reconcile.calendar.{code}"


def calendar(db: Database, agency_code: str) -> AgencyCalendar:
    require_agency(db, agency_code)
    stored = settings.get(db, _name(agency_code))
    if stored is None:
        return AgencyCalendar()
    start, end = parse_hours(stored["business_hours"])
    return AgencyCalendar(start, end, tuple(stored["closed_days"]))


def set_calendar(db: Database, agency_code: str, business_hours: str, closed_days: list[str]) -> AgencyCalendar:
    """Keep the agency's hours ("08:30-17:15") and closed days ("12-29", "2026-08-14" …); in the trail."""
    require_agency(db, agency_code)
    start, end = parse_hours(business_hours)
    days = [d.strip() for d in closed_days if d.strip()]
    for day in days:
        parse_closed_day(day)
    ReconcileSettings(hours_start=start, hours_end=end, closed_days=tuple(days))  # the same checks as a run
    settings.set_value(db, _name(agency_code), {"business_hours": format_hours(start, end), "closed_days": days})
    return AgencyCalendar(start, end, tuple(days))
