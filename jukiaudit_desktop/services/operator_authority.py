"""Use cases of per-operator authority: the 事務 an operator may use (unauthorized_jimu then checks them)."""

from __future__ import annotations

from ..core.errors import InputError
from ..storage import operator_jimu as repo
from ..storage import trail
from ..storage.database import Database
from .master_data import require_agency, require_jimu


def set_operator_jimu(db: Database, agency_code: str, operator_code: str, jimu_codes: list[str]) -> list[str]:
    """Replace the operator's list; an empty list removes it (the agency's list applies again). Each 事務 must
    be one the agency may use."""
    agency = require_agency(db, agency_code)
    assert agency.id is not None
    operator_id = repo.operator_id(db, agency.id, operator_code)
    if operator_id is None:
        raise InputError(f"操作者ID {operator_code} は機関 {agency_code} に登録されていません。")
    codes = list(dict.fromkeys(c.strip() for c in jimu_codes if c.strip()))
    jimu_ids = []
    for code in codes:
        jimu = require_jimu(db, code)
        if agency_code not in jimu.agency_codes:
            raise InputError(f"事務 {code} は機関 {agency_code} が利用できる事務ではありません。先に機関の事務に加えてください。")
        assert jimu.id is not None
        jimu_ids.append(jimu.id)
    with db.transaction():
        repo.replace_list(db, operator_id, jimu_ids)
        trail.record(db, "operator.jimu", agency=agency_code, code=operator_code, jimu=codes)
    return codes


def operator_jimu(db: Database, agency_code: str) -> dict[str, list[str]]:
    agency = require_agency(db, agency_code)
    assert agency.id is not None
    return repo.lists(db, agency.id)
