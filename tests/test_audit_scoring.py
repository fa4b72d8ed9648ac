"""Score averages: two decimals half up, 該当なし and unscored items left out, categories in checklist order."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from jukiaudit_desktop.core.audit import NOT_APPLICABLE, ChecklistItem, ItemScore
from jukiaudit_desktop.core.scoring import mean_two, round_two, summarize


def scored(code: str, category: str, self_score: int | None, verified: int | None = None) -> ItemScore:
    return ItemScore(ChecklistItem(code, category, f"{code} の質問"), self_score, verified)


def test_round_half_up_where_float_rounding_would_go_down() -> None:
    assert round_two(Fraction(2985, 1000)) == Decimal("2.99")  # round(2.985, 2) == 2.98 in float
    assert round_two(Fraction(2945, 1000)) == Decimal("2.95")
    assert round_two(Fraction(2944999, 1000000)) == Decimal("2.94")
    assert mean_two([3, 3, 2]) == Decimal("2.67")
    assert mean_two([]) is None


def test_not_applicable_and_unscored_items_do_not_count() -> None:
    summary = summarize([
        scored("A-1", "組織体制", 3, 2),
        scored("A-2", "組織体制", NOT_APPLICABLE, 3),
        scored("B-1", "規程整備", 2, NOT_APPLICABLE),
        scored("B-2", "規程整備", None, None),
        scored("C-1", "委託管理", NOT_APPLICABLE, NOT_APPLICABLE),
    ])
    assert summary.self_average == Decimal("2.50")  # (3 + 2) / 2
    assert summary.verified_average == Decimal("2.50")  # (2 + 3) / 2
    assert [c.category for c in summary.categories] == ["組織体制", "規程整備", "委託管理"]
    organisation, rules, outsourcing = summary.categories
    assert (organisation.self_average, organisation.verified_average) == (Decimal("3.00"), Decimal("2.50"))
    assert (rules.self_counted, rules.verified_counted, rules.items) == (1, 0, 2)
    assert rules.verified_average is None
    assert outsourcing.self_average is None and outsourcing.verified_average is None
    assert (summary.self_unscored, summary.verified_unscored) == (1, 1)


def test_overall_is_over_items_not_the_mean_of_category_means() -> None:
    summary = summarize([scored("A-1", "組織体制", 1), scored("B-1", "規程整備", 3), scored("B-2", "規程整備", 3)])
    assert summary.self_average == Decimal("2.33")  # 7 / 3; the mean of category means would be 2.00
    assert summary.self_exact == Fraction(7, 3)
