"""off_hours: operations outside business hours, or on a weekend, national holiday or extra closed day."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from ..columns import DAY, EPOCH, Operations
from ..model import Discrepancy, Kind
from ..settings import BusinessCalendar, ReconcileSettings


def check_hours(ops: Operations, settings: ReconcileSettings) -> list[Discrepancy]:
    """Business hours are inclusive at both ends: 08:30:00 and 17:30:00 are inside 08:30–17:30. `ops` in time
    order (Operations.in_time_order): the discrepancies come in the engine's order (time, then id)."""
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
    rows = np.flatnonzero(outside)
    return [Discrepancy(Kind.OFF_HOURS, (id_,), (), {"reason": reasons[d] or "業務時間外"}, at)
            for id_, d, at in zip(ops.id[rows].tolist(), day_index[rows].tolist(), ops.at[rows].tolist(),
                                  strict=True)]
