"""The rule check of a hand-edited plan names the rule, the agency and the year of each breach."""

from __future__ import annotations

from jukiaudit_desktop.core.master import AgencyKind
from jukiaudit_desktop.core.planning import (
    AuditKind,
    Period,
    PlanAgency,
    PlanEntry,
    PlanSettings,
    RecordedAudit,
    Situation,
)
from jukiaudit_desktop.planning.generator import even_targets
from jukiaudit_desktop.planning.rules import check_plan

PERIOD = Period("第7期", 2026, 2028)
OLD = PlanAgency(1, "K01", "職員総務課", AgencyKind.HONCHO_KA)
NEW = PlanAgency(2, "K13", "水道事業課", AgencyKind.HONCHO_KA, first_use_year=2026)
LATER = PlanAgency(3, "K30", "新設課", AgencyKind.HONCHO_KA, first_use_year=2027)
RUNS_AUDITS = PlanAgency(4, "U01", "市町村課", AgencyKind.UNYO_KIKAN)
CLOSED = PlanAgency(5, "K99", "廃止課", AgencyKind.HONCHO_KA, active=False)


def situation(*recorded: RecordedAudit, year: int = 2026, budget: int | None = 1) -> Situation:
    return Situation(PERIOD, year, (OLD, NEW, LATER, RUNS_AUDITS, CLOSED), recorded, PlanSettings(budget))


def rules_broken(current: Situation, *entries: PlanEntry) -> list[tuple[str, tuple[str, ...], int | None]]:
    return [(v.rule.name, v.agencies, v.fiscal_year) for v in check_plan(current, entries)]


def test_a_complete_plan_keeping_every_rule_passes() -> None:
    plan = [PlanEntry(1, 2028, AuditKind.EXTERNAL), PlanEntry(2, 2026, AuditKind.INTERNAL),
            PlanEntry(3, 2027, AuditKind.INTERNAL)]
    assert rules_broken(situation(), *plan) == []


def test_each_breach_names_its_rule_agency_and_year() -> None:
    plan = [
        PlanEntry(1, 2026, AuditKind.INTERNAL),
        PlanEntry(2, 2027, AuditKind.INTERNAL),   # new in 2026: should be internal in 2026
        PlanEntry(3, 2026, AuditKind.INTERNAL),   # starts in 2027
        PlanEntry(4, 2026, AuditKind.INTERNAL),   # a 運用機関 is not audited
        PlanEntry(5, 2029, AuditKind.INTERNAL),   # outside the years planned
    ]
    assert rules_broken(situation(), *plan) == [
        ("BEFORE_FIRST_USE", ("K30 新設課",), 2026),
        ("NOT_AUDITED_KIND", ("U01 市町村課",), 2026),
        ("YEAR_OUTSIDE_PLAN", ("K99 廃止課",), 2029),
        ("NEW_AGENCY_INTERNAL", ("K13 水道事業課",), 2026),
        ("COVERAGE", ("K30 新設課",), None),
        ("NEW_AGENCY_INTERNAL", ("K30 新設課",), 2027),
    ]


def test_recorded_audits_count_and_a_second_audit_in_the_period_is_refused() -> None:
    done = situation(RecordedAudit(1, 2026, AuditKind.EXTERNAL), RecordedAudit(2, 2026, AuditKind.INTERNAL),
                     year=2027)
    assert rules_broken(done, PlanEntry(3, 2027, AuditKind.INTERNAL)) == []
    assert rules_broken(done, PlanEntry(3, 2027, AuditKind.INTERNAL), PlanEntry(1, 2028, AuditKind.INTERNAL)) == [
        ("ONCE_PER_PERIOD", ("K01 職員総務課",), 2028)]
    # A plan entry that the recorded audit carried out (same year and kind) is the same audit.
    assert rules_broken(situation(RecordedAudit(1, 2026, AuditKind.EXTERNAL)), PlanEntry(1, 2026, AuditKind.EXTERNAL),
                        PlanEntry(2, 2026, AuditKind.INTERNAL), PlanEntry(3, 2027, AuditKind.INTERNAL)) == []


def test_the_external_budget_counts_recorded_and_planned_audits() -> None:
    recorded = RecordedAudit(1, 2026, AuditKind.EXTERNAL)
    plan = (PlanEntry(2, 2026, AuditKind.INTERNAL), PlanEntry(3, 2027, AuditKind.INTERNAL))
    assert rules_broken(situation(recorded, budget=1), *plan) == []
    assert rules_broken(situation(recorded, budget=0), *plan) == [("EXTERNAL_BUDGET", ("K01 職員総務課",), 2026)]
    two_external = (PlanEntry(2, 2026, AuditKind.INTERNAL), PlanEntry(3, 2027, AuditKind.INTERNAL),
                    PlanEntry(1, 2027, AuditKind.EXTERNAL))
    assert rules_broken(situation(budget=1), *two_external) == []
    assert rules_broken(situation(budget=0), *two_external) == [("EXTERNAL_BUDGET", ("K01 職員総務課",), 2027)]


def test_even_targets_level_the_years_and_leave_heavy_years_alone() -> None:
    assert even_targets({2026: 0, 2027: 0, 2028: 0}, 34) == {2026: 11, 2027: 11, 2028: 12}
    assert even_targets({2026: 9, 2027: 0, 2028: 1}, 5) == {2026: 9, 2027: 3, 2028: 3}
    assert even_targets({2028: 2}, 0) == {2028: 2}


def test_without_a_budget_set_no_external_limit_is_checked() -> None:
    plan = [PlanEntry(1, 2026, AuditKind.EXTERNAL), PlanEntry(2, 2026, AuditKind.INTERNAL),
            PlanEntry(3, 2027, AuditKind.INTERNAL)]
    assert rules_broken(situation(budget=None), *plan) == []
    assert rules_broken(situation(budget=0), *plan) == [("EXTERNAL_BUDGET", ("K01 職員総務課",), 2026)]
