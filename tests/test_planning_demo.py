"""From the demo data (第6期 history with the seed's R7 audits), the R8 plan has the seed's shape."""

from __future__ import annotations

from datetime import date

from jukiaudit_desktop.core.planning import AuditKind
from jukiaudit_desktop.services import planning
from jukiaudit_desktop.services.audits_demo import EXTERNAL as R7_EXTERNAL
from jukiaudit_desktop.services.audits_demo import INTERNAL as R7_INTERNAL
from jukiaudit_desktop.services.planning_demo import R5_AUDITED, R5_UNNAMED
from jukiaudit_desktop.storage import planning_repo
from jukiaudit_desktop.storage.database import Database

SEED_COUNCIL_DAY = date(2026, 1, 21)  # the R8 plan was put to the council on this day


def test_every_agency_was_audited_once_in_the_sixth_period(demo_db: Database) -> None:
    sixth = planning.period_by_name(demo_db, "第6期")
    current = planning.situation(demo_db, 2025)
    audited = [r.agency_id for r in current.recorded_in_period()]
    in_scope = [a for a in current.agencies if a.audited_in(sixth) and a.first_use_year is None]
    assert sorted(audited) == sorted(a.id for a in in_scope)
    assert planning.stored_plan(demo_db, 2025).violations == []
    assert sixth.years == range(2023, 2026)


def test_r8_plan_has_the_seed_shape(demo_db: Database) -> None:
    proposal = planning.propose_plan(demo_db, 2026, budget=2, as_of=SEED_COUNCIL_DAY)
    names = {a.id: a.name for a in proposal.situation.agencies}
    r8 = proposal.entries_in(2026)
    new = {a.id for a in proposal.situation.agencies if a.first_use_year == 2026}
    assert len(new) == 3
    assert {e.agency_id for e in r8 if e.kind is AuditKind.INTERNAL} >= new
    assert sum(e.kind is AuditKind.EXTERNAL for e in r8) == 2
    # The rotation puts the agencies audited in R5 first: the seed's R8 list, 9 internal + 2 external, and, as
    # 38 事務利用機関 spread evenly give 12 in R8 (13 in R9 and R10), one the seed counts but does not name.
    assert {names[e.agency_id] for e in r8 if e.agency_id not in new} == set(R5_AUDITED + R5_UNNAMED)
    assert [len(proposal.entries_in(y)) - (y == 2026) * len(new) for y in (2026, 2027, 2028)] == [12, 13, 13]
    # Every agency is scheduled exactly once within 第7期, and the R7 agencies come last.
    seventh = proposal.situation.period
    in_scope = {a.id for a in proposal.situation.agencies if a.audited_in(seventh)}
    planned = [e.agency_id for e in proposal.entries]
    assert sorted(planned) == sorted(in_scope)
    assert {names[e.agency_id] for e in proposal.entries_in(2028)} >= set(R7_INTERNAL + R7_EXTERNAL)
    assert all(e.reason for e in proposal.entries)


def test_saved_plan_checks_clean_and_pins_survive_a_new_plan(demo_db: Database) -> None:
    planning.save_plan(demo_db, planning.propose_plan(demo_db, 2026, budget=2, as_of=SEED_COUNCIL_DAY))
    assert planning.stored_plan(demo_db, 2026).violations == []
    planning.pin_agency(demo_db, "K02", 2026, AuditKind.EXTERNAL)  # 税務課, by rotation an R9 agency
    broken = planning.stored_plan(demo_db, 2026)
    assert [v.rule.name for v in broken.violations] == ["EXTERNAL_BUDGET"]
    assert "K02 税務課" in broken.violations[0].agencies
    regenerated = planning.propose_plan(demo_db, 2026, budget=2, as_of=SEED_COUNCIL_DAY)
    tax = next(e for e in regenerated.entries if e.agency_id == _agency_id(demo_db, "K02"))
    assert (tax.fiscal_year, tax.kind, tax.pinned) == (2026, AuditKind.EXTERNAL, True)
    assert sum(e.kind is AuditKind.EXTERNAL for e in regenerated.entries_in(2026)) == 2
    planning.save_plan(demo_db, regenerated)
    assert planning.stored_plan(demo_db, 2026).violations == []


def _agency_id(db: Database, code: str) -> int:
    return next(a.id for a in planning_repo.plan_agencies(db, SEED_COUNCIL_DAY) if a.code == code)
