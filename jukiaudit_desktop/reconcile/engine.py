"""Runs every rule over the columns and returns the discrepancies in one deterministic order."""

from __future__ import annotations

from .attribution import attribute
from .columns import AgencyLists, Operations, RegisterEntries, Vocabulary
from .model import Outcome
from .rules.authority import check_authority, skipped_checks
from .rules.concurrency import check_concurrent
from .rules.hours import check_hours
from .rules.register import check_register
from .settings import ReconcileSettings


def reconcile(ops: Operations, entries: RegisterEntries, lists: AgencyLists, names: Vocabulary,
              settings: ReconcileSettings) -> Outcome:
    """Order: by kind (as listed in model.Kind), then time, then operation id, then register entry id."""
    owner = attribute(ops, entries, settings.tolerance_seconds)
    found = check_register(ops, entries, owner, names)
    found += check_hours(ops, settings)
    found += check_authority(ops, lists)
    found += check_concurrent(ops, settings.session_gap_minutes * 60, names)
    found.sort(key=lambda d: d.sort_key())
    return Outcome(found, skipped_checks(lists))
