"""Score averages as the council reports them: two decimals, half up, 該当なし and unscored items left out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .audit import NOT_APPLICABLE, ItemScore

TWO_PLACES = Decimal("0.01")


def round_two(value: Fraction) -> Decimal:
    """An exact fraction to two decimals, half up (2.985 → 2.99)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def counted(scores: Iterable[int | None]) -> list[int]:
    """The scores that count: 1..3, not 該当なし, not missing."""
    return [s for s in scores if s is not None and s != NOT_APPLICABLE]


def exact_mean(values: Sequence[int] | Sequence[Fraction]) -> Fraction | None:
    return Fraction(sum(values, Fraction(0)), len(values)) if values else None


def mean_two(values: Sequence[int] | Sequence[Fraction]) -> Decimal | None:
    mean = exact_mean(values)
    return None if mean is None else round_two(mean)


@dataclass(frozen=True)
class CategoryScore:
    category: str
    self_average: Decimal | None
    verified_average: Decimal | None
    self_counted: int  # items that count in the self average
    verified_counted: int
    items: int


@dataclass(frozen=True)
class ScoreSummary:
    categories: tuple[CategoryScore, ...]
    self_average: Decimal | None  # over all counted items (not the mean of category means)
    verified_average: Decimal | None
    self_exact: Fraction | None  # unrounded, for averaging agencies without double rounding
    verified_exact: Fraction | None
    items: int
    self_unscored: int  # items with no self score yet
    verified_unscored: int


def summarize(scores: Sequence[ItemScore]) -> ScoreSummary:
    """Per-category (in checklist order) and overall averages of self and verified scores."""
    by_category: dict[str, list[ItemScore]] = {}
    for score in scores:
        by_category.setdefault(score.item.category, []).append(score)
    categories = []
    for category, rows in by_category.items():
        self_values = counted(r.self_score for r in rows)
        verified_values = counted(r.verified for r in rows)
        categories.append(
            CategoryScore(category, mean_two(self_values), mean_two(verified_values),
                          len(self_values), len(verified_values), len(rows))
        )
    self_all = counted(s.self_score for s in scores)
    verified_all = counted(s.verified for s in scores)
    self_exact, verified_exact = exact_mean(self_all), exact_mean(verified_all)
    return ScoreSummary(
        tuple(categories),
        None if self_exact is None else round_two(self_exact),
        None if verified_exact is None else round_two(verified_exact),
        self_exact,
        verified_exact,
        len(scores),
        sum(1 for s in scores if s.self_score is None),
        sum(1 for s in scores if s.verified is None),
    )
