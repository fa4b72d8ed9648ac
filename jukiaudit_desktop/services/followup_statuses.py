"""Follow-up statuses (改善状況): the inspector's list (default 措置済 / 一部措置 / 未措置), read and set."""

from __future__ import annotations

from ..core.errors import InputError
from ..core.followup_status import FollowupStatus, FollowupStatuses, checked_statuses
from ..storage import followup_status_repo as repo
from ..storage import trail
from ..storage.database import Database

__all__ = ["FollowupStatus", "FollowupStatuses", "parse_spec", "set_statuses", "statuses"]

CLOSES_MARK, DATE_MARK = "完了", "予定日"


def statuses(db: Database) -> FollowupStatuses:
    return repo.load(db)


def set_statuses(db: Database, items: list[FollowupStatus]) -> FollowupStatuses:
    """Replace the list (best first). A status a finding or a 改善報告 is at cannot be taken out."""
    checked = checked_statuses(items)
    with db.transaction():
        removed = set(repo.load(db).names) - set(checked.names)
        in_use = sorted(removed & repo.used(db))
        if in_use:
            raise InputError(f"改善状況「{'」「'.join(in_use)}」は指摘事項または改善報告で使われているため、"
                             "外せません(名前はそのまま残してください)。")
        repo.replace(db, checked)
        trail.record(db, "followup_status.set", statuses=[spec_text(s) for s in checked.items])
    return checked


def spec_text(status: FollowupStatus) -> str:
    """措置済:完了 / 一部措置:予定日 / 未措置:予定日 — the form `parse_spec` reads."""
    marks = [m for m, on in ((CLOSES_MARK, status.closes), (DATE_MARK, status.asks_date)) if on]
    return ":".join([status.name, *marks])


def parse_spec(text: str) -> FollowupStatus:
    """NAME[:完了][:予定日] — 完了: the status closes the finding; 予定日: a report at it gives its 予定日."""
    name, *marks = [part.strip() for part in text.split(":")]
    unknown = [m for m in marks if m not in (CLOSES_MARK, DATE_MARK)]
    if unknown:
        raise InputError(f"改善状況「{text}」: 「{unknown[0]}」は使えません。名前の後に :{CLOSES_MARK} または "
                         f":{DATE_MARK} を付けられます(例: 措置済:{CLOSES_MARK} 未措置:{DATE_MARK})。")
    return FollowupStatus(name, CLOSES_MARK in marks, DATE_MARK in marks)
