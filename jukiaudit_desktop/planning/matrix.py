"""The coverage matrix of a period: agencies × fiscal years, each cell the audit recorded or planned there."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..core.planning import AuditKind, Period, PlanAgency, PlanEntry, RecordedAudit, Rule, Violation


class CellSource(StrEnum):
    HISTORY = "履歴"      # entered for a year before the app was used
    RECORDED = "記録"     # an audit recorded in the app
    PINNED = "固定"       # planned, pinned by the inspector
    PLANNED = "計画"      # planned by the generator


@dataclass(frozen=True)
class Cell:
    kind: AuditKind
    source: CellSource
    reason: str = ""
    problems: tuple[Violation, ...] = ()

    def text(self, short: bool = False) -> str:
        """内部監査・計画 (short: 内部・計画), with ! when a rule breaks in this cell's year."""
        kind = self.kind.value[:2] if short else self.kind.value
        return f"{kind}・{self.source.value}" + ("!" if self.problems else "")


@dataclass(frozen=True)
class MatrixRow:
    agency: PlanAgency
    cells: dict[int, Cell]
    problems: tuple[Violation, ...]

    @property
    def is_gap(self) -> bool:
        """No audit recorded or planned anywhere in the period."""
        return not self.cells


@dataclass(frozen=True)
class CoverageMatrix:
    period: Period
    rows: tuple[MatrixRow, ...]
    violations: tuple[Violation, ...]

    def count(self, fiscal_year: int, kind: AuditKind) -> int:
        return sum(1 for r in self.rows if (c := r.cells.get(fiscal_year)) is not None and c.kind is kind)

    @property
    def gaps(self) -> list[MatrixRow]:
        return [r for r in self.rows if r.is_gap]


def build_matrix(period: Period, agencies: Sequence[PlanAgency], recorded: Sequence[RecordedAudit],
                 entries: Sequence[PlanEntry], violations: Sequence[Violation]) -> CoverageMatrix:
    """One row per agency audited in the period (or planned in it); recorded audits win over plan entries."""
    by_label: dict[str, list[Violation]] = {}
    for violation in violations:
        for label in violation.agencies:
            by_label.setdefault(label, []).append(violation)
    planned_ids = {e.agency_id for e in entries}
    rows = []
    for agency in sorted(agencies, key=lambda a: a.code):
        if not agency.audited_in(period) and agency.id not in planned_ids:
            continue
        problems = by_label.get(agency.label, [])
        cells: dict[int, Cell] = {}
        for entry in entries:
            if entry.agency_id == agency.id and period.contains(entry.fiscal_year):
                source = CellSource.PINNED if entry.pinned else CellSource.PLANNED
                cells[entry.fiscal_year] = Cell(entry.kind, source, entry.reason)
        for audit in recorded:
            if audit.agency_id == agency.id and period.contains(audit.fiscal_year):
                source = CellSource.HISTORY if audit.is_history else CellSource.RECORDED
                cells[audit.fiscal_year] = Cell(audit.kind, source)
        cells = {year: _with_problems(year, cell, problems) for year, cell in sorted(cells.items())}
        rows.append(MatrixRow(agency, cells, tuple(problems)))
    return CoverageMatrix(period, tuple(rows), tuple(violations))


def _with_problems(year: int, cell: Cell, problems: Sequence[Violation]) -> Cell:
    here = tuple(v for v in problems if v.fiscal_year == year and v.rule is not Rule.COVERAGE)
    return Cell(cell.kind, cell.source, cell.reason, here)
