"""The plan generator: who is audited when, internally or externally, for this year and the rest of the period.

By default only the council's 【基本的な考え方】 (core.planning.COUNCIL_PRINCIPLES) steer it; the rest are the
inspector's settings (core.planning.PlanSettings). Choices, in order (each entry's `reason` names the one it serves):
1. pinned entries stay exactly where the inspector put them;
2. a new agency gets an internal audit in its first year of use (principle 3);
3. every other agency not yet audited in the period is scheduled once (principle 2), the longest since its
   last audit first (never audited first); with the setting prefer_overdue, agencies with overdue findings
   come before all others;
4. a year with an internal count set gets exactly that many regular audits (pins included; never fewer than
   the pins, never more than the count) plus its external budget; the other years share the rest evenly, a
   remainder going to the later years; first-year audits of new agencies come on top of the rotation;
5. only when the inspector set an external budget: each year's budget is used on the agencies whose last
   external audit is oldest, mixing kinds of agency (the seed pairs a 本庁課 with a 地域振興局).
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
    settings = situation.settings
    if (settings.external_budget is not None and settings.external_budget < 0) or any(
            n < 0 for _, n in settings.internal_counts):
        raise JukiAuditError("外部監査の枠と内部監査の機関数は0以上で指定してください。")
    pins = [PlanEntry(p.agency_id, p.fiscal_year, p.kind, True, p.reason or "担当者が固定") for p in pins]
    refused = check_plan(situation, pins, complete=False)
    if refused:
        raise PlanRefusedError(refused)
    covered = {r.agency_id for r in situation.recorded_in_period()} | {p.agency_id for p in pins}
    waiting = [a for a in situation.agencies if a.audited_in(situation.period) and a.id not in covered]
    new = [a for a in waiting if a.first_use_year in situation.plan_years]
    entries = list(pins) + [_new_agency_entry(a) for a in new]
    regular = sorted((a for a in waiting if a not in new),
                     key=lambda a: _urgency(a, situation.recorded, settings.prefer_overdue))
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


def _urgency(agency: PlanAgency, recorded: Sequence[RecordedAudit], prefer_overdue: bool) -> tuple[bool, int, str]:
    last = _last_year(agency.id, recorded)
    return (prefer_overdue and agency.overdue_findings == 0, -1 if last is None else last, agency.code)


def _why_now(agency: PlanAgency, situation: Situation) -> str:
    if situation.settings.prefer_overdue and agency.overdue_findings:
        return f"改善報告の期限を過ぎた指摘事項{agency.overdue_findings}件(担当者の設定で優先)"
    last = _last_year(agency.id, situation.recorded)
    return "監査の記録なし(優先)" if last is None else f"前回監査{format_fiscal_year(last)}(古い順)"


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


def year_slots(situation: Situation, fixed: dict[int, int], agencies: int) -> list[int]:
    """The year of each audit to add, in order: first the years whose count the inspector set (filled up to
    the count plus the external budget, never beyond), then the rest spread evenly over the other years."""
    settings = situation.settings
    slots: list[int] = []
    for year in situation.plan_years:
        count = settings.internal_count(year)
        if count is not None:
            room = count + (settings.external_budget or 0) - fixed[year]
            slots += [year] * max(0, min(room, agencies - len(slots)))
    open_years = {y: n for y, n in fixed.items() if settings.internal_count(y) is None}
    if open_years:
        targets = even_targets(open_years, agencies - len(slots))
        slots += [y for y in sorted(open_years) for _ in range(targets[y] - open_years[y])]
    return slots


def _spread(situation: Situation, ordered: Sequence[PlanAgency], entries: Sequence[PlanEntry]) -> list[PlanEntry]:
    """The regular agencies in their years; any the set counts leave no room for stay unplanned (the rule
    check then names them)."""
    load = _rotation_load(situation, entries)
    fixed = {y: load[y] for y in situation.plan_years}
    slots = year_slots(situation, fixed, len(ordered))
    return [PlanEntry(agency.id, year, AuditKind.INTERNAL, False, f"期内に1回: {_why_now(agency, situation)}")
            for agency, year in zip(ordered, slots, strict=False)]


def _use_external_budget(situation: Situation, entries: list[PlanEntry]) -> list[PlanEntry]:
    """Turn some generated internal audits of each year into external ones, up to the year's budget."""
    agencies = {a.id: a for a in situation.agencies}
    result = list(entries)
    budget = situation.external_budget
    if budget is None:
        return result
    for year in situation.plan_years:
        fixed_external = {e.agency_id for e in result if e.fiscal_year == year and e.kind is AuditKind.EXTERNAL}
        fixed_external |= {r.agency_id for r in situation.recorded_in_period()
                           if r.fiscal_year == year and r.kind is AuditKind.EXTERNAL}
        room = budget - len(fixed_external)
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
                                     f"{entry.reason}・外部監査枠({budget}機関/年、担当者の設定)")
            room -= 1
    return result


def _external_preference(agency: PlanAgency, kinds: Counter[AgencyKind], recorded: Sequence[RecordedAudit],
                         order: int) -> tuple[int, int, int]:
    last_external = _last_year(agency.id, recorded, AuditKind.EXTERNAL)
    return (-1 if last_external is None else last_external, kinds[agency.kind], order)
