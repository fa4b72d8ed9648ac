"""The annual summary for the council: gathered from audits, findings, usage counts and the plan; PDF or .xlsx."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

from ..core.audit import Audit, AuditType
from ..core.errors import InputError
from ..core.master import Agency, AgencyKind, counted_names, listed_names
from ..core.wareki import era_of
from ..planning.document import list_key
from ..reports.annual_report import (
    AnnualReport,
    AuditTypeResult,
    FindingCount,
    MunicipalPart,
    PlanLine,
    RegisterLine,
    UsageLine,
    annual_sheets,
    render_annual_pdf,
)
from ..reports.spreadsheet import xlsx_bytes
from ..storage import planning_repo, reports_repo, trail
from ..storage.database import Database
from . import municipal, register_checks, settings
from .app_trail import write_export
from .audits import AggregateRow, annual_aggregate, get_audit
from .findings import list_findings
from .master_data import STATED_JIMU_COUNT, list_agencies

SEED_SOURCE = "資料1(令和8年1月21日 本人確認情報等保護審議会)"
SEED_STATED_TOTALS = {2024: 602_716, 2025: 664_289}  # 「延べ602,716件」「延べ664,289件」
MANY_AGENCIES = 12  # above this, agencies are summarised by kind instead of named
SELF_CHECK_AUDITORS = "各機関責任者"


def scope_label(kind: AgencyKind) -> str:
    """How the seed counts agencies: 県庁 (本庁の課・運用機関・執行機関), 地域振興局, 市町村."""
    if kind is AgencyKind.CHIIKI_SHINKOKYOKU:
        return "地域振興局"
    if kind is AgencyKind.SHICHOSON:
        return "市町村"
    return "県庁"


def _month_span(audits: list[Audit]) -> str:
    """R7.10～11 (or R7.6～7, R7.11, R7.12～R8.1) from the audits' dates."""
    days = sorted(d for a in audits for d in (a.start_date, a.end_date) if d is not None)
    if not days:
        return "日付未登録"
    first, last = days[0], days[-1]
    era, year = era_of(first)
    text = f"{era.letter}{year}.{first.month}"
    if (last.year, last.month) == (first.year, first.month):
        return text
    if last.year == first.year:
        return f"{text}～{last.month}"
    last_era, last_year = era_of(last)
    return f"{text}～{last_era.letter}{last_year}.{last.month}"


def _agencies_text(agencies: list[Agency]) -> str:
    """The agencies with their count, placeholders (仮) counted apart: named up to MANY_AGENCIES, else by kind."""
    names = [a.display_name for a in agencies]
    if len(names) <= MANY_AGENCIES:
        return listed_names(names)
    counts: dict[str, int] = defaultdict(int)
    for agency in agencies:
        if not agency.placeholder:  # placeholders are counted apart
            counts[agency.kind.value] += 1
    return "・".join(f"{kind} {n}" for kind, n in counts.items()) + f"({counted_names(names)})"


def _result(db: Database, row: AggregateRow, agencies: dict[str, Agency]) -> AuditTypeResult:
    audits = [get_audit(db, a.audit_id) for a in row.agencies]
    auditors = list(dict.fromkeys(name for a in audits for name in a.auditors))
    if row.audit_type is AuditType.SELF_CHECK and not auditors:
        auditors = [SELF_CHECK_AUDITORS]
    label = row.audit_type.value if row.scope == "県" else f"{row.audit_type.value}({row.scope})"
    return AuditTypeResult(label, _month_span(audits), _agencies_text([agencies[a.agency_code] for a in audits]),
                           row.agency_count,
                           "、".join(auditors), row.average)


def _finding_counts(db: Database, fiscal_year: int, agencies: dict[str, Agency]) -> tuple[FindingCount, ...]:
    """Findings of the year counted across agencies, one line per audit type, class and title."""
    groups: dict[tuple[str, str, str], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for f in list_findings(db):
        if f.fiscal_year != fiscal_year or f.audit_type is None:
            continue
        key = (f.audit_type.value, f.finding_class.value, f.title)
        groups[key][scope_label(agencies[f.agency_code].kind)].add(f.agency_code)
    order = {t.value: i for i, t in enumerate(AuditType)}
    lines = [FindingCount(t, c, title, tuple((scope, len(codes)) for scope, codes in sorted(scopes.items())))
             for (t, c, title), scopes in groups.items()]
    return tuple(sorted(lines, key=lambda x: (order[x.audit_type], -sum(n for _, n in x.by_scope), x.title)))


NEW_AGENCIES = "新規事務利用機関"


def _plan(db: Database, year: int, agencies_by_id: dict[int, Agency]) -> tuple[PlanLine, ...]:
    """The saved plan of `year` as the council's table splits it: internal (rotation), internal (new agencies in
    their first year of use), external."""
    by_line: dict[tuple[str, str], list[str]] = defaultdict(list)
    entries = planning_repo.plan_entries(db, year, year)
    for entry in sorted(entries, key=lambda e: list_key(agencies_by_id[e.agency_id])):
        agency = agencies_by_id[entry.agency_id]
        group = NEW_AGENCIES if agency.first_use_year == year else ""
        by_line[(entry.kind.value, group)].append(agency.display_name)
    return tuple(PlanLine(kind, group, tuple(names)) for (kind, group), names in sorted(by_line.items()))


def _municipal(db: Database, fiscal_year: int) -> MunicipalPart | None:
    part = municipal.summary(db, fiscal_year)
    if part.empty:
        return None
    return MunicipalPart(
        tuple((a.kind.value, a.auditor, a.targets, "全市町村" if a.target_count is None else str(a.target_count),
               a.period, a.content) for a in part.activities),
        tuple((r.category, r.items, r.municipalities, "、".join(r.reasons[:2])) for r in part.reasons),
        tuple((f.agency_name, f.source, f.subject, f.status) for f in part.followups))


def build_annual_report(db: Database, fiscal_year: int, issued_on: date | None = None) -> AnnualReport:
    all_agencies = list_agencies(db)
    by_code = {a.code: a for a in all_agencies}
    by_id = {a.id: a for a in all_agencies if a.id is not None}
    usage_year = reports_repo.latest_usage_detail_year(db, fiscal_year)
    usage = () if usage_year is None else tuple(
        UsageLine(*row) for row in reports_repo.usage_by_jimu(db, usage_year))
    return AnnualReport(
        fiscal_year=fiscal_year,
        issued_on=issued_on or date.today(),
        results=tuple(_result(db, row, by_code) for row in annual_aggregate(db, fiscal_year)),
        findings=_finding_counts(db, fiscal_year, by_code),
        usage_year=usage_year,
        usage=usage,
        stated_total=None if usage_year is None else reports_repo.stated_total(db, usage_year),
        trend=tuple((y, n) for y, n in reports_repo.usage_totals_by_year(db) if y <= fiscal_year),
        plan=_plan(db, fiscal_year + 1, by_id),
        stated_jimu=(settings.get(db, STATED_JIMU_COUNT) or {}).get("stated"),
        municipal=_municipal(db, fiscal_year),
        registers=tuple(RegisterLine(c.kind.value, c.checked, c.not_kept, c.stale, c.no_reconciliation)
                        for c in register_checks.counts_of_year(db, fiscal_year)),
    )


def write_annual_report(db: Database, fiscal_year: int, path: Path, issued_on: date | None = None) -> AnnualReport:
    """Write the summary to `path`: .pdf (the council document) or .xlsx (its tables)."""
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".xlsx"):
        raise InputError("年次報告の出力ファイルは .pdf か .xlsx にしてください。", str(path))
    report = build_annual_report(db, fiscal_year, issued_on)
    if suffix == ".pdf":
        data = render_annual_pdf(report, f"JKA-{fiscal_year}-ANNUAL", str(trail.data_head(db)))
    else:
        data = xlsx_bytes(annual_sheets(report))
    write_export(db, path, data, "report.annual", fiscal_year=fiscal_year)
    return report


def load_demo(db: Database) -> None:
    """Demo step: the yearly totals the seed states (R6, R7). Runs inside the demo loader's transaction."""
    for year, total in SEED_STATED_TOTALS.items():
        reports_repo.set_stated_total(db, year, total, SEED_SOURCE)
    trail.record(db, "report.demo", stated_totals=sorted(SEED_STATED_TOTALS))
