"""Planning in plain Python: periods (期), agencies with their findings, recorded audits, plan entries, rule breaches."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .master import AgencyKind, marked_name
from .wareki import format_fiscal_year

# Only 事務利用機関 are audited: the 運用機関 run the audits, 市町村 are audited by J-LIS (seed 資料2/5).
AUDITED_KINDS = frozenset({AgencyKind.HONCHO_KA, AgencyKind.CHIIKI_SHINKOKYOKU, AgencyKind.SHIKKO_KIKAN})


class AuditKind(StrEnum):
    INTERNAL = "内部監査"
    EXTERNAL = "外部監査"


class Rule(StrEnum):
    """The rules a plan must keep: the council's 「基本的な考え方」 2 and 3 (coverage, once per period, new
    agencies), what follows from dates, and — only where the inspector set one — the external-audit budget."""

    COVERAGE = "全機関を期内に1回監査"
    ONCE_PER_PERIOD = "監査は期内に1回まで"
    NEW_AGENCY_INTERNAL = "新規機関は利用開始年度に内部監査"
    BEFORE_FIRST_USE = "利用開始前の年度には監査しない"
    EXTERNAL_BUDGET = "担当者の設定: 外部監査の年間枠"
    NOT_AUDITED_KIND = "監査対象の機関に限る"
    YEAR_OUTSIDE_PLAN = "計画する年度の範囲内"


@dataclass(frozen=True)
class Period:
    """A 期: three fiscal years (西暦), e.g. 第7期 = 2026–2028 (R8–R10)."""

    name: str
    first_year: int
    last_year: int

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    def contains(self, fiscal_year: int) -> bool:
        return self.first_year <= fiscal_year <= self.last_year

    @property
    def label(self) -> str:
        return f"{self.name}({format_fiscal_year(self.first_year)}～{format_fiscal_year(self.last_year)})"


@dataclass(frozen=True)
class PlanAgency:
    """An agency as planning sees it: who it is, since when it uses 住基ネット, how its findings stand."""

    id: int
    code: str
    name: str
    kind: AgencyKind
    first_use_year: int | None = None
    active: bool = True
    open_findings: int = 0
    overdue_findings: int = 0  # open, and the improvement report is past its due date
    placeholder: bool = False  # counted in the material, not named there (仮)

    @property
    def display_name(self) -> str:
        return marked_name(self.name, self.placeholder)

    @property
    def label(self) -> str:
        return f"{self.code} {self.display_name}"

    def audited_in(self, period: Period) -> bool:
        """Whether the period's rules apply to this agency at all."""
        starts_in_time = self.first_use_year is None or self.first_use_year <= period.last_year
        return self.active and self.kind in AUDITED_KINDS and starts_in_time

    def is_new_in(self, fiscal_year: int) -> bool:
        return self.first_use_year == fiscal_year


@dataclass(frozen=True)
class RecordedAudit:
    """An internal or external audit recorded in the app (or entered as history), of any status."""

    agency_id: int
    fiscal_year: int
    kind: AuditKind
    is_history: bool = False


@dataclass(frozen=True)
class PlanEntry:
    """One planned audit. `reason` says which rule the choice serves; pinned entries were set by hand."""

    agency_id: int
    fiscal_year: int
    kind: AuditKind
    pinned: bool = False
    reason: str = ""


# The council's 【基本的な考え方】 (seed 資料2, 令和8年度監査の実施について), word for word. Nothing else is a
# council principle: the options below are the inspector's settings and are printed as such.
COUNCIL_PRINCIPLES = (
    "全ての事務利用機関を対象に、自己点検を年1回実施する。",
    "全ての事務利用機関を対象に、内部監査又は外部監査を3年間で1回実施する。",
    "新規事務利用機関については、利用開始年度に内部監査を実施する。",
)


@dataclass(frozen=True)
class PlanSettings:
    """The inspector's choices for a plan, beyond the council's principles. All optional.

    external_budget: external audits per year (None: not set — the generator plans none beyond pinned ones
    and no budget is checked). internal_counts: regular internal audits per year, as decided (e.g. the
    council's 9 for R8); new agencies' first-year audits come on top; years without a count share the rest
    evenly. prefer_overdue: agencies with overdue findings are scheduled first.
    """

    external_budget: int | None = None
    internal_counts: tuple[tuple[int, int], ...] = ()
    prefer_overdue: bool = False

    def internal_count(self, year: int) -> int | None:
        return dict(self.internal_counts).get(year)

    def lines(self) -> list[str]:
        """The settings as the plan document prints them (empty when none is set)."""
        lines = [f"{format_fiscal_year(y)}の内部監査(新規機関を除く): {n}機関" for y, n in self.internal_counts]
        if self.external_budget is not None:
            lines.append(f"外部監査: 年{self.external_budget}機関まで")
        if self.prefer_overdue:
            lines.append("改善報告の期限を過ぎた指摘事項のある機関を優先")
        return lines


@dataclass(frozen=True)
class Situation:
    """Everything a plan for `year` depends on: the period, the agencies, every recorded audit, the settings."""

    period: Period
    year: int
    agencies: tuple[PlanAgency, ...]
    recorded: tuple[RecordedAudit, ...]
    settings: PlanSettings = PlanSettings()

    @property
    def external_budget(self) -> int | None:
        return self.settings.external_budget

    @property
    def plan_years(self) -> range:
        """The years a plan made in `year` decides: this year and the rest of the period."""
        return range(self.year, self.period.last_year + 1)

    def recorded_in_period(self) -> list[RecordedAudit]:
        return [r for r in self.recorded if self.period.contains(r.fiscal_year)]


@dataclass(frozen=True)
class Violation:
    """A broken rule, naming the agencies and the year concerned."""

    rule: Rule
    agencies: tuple[str, ...]
    fiscal_year: int | None
    detail: str

    @property
    def message(self) -> str:
        year = f"{format_fiscal_year(self.fiscal_year)}: " if self.fiscal_year is not None else ""
        who = "、".join(self.agencies)
        return f"【{self.rule.value}】{year}{who} — {self.detail}"
