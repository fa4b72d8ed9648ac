"""The rules on small hand-made cases: window edges, overlaps, midnight, holidays, lists, concurrency."""

from __future__ import annotations

from datetime import datetime, time

import numpy as np
import pytest

from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.reconcile.columns import (
    NONE,
    AgencyLists,
    JimuValidity,
    Operations,
    OperatorValidity,
    RegisterEntries,
    Vocabulary,
    day_of,
    to_seconds,
)
from jukiaudit_desktop.reconcile.engine import reconcile
from jukiaudit_desktop.reconcile.model import Kind
from jukiaudit_desktop.reconcile.settings import ReconcileSettings, parse_closed_day, parse_hours

NO_LISTS = AgencyLists(None, None)


class Case:
    """Operations and register entries written as text; ids are 1, 2, 3 … in the order they are added."""

    def __init__(self) -> None:
        self.names = Vocabulary()
        self.ops: list[tuple[int, ...]] = []
        self.entries: list[tuple[int, ...]] = []

    def op(self, at: str, terminal: str = "T1", operator: str = "X", jimu: str | None = "J1",
           count: int = 1) -> int:
        self.ops.append((len(self.ops) + 1, to_seconds(datetime.fromisoformat(at)), self.names.code(terminal),
                         self.names.code(operator), self.names.code(jimu), count))
        return len(self.ops)

    def entry(self, start: str, end: str, terminal: str = "T1", operator: str = "X", jimu: str | None = "J1",
              count: int | None = None) -> int:
        self.entries.append((len(self.entries) + 1, to_seconds(datetime.fromisoformat(start)),
                             to_seconds(datetime.fromisoformat(end)) + 59, self.names.code(terminal),
                             self.names.code(operator), self.names.code(jimu), NONE if count is None else count))
        return len(self.entries)

    def run(self, settings: ReconcileSettings | None = None, lists: AgencyLists = NO_LISTS) -> dict[Kind, list]:
        ops = Operations(*(np.array(c, dtype=np.int64) for c in zip(*self.ops, strict=True)))
        if self.entries:
            entries = RegisterEntries(*(np.array(c, dtype=np.int64) for c in zip(*self.entries, strict=True)))
        else:
            empty = np.zeros(0, dtype=np.int64)
            entries = RegisterEntries(empty, empty, empty, empty, empty, empty, empty)
        outcome = reconcile(ops, entries, lists, self.names, settings or ReconcileSettings())
        self.outcome = outcome
        found: dict[Kind, list] = {}
        for d in outcome.discrepancies:
            found.setdefault(d.kind, []).append(d)
        return found


def op_ids(found: dict[Kind, list], kind: Kind) -> list[int]:
    return [d.operation_ids[0] for d in found.get(kind, [])]


def test_window_edges_with_tolerance_are_inclusive_to_the_second() -> None:
    case = Case()
    case.entry("2025-04-01T10:00", "2025-04-01T10:30")
    inside_first = case.op("2025-04-01T09:55:00")
    before = case.op("2025-04-01T09:54:59")
    inside_last = case.op("2025-04-01T10:35:59")  # end minute 10:30 is inclusive, + 5 minutes
    after = case.op("2025-04-01T10:36:00")
    found = case.run()
    assert op_ids(found, Kind.UNREGISTERED_OPERATION) == [before, after]
    assert inside_first not in op_ids(found, Kind.UNREGISTERED_OPERATION)
    assert inside_last not in op_ids(found, Kind.UNREGISTERED_OPERATION)
    # zero tolerance: only the entry's own minutes count
    found = case.run(ReconcileSettings(tolerance_minutes=0))
    assert op_ids(found, Kind.UNREGISTERED_OPERATION) == [before, inside_first, inside_last, after]


def test_overlapping_entries_pick_own_window_then_own_operator_then_earliest() -> None:
    case = Case()
    a = case.entry("2025-04-01T10:00", "2025-04-01T10:30", operator="X", count=0)
    b = case.entry("2025-04-01T10:20", "2025-04-01T10:50", operator="Y", count=0)
    case.op("2025-04-01T10:25:00", operator="Y")  # inside both: Y's own entry b
    case.op("2025-04-01T10:25:10", operator="X")  # inside both: X's own entry a
    case.op("2025-04-01T10:25:20", operator="Z")  # inside both, neither's operator: the earlier a
    case.op("2025-04-01T10:33:00", operator="X")  # widened a, own window of b: b
    found = case.run()
    counted = {d.register_ids[0]: d.detail["operations"] for d in found[Kind.COUNT_MISMATCH]}
    assert counted == {a: 2, b: 2}
    mismatched = [(d.operation_ids[0], d.register_ids[0]) for d in found[Kind.OPERATOR_MISMATCH]]
    assert mismatched == [(3, a), (4, b)]


def test_adjacent_entries_take_the_nearer_window() -> None:
    case = Case()
    first = case.entry("2025-04-01T10:00", "2025-04-01T10:20", operator="X", count=1)
    second = case.entry("2025-04-01T10:22", "2025-04-01T10:40", operator="Y", count=2)
    case.op("2025-04-01T10:21:29", operator="Y")  # 30 s after first's end minute, 31 s before second
    case.op("2025-04-01T10:21:31", operator="Y")  # 32 s after first, 29 s before second
    case.op("2025-04-01T10:30:00", operator="Y")
    found = case.run()
    assert [d.register_ids for d in found[Kind.OPERATOR_MISMATCH]] == [(first,)]
    assert Kind.COUNT_MISMATCH not in found
    assert second not in [d.register_ids[0] for d in found.get(Kind.UNUSED_REGISTER_ENTRY, [])]


def test_entry_past_midnight_holds_operations_of_the_next_day() -> None:
    case = Case()
    case.entry("2025-04-01T23:30", "2025-04-02T00:30", count=2)
    late = case.op("2025-04-02T00:20:00")
    early = case.op("2025-04-01T23:40:00")
    found = case.run()
    assert Kind.UNREGISTERED_OPERATION not in found and Kind.COUNT_MISMATCH not in found
    assert op_ids(found, Kind.OFF_HOURS) == [early, late]


def test_counts_zero_and_missing_register_fields() -> None:
    case = Case()
    zero = case.entry("2025-04-01T10:00", "2025-04-01T10:10", count=0)
    case.op("2025-04-01T10:05:00", count=0)
    case.entry("2025-04-01T11:00", "2025-04-01T11:10", jimu=None, count=None)
    case.op("2025-04-01T11:05:00", jimu="J9", count=7)
    unused = case.entry("2025-04-01T13:00", "2025-04-01T13:10", count=0)
    claimed = case.entry("2025-04-01T14:00", "2025-04-01T14:10", count=3)
    found = case.run()
    assert [d.register_ids[0] for d in found[Kind.UNUSED_REGISTER_ENTRY]] == [unused, claimed]
    # one line of the register, one problem: unused, with the declared count, and no count mismatch
    assert [d.detail for d in found[Kind.UNUSED_REGISTER_ENTRY]] == [{"register_count": 0}, {"register_count": 3}]
    assert Kind.COUNT_MISMATCH not in found
    assert zero not in [d.register_ids[0] for d in found[Kind.UNUSED_REGISTER_ENTRY]]
    assert Kind.PURPOSE_MISMATCH not in found


def test_mismatches_are_reported_per_operation() -> None:
    case = Case()
    entry = case.entry("2025-04-01T10:00", "2025-04-01T10:30", operator="X", jimu="J1", count=3)
    ops = [case.op(f"2025-04-01T10:0{i}:00", operator="Y", jimu="J2") for i in range(3)]
    found = case.run()
    assert op_ids(found, Kind.OPERATOR_MISMATCH) == ops
    assert op_ids(found, Kind.PURPOSE_MISMATCH) == ops
    assert all(d.register_ids == (entry,) for d in found[Kind.OPERATOR_MISMATCH])
    assert found[Kind.OPERATOR_MISMATCH][0].detail["register_operator"] == "X"
    assert Kind.COUNT_MISMATCH not in found


def test_unregistered_at_night_is_also_off_hours() -> None:
    case = Case()
    night = case.op("2025-04-01T21:00:00")
    found = case.run()
    assert op_ids(found, Kind.UNREGISTERED_OPERATION) == [night]
    assert op_ids(found, Kind.OFF_HOURS) == [night]
    assert [d.kind for d in case.outcome.discrepancies] == [Kind.UNREGISTERED_OPERATION, Kind.OFF_HOURS]


def test_business_hours_edges_holidays_and_extra_closed_days() -> None:
    case = Case()
    case.entry("2025-04-01T08:00", "2025-04-01T18:00", count=None)
    opening = case.op("2025-04-01T08:30:00")
    too_early = case.op("2025-04-01T08:29:59")
    closing = case.op("2025-04-01T17:30:00")
    too_late = case.op("2025-04-01T17:30:01")
    substitute = case.op("2025-05-06T10:00:00")  # 振替休日
    saturday = case.op("2025-04-05T10:00:00")
    year_end = case.op("2025-12-29T10:00:00")  # not a national holiday, but 年末年始 by default
    assert op_ids(case.run(), Kind.OFF_HOURS) == [too_early, too_late, saturday, substitute, year_end]
    found = case.run(ReconcileSettings(closed_days=()))
    assert op_ids(found, Kind.OFF_HOURS) == [too_early, too_late, saturday, substitute]
    reasons = {d.operation_ids[0]: d.detail["reason"] for d in found[Kind.OFF_HOURS]}
    assert reasons[substitute] == "祝日(振替休日)" and reasons[saturday] == "土曜日"
    assert opening not in reasons and closing not in reasons
    found = case.run(ReconcileSettings(closed_days=("12-29", "2026-01-02"), hours_start=time(8, 0)))
    assert op_ids(found, Kind.OFF_HOURS) == [too_late, saturday, substitute, year_end]


def test_operator_and_jimu_lists_with_validity_dates() -> None:
    case = Case()
    case.entry("2025-04-01T08:40", "2025-04-30T17:00", count=None)  # one long entry: only list checks matter
    valid = case.op("2025-04-09T10:00:00", operator="X", jimu="J1")
    revoked = case.op("2025-04-10T10:00:00", operator="X", jimu="J1")
    stranger = case.op("2025-04-09T11:00:00", operator="Z", jimu="J1")
    too_soon = case.op("2025-04-09T12:00:00", operator="W", jimu="J1")
    not_allowed = case.op("2025-04-09T13:00:00", operator="X", jimu="J2")
    expired_basis = case.op("2025-04-21T10:00:00", operator="W", jimu="J3")
    no_code = case.op("2025-04-14T10:00:00", operator="W", jimu=None)
    n = case.names
    lists = AgencyLists(
        operators=[OperatorValidity(n.code("X"), None, day_of(datetime(2025, 4, 10).date())),
                   OperatorValidity(n.code("W"), day_of(datetime(2025, 4, 14).date()), None)],
        jimu=[JimuValidity(n.code("J1"), None, None),
              JimuValidity(n.code("J3"), None, day_of(datetime(2025, 4, 20).date()))],
    )
    found = case.run(lists=lists)
    assert op_ids(found, Kind.UNKNOWN_OPERATOR) == [stranger, too_soon, revoked]
    assert valid not in op_ids(found, Kind.UNKNOWN_OPERATOR)
    reasons = {d.operation_ids[0]: d.detail["reason"] for d in found[Kind.UNKNOWN_OPERATOR]}
    assert "失効" in reasons[revoked] and "一覧にない" in reasons[stranger] and "登録日より前" in reasons[too_soon]
    assert op_ids(found, Kind.UNAUTHORIZED_JIMU) == [not_allowed, expired_basis]
    assert no_code not in op_ids(found, Kind.UNAUTHORIZED_JIMU)
    assert [s.kind for s in case.outcome.skipped] == [Kind.UNREGISTERED_TERMINAL]  # no terminal list given
    found = case.run()
    assert {s.kind for s in case.outcome.skipped} == {Kind.UNKNOWN_OPERATOR, Kind.UNAUTHORIZED_JIMU,
                                                      Kind.UNREGISTERED_TERMINAL}
    assert "unknown_operator" not in case.outcome.summary()


def test_concurrent_session_needs_overlapping_use_of_two_terminals() -> None:
    case = Case()
    for minute in ("00", "10", "20"):
        case.op(f"2025-04-01T10:{minute}:00", terminal="T1", operator="X")
    inside = case.op("2025-04-01T10:05:00", terminal="T2", operator="X")
    case.op("2025-04-01T11:00:00", terminal="T2", operator="X")  # after T1's use ended: a move, not overlap
    case.op("2025-04-01T10:07:00", terminal="T3", operator="Y")  # another operator
    found = case.run()
    assert op_ids(found, Kind.CONCURRENT_SESSION) == [inside]
    detail = found[Kind.CONCURRENT_SESSION][0].detail
    assert (detail["other_terminal"], detail["other_from"], detail["other_to"]) == (
        "T1", "2025-04-01T10:00:00", "2025-04-01T10:20:00")
    # with a short session gap, T1's use is split at the 10-minute gaps: no overlap left
    assert Kind.CONCURRENT_SESSION not in case.run(ReconcileSettings(session_gap_minutes=4))


def test_settings_are_checked() -> None:
    assert parse_hours("9:00-17:15") == (time(9, 0), time(17, 15))
    assert parse_closed_day("12-29") == (None, 12, 29)
    with pytest.raises(InputError, match="業務時間"):
        parse_hours("17時")
    with pytest.raises(InputError, match="休業日"):
        ReconcileSettings(closed_days=("13-01",))
    with pytest.raises(InputError, match="業務時間の開始"):
        ReconcileSettings(hours_start=time(18, 0))
