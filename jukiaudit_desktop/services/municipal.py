"""Use cases of the 市町村 part (資料5): record J-LIS activities and follow-ups; the year's summary for the council."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..core.errors import InputError
from ..core.master import AgencyKind
from ..core.municipal import LowScoreReason, MunicipalActivity, MunicipalActivityKind, MunicipalFollowup
from ..storage import municipal_repo as repo
from ..storage import trail
from ..storage.database import Database
from .master_data import require_agency


def parse_kind(text: str) -> MunicipalActivityKind:
    try:
        return MunicipalActivityKind(text.strip())
    except ValueError:
        kinds = " / ".join(k.value for k in MunicipalActivityKind)
        raise InputError(f"区分は {kinds} のいずれかです(指定: {text})。") from None


def _municipality_id(db: Database, code: str) -> int:
    agency = require_agency(db, code)
    if agency.kind is not AgencyKind.SHICHOSON or agency.id is None:
        raise InputError(f"機関 {code} {agency.name} は市町村ではありません。")
    return agency.id


def add_activity(db: Database, activity: MunicipalActivity) -> int:
    """Record one activity (a row of 資料5's table) with the municipalities it names."""
    if activity.target_count is not None and activity.target_count < len(activity.agency_codes):
        raise InputError(f"{activity.kind.value}: 対象数 {activity.target_count} より多くの市町村が指定されています。")
    with db.transaction():
        ids = [_municipality_id(db, c) for c in activity.agency_codes]
        activity_id = repo.insert_activity(db, activity, ids)
        trail.record(db, "municipal.activity_add", id=activity_id, fiscal_year=activity.fiscal_year,
                     kind=activity.kind.value, named=len(ids))
    return activity_id


def add_followup(db: Database, fiscal_year: int, agency_code: str, source: str, subject: str, status: str = "",
                 note: str = "") -> int:
    if not subject.strip():
        raise InputError("フォローアップする事項を入力してください。")
    with db.transaction():
        followup_id = repo.insert_followup(db, fiscal_year, _municipality_id(db, agency_code), source.strip(),
                                           subject.strip(), status.strip(), note.strip())
        trail.record(db, "municipal.followup_add", id=followup_id, fiscal_year=fiscal_year, agency=agency_code)
    return followup_id


@dataclass(frozen=True)
class MunicipalSummary:
    """資料5 for one year: activities (with counts by type), the tally of reasons under 3, the follow-up list."""

    activities: list[MunicipalActivity]
    counts: dict[str, int]
    reasons: list[LowScoreReason]
    followups: list[MunicipalFollowup]

    @property
    def empty(self) -> bool:
        return not (self.activities or self.reasons or self.followups)


def summary(db: Database, fiscal_year: int) -> MunicipalSummary:
    activities = repo.list_activities(db, fiscal_year)
    counts = Counter(a.kind.value for a in activities)
    return MunicipalSummary(activities, {k.value: counts[k.value] for k in MunicipalActivityKind if counts[k.value]},
                            repo.low_score_tally(db, fiscal_year), repo.list_followups(db, fiscal_year))
