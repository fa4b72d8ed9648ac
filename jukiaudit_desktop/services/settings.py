"""App settings kept in the database (table `setting`, JSON values); every change is recorded in the trail."""

from __future__ import annotations

import json
from typing import Any

from ..core.errors import InputError
from ..storage import settings_repo, trail
from ..storage.database import Database

AUTO_LOCK_MINUTES = "security.auto_lock_minutes"
DEFAULT_AUTO_LOCK_MINUTES = 5
MAX_AUTO_LOCK_MINUTES = 240


def get(db: Database, name: str, default: Any = None) -> Any:
    text = settings_repo.get_text(db, name)
    return default if text is None else json.loads(text)


def set_value(db: Database, name: str, value: Any) -> None:
    """Store `value` (anything JSON can hold) under `name`, with a trail entry naming the setting."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    with db.transaction():
        settings_repo.put_text(db, name, text)
        trail.record(db, "setting.set", name=name, value=value)


def auto_lock_minutes(db: Database) -> int:
    """Minutes without input before the GUI locks itself (it always does: there is no "never")."""
    return int(get(db, AUTO_LOCK_MINUTES, DEFAULT_AUTO_LOCK_MINUTES))


def set_auto_lock_minutes(db: Database, minutes: int) -> None:
    if not 1 <= minutes <= MAX_AUTO_LOCK_MINUTES:
        raise InputError(f"自動ロックまでの時間は 1～{MAX_AUTO_LOCK_MINUTES} 分で指定してください(指定: {minutes})。")
    set_value(db, AUTO_LOCK_MINUTES, minutes)


ADVANCE_AFTER_SCORE = "session.advance_after_score"
REPORT_DUE_MONTHS = "findings.report_due_months"
DEFAULT_REPORT_DUE_MONTHS = 2
MAX_REPORT_DUE_MONTHS = 24


def advance_after_score(db: Database) -> bool:
    """「採点したら次の項目へ」: a score key moves the session to the next item (on unless turned off)."""
    return bool(get(db, ADVANCE_AFTER_SCORE, True))


def set_advance_after_score(db: Database, on: bool) -> None:
    set_value(db, ADVANCE_AFTER_SCORE, bool(on))


def report_due_months(db: Database) -> int:
    """A new finding's 改善報告期限 defaults to this many months after the day it is raised."""
    return int(get(db, REPORT_DUE_MONTHS, DEFAULT_REPORT_DUE_MONTHS))


def set_report_due_months(db: Database, months: int) -> None:
    if not 1 <= months <= MAX_REPORT_DUE_MONTHS:
        raise InputError(f"改善報告期限は 1～{MAX_REPORT_DUE_MONTHS} か月後で指定してください(指定: {months})。")
    set_value(db, REPORT_DUE_MONTHS, months)
