"""The attribution rule (reconcile/attribution.py) against a plain reading of it, one operation at a time, on
registers with overlapping and day-long windows. concurrent_session, against a plain reading of its rule (module docstring of rules/concurrency.py) one operation
at a time: the same operations, and for each the other terminal's use the engine names (the latest begun, then
the highest terminal code), in and out of time order and for several session gaps. Its uses are grouped in
(operator, terminal, time) order: for operations in time order by one stable sort of the (operator, terminal)
pair, else the three-key sort; both give the order np.lexsort gives."""

from __future__ import annotations

import numpy as np
import pytest

from jukiaudit_desktop.reconcile.attribution import attribute
from jukiaudit_desktop.reconcile.columns import Operations, RegisterEntries, Vocabulary, iso
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


def plainly(ops: Operations, gap: int, names: Vocabulary) -> dict[int, dict[str, str]]:
    """Operation id → the detail the rule gives it, read one operation at a time."""
    runs: dict[tuple[int, int], list[int]] = {}
    for i in sorted(range(len(ops)), key=lambda i: (int(ops.at[i]), i)):
        runs.setdefault((int(ops.operator[i]), int(ops.terminal[i])), []).append(int(ops.at[i]))
    uses = []  # (operator, terminal, first, last)
    for (operator, terminal), times in runs.items():
        first = times[0]
        for before, after in zip(times, [*times[1:], None], strict=True):
            if after is None or after - before > gap:
                uses.append((operator, terminal, first, before))
                first = after
    found = {}
    for i in range(len(ops)):
        at, terminal, operator = int(ops.at[i]), int(ops.terminal[i]), int(ops.operator[i])
        others = [(f, t, last) for o, t, f, last in uses if o == operator and t != terminal and f <= at <= last]
        if others:
            first, other, last = max(others)
            found[int(ops.id[i])] = {"other_terminal": names.name(other), "other_from": iso(first),
                                     "other_to": iso(last)}
    return found


@pytest.mark.parametrize(("seed", "gap"), [(0, 600), (1, 60), (2, 0), (3, 3600)])
def test_the_rule_read_one_operation_at_a_time(seed: int, gap: int) -> None:
    ops, names = operations(seed, size=1200)
    expected = plainly(ops, gap, names)
    assert len(expected) > 20 or gap == 0
    for case in (ops, ops.take(np.random.default_rng(seed).permutation(len(ops)))):
        found = check_concurrent(case, gap, names)
        assert {d.operation_ids[0]: d.detail for d in found} == expected


def register(seed: int, ops: Operations, size: int = 400) -> RegisterEntries:
    """Entries on the operations' terminals: short ones, overlapping ones, a few day-long ones, ids shuffled."""
    rng = np.random.default_rng(seed + 100)
    start = rng.integers(int(ops.at.min()) - 3600, int(ops.at.max()), size)
    length = np.where(rng.random(size) < 0.03, 8 * 3600, rng.integers(0, 1800, size))
    return RegisterEntries(id=rng.permutation(size) + 1, start=start, end=start + length + 59,
                           terminal=rng.choice(np.unique(ops.terminal), size),
                           operator=rng.choice(np.unique(ops.operator), size), jimu=np.zeros(size, dtype=np.int64),
                           count=np.ones(size, dtype=np.int64))


@pytest.mark.parametrize(("seed", "tolerance"), [(0, 300), (1, 0), (2, 900)])
def test_attribution_read_one_operation_at_a_time(seed: int, tolerance: int) -> None:
    ops, _ = operations(seed, size=1500)
    entries = register(seed, ops)
    expected = []
    for i in range(len(ops)):
        at, terminal, operator = int(ops.at[i]), int(ops.terminal[i]), int(ops.operator[i])
        fitting = [(max(int(entries.start[e]) - at, at - int(entries.end[e]), 0), int(entries.operator[e]) != operator,
                    int(entries.start[e]), int(entries.id[e]), e) for e in range(len(entries))
                   if int(entries.terminal[e]) == terminal
                   and int(entries.start[e]) - tolerance <= at <= int(entries.end[e]) + tolerance]
        expected.append(min(fitting)[-1] if fitting else -1)

    owner = attribute(ops, entries, tolerance)

    assert owner.tolist() == expected
    assert sum(e >= 0 for e in expected) > len(ops) // 3  # many attributed, some by overlapping windows
