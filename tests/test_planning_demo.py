"""From the demo data (第6期 history with the seed's R7 audits), the saved R8 plan is the council's, and the generator
keeps the council's principles only, with the inspector's options and pins respected exactly."""

from __future__ import annotations

from datetime import date

from jukiaudit_desktop.core.planning import AuditKind, PlanSettings
from jukiaudit_desktop.services import planning
from jukiaudit_desktop.services.audits_demo import EXTERNAL as R7_EXTERNAL
from jukiaudit_desktop.services.audits_demo import INTERNAL as R7_INTERNAL
from jukiaudit_desktop.services.planning_demo import R8_EXTERNAL, R8_INTERNAL
from jukiaudit_desktop.storage import planning_repo
from jukiaudit_desktop.storage.database import Database

SEED_COUNCIL_DAY = date(2026, 1, 21)  # the R8 plan was put to the council on this day
NEW_IN_R8 = {"K13", "K22", "K23"}     # 企業局 水道事業課, 介護支援課, 河川課 (資料4)


def test_every_agency_was_audited_once_in_the_sixth_period(demo_db: Database) -> None:
    sixth = planning.period_by_name(demo_db, "第6期")
    current = planning.situation(demo_db, 2025)
    audited = [r.agency_id for r in current.recorded_in_period()]
    in_scope = [a for a in current.agencies if a.audited_in(sixth) and a.first_use_year is None]
    assert sorted(audited) == sorted(a.id for a in in_scope)
    assert planning.stored_plan(demo_db, 2025).violations == []
    assert sixth.years == range(2023, 2026)


def test_the_saved_r8_plan_is_the_councils(demo_db: Database) -> None:
    data = planning.saved_plan_data(demo_db, 2026)
    audits = data["audits"]
    assert data["year"] == 2026 and len(audits) == 14
    internal = [a["agency_name"] for a in audits if a["audit_type"] == "内部監査" and not a["new_agency"]]
    assert sorted(internal) == sorted(R8_INTERNAL)
    assert {a["agency_code"] for a in audits if a["new_agency"]} == NEW_IN_R8
    assert all(a["audit_type"] == "内部監査" for a in audits if a["new_agency"])
    assert sorted(a["agency_name"] for a in audits if a["audit_type"] == "外部監査") == sorted(R8_EXTERNAL)
    assert all(a["pinned"] and "審議会資料2" in a["reason"] for a in audits)
    plan = planning.stored_plan(demo_db, 2026)
    assert plan.violations == []
    assert len(plan.unplanned) == 27  # 38 事務利用機関 − the 11 of R8: left for R9 and R10


def test_defaults_are_the_council_principles_only(demo_db: Database) -> None:
    """No external audits, no overdue-first ranking, no 10th internal slot: the pinned R8 stays exactly as is."""
    proposal = planning.propose_plan(demo_db, 2026, PlanSettings(internal_counts=((2026, 9),)),
                                     as_of=SEED_COUNCIL_DAY)
    r8 = proposal.entries_in(2026)
    assert len(r8) == 14 and all(e.pinned for e in r8)
    later = [e for e in proposal.entries if e.fiscal_year > 2026]
    assert later and all(e.kind is AuditKind.INTERNAL for e in later)
    assert all("期限を過ぎた" not in e.reason for e in proposal.entries)
    names = {a.id: a.name for a in proposal.situation.agencies}
    # Every agency once in 第7期; the R7 agencies (longest since the last audit comes first) come last.
    seventh = proposal.situation.period
    assert sorted(e.agency_id for e in proposal.entries) == sorted(
        a.id for a in proposal.situation.agencies if a.audited_in(seventh))
    assert {names[e.agency_id] for e in proposal.entries_in(2028)} >= set(R7_INTERNAL + R7_EXTERNAL)


def test_yearly_counts_are_inputs_and_options_are_the_inspectors(demo_db: Database) -> None:
    settings = PlanSettings(external_budget=2, internal_counts=((2027, 10),), prefer_overdue=True)
    proposal = planning.propose_plan(demo_db, 2026, settings, as_of=date(2026, 3, 1))
    counts = {y: {k: sum(e.kind is k for e in proposal.entries_in(y)) for k in AuditKind} for y in (2027, 2028)}
    assert counts[2027] == {AuditKind.INTERNAL: 10, AuditKind.EXTERNAL: 2}
    assert counts[2028][AuditKind.EXTERNAL] == 2
    assert all("担当者の設定" in e.reason for e in proposal.entries if e.kind is AuditKind.EXTERNAL and not e.pinned)
    # R7's findings (due R8.1.30) are past due on R8.3.1: with prefer_overdue, those agencies come first (R9).
    overdue = {a.id for a in proposal.situation.agencies if a.overdue_findings}
    assert overdue and {e.agency_id for e in proposal.entries_in(2027)} >= overdue


def test_saved_plan_checks_clean_and_pins_survive_a_new_plan(demo_db: Database) -> None:
    planning.save_plan(demo_db, planning.propose_plan(demo_db, 2026, PlanSettings(external_budget=2),
                                                      as_of=SEED_COUNCIL_DAY))
    assert planning.stored_plan(demo_db, 2026).violations == []
    planning.pin_agency(demo_db, "K02", 2026, AuditKind.EXTERNAL)  # 税務課, by rotation an R9 agency
    broken = planning.stored_plan(demo_db, 2026)
    assert [v.rule.name for v in broken.violations] == ["EXTERNAL_BUDGET"]
    assert "K02 税務課" in broken.violations[0].agencies and "担当者の設定" in broken.violations[0].message
    planning.unpin_agency(demo_db, "K09", 2026)  # release 観光誘客課 so the budget can hold
    regenerated = planning.propose_plan(demo_db, 2026, as_of=SEED_COUNCIL_DAY)
    tax = next(e for e in regenerated.entries if e.agency_id == _agency_id(demo_db, "K02"))
    assert (tax.fiscal_year, tax.kind, tax.pinned) == (2026, AuditKind.EXTERNAL, True)
    assert sum(e.kind is AuditKind.EXTERNAL for e in regenerated.entries_in(2026)) == 2
    planning.save_plan(demo_db, regenerated)
    assert planning.stored_plan(demo_db, 2026).violations == []


def _agency_id(db: Database, code: str) -> int:
    return next(a.id for a in planning_repo.plan_agencies(db, SEED_COUNCIL_DAY) if a.code == code)
