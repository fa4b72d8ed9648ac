"""Use cases of the 市町村 part (資料5): record J-LIS activities and follow-ups; the year's summary for the council."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..core.audit import AuditType
from ..core.errors import InputError
from ..core.master import AgencyKind
from ..core.municipal import LowScoreReason, MunicipalActivity, MunicipalActivityKind, MunicipalFollowup
from ..storage import municipal_repo as repo
from ..storage import trail
from ..storage.database import Database
from . import audits, checklists
from .master_data import list_agencies, require_agency


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


@dataclass(frozen=True)
class MunicipalSelfCheck:
    """A municipality and its self-check of the year (audit_id None: not made yet), on the 市町村 checklist."""

    agency_code: str
    agency_name: str
    audit_id: int | None = None
    status: str = "未作成"
    checklist: str = ""
    items_under_3: int = 0


def self_checks(db: Database, fiscal_year: int) -> list[MunicipalSelfCheck]:
    made = {a.agency_code: a for a in audits.list_audits(db, fiscal_year, audit_type=AuditType.SELF_CHECK)}
    rows = []
    for agency in list_agencies(db):
        if agency.kind is not AgencyKind.SHICHOSON:
            continue
        audit = made.get(agency.code)
        if audit is None or audit.id is None:
            rows.append(MunicipalSelfCheck(agency.code, agency.name))
            continue
        template = checklists.get_template(db, audit.template_id) if audit.template_id is not None else None
        under_3 = sum(1 for row in audits.audit_items(db, audit.id) if row.self_score in (1, 2))
        rows.append(MunicipalSelfCheck(agency.code, agency.name, audit.id, audit.status.value,
                                       f"{template.name} 第{template.version}版" if template else "", under_3))
    return rows


def create_self_check(db: Database, fiscal_year: int, agency_code: str) -> int:
    """The municipality's self-check of the year, on the 市町村 checklist (audits choose it by the agency's kind)."""
    _municipality_id(db, agency_code)
    return audits.create_audit(db, agency_code, fiscal_year, AuditType.SELF_CHECK).id
