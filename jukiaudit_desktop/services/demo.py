"""Demo data, one click away: the seed's real lists plus a worked audit year, loaded in one transaction.

Each area contributes a step `load(db)` (its own module) to DEMO_STEPS, in dependency order.
"""

from __future__ import annotations

from collections.abc import Callable

from ..core.errors import JukiAuditError
from ..core.progress import NO_PROGRESS, Progress
from ..storage import agencies, trail
from ..storage.database import Database
from . import (
    audits_demo,
    imports,
    master_demo,
    municipal_demo,
    planning_demo,
    register_checks_demo,
    reports_annual,
)

DemoStep = tuple[str, Callable[[Database], None]]

DEMO_STEPS: list[DemoStep] = [
    ("マスタデータ", master_demo.load),
    ("監査計画(第6期の履歴・令和8年度計画)", planning_demo.load),
    ("監査(令和7年度)", audits_demo.load),
    ("利用件数の年度合計", reports_annual.load_demo),
    ("操作ログ(サンプル)", imports.load_demo),
    ("管理簿の点検(令和7年度)", register_checks_demo.load),
    ("市町村(資料5)", municipal_demo.load),
    # … each area appends its step here
]


def has_data(db: Database) -> bool:
    return agencies.any_agency(db)


def load_demo(db: Database, progress: Progress = NO_PROGRESS) -> None:
    """Load every demo step into an empty database, all or nothing."""
    if has_data(db):
        raise JukiAuditError("データベースに既にデータがあります。デモデータは空のデータベースにだけ読み込めます。")
    with db.transaction():
        for done, (label, step) in enumerate(DEMO_STEPS):
            progress.update(done, len(DEMO_STEPS), label)
            step(db)
        trail.record(db, "demo.load", steps=[label for label, _ in DEMO_STEPS])
    progress.update(len(DEMO_STEPS), len(DEMO_STEPS), "完了")
