"""The year's plan as the council reads it (seed 「令和8年度監査計画」): who is audited, internally or externally."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..core.master import Agency, AgencyKind
from ..core.planning import AuditKind, PlanAgency, PlanEntry, Situation
from ..core.wareki import format_fiscal_year

# The seed's wording; an inspector's office may differ, so the document model carries them as fields.
INTERNAL_AUDITORS = "市町村課、デジタルインフラ整備室職員"
EXTERNAL_AUDITORS = "一定の資格・能力を有する者"
# The seed lists 本庁 divisions before 地域振興局.
LIST_ORDER = {AgencyKind.HONCHO_KA: 0, AgencyKind.SHIKKO_KIKAN: 1, AgencyKind.CHIIKI_SHINKOKYOKU: 2}


@dataclass(frozen=True)
class YearCount:
    fiscal_year: int
    internal: int
    external: int


@dataclass(frozen=True)
class PlanDocument:
    fiscal_year: int
    period_label: str
    year_in_period: int           # 1 for the first year of the period
    settings: tuple[str, ...]     # the inspector's settings, printed apart from the council's principles
    internal: tuple[str, ...]     # agency names (placeholders marked 仮), regular rotation
    new_agencies: tuple[str, ...]  # first year of use: internal audit
    external: tuple[str, ...]
    outlook: tuple[YearCount, ...]  # this year and the rest of the period (later years are a forecast)
    internal_auditors: str = INTERNAL_AUDITORS
    external_auditors: str = EXTERNAL_AUDITORS

    @property
    def title(self) -> str:
        return f"{format_fiscal_year(self.fiscal_year)}住民基本台帳ネットワーク監査計画"


def list_key(agency: PlanAgency | Agency) -> tuple[int, str]:
    """The order a council list reads: 本庁 divisions, 執行機関, then 地域振興局; by code within each."""
    return LIST_ORDER.get(agency.kind, 3), agency.code


def plan_document(situation: Situation, entries: Sequence[PlanEntry]) -> PlanDocument:
    """The document of the plan for situation.year; agencies in the order a council list reads."""
    agencies = {a.id: a for a in situation.agencies}
    year = situation.year
    this_year = sorted((e for e in entries if e.fiscal_year == year),
                       key=lambda e: list_key(agencies[e.agency_id]))

    def names(kind: AuditKind, new: bool) -> tuple[str, ...]:
        return tuple(agencies[e.agency_id].display_name for e in this_year
                     if e.kind is kind and agencies[e.agency_id].is_new_in(year) == new)

    outlook = tuple(
        YearCount(y, sum(1 for e in entries if e.fiscal_year == y and e.kind is AuditKind.INTERNAL),
                  sum(1 for e in entries if e.fiscal_year == y and e.kind is AuditKind.EXTERNAL))
        for y in situation.plan_years
    )
    return PlanDocument(year, situation.period.label, year - situation.period.first_year + 1,
                        tuple(situation.settings.lines()), names(AuditKind.INTERNAL, False), names(AuditKind.INTERNAL, True),
                        names(AuditKind.EXTERNAL, False) + names(AuditKind.EXTERNAL, True), outlook)

