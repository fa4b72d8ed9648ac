"""The subject and activity rules on small hand-made cases: window edges, medians, bursts, the period."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

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
