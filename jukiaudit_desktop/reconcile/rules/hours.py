"""off_hours: operations outside business hours, or on a weekend, national holiday or extra closed day."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from ..columns import DAY, EPOCH, Operations
from ..model import Discrepancy, Kind
from ..settings import BusinessCalendar, ReconcileSettings


def check_hours(ops: Operations, settings: ReconcileSettings) -> list[Discrepancy]:
    """Business hours are inclusive at both ends: 08:30:00 and 17:30:00 are inside 08:30–17:30."""
    calendar = BusinessCalendar(settings)
    day, second = np.divmod(ops.at, DAY)
    first_day = int(day.min()) if len(day) else 0
    reasons = [calendar.closed_reason((EPOCH + timedelta(days=first_day + d)).date())
               for d in range(int(day.max()) - first_day + 1 if len(day) else 0)]
    day_index = day - first_day
    closed = np.array([r is not None for r in reasons], dtype=np.bool_)[day_index]
    opens = settings.hours_start.hour * 3600 + settings.hours_start.minute * 60
    closes = settings.hours_end.hour * 3600 + settings.hours_end.minute * 60
    outside = closed | (second < opens) | (second > closes)
    found = []
    for i in np.flatnonzero(outside):
        detail = {"reason": reasons[day_index[i]] or "業務時間外"}
        found.append(Discrepancy(Kind.OFF_HOURS, (int(ops.id[i]),), (), detail, int(ops.at[i])))
    return found
