"""Use cases on master data: agencies, 事務, terminals, operators. Every change is recorded in the trail."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from ..core.errors import InputError
from ..core.master import Agency, AgencyKind, Jimu, Operator, Terminal, basis_from_code
from ..storage import agencies, jimu, operators, terminals, trail
from ..storage.database import Database
from . import settings


def parse_agency_kind(text: str) -> AgencyKind:
    try:
        return AgencyKind(text)
    except ValueError:
        allowed = " / ".join(k.value for k in AgencyKind)
        raise InputError(f"機関の種別「{text}」は使えません。次のいずれかです: {allowed}") from None


def _required(value: str, what: str) -> str:
    if not value.strip():
        raise InputError(f"{what}は必須です。")
    return value.strip()


# The number of 事務 the material states, with the contradiction noted (資料1: 「58の事務」, its tables list 48).
STATED_JIMU_COUNT = "council.stated_jimu_count"


# How the agency set reads the material where it had to assume (e.g. the 「40機関」), shown on the マスタ page.
AGENCY_SET_ASSUMPTION = "council.agency_set_assumption"


def agency_set_assumption(db: Database) -> str:
    return str(settings.get(db, AGENCY_SET_ASSUMPTION, ""))


# --- agencies ---


def add_agency(db: Database, agency: Agency) -> Agency:
    agency = replace(agency, code=_required(agency.code, "機関コード"), name=_required(agency.name, "機関名"))
    with db.transaction():
        added = agencies.insert(db, agency)
        trail.record(db, "agency.add", code=added.code, name=added.name)
    return added


def update_agency(db: Database, agency: Agency) -> None:
    """Store the edited agency; naming a placeholder (仮) agency makes it a named one."""
    agency = replace(agency, code=_required(agency.code, "機関コード"), name=_required(agency.name, "機関名"))
    stored = next((a for a in agencies.list_agencies(db) if a.id == agency.id), None)
    if stored is not None and stored.placeholder and agency.name != stored.name:
        agency = replace(agency, placeholder=False)
    with db.transaction():
        agencies.update(db, agency)
        trail.record(db, "agency.update", id=agency.id, code=agency.code, name=agency.name,
                     placeholder=agency.placeholder)


def delete_agency(db: Database, code: str) -> None:
    """Delete an agency. A placeholder (仮) goes with the audits entered for it; a named agency only while
    nothing but master data refers to it."""
    agency = require_agency(db, code)
    assert agency.id is not None
    if not agency.placeholder and agencies.has_records(db, agency.id):
        raise InputError(f"機関 {code} {agency.name} には監査・ログの記録があるため削除できません。"
                         "使わなくなった機関は「利用中」を外してください。")
    with db.transaction():
        removed = agencies.delete_audits(db, agency.id)
        agencies.delete(db, agency.id)
        trail.record(db, "agency.delete", code=code, placeholder=agency.placeholder, audits=removed)


def list_agencies(db: Database) -> list[Agency]:
    return agencies.list_agencies(db)


def require_agency(db: Database, code: str) -> Agency:
    agency = agencies.get_by_code(db, code)
    if agency is None:
        raise InputError(f"機関コード {code} は登録されていません。`jukiaudit agency add` で登録してください。")
    return agency


def _agency_id(db: Database, code: str) -> int:
    agency_id = require_agency(db, code).id
    assert agency_id is not None
    return agency_id


# --- 事務 catalogue ---


def list_jimu(db: Database) -> list[Jimu]:
    return jimu.list_jimu(db)


def require_jimu(db: Database, code: str) -> Jimu:
    found = jimu.get_by_code(db, code)
    if found is None:
        raise InputError(f"事務コード {code} は登録されていません。`jukiaudit jimu list` で確認してください。")
    return found


def add_jimu(db: Database, code: str, name: str, *, division: str | None = None, summary: str | None = None,
             agency_codes: list[str] | tuple[str, ...] = (), valid_from: date | None = None,
             valid_to: date | None = None) -> Jimu:
    """A new 事務 whose first basis follows from its code (別表5-10 → 法 別表第五第十号)."""
    basis = basis_from_code(_required(code, "事務コード"), valid_from, valid_to)
    with db.transaction():
        jimu_id = jimu.insert(db, Jimu(basis.code, _required(name, "事務名"), division, summary, (basis,)))
        jimu.set_agencies(db, jimu_id, [_agency_id(db, c) for c in agency_codes])
        trail.record(db, "jimu.add", code=basis.code, name=name, agencies=list(agency_codes))
    return require_jimu(db, basis.code)


def update_jimu(db: Database, code: str, *, name: str, division: str | None, summary: str | None,
                agency_codes: list[str] | tuple[str, ...], new_basis: tuple[str, date] | None = None) -> None:
    """Change a 事務; with `new_basis` (code, effective day) its legal basis changes too, in one transaction."""
    current = require_jimu(db, code)
    assert current.id is not None
    with db.transaction():
        jimu.update(db, current.id, _required(name, "事務名"), division, summary)
        jimu.set_agencies(db, current.id, [_agency_id(db, c) for c in agency_codes])
        trail.record(db, "jimu.update", code=code, name=name, agencies=list(agency_codes))
        if new_basis is not None:
            change_basis(db, code, *new_basis)


def change_basis(db: Database, code: str, new_code: str, effective: date) -> Jimu:
    """The 事務 `code` takes the basis `new_code` from `effective` on (e.g. 条例 → 法 on the 公布日).

    The basis in force the day before ends that day; the history stays, so older logs keep their meaning.
    """
    current = require_jimu(db, code)
    assert current.id is not None
    new_basis = basis_from_code(new_code, valid_from=effective)
    in_force = current.basis_on(effective)
    if in_force is not None and in_force.code == new_basis.code:
        raise InputError(f"事務 {code} は {effective.isoformat()} 時点で既に {new_code} を根拠としています。")
    with db.transaction():
        for basis in current.bases:
            if basis.valid_from is not None and basis.valid_from >= effective:
                raise InputError(f"事務 {code}: {effective.isoformat()} 以後に始まる根拠 {basis.code} が既にあります。")
            if basis.valid_on(effective):
                assert basis.id is not None
                jimu.end_basis(db, basis.id, effective - timedelta(days=1))
        jimu.insert_basis(db, current.id, new_basis)
        trail.record(db, "jimu.change_basis", code=code, new_code=new_code, effective=effective.isoformat())
    return require_jimu(db, code)


def authorised_jimu_codes(db: Database, agency_code: str, on: date | None = None) -> set[str]:
    """The log codes the agency may use (on a given day, if given): what `unauthorized_jimu` checks against."""
    return jimu.authorised_codes(db, _agency_id(db, agency_code), on)


def latest_usage(db: Database) -> tuple[int | None, dict[str, int]]:
    """(fiscal year, count per 事務 code) of the latest year with entered usage counts (資料1 style)."""
    year = jimu.latest_usage_year(db)
    return (None, {}) if year is None else (year, jimu.usage_by_code(db, year))


# --- terminals ---


def list_terminals(db: Database, agency_code: str | None = None) -> list[Terminal]:
    return terminals.list_terminals(db, None if agency_code is None else _agency_id(db, agency_code))


def add_terminal(db: Database, terminal: Terminal) -> Terminal:
    terminal = replace(terminal, code=_required(terminal.code, "端末ID"))
    with db.transaction():
        added = terminals.insert(db, _agency_id(db, terminal.agency_code), terminal)
        trail.record(db, "terminal.add", agency=added.agency_code, code=added.code)
    return added


def update_terminal(db: Database, terminal: Terminal) -> None:
    terminal = replace(terminal, code=_required(terminal.code, "端末ID"))
    with db.transaction():
        terminals.update(db, terminal)
        trail.record(db, "terminal.update", id=terminal.id, agency=terminal.agency_code, code=terminal.code)


# --- operators ---


def check_operator_dates(operator: Operator) -> None:
    if operator.registered_on and operator.revoked_on and operator.revoked_on < operator.registered_on:
        raise InputError(f"操作者ID {operator.operator_code}: 失効日が登録日より前です。")


def list_operators(db: Database, agency_code: str | None = None) -> list[Operator]:
    return operators.list_operators(db, None if agency_code is None else _agency_id(db, agency_code))


def add_operator(db: Database, operator: Operator) -> Operator:
    operator = replace(operator, operator_code=_required(operator.operator_code, "操作者ID"))
    check_operator_dates(operator)
    with db.transaction():
        added = operators.insert(db, _agency_id(db, operator.agency_code), operator)
        trail.record(db, "operator.add", agency=added.agency_code, code=added.operator_code)
    return added


def update_operator(db: Database, operator: Operator) -> None:
    operator = replace(operator, operator_code=_required(operator.operator_code, "操作者ID"))
    check_operator_dates(operator)
    with db.transaction():
        operators.update(db, operator)
        trail.record(db, "operator.update", id=operator.id, agency=operator.agency_code,
                     code=operator.operator_code, revoked_on=operator.revoked_on)


def revoke_operator(db: Database, agency_code: str, operator_code: str, revoked_on: date) -> Operator:
    current = next((o for o in list_operators(db, agency_code) if o.operator_code == operator_code), None)
    if current is None:
        raise InputError(f"操作者ID {operator_code} は機関 {agency_code} に登録されていません。")
    revoked = replace(current, revoked_on=revoked_on)
    update_operator(db, revoked)
    return revoked
