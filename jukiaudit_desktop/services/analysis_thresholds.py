"""The thresholds of the subject and activity kinds kept as the office's own (setting `reconcile.thresholds`).

The ログ突合 page's しきい値 dialog and `reconcile-thresholds` set them; every run starts from them (the GUI's, and
`reconcile` where no option overrides one). Nothing saved: ReconcileSettings' defaults (issue 17's table).
"""

from __future__ import annotations

from dataclasses import replace

from ..reconcile.settings import ReconcileSettings
from ..storage.database import Database
from . import settings

SETTING = "reconcile.thresholds"
FIELDS = ("repeat_days", "repeat_operators", "repeat_window_days", "spike_factor", "spike_minimum",
          "burst_failures", "burst_minutes")


def kept(db: Database) -> ReconcileSettings:
    """The defaults with the saved thresholds in place."""
    saved = settings.get(db, SETTING, {})
    return replace(ReconcileSettings(), **{name: saved[name] for name in FIELDS if name in saved})


def keep(db: Database, chosen: ReconcileSettings) -> ReconcileSettings:
    """Save `chosen`'s thresholds (already validated by ReconcileSettings) for the next runs; one trail entry."""
    settings.set_value(db, SETTING, {name: getattr(chosen, name) for name in FIELDS})
    return kept(db)
