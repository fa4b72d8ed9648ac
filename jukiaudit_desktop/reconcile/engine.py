"""Runs every rule over the columns and returns the discrepancies in one deterministic order."""

from __future__ import annotations

import bisect

import numpy as np

from ..core.collector import collector_paused
from .attribution import attribute
from .columns import AgencyLists, Operations, RegisterEntries, Vocabulary
from .model import Discrepancy, Kind, Outcome
from .rules.activity import check_activity, skipped_activity
from .rules.authority import check_authority, skipped_checks
from .rules.concurrency import check_concurrent
from .rules.hours import check_hours
from .rules.register import check_register
from .rules.subjects import check_subjects
from .settings import ReconcileSettings


def reconcile(ops: Operations, entries: RegisterEntries, lists: AgencyLists, names: Vocabulary,
              settings: ReconcileSettings, period: tuple[int | None, int | None] = (None, None)) -> Outcome:
    """Order: by kind (as listed in model.Kind), then time, then operation id, then register entry id.

    `period` (first second, end second exclusive; None = open): the operations read may reach beyond the
    period (attribution at its edges); the subject and activity kinds count only the operations inside it.
    Those kinds, the last ones in model.Kind, read the operations in time order and return their
    discrepancies in the order above already (rules/groups.per_group), and so does off_hours, one per
    operation in time order; the others are sorted here.
    """
    ops = ops.in_time_order()  # what the rules read them in
    with collector_paused():  # the 10^5 discrepancies of a million operations and their tuples and dicts
        owner = attribute(ops, entries, settings.tolerance_seconds)
        found = check_register(ops, entries, owner, names)
        found += check_authority(ops, lists, names)
        found += check_concurrent(ops, settings.session_gap_minutes * 60, names)
        found.sort(key=Discrepancy.sort_key)
        off_hours = bisect.bisect_left(found, Kind.OFF_HOURS.rank, key=lambda d: d.kind.rank)
        found[off_hours:off_hours] = check_hours(ops, settings)  # in order already: often the most
        inside = _inside(ops, *period)
        found += check_subjects(inside, lists, settings)
        found += check_activity(inside, lists, settings)
    return Outcome(found, skipped_checks(lists) + skipped_activity(lists))


def _inside(ops: Operations, first: int | None, end: int | None) -> Operations:
    if first is None and end is None:
        return ops
    keep = np.ones(len(ops), dtype=np.bool_)
    if first is not None:
        keep &= ops.at >= first
    if end is not None:
        keep &= ops.at < end
    return ops.take(keep)
