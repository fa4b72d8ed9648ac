"""Property tests: for random agencies, histories, budgets and pins, a generated plan keeps every rule, or the
generator refuses naming the agencies and the rules that cannot be kept."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
from jukiaudit_desktop.planning.generator import PlanRefusedError, generate_plan
from jukiaudit_desktop.planning.rules import check_plan

PERIOD = Period("第7期", 2026, 2028)

agency_strategy = st.builds(
    lambda kind, first, active, open_, overdue: (kind, first, active, open_, min(open_, overdue)),
    st.sampled_from([AgencyKind.HONCHO_KA, AgencyKind.CHIIKI_SHINKOKYOKU, AgencyKind.SHIKKO_KIKAN]) | st.sampled_from(list(AgencyKind)),
    st.one_of(st.none(), st.integers(2018, 2030)),
    st.sampled_from([True, True, True, False]),
    st.integers(0, 3),
    st.integers(0, 2),
)


@st.composite
def situations(draw: st.DrawFn, with_pins: bool = True) -> tuple[Situation, list[PlanEntry]]:
    raw = draw(st.lists(agency_strategy, min_size=1, max_size=40))
    agencies = tuple(PlanAgency(i + 1, f"A{i + 1:02d}", f"機関{i + 1}", kind, first, active, open_, overdue)
                     for i, (kind, first, active, open_, overdue) in enumerate(raw))
    ids = [a.id for a in agencies] or [1]
    recorded = draw(st.lists(st.builds(RecordedAudit, st.sampled_from(ids), st.integers(2017, 2028),
                                       st.sampled_from(list(AuditKind)), st.booleans()), max_size=20))
    year = draw(st.integers(PERIOD.first_year, PERIOD.last_year))
    budget = draw(st.none() | st.integers(0, 4))
    counts = draw(st.lists(st.tuples(st.integers(year, PERIOD.last_year), st.integers(0, 15)), max_size=2,
                           unique_by=lambda c: c[0])) if with_pins else []
    pins: list[PlanEntry] = []
    if with_pins:
        pin_years = st.integers(year, PERIOD.last_year) | st.integers(2025, 2029)
        pins = draw(st.lists(st.builds(PlanEntry, st.sampled_from(ids), pin_years,
                                       st.sampled_from(list(AuditKind)), st.just(True)),
                             max_size=4, unique_by=lambda p: p.agency_id))
    settings_ = PlanSettings(budget, tuple(sorted(counts)), draw(st.booleans()))
    return Situation(PERIOD, year, agencies, tuple(recorded), settings_), pins


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations())
@pytest.mark.slow
def test_a_plan_keeps_every_rule_or_is_refused_with_reasons(case: tuple[Situation, list[PlanEntry]]) -> None:
    situation, pins = case
    try:
        entries = generate_plan(situation, pins)
    except PlanRefusedError as refused:
        assert refused.violations
        for violation in refused.violations:
            assert violation.agencies and violation.rule.value in violation.message
            assert all(label in violation.message for label in violation.agencies)
        return
    assert check_plan(situation, entries) == []
    covered = {r.agency_id for r in situation.recorded_in_period()} | {e.agency_id for e in entries}
    assert all(a.id in covered for a in situation.agencies if a.audited_in(situation.period))
    for pin in pins:  # pinned entries are kept as they were set
        assert any((e.agency_id, e.fiscal_year, e.kind, e.pinned) == (pin.agency_id, pin.fiscal_year, pin.kind, True)
                   for e in entries)
    budget = situation.external_budget
    agencies = {a.id: a for a in situation.agencies}
    for year in situation.plan_years:
        external = {e.agency_id for e in entries if e.fiscal_year == year and e.kind is AuditKind.EXTERNAL}
        assert len(external) <= (budget if budget is not None else sum(p.fiscal_year == year for p in pins))
        count = situation.settings.internal_count(year)
        if count is not None:  # a set count is kept exactly: never beyond it, never a pin removed
            regular = [e for e in entries if e.fiscal_year == year and not agencies[e.agency_id].is_new_in(year)]
            fixed = {e.agency_id for e in regular if e.pinned} | {
                r.agency_id for r in situation.recorded_in_period()
                if r.fiscal_year == year and not agencies[r.agency_id].is_new_in(year)}
            assert len([e for e in regular if not e.pinned]) <= max(0, count + (budget or 0) - len(fixed))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations(with_pins=False))
@pytest.mark.slow
def test_without_pins_a_plan_is_refused_only_for_what_was_recorded(case: tuple[Situation, list[PlanEntry]]) -> None:
    situation, _ = case
    facts_break_rules = check_plan(situation, [], complete=False)
    try:
        entries = generate_plan(situation)
    except PlanRefusedError:
        assert facts_break_rules
        return
    assert not facts_break_rules
    # The rotation load (all but new agencies' first-year audits) is spread evenly over the years planned,
    # unless recorded audits already load a year beyond the level.
    recorded_years = {r.fiscal_year for r in situation.recorded_in_period()}
    if not recorded_years & set(situation.plan_years) and not situation.settings.internal_counts:
        agencies = {a.id: a for a in situation.agencies}
        load = Counter(e.fiscal_year for e in entries if not agencies[e.agency_id].is_new_in(e.fiscal_year))
        counts = [load[y] for y in situation.plan_years]
        assert max(counts) - min(counts) <= 1
        assert counts == sorted(counts)  # a remainder goes to the later years
        # Each year uses its external budget as far as agencies other than new ones are planned in it.
        for year in situation.plan_years:
            external = sum(e.kind is AuditKind.EXTERNAL for e in entries if e.fiscal_year == year)
            assert external == min(situation.external_budget or 0, load[year])


def test_pinning_too_many_external_audits_is_refused_naming_them() -> None:
    agencies = tuple(PlanAgency(i, f"A{i}", f"機関{i}", AgencyKind.HONCHO_KA) for i in (1, 2, 3))
    situation = Situation(PERIOD, 2026, agencies, (), PlanSettings(external_budget=1))
    pins = [PlanEntry(1, 2026, AuditKind.EXTERNAL, True), PlanEntry(2, 2026, AuditKind.EXTERNAL, True)]
    with pytest.raises(PlanRefusedError) as refused:
        generate_plan(situation, pins)
    (violation,) = refused.value.violations
    assert violation.rule.name == "EXTERNAL_BUDGET" and violation.agencies == ("A1 機関1", "A2 機関2")
    assert "外部監査の年間枠" in str(refused.value)
