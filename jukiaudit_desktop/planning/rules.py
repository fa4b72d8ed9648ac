"""The rule check shared by the generator and hand-edited plans: which rule breaks, for which agency, when."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..core.planning import AuditKind, PlanAgency, PlanEntry, RecordedAudit, Rule, Situation, Violation
from ..core.wareki import format_fiscal_year


def check_plan(situation: Situation, entries: Sequence[PlanEntry], *, complete: bool = True) -> list[Violation]:
    """Every rule the recorded audits plus `entries` (the plan for situation.plan_years) break.

    With complete=False (a partial plan, such as the pinned entries alone) agencies not yet scheduled are
    not reported: only what is there is checked.
    """
    violations: list[Violation] = []
    known = {a.id: a for a in situation.agencies}
    usable: list[PlanEntry] = []
    for entry in entries:
        problem = _entry_problem(situation, known.get(entry.agency_id), entry)
        if problem is None:
            usable.append(entry)
        else:
            violations.append(problem)
    schedule = _schedule(situation, usable)
    for agency in sorted(known.values(), key=lambda a: a.code):
        if agency.audited_in(situation.period):
            violations.extend(_agency_problems(situation, agency, schedule.get(agency.id, []), usable, complete))
    violations.extend(_budget_problems(situation, known, schedule))
    return violations


def _entry_problem(situation: Situation, agency: PlanAgency | None, entry: PlanEntry) -> Violation | None:
    label = agency.label if agency is not None else f"機関ID {entry.agency_id}"
    if entry.fiscal_year not in situation.plan_years:
        return Violation(Rule.YEAR_OUTSIDE_PLAN, (label,), entry.fiscal_year,
                         f"{format_fiscal_year(situation.year)}の計画で決められるのは"
                         f"{format_fiscal_year(situation.plan_years[0])}～"
                         f"{format_fiscal_year(situation.plan_years[-1])}です。")
    if agency is None or not agency.audited_in(situation.period):
        return Violation(Rule.NOT_AUDITED_KIND, (label,), entry.fiscal_year,
                         "監査対象の事務利用機関ではありません(廃止・運用機関・市町村、または期内に利用開始しない)。")
    if agency.first_use_year is not None and entry.fiscal_year < agency.first_use_year:
        return Violation(Rule.BEFORE_FIRST_USE, (label,), entry.fiscal_year,
                         f"利用開始は{format_fiscal_year(agency.first_use_year)}です。")
    return None


def _schedule(situation: Situation, entries: Sequence[PlanEntry]) -> dict[int, list[RecordedAudit | PlanEntry]]:
    """Each agency's audits in the period: recorded ones, plus planned ones that are not the same audit
    (a plan entry and a recorded audit of the same year and kind are one audit, planned then recorded)."""
    schedule: dict[int, list[RecordedAudit | PlanEntry]] = defaultdict(list)
    recorded = situation.recorded_in_period()
    for audit in recorded:
        schedule[audit.agency_id].append(audit)
    seen = {(r.agency_id, r.fiscal_year, r.kind) for r in recorded}
    for entry in entries:
        if (entry.agency_id, entry.fiscal_year, entry.kind) not in seen:
            schedule[entry.agency_id].append(entry)
    return schedule


def _agency_problems(situation: Situation, agency: PlanAgency, audits: list[RecordedAudit | PlanEntry],
                     entries: Sequence[PlanEntry], complete: bool) -> list[Violation]:
    problems = []
    planned = [e for e in entries if e.agency_id == agency.id]
    if complete and not audits:
        problems.append(Violation(Rule.COVERAGE, (agency.label,), None,
                                  f"{situation.period.label}に監査の記録も計画もありません。"))
    if planned and len(audits) > 1:
        years = "、".join(f"{format_fiscal_year(a.fiscal_year)}{a.kind.value}" for a in audits)
        problems.append(Violation(Rule.ONCE_PER_PERIOD, (agency.label,), planned[0].fiscal_year,
                                  f"期内に{len(audits)}回になります({years})。"))
    first = agency.first_use_year
    if first is not None and first in situation.plan_years and (complete or audits):
        first_year_internal = any(a.fiscal_year == first and a.kind is AuditKind.INTERNAL for a in audits)
        if not first_year_internal:
            problems.append(Violation(Rule.NEW_AGENCY_INTERNAL, (agency.label,), first,
                                      "利用開始年度に内部監査が入っていません。"))
    return problems


def _budget_problems(situation: Situation, known: dict[int, PlanAgency],
                     schedule: dict[int, list[RecordedAudit | PlanEntry]]) -> list[Violation]:
    problems: list[Violation] = []
    if situation.external_budget is None:
        return problems
    for year in situation.plan_years:
        external = sorted(
            (known[agency_id].label if agency_id in known else f"機関ID {agency_id}")
            for agency_id, audits in schedule.items()
            if any(a.fiscal_year == year and a.kind is AuditKind.EXTERNAL for a in audits)
        )
        if len(external) > situation.external_budget:
            problems.append(Violation(Rule.EXTERNAL_BUDGET, tuple(external), year,
                                      f"外部監査が{len(external)}機関で、枠の{situation.external_budget}機関を"
                                      "超えています。"))
    return problems
