"""Use cases of the audit plan: periods, proposing and saving a year's plan, pinning, checking, the matrix."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..core.planning import AuditKind, Period, PlanEntry, PlanSettings, Rule, Situation, Violation
from ..core.wareki import fiscal_year, format_fiscal_year
from ..planning.document import PlanDocument, list_key, plan_document
from ..planning.generator import PlanRefusedError, generate_plan
from ..planning.matrix import CoverageMatrix, build_matrix
from ..planning.rules import check_plan
from ..reports.plan_pdf import render_matrix, render_plan_document
from ..reports.plan_xlsx import matrix_xlsx
from ..security.atomic import write_atomic
from ..storage import planning_repo, reports_repo, trail
from ..storage.database import Database
from . import audits, master_data
from .app_trail import write_export

PLAN_DOCUMENT = "plan"       # issued_document.kind of the year's plan


@dataclass(frozen=True)
class PlanProposal:
    """A plan for situation.plan_years, as generated (or as stored), with the rules it breaks."""

    situation: Situation
    entries: list[PlanEntry]
    violations: list[Violation]
    unplanned: tuple[str, ...] = ()  # agencies left for later years of the period (a plan of one year)

    def entries_in(self, fiscal_year: int) -> list[PlanEntry]:
        return [e for e in self.entries if e.fiscal_year == fiscal_year]


def list_periods(db: Database) -> list[Period]:
    return planning_repo.list_periods(db)


def add_period(db: Database, name: str, first_year: int, last_year: int) -> Period:
    name = name.strip()
    if not name or last_year < first_year:
        raise InputError("期の名前と、開始年度 ≦ 終了年度 の年度(西暦)を指定してください。")
    overlapping = [p.name for p in list_periods(db) if p.first_year <= last_year and first_year <= p.last_year]
    if overlapping:
        raise InputError(f"期「{name}」の年度が既存の期({'、'.join(overlapping)})と重なります。")
    period = Period(name, first_year, last_year)
    with db.transaction():
        planning_repo.insert_period(db, period)
        trail.record(db, "plan.period_add", name=name, first_year=first_year, last_year=last_year)
    return period


def period_of_year(db: Database, year: int) -> Period:
    for period in list_periods(db):
        if period.contains(year):
            return period
    raise InputError(f"{format_fiscal_year(year)}({year}年度)を含む期が登録されていません。"
                     "`jukiaudit plan period --name 第7期 --first-year 2026 --last-year 2028` で登録してください。")


def period_by_name(db: Database, name: str) -> Period:
    for period in list_periods(db):
        if period.name == name:
            return period
    names = "、".join(p.name for p in list_periods(db)) or "なし"
    raise InputError(f"期「{name}」は登録されていません(登録済み: {names})。")


def plan_settings(db: Database, year: int) -> PlanSettings:
    """The inspector's settings the year's plan was saved with; none set by default."""
    return planning_repo.plan_settings(db, year) or PlanSettings()


def situation(db: Database, year: int, settings: PlanSettings | None = None, as_of: date | None = None) -> Situation:
    """What a plan for `year` depends on; findings count as overdue when past due on `as_of` (today)."""
    return Situation(
        period=period_of_year(db, year),
        year=year,
        agencies=tuple(planning_repo.plan_agencies(db, as_of or date.today())),
        recorded=tuple(planning_repo.recorded_audits(db)),
        settings=plan_settings(db, year) if settings is None else settings,
    )


def propose_plan(db: Database, year: int, settings: PlanSettings | None = None,
                 as_of: date | None = None) -> PlanProposal:
    """A new plan for `year` and the rest of its period, keeping the pinned entries stored for those years."""
    current = situation(db, year, settings, as_of)
    pins = [e for e in planning_repo.plan_entries(db, year, current.period.last_year) if e.pinned]
    return PlanProposal(current, generate_plan(current, pins), [])


def save_plan(db: Database, proposal: PlanProposal) -> None:
    """Store the plan for its years (replacing what was planned there); a plan that breaks a rule is refused."""
    current = proposal.situation
    violations = check_plan(current, proposal.entries, complete=_reaches_period_end(current, proposal.entries))
    if violations:
        raise PlanRefusedError(violations)
    settings = current.settings
    with db.transaction():
        planning_repo.replace_plan_entries(db, current.year, current.period.last_year, proposal.entries)
        planning_repo.save_plan_year(db, current.year, settings,
                                     datetime.now().astimezone().isoformat(timespec="seconds"))
        trail.record(db, "plan.save", fiscal_year=current.year, period=current.period.name,
                     entries=len(proposal.entries), external_budget=settings.external_budget,
                     internal_counts={str(y): n for y, n in settings.internal_counts},
                     prefer_overdue=settings.prefer_overdue)


def generate_and_save(db: Database, year: int, settings: PlanSettings | None = None) -> PlanProposal:
    proposal = propose_plan(db, year, settings)
    save_plan(db, proposal)
    return proposal


def _reaches_period_end(current: Situation, entries: list[PlanEntry]) -> bool:
    """A plan answers for coverage once it decides the period's last year; a plan of the first year alone (as
    the council decides one year at a time) leaves the agencies not yet scheduled to the later years."""
    return current.year == current.period.last_year or any(
        e.fiscal_year == current.period.last_year for e in entries)


def stored_plan(db: Database, year: int, as_of: date | None = None) -> PlanProposal:
    """The plan stored for `year` and the rest of its period, checked against every rule."""
    current = situation(db, year, None, as_of)
    entries = planning_repo.plan_entries(db, year, current.period.last_year)
    complete = _reaches_period_end(current, entries)
    unplanned = () if complete else tuple(
        a for v in check_plan(current, entries) if v.rule is Rule.COVERAGE for a in v.agencies)
    return PlanProposal(current, entries, check_plan(current, entries, complete=complete), unplanned)


def saved_plan_data(db: Database, year: int) -> dict[str, Any]:
    """The saved plan of `year` alone, as `plan show --json` prints it: {"year", "audits": [{"agency_code",
    "agency_name", "audit_type", "new_agency", "pinned", "reason"}]}; internal before external, new agencies
    after the rotation, agencies in the order a council list reads."""
    plan = stored_plan(db, year)
    if not plan.entries_in(year):
        raise InputError(f"{format_fiscal_year(year)}の計画が保存されていません。")
    agencies = {a.id: a for a in plan.situation.agencies}

    def order(entry: PlanEntry) -> tuple[bool, bool, tuple[int, str]]:
        agency = agencies[entry.agency_id]
        return entry.kind is not AuditKind.INTERNAL, agency.is_new_in(year), list_key(agency)

    return {"year": year, "audits": [
        {"agency_code": agencies[e.agency_id].code, "agency_name": agencies[e.agency_id].display_name,
         "audit_type": e.kind.value, "new_agency": agencies[e.agency_id].is_new_in(year), "pinned": e.pinned,
         "reason": e.reason} for e in sorted(plan.entries_in(year), key=order)]}


def pin_agency(db: Database, agency_code: str, year: int, kind: AuditKind) -> None:
    """Put the agency's audit of the period in `year` as `kind`, pinned: later plans keep it there."""
    agency = master_data.require_agency(db, agency_code)
    assert agency.id is not None
    period = period_of_year(db, year)
    with db.transaction():
        planning_repo.pin_entry(db, PlanEntry(agency.id, year, kind, True, "担当者が固定"), period)
        trail.record(db, "plan.pin", agency=agency.code, fiscal_year=year, audit_type=kind.value)


def unpin_agency(db: Database, agency_code: str, year: int) -> int:
    """Release the agency's pinned entries in the period of `year`; the next plan may move them."""
    agency = master_data.require_agency(db, agency_code)
    assert agency.id is not None
    period = period_of_year(db, year)
    with db.transaction():
        released = planning_repo.unpin_entries(db, agency.id, period)
        trail.record(db, "plan.unpin", agency=agency.code, period=period.name, released=released)
    return released


def matrix_plan_year(db: Database, period: Period) -> int:
    """The year whose plan the matrix checks: the first planned year of the period, else this year (within
    the period)."""
    planned = planning_repo.plan_entries(db, period.first_year, period.last_year)
    if planned:
        return min(e.fiscal_year for e in planned)
    return min(max(fiscal_year(date.today()), period.first_year), period.last_year)


@dataclass(frozen=True)
class PlanningView:
    """What the 監査計画 page shows: the periods, the one chosen, the plan year and its matrix."""

    periods: list[Period]
    period: Period | None = None
    year: int | None = None
    settings: PlanSettings = PlanSettings()
    matrix: CoverageMatrix | None = None


def planning_view(db: Database, period_name: str | None = None, year: int | None = None) -> PlanningView:
    """The named period (default: the one holding today, else the latest) and the plan of `year` in it."""
    periods = list_periods(db)
    if not periods:
        return PlanningView([])
    today = fiscal_year(date.today())
    chosen = [p for p in periods if p.name == period_name] or [p for p in periods if p.contains(today)]
    period = chosen[0] if chosen else periods[-1]
    if year is None or not period.contains(year):
        year = matrix_plan_year(db, period)
    return PlanningView(periods, period, year, plan_settings(db, year), coverage_matrix(db, period, year))


def coverage_matrix(db: Database, period: Period, year: int | None = None) -> CoverageMatrix:
    """Agencies × years of the period with recorded and planned audits and every rule the plan breaks."""
    plan = stored_plan(db, matrix_plan_year(db, period) if year is None else year)
    current = plan.situation
    return build_matrix(period, current.agencies, current.recorded, plan.entries, plan.violations)


def document_of_stored_plan(db: Database, year: int) -> PlanDocument:
    plan = stored_plan(db, year)
    if not plan.entries_in(year):
        raise InputError(f"{format_fiscal_year(year)}の計画が保存されていません。"
                         f"`jukiaudit plan --year {year} --save` か監査計画画面の「計画を作成」で作成してください。")
    if plan.violations:
        raise PlanRefusedError(plan.violations)
    return plan_document(plan.situation, plan.entries)


def plan_pdf(db: Database, year: int) -> tuple[bytes, str]:
    """The year's plan for the council as PDF, and its document number. The same plan printed again keeps
    its number and date (a reprint); a changed plan is issued as the next edition."""
    document = document_of_stored_plan(db, year)
    digest = hashlib.sha256(json.dumps(dataclasses.asdict(document), ensure_ascii=False, sort_keys=True)
                            .encode("utf-8")).hexdigest()
    with db.transaction():
        issued = reports_repo.find_issued(db, PLAN_DOCUMENT, None, digest)
        if issued is None:
            edition = 1
            while reports_repo.issued_by_number(db, _plan_doc_number(year, edition)) is not None:
                edition += 1
            issued = reports_repo.insert_issued(db, _plan_doc_number(year, edition), PLAN_DOCUMENT, None, digest,
                                                str(trail.current_head(db)),
                                                datetime.now().astimezone().isoformat(timespec="seconds"))
        trail.record(db, "plan.print", doc_number=issued.doc_number, fiscal_year=year, sha256=digest)
    pdf = render_plan_document(document, issued.doc_number, date.fromisoformat(issued.issued_at[:10]))
    return pdf, issued.doc_number


def _plan_doc_number(year: int, edition: int) -> str:
    return f"JKA-PLAN-{year}-{edition:02d}"


def write_plan_pdf(db: Database, year: int, path: Path) -> str:
    data, doc_number = plan_pdf(db, year)
    write_atomic(path, data)
    return doc_number


def write_matrix(db: Database, period: Period, path: Path) -> CoverageMatrix:
    """The period's coverage matrix to `path`: .xlsx (coloured cells, a sheet of rule breaches) or .pdf."""
    matrix = coverage_matrix(db, period)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        data = matrix_xlsx(matrix)
    elif suffix == ".pdf":
        data = render_matrix(matrix, f"JKA-MATRIX-{period.name}", date.today())
    else:
        raise InputError("出力ファイルの拡張子は .xlsx か .pdf にしてください。", str(path))
    write_export(db, path, data, "plan.matrix_export", period=period.name, rows=len(matrix.rows))
    return matrix


def planned_not_started(db: Database, year: int) -> list[tuple[str, AuditKind]]:
    """(agency code, kind) of the stored plan's audits in `year` that have no audit of that year and kind yet,
    in the plan's order: what 監査 → 新規作成 offers first. Empty when no period covers the year."""
    try:
        entries = stored_plan(db, year).entries_in(year)
    except InputError:
        return []
    codes = {a.id: a.code for a in master_data.list_agencies(db)}
    started = {(a.agency_code, a.audit_type.value) for a in audits.list_audits(db) if a.fiscal_year == year}
    return [(codes[e.agency_id], e.kind) for e in entries
            if e.agency_id in codes and (codes[e.agency_id], e.kind.value) not in started]
