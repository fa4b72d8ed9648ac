"""The attribution rule and concurrent_session, as the engine's array passes find them, against a plain reading
of their definitions one operation at a time, on random logs crowded with overlapping windows and uses; and
the same discrepancies whatever order the operations come in."""

from __future__ import annotations

import numpy as np
import pytest

from jukiaudit_desktop.reconcile.attribution import attribute
from jukiaudit_desktop.reconcile.columns import (
    AgencyLists,
    Operations,
    RegisterEntries,
    Vocabulary,
    grouped_order,
    iso,
)
from jukiaudit_desktop.reconcile.engine import reconcile
from jukiaudit_desktop.reconcile.model import Kind
from jukiaudit_desktop.reconcile.settings import ReconcileSettings

TOLERANCE = 120
GAP = 600


def random_case(seed: int, n_ops: int = 1500, n_entries: int = 300) -> tuple[Operations, RegisterEntries, Vocabulary]:
    """A day on 4 terminals by 5 operators, ids in time order as the database reads them; every name a code."""
    rng = np.random.default_rng(seed)
    names = Vocabulary()
    terminals = [names.code(f"T{k}") for k in range(4)]
    operators = [names.code(f"X{k}") for k in range(5)]
    at = np.sort(rng.integers(9 * 3600, 12 * 3600, n_ops)) + 20_000 * 86_400
    ops = Operations(id=np.arange(1, n_ops + 1), at=at, terminal=rng.choice(terminals, n_ops),
                     operator=rng.choice(operators, n_ops), jimu=np.full(n_ops, -1), count=np.ones(n_ops, dtype=np.int64))
    start = rng.integers(9 * 3600, 12 * 3600, n_entries) // 60 * 60 + 20_000 * 86_400
    minutes = np.where(rng.random(n_entries) < 0.03, 8 * 60, rng.integers(0, 20, n_entries))  # a few day-long
    entries = RegisterEntries(id=rng.permutation(n_entries) + 1, start=start, end=start + minutes * 60 + 59,
                              terminal=rng.choice(terminals, n_entries), operator=rng.choice(operators, n_entries),
                              jimu=np.full(n_entries, -1), count=np.full(n_entries, -1))
    return ops, entries, names


def plain_owner(ops: Operations, entries: RegisterEntries, tolerance: int) -> list[int]:
    """The rule of attribution.py's docstring, entry by entry."""
    owners = []
    for at, terminal, operator in zip(ops.at, ops.terminal, ops.operator, strict=True):
        candidates = [
            (max(entries.start[e] - at, at - entries.end[e], 0), entries.operator[e] != operator,
             entries.start[e], entries.id[e], e)
            for e in range(len(entries))
            if entries.terminal[e] == terminal and entries.start[e] - tolerance <= at <= entries.end[e] + tolerance
        ]
        owners.append(min(candidates)[-1] if candidates else -1)
    return owners


def plain_concurrent(ops: Operations, names: Vocabulary, gap: int) -> dict[int, dict[str, str]]:
    """Per reported operation id, the use of another terminal it falls in (the latest-starting one)."""
    uses = []  # (operator, first, terminal, last)
    for operator in set(ops.operator.tolist()):
        for terminal in set(ops.terminal.tolist()):
            times = sorted(ops.at[(ops.operator == operator) & (ops.terminal == terminal)].tolist())
            run = times[:1]
            for t in times[1:] + [None]:
                if t is None or t - run[-1] > gap:
                    uses.append((operator, run[0], terminal, run[-1]))
                    run = []
                if t is not None:
                    run.append(t)
    found = {}
    for op_id, at, terminal, operator in zip(ops.id, ops.at, ops.terminal, ops.operator, strict=True):
        inside = [u for u in uses if u[0] == operator and u[2] != terminal and u[1] <= at <= u[3]]
        if inside:
            _, first, other, last = max(inside, key=lambda u: (u[1], u[2]))
            found[int(op_id)] = {"other_terminal": names.name(other), "other_from": iso(first), "other_to": iso(last)}
    return found


@pytest.mark.parametrize(("seed", "tolerance"), [(0, TOLERANCE), (1, 0), (2, 900), (3, TOLERANCE)])
def test_attribution_finds_what_the_rule_says(seed: int, tolerance: int) -> None:
    ops, entries, _ = random_case(seed)
    owner = attribute(ops, entries, tolerance)
    expected = plain_owner(ops, entries, tolerance)
    assert sum(1 for e in expected if e >= 0) > len(ops) // 2  # the case is crowded enough to mean something
    assert owner.tolist() == expected


@pytest.mark.parametrize(("seed", "gap"), [(0, GAP), (1, 60), (2, 0), (3, 3600)])
def test_concurrent_sessions_are_what_the_definition_says(seed: int, gap: int) -> None:
    ops, entries, names = random_case(seed, n_ops=600)
    outcome = reconcile(ops, entries, AgencyLists(None, None), names,
                        ReconcileSettings(tolerance_minutes=TOLERANCE // 60, session_gap_minutes=gap // 60))
    found = {d.operation_ids[0]: d.detail for d in outcome.discrepancies if d.kind is Kind.CONCURRENT_SESSION}
    expected = plain_concurrent(ops, names, gap)
    assert 0 < len(expected) < len(ops) or gap == 0
    assert found == expected


@pytest.mark.parametrize("seed", range(3))
def test_the_order_operations_come_in_changes_nothing(seed: int) -> None:
    ops, entries, names = random_case(seed, n_ops=800, n_entries=100)
    settings = ReconcileSettings(tolerance_minutes=TOLERANCE // 60, session_gap_minutes=GAP // 60)
    in_order = reconcile(ops, entries, AgencyLists(None, None), names, settings)
    shuffled = ops.take(np.random.default_rng(seed).permutation(len(ops)))
    again = reconcile(shuffled, entries, AgencyLists(None, None), names, settings)
    assert again.discrepancies == in_order.discrepancies
    assert {d.kind for d in in_order.discrepancies} >= {Kind.CONCURRENT_SESSION, Kind.UNREGISTERED_OPERATION,
                                                         Kind.OPERATOR_MISMATCH}


def test_grouped_order_is_a_stable_sort_by_the_codes() -> None:
    rng = np.random.default_rng(7)
    first, second = rng.integers(-1, 40, 5000), rng.integers(-1, 3, 5000)
    assert grouped_order(first, second).tolist() == np.lexsort((np.arange(5000), second, first)).tolist()
    wide = rng.integers(-1, 70_000, 5000)  # beyond 16 bits: the same order by another sort
    assert grouped_order(wide, second).tolist() == np.lexsort((np.arange(5000), second, wide)).tolist()
