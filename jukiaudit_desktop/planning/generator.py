"""The plan generator: who is audited when, internally or externally, for this year and the rest of the period.

Choices, in order (each entry's `reason` names the one it serves):
1. pinned entries stay where the inspector put them;
2. a new agency gets an internal audit in its first year of use;
3. every other agency not yet audited in the period is scheduled once, most urgent first: overdue findings,
   then the longest since its last audit (never audited first), then open findings;
4. the years are filled evenly; as in the seed's R8 plan (11 of its 34 named agencies in the first year), a remainder
   goes to the later years, and first-year audits of new agencies come on top of the rotation;
5. each year's external-audit budget is used on the agencies whose last external audit is oldest, mixing
   kinds of agency (the seed pairs a 本庁課 with a 地域振興局).
The result is checked with the same rules as a hand-edited plan; a plan that breaks one is refused.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..core.errors import JukiAuditError
from ..core.master import AgencyKind
from ..core.planning import AuditKind, PlanAgency, PlanEntry, RecordedAudit, Situation, Violation
from ..core.wareki import format_fiscal_year
from .rules import check_plan


class PlanRefusedError(JukiAuditError):
    """No plan keeps every rule; `violations` name the agencies and rules."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        self.violations = list(violations)
        lines = "\n".join(v.message for v in self.violations)
        super().__init__(f"計画が規則を守れません。固定した機関や監査の記録を見直してください。\n{lines}")


def generate_plan(situation: Situation, pins: Sequence[PlanEntry] = ()) -> list[PlanEntry]:
    """Plan entries for situation.plan_years keeping every rule, or PlanRefusedError naming what breaks."""
    if situation.external_budget < 0:
        raise JukiAuditError("外部監査の枠は0以上の機関数で指定してください。")
    pins = [PlanEntry(p.agency_id, p.fiscal_year, p.kind, True, p.reason or "担当者が固定") for p in pins]
    refused = check_plan(situation, pins, complete=False)
    if refused:
        raise PlanRefusedError(refused)
    covered = {r.agency_id for r in situation.recorded_in_period()} | {p.agency_id for p in pins}
    waiting = [a for a in situation.agencies if a.audited_in(situation.period) and a.id not in covered]
    new = [a for a in waiting if a.first_use_year in situation.plan_years]
    entries = list(pins) + [_new_agency_entry(a) for a in new]
    regular = sorted((a for a in waiting if a not in new), key=lambda a: _urgency(a, situation.recorded))
    entries += _spread(situation, regular, entries)
    entries = _use_external_budget(situation, entries)
    violations = check_plan(situation, entries)
    if violations:
        raise PlanRefusedError(violations)
    codes = {a.id: a.code for a in situation.agencies}
    return sorted(entries, key=lambda e: (e.fiscal_year, e.kind != AuditKind.INTERNAL, codes[e.agency_id]))


def _new_agency_entry(agency: PlanAgency) -> PlanEntry:
    assert agency.first_use_year is not None
    return PlanEntry(agency.id, agency.first_use_year, AuditKind.INTERNAL, False,
                     "新規機関: 利用開始年度に内部監査")


def _last_year(agency_id: int, recorded: Sequence[RecordedAudit], kind: AuditKind | None = None) -> int | None:
    years = [r.fiscal_year for r in recorded if r.agency_id == agency_id and (kind is None or r.kind is kind)]
    return max(years, default=None)


def _urgency(agency: PlanAgency, recorded: Sequence[RecordedAudit]) -> tuple[bool, int, bool, str]:
    last = _last_year(agency.id, recorded)
    return (agency.overdue_findings == 0, -1 if last is None else last, agency.open_findings == 0, agency.code)


def _why_now(agency: PlanAgency, recorded: Sequence[RecordedAudit]) -> str:
    if agency.overdue_findings:
        return f"改善報告の期限を過ぎた指摘事項{agency.overdue_findings}件(優先)"
    last = _last_year(agency.id, recorded)
    if last is None:
        return "監査の記録なし(優先)"
    why = f"前回監査{format_fiscal_year(last)}(古い順)"
    return f"{why}・未完了の指摘事項{agency.open_findings}件(優先)" if agency.open_findings else why


def _rotation_load(situation: Situation, entries: Sequence[PlanEntry]) -> Counter[int]:
    """Audits per year that count towards the even spread: all but new agencies' first-year audits."""
    new_first_year = {(a.id, a.first_use_year) for a in situation.agencies if a.first_use_year is not None}
    load: Counter[int] = Counter()
    seen: set[tuple[int, int]] = set()
    audits: list[RecordedAudit | PlanEntry] = [*situation.recorded_in_period(), *entries]
    for audit in audits:
        key = (audit.agency_id, audit.fiscal_year)
        if audit.fiscal_year in situation.plan_years and key not in seen and key not in new_first_year:
            seen.add(key)
            load[audit.fiscal_year] += 1
    return load


def even_targets(fixed: dict[int, int], extra: int) -> dict[int, int]:
    """Per-year totals as even as possible when `extra` audits are added to the `fixed` ones; years already
    above the level keep their load; a remainder goes to the latest years."""
    open_years = sorted(fixed)
    targets: dict[int, int] = {}
    total = sum(fixed.values()) + extra
    while open_years:
        base, remainder = divmod(total, len(open_years))
        level = {y: base + (1 if i >= len(open_years) - remainder else 0) for i, y in enumerate(open_years)}
        over = [y for y in open_years if fixed[y] > level[y]]
        if not over:
            targets.update(level)
            break
        for y in over:
            targets[y] = fixed[y]
            total -= fixed[y]
            open_years.remove(y)
    return targets


def _spread(situation: Situation, ordered: Sequence[PlanAgency], entries: Sequence[PlanEntry]) -> list[PlanEntry]:
    load = _rotation_load(situation, entries)
    fixed = {y: load[y] for y in situation.plan_years}
    targets = even_targets(fixed, len(ordered))
    slots = [y for y in situation.plan_years for _ in range(targets[y] - fixed[y])]
    planned = []
    for agency, year in zip(ordered, slots, strict=True):
        planned.append(PlanEntry(agency.id, year, AuditKind.INTERNAL, False,
                                 f"期内に1回: {_why_now(agency, situation.recorded)}"))
    return planned


def _use_external_budget(situation: Situation, entries: list[PlanEntry]) -> list[PlanEntry]:
    """Turn some generated internal audits of each year into external ones, up to the year's budget."""
    agencies = {a.id: a for a in situation.agencies}
    result = list(entries)
    for year in situation.plan_years:
        fixed_external = {e.agency_id for e in result if e.fiscal_year == year and e.kind is AuditKind.EXTERNAL}
        fixed_external |= {r.agency_id for r in situation.recorded_in_period()
                           if r.fiscal_year == year and r.kind is AuditKind.EXTERNAL}
        room = situation.external_budget - len(fixed_external)
        candidates = [i for i, e in enumerate(result) if e.fiscal_year == year and not e.pinned
                      and e.kind is AuditKind.INTERNAL and not agencies[e.agency_id].is_new_in(year)]
        kinds = Counter(agencies[a].kind for a in fixed_external if a in agencies)
        while room > 0 and candidates:
            best = min(candidates, key=lambda i: _external_preference(agencies[result[i].agency_id], kinds,
                                                                      situation.recorded, i))
            candidates.remove(best)
            entry = result[best]
            kinds[agencies[entry.agency_id].kind] += 1
            result[best] = PlanEntry(entry.agency_id, year, AuditKind.EXTERNAL, False,
                                     f"{entry.reason}・外部監査枠({situation.external_budget}機関/年)")
            room -= 1
    return result


def _external_preference(agency: PlanAgency, kinds: Counter[AgencyKind], recorded: Sequence[RecordedAudit],
                         order: int) -> tuple[int, int, int]:
    last_external = _last_year(agency.id, recorded, AuditKind.EXTERNAL)
    return (-1 if last_external is None else last_external, kinds[agency.kind], order)
