"""One terminal's day as a picture (core.day_picture): for the discrepancy chosen on ログ突合, and for every
flagged day of a run (the findings sheet's appendix)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from ..core.day_picture import Bar, DayPicture, Mark, Tick, operator_colours
from ..core.records import RegisterEntry
from ..reconcile.settings import BusinessCalendar, ReconcileSettings, parse_hours
from ..storage import imports_repo
from ..storage.database import Database
from ..storage.imports_repo import OperationFilter
from . import master_data, reconciliation
from .reconciliation import EXPLAINED, STATUS_LABELS, DiscrepancyView

__all__ = ["Bar", "DayPicture", "Mark", "Tick", "flagged_days", "load_day", "operator_colours"]


def _mark(d: DiscrepancyView) -> Mark:
    return Mark(d.id, datetime.fromisoformat(d.at), d.kind.label, d.operator, d.summary,
                STATUS_LABELS.get(d.status, d.status), d.status == EXPLAINED)


def _picture(db: Database, agency_id: int, terminal: str, day: date, entries: Sequence[RegisterEntry],
             on_day: Sequence[DiscrepancyView], selected_id: int, tolerance_minutes: int,
             business_hours: tuple[time, time] | None = None, closed: str | None = None) -> DayPicture:
    ids = imports_repo.operation_ids(db, agency_id, OperationFilter(terminal=terminal, date_from=day, date_to=day))
    rows = imports_repo.operations_by_id(db, list(ids))
    ticks = [Tick(int(r[0]), datetime.fromisoformat(r[1]), str(r[3]), int(r[6])) for r in rows if r[2] == terminal]
    bars = [Bar(int(e.id or 0), e.start_at, e.end_at, e.operator, e.jimu_code, e.count) for e in entries
            if e.terminal == terminal and e.start_at.date() <= day <= e.end_at.date()]
    return DayPicture(terminal, day, tolerance_minutes, ticks, bars, [_mark(d) for d in on_day], selected_id,
                      business_hours, closed)


def load_day(db: Database, agency_code: str, chosen: DiscrepancyView, discrepancies: Sequence[DiscrepancyView],
             tolerance_minutes: int) -> DayPicture:
    """The day of `chosen`'s terminal, with the marks of every discrepancy of `discrepancies` on it."""
    agency = master_data.require_agency(db, agency_code)
    assert agency.id is not None
    day, terminal = date.fromisoformat(chosen.at[:10]), chosen.terminal
    on_day = [d for d in discrepancies if d.terminal == terminal and d.at[:10] == day.isoformat()]
    return _picture(db, agency.id, terminal, day, imports_repo.list_register_entries(db, agency.id), on_day,
                    chosen.id, tolerance_minutes)


def flagged_days(db: Database, run_id: int) -> list[DayPicture]:
    """Every terminal-day of the run with a discrepancy not yet explained (未対応 or raised as a finding), in
    date then terminal order, each with all the run's discrepancies of that day (explained ones too).
    Discrepancies whose rows were removed with their import since the run have no day and are left out."""
    run = reconciliation.require_run(db, run_id)
    defaults = ReconcileSettings()
    tolerance = int(run.settings.get("tolerance_minutes", defaults.tolerance_minutes))
    hours_text = run.settings.get("business_hours")
    hours = parse_hours(hours_text) if hours_text else (defaults.hours_start, defaults.hours_end)
    calendar = BusinessCalendar(ReconcileSettings(closed_days=tuple(run.settings.get("closed_days",
                                                                                     defaults.closed_days))))
    by_day: dict[tuple[str, str], list[DiscrepancyView]] = {}
    for view in reconciliation.view_run(db, run_id, bulk=False):
        if view.at:
            by_day.setdefault((view.at[:10], view.terminal), []).append(view)
    flagged = sorted(key for key, views in by_day.items() if any(v.status != EXPLAINED for v in views))
    if not flagged:
        return []
    entries = imports_repo.list_register_entries(db, run.agency_id)
    pictures = []
    for day_text, terminal in flagged:
        on_day = sorted(by_day[(day_text, terminal)], key=lambda v: (v.at, v.ordinal))
        day = date.fromisoformat(day_text)
        pictures.append(_picture(db, run.agency_id, terminal, day, entries, on_day, on_day[0].id, tolerance, hours,
                                 calendar.closed_reason(day)))
    return pictures
