"""The subject and activity rules on small hand-made cases: window edges, medians, bursts, the period."""

from __future__ import annotations

import gc
from datetime import datetime, timedelta

import numpy as np
import pytest

from jukiaudit_desktop.reconcile.columns import (
    NONE,
    AgencyLists,
    Operations,
    RegisterEntries,
    Vocabulary,
    to_seconds,
)
from jukiaudit_desktop.reconcile.engine import reconcile
from jukiaudit_desktop.reconcile.model import Kind
from jukiaudit_desktop.reconcile.settings import ReconcileSettings

START = datetime(2025, 4, 1, 10, 0)
EMPTY = np.zeros(0, dtype=np.int64)


class Log:
    def __init__(self) -> None:
        self.names = Vocabulary()
        self.rows: list[tuple[int, ...]] = []

    def op(self, at: datetime, operator: str = "X", subject: int = NONE, failed: bool = False,
           terminal: str = "T1") -> int:
        self.rows.append((len(self.rows) + 1, to_seconds(at), self.names.code(terminal), self.names.code(operator),
                          NONE, 1, subject, int(failed)))
        return len(self.rows)

    def run(self, settings: ReconcileSettings | None = None, lists: AgencyLists | None = None,
            period: tuple[int | None, int | None] = (None, None)) -> dict[Kind, list[tuple[int, ...]]]:
        columns = [np.array(c, dtype=np.int64) for c in zip(*self.rows, strict=True)]
        ops = Operations(*columns[:7], failed=columns[7] == 1)
        entries = RegisterEntries(EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY)
        outcome = reconcile(ops, entries, lists or AgencyLists(None, None), self.names,
                            settings or ReconcileSettings(), period)
        found: dict[Kind, list[tuple[int, ...]]] = {}
        for d in outcome.discrepancies:
            found.setdefault(d.kind, []).append(d.operation_ids)
        return found


def day(n: int, minutes: int = 0) -> datetime:
    return START + timedelta(days=n, minutes=minutes)


def test_three_operators_within_thirty_days_edges_included() -> None:
    log = Log()
    inside = [log.op(day(0), "A", 1), log.op(day(15), "B", 1), log.op(day(29), "C", 1)]
    log.op(day(0), "A", 2), log.op(day(15), "B", 2), log.op(day(30), "C", 2)  # 31 days: not within one window
    log.op(day(3), "A", 3), log.op(day(3, 5), "A", 3), log.op(day(3, 9), "B", 3)  # one day, two operators
    assert log.run()[Kind.REPEATED_SUBJECT] == [tuple(inside)]
    assert Kind.REPEATED_SUBJECT not in log.run(ReconcileSettings(repeat_window_days=29))
    wider = log.run(ReconcileSettings(repeat_window_days=31))[Kind.REPEATED_SUBJECT]
    assert len(wider) == 2


def test_an_operator_met_twice_counts_once() -> None:
    log = Log()
    for n, operator in enumerate(["A", "A", "B", "A", "B"]):
        log.op(day(0, n), operator, 7)
    assert Kind.REPEATED_SUBJECT not in log.run()  # five lookups, one day, two operators
    log.op(day(20), "C", 7)
    assert len(log.run()[Kind.REPEATED_SUBJECT][0]) == 6


def test_spike_against_the_median_of_active_days() -> None:
    log = Log()
    for n in range(3):
        for i in range(10):
            log.op(day(n, i), "X")
    spike = [log.op(day(5, i), "X") for i in range(50)]  # counts 10, 10, 10, 50: median 10
    assert log.run()[Kind.VOLUME_SPIKE] == [tuple(spike)]
    assert Kind.VOLUME_SPIKE not in log.run(ReconcileSettings(spike_minimum=51))
    assert Kind.VOLUME_SPIKE not in log.run(ReconcileSettings(spike_factor=5.1))
    log.op(day(6), "X")  # counts 1, 10, 10, 10, 50: the median stays 10
    assert len(log.run()[Kind.VOLUME_SPIKE]) == 1


def test_burst_window_and_chain() -> None:
    log = Log()
    chain = [log.op(day(0) + timedelta(seconds=s), "X", failed=True) for s in (0, 150, 300, 450, 600, 1200)]
    log.op(day(0) + timedelta(seconds=1801), "X", failed=True)  # more than 10 minutes after: a new chain
    log.op(day(0, 3), "Y", failed=False)
    assert log.run()[Kind.FAILED_SEARCH_BURST] == [tuple(chain)]
    assert Kind.FAILED_SEARCH_BURST not in log.run(ReconcileSettings(burst_minutes=9))


def test_fewer_failures_than_a_burst_needs() -> None:
    for failures in range(1, 5):  # 3 of 5 once broke the array pass (shapes 0 and 2)
        log = Log()
        for n in range(failures):
            log.op(day(0, n), "X", failed=True)
        assert Kind.FAILED_SEARCH_BURST not in log.run()


def test_only_operations_inside_the_period_count() -> None:
    log = Log()
    log.op(day(0), "A", 1), log.op(day(1), "B", 1), log.op(day(2), "C", 1)
    first = to_seconds(day(1).replace(hour=0, minute=0))
    assert Kind.REPEATED_SUBJECT not in log.run(period=(first, None))  # the day-0 lookup is outside
    assert len(log.run(period=(None, None))[Kind.REPEATED_SUBJECT]) == 1


def test_terminal_list_and_watch_list() -> None:
    log = Log()
    a = log.op(day(0), subject=5, terminal="T1")
    b = log.op(day(0, 1), subject=6, terminal="T9")
    lists = AgencyLists(None, None, terminals=[log.names.code("T1")], watched={5: "著名人A"})
    found = log.run(lists=lists)
    assert found[Kind.UNREGISTERED_TERMINAL] == [(b,)]
    assert found[Kind.WATCHLIST_HIT] == [(a,)]


def _plainly(ops: list[tuple[int, int, int, int, int, bool]], settings: ReconcileSettings, terminals: set[int],
             watched: dict[int, str]) -> dict[Kind, list[tuple[tuple[int, ...], dict[str, object]]]]:
    """The five kinds read straight from their definitions (rules/subjects.py, rules/activity.py), one
    operation at a time: (id, at, terminal, operator, subject, failed) rows → lines and detail per discrepancy,
    in the engine's order."""
    timed = sorted(ops, key=lambda op: (op[1], op[0]))
    by: dict[tuple[str, int], list[tuple[int, int, int, int, int, bool]]] = {}
    for op in timed:
        by.setdefault(("operator", op[3]), []).append(op)
        by.setdefault(("terminal", op[2]), []).append(op)
        if op[4] != NONE:
            by.setdefault(("subject", op[4]), []).append(op)
    found: dict[Kind, list[tuple[tuple[int, ...], dict[str, object]]]] = {}

    def report(kind: Kind, rows: list[tuple[int, int, int, int, int, bool]], detail: dict[str, object]) -> None:
        found.setdefault(kind, []).append((tuple(op[0] for op in rows), detail))

    window = settings.repeat_window_days
    for (what, key), rows in by.items():
        if what == "subject":
            days = [op[1] // 86_400 for op in rows]
            in_window = [[op for op, d in zip(rows, days, strict=True) if start <= d < start + window]
                         for start in days]
            by_days = any(len({op[1] // 86_400 for op in w}) >= settings.repeat_days for w in in_window)
            by_operators = any(len({op[3] for op in w}) >= settings.repeat_operators for w in in_window)
            if by_days or by_operators:
                tests = "・".join([f"{settings.repeat_days} 日以上"] * by_days
                                 + [f"{settings.repeat_operators} 人以上"] * by_operators)
                n, n_days, n_operators = len(rows), len(set(days)), len({op[3] for op in rows})
                report(Kind.REPEATED_SUBJECT, rows, {"lookups": n, "days": n_days, "operators": n_operators,
                       "reason": f"{window} 日以内に{tests}が照会(期間中 {n} 回、{n_days} 日、{n_operators} 人)"})
        elif what == "operator":
            per_day: dict[int, list[tuple[int, int, int, int, int, bool]]] = {}
            for op in rows:
                per_day.setdefault(op[1] // 86_400, []).append(op)
            counts = sorted(len(day_rows) for day_rows in per_day.values())
            median = (counts[(len(counts) - 1) // 2] + counts[len(counts) // 2]) / 2
            for day_rows in per_day.values():
                n = len(day_rows)
                if n >= settings.spike_factor * median and n >= settings.spike_minimum:
                    report(Kind.VOLUME_SPIKE, day_rows, {"operations": n, "median": median,
                           "reason": f"1 日 {n} 件(この操作者の中央値 {median:g} 件の {n / median:.1f} 倍)"})
            failures = [op for op in rows if op[5]]
            gap, needed = settings.burst_minutes * 60, settings.burst_failures
            chains = [[op] for op in failures[:1]]
            for op in failures[1:]:
                if op[1] - chains[-1][-1][1] <= gap:
                    chains[-1].append(op)
                else:
                    chains.append([op])
            for chain in chains:
                if any(chain[i + needed - 1][1] - chain[i][1] <= gap for i in range(len(chain) - needed + 1)):
                    report(Kind.FAILED_SEARCH_BURST, chain, {"failures": len(chain), "reason":
                           f"{settings.burst_minutes} 分以内に {needed} 回以上の照会失敗(連続 {len(chain)} 回)"})
        elif key not in terminals:
            report(Kind.UNREGISTERED_TERMINAL, rows,
                   {"operations": len(rows), "reason": f"この機関に登録されていない端末です(操作 {len(rows)} 件)"})
    for op in timed:
        if op[4] in watched:
            report(Kind.WATCHLIST_HIT, [op], {"label": watched[op[4]], "reason": f"注視対象者「{watched[op[4]]}」への照会"})
    place = {op[0]: (op[1], op[0]) for op in ops}
    return {kind: sorted(lines, key=lambda line: place[line[0][0]]) for kind, lines in found.items()}


@pytest.mark.parametrize("seed", range(6))
def test_the_array_passes_find_what_a_plain_reading_finds(seed: int) -> None:
    """Random logs, given out of time order, with equal times, repeated operators and thresholds low enough
    for every kind to fire: the engine's lines, details and order equal the plain reading's."""
    rng = np.random.default_rng(seed)
    n = 3000
    at = to_seconds(START) + rng.integers(0, 90 * 86_400, n) // rng.choice([1, 60, 3600], n) * rng.choice([1, 60], n)
    spike_day = rng.integers(0, 90)
    at[:400] = to_seconds(START) + spike_day * 86_400 + rng.integers(0, 3600, 400)  # operator 0's busy day
    operator = np.where(np.arange(n) < 400, 9, rng.integers(9, 21, n))  # names 9–20; terminals are 0–8
    # subjects k·7919 + 0…2: those of one k share their leading bits (the grouping's rare case)
    subject = np.where(rng.random(n) < 0.1, NONE, rng.integers(1, 300, n) * 7919 + rng.integers(0, 3, n))
    terminal = rng.integers(0, 9, n)
    failed = rng.random(n) < 0.3
    ids = rng.permutation(n) + 1
    ops = Operations(ids, at, terminal, operator, np.full(n, NONE), np.ones(n, dtype=np.int64), subject, failed)
    settings = ReconcileSettings(repeat_days=int(rng.integers(2, 4)), repeat_operators=int(rng.integers(2, 5)),
                                 repeat_window_days=int(rng.integers(1, 40)), spike_factor=float(rng.choice([1.5, 3])),
                                 spike_minimum=int(rng.integers(20, 60)), burst_failures=int(rng.integers(1, 6)),
                                 burst_minutes=int(rng.integers(1, 20)))
    watched = {int(s): f"注視{s}" for s in rng.choice(subject[subject != NONE], 5)}
    lists = AgencyLists(None, None, terminals=[0, 1, 2, 3, 4, 5, 6], watched=watched)
    entries = RegisterEntries(EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY)
    names = Vocabulary()
    for code in range(21):
        names.code(f"N{code}")
    outcome = reconcile(ops, entries, lists, names, settings)
    found: dict[Kind, list[tuple[tuple[int, ...], dict[str, object]]]] = {}
    for d in outcome.discrepancies:
        if d.kind.rank >= Kind.REPEATED_SUBJECT.rank:
            found.setdefault(d.kind, []).append((d.operation_ids, d.detail))
    rows = list(zip(ids.tolist(), at.tolist(), terminal.tolist(), operator.tolist(), subject.tolist(),
                    failed.tolist(), strict=True))
    expected = _plainly(rows, settings, set(range(7)), watched)
    assert set(expected) == set(Kind) - set(list(Kind)[:Kind.REPEATED_SUBJECT.rank])  # every kind fired
    assert found == expected


def test_the_cycle_collector_is_left_as_it_was() -> None:
    """The engine pauses Python's cycle collector while it builds discrepancies, and only then."""
    log = Log()
    log.op(day(0), subject=5)
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            log.run()
            assert gc.isenabled() is enabled
    finally:
        gc.enable()
