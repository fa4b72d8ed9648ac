"""concurrent_session groups each operator's uses of a terminal in (operator, terminal, time) order: for operations
in time order one stable sort of the (operator, terminal) pair, else the three-key sort. Both give the order
np.lexsort gives, and the same discrepancies whatever order the operations come in."""

from __future__ import annotations

import numpy as np
import pytest

from jukiaudit_desktop.reconcile.columns import Operations, Vocabulary
from jukiaudit_desktop.reconcile.rules.concurrency import _by_operator_terminal_time, check_concurrent


def operations(seed: int, size: int = 3000) -> tuple[Operations, Vocabulary]:
    """Random operations in time order (ties included) of a few operators on a few terminals: many overlaps."""
    rng = np.random.default_rng(seed)
    names = Vocabulary()
    terminals = np.array([names.code(f"T{i}") for i in range(7)])
    operators = np.array([names.code(f"K{i}") for i in range(5)])
    at = np.sort(rng.integers(1_700_000_000, 1_700_000_000 + 6 * 3600, size))
    ops = Operations(id=np.arange(1, size + 1), at=at, terminal=rng.choice(terminals, size),
                     operator=rng.choice(operators, size), jimu=np.zeros(size, dtype=np.int64),
                     count=np.ones(size, dtype=np.int64))
    return ops, names


@pytest.mark.parametrize("seed", range(4))
def test_the_order_is_the_three_key_sort_in_and_out_of_time_order(seed: int) -> None:
    ops, _ = operations(seed)
    shuffled = ops.take(np.random.default_rng(seed).permutation(len(ops)))
    for case in (ops, shuffled):
        assert np.array_equal(_by_operator_terminal_time(case), np.lexsort((case.at, case.terminal, case.operator)))


@pytest.mark.parametrize("seed", range(4))
def test_the_same_discrepancies_whatever_the_order_of_the_operations(seed: int) -> None:
    ops, names = operations(seed)
    in_order = check_concurrent(ops, 600, names)
    shuffled = check_concurrent(ops.take(np.random.default_rng(seed).permutation(len(ops))), 600, names)

    assert len(in_order) > 100
    assert sorted(in_order, key=lambda d: d.operation_ids) == sorted(shuffled, key=lambda d: d.operation_ids)
