"""Start-up checks of an open database: the trail's HMAC chain and SQLCipher's page HMACs."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..storage import trail
from ..storage.database import Database

log = logging.getLogger("jukiaudit.security.integrity")


@dataclass(frozen=True)
class IntegrityReport:
    trail_problems: list[trail.TrailProblem]
    page_problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.trail_problems and not self.page_problems

    def lines(self) -> list[str]:
        """One Japanese line per problem, naming the trail entry or the page."""
        return [f"監査証跡 #{p.seq}: {p.message}" for p in self.trail_problems] + [
            f"データベースのページ: {p}" for p in self.page_problems
        ]

    def warning(self, path: object) -> str:
        return (f"警告: {path} の改ざんまたは破損を検出しました。このデータを証拠として使わず、"
                "バックアップから復元するか管理者に連絡してください。\n" + "\n".join(self.lines()))


def cipher_page_problems(db: Database) -> list[str]:
    """PRAGMA cipher_integrity_check: every page whose HMAC does not match (empty when all is well)."""
    if not db.read_only:  # the check reads the main file; bring the WAL into it first
        db.execute("PRAGMA wal_checkpoint(FULL)")
    return [str(row[0]) for row in db.query("PRAGMA cipher_integrity_check")]


def structure_problems(db: Database) -> list[str]:
    """PRAGMA quick_check: the B-tree structure (up to three problems; empty when all is well)."""
    return [str(row[0]) for row in db.query("PRAGMA quick_check(3)") if row[0] != "ok"]


def check(db: Database, *, pages: bool = True) -> IntegrityReport:
    """The trail chain and (pages=True) every page's HMAC. pages=False right after opening, which has checked
    every page already (storage.database.open_database) and refused the database if one failed."""
    report = IntegrityReport(trail.verify(db), cipher_page_problems(db) if pages else [])
    if not report.ok:
        log.error("integrity check failed: %d trail, %d page problems",
                  len(report.trail_problems), len(report.page_problems))
    return report
