"""Use cases on master data: agencies, 事務, terminals, operators. Every change is recorded in the trail."""

from __future__ import annotations

from dataclasses import replace

from ..core.errors import InputError
from ..core.master import Agency, AgencyKind
from ..storage import agencies, trail
from ..storage.database import Database


def parse_agency_kind(text: str) -> AgencyKind:
    try:
        return AgencyKind(text)
    except ValueError:
        allowed = " / ".join(k.value for k in AgencyKind)
        raise InputError(f"機関の種別「{text}」は使えません。次のいずれかです: {allowed}") from None


def add_agency(db: Database, agency: Agency) -> Agency:
    if not agency.code.strip() or not agency.name.strip():
        raise InputError("機関コードと機関名は必須です。")
    with db.transaction():
        added = agencies.insert(db, replace(agency, code=agency.code.strip(), name=agency.name.strip()))
        trail.record(db, "agency.add", code=added.code, name=added.name)
    return added


def update_agency(db: Database, agency: Agency) -> None:
    with db.transaction():
        agencies.update(db, agency)
        trail.record(db, "agency.update", id=agency.id, code=agency.code, name=agency.name)


def list_agencies(db: Database) -> list[Agency]:
    return agencies.list_agencies(db)


def require_agency(db: Database, code: str) -> Agency:
    agency = agencies.get_by_code(db, code)
    if agency is None:
        raise InputError(f"機関コード {code} は登録されていません。`jukiaudit agency add` で登録してください。")
    return agency
