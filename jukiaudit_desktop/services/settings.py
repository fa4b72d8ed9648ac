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
        raise InputError(f"自動ロックまでの時間は 1〜{MAX_AUTO_LOCK_MINUTES} 分で指定してください(指定: {minutes})。")
    set_value(db, AUTO_LOCK_MINUTES, minutes)
