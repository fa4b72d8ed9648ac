"""concurrent_session: one operator ID active on two terminals in overlapping time.

An operator's use of a terminal is a run of their operations on it, each at most `session_gap` after the
previous one; it lasts from its first to its last operation. An operation is reported when it falls
inside (ends included) such a use of another terminal by the same operator ID.
"""

from __future__ import annotations

import numpy as np

from ..columns import BoolArray, IntArray, Operations, Vocabulary, grouped_order, iso
from ..model import Discrepancy, Kind

_SPAN = np.int64(1) << 40


def _uses(ops: Operations, gap_seconds: int) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Runs of one operator on one terminal: (operator, terminal, first time, last time) per run, ordered by
    operator, first time and terminal; and `rows`, the operations ordered by operator, terminal and time, with
    the run each is in (`use_of_row`, an index into the runs)."""
    rows = grouped_order(ops.operator, ops.terminal)  # then time
    operator, terminal, at = ops.operator[rows], ops.terminal[rows], ops.at[rows]
    starts = np.ones(len(rows), dtype=np.bool_)
    starts[1:] = (operator[1:] != operator[:-1]) | (terminal[1:] != terminal[:-1]) | (at[1:] - at[:-1] > gap_seconds)
    first = np.flatnonzero(starts)
    last = np.append(first[1:], len(rows)) - 1
    order = np.lexsort((terminal[first], at[first], operator[first]))
    use_of_row = np.argsort(order)[np.cumsum(starts) - 1]
    return operator[first][order], terminal[first][order], at[first][order], at[last][order], rows, use_of_row


def _overlapping(operator: IntArray, first: IntArray, last: IntArray) -> BoolArray:
    """Per use (ordered by operator, then first time): whether another use of the same operator overlaps it.
    Uses of one operator on one terminal never overlap (a gap separates them), so such a use is on another
    terminal. An earlier use overlaps when the latest end before it reaches its start; a later one when the
    next use of the operator starts before it ends."""
    base = int(first.min())
    reach = np.maximum.accumulate(operator * _SPAN + (last - base))
    from_earlier = np.zeros(len(first), dtype=np.bool_)
    from_earlier[1:] = reach[:-1] >= operator[1:] * _SPAN + (first[1:] - base)
    from_later = np.zeros(len(first), dtype=np.bool_)
    from_later[:-1] = (operator[1:] == operator[:-1]) & (first[1:] <= last[:-1])
    overlapping: BoolArray = from_earlier | from_later
    return overlapping


def check_concurrent(ops: Operations, gap_seconds: int, names: Vocabulary) -> list[Discrepancy]:
    """`ops` in time order (Operations.in_time_order). Only operations inside a use that another use
    overlaps can be reported: at 10^7 operations these are few, and only they are searched."""
    if len(ops) == 0:
        return []
    operator, terminal, first, last, rows, use_of_row = _uses(ops, gap_seconds)
    suspects = np.sort(rows[_overlapping(operator, first, last)[use_of_row]])
    op_operator, op_terminal, op_at = ops.operator[suspects], ops.terminal[suspects], ops.at[suspects]
    base = int(first.min())
    start_key = operator * _SPAN + (first - base)
    reach = np.maximum.accumulate(operator * _SPAN + (last - base))
    op_key = op_operator * _SPAN + (op_at - base)

    position = np.searchsorted(start_key, op_key, side="right") - 1
    other_use = np.full(len(suspects), -1, dtype=np.int64)
    active = np.flatnonzero(position >= 0)
    active = active[reach[position[active]] >= op_key[active]]
    while len(active):
        use = position[active]
        hit = (operator[use] == op_operator[active]) & (terminal[use] != op_terminal[active]) & (
            last[use] >= op_at[active])
        other_use[active[hit]] = use[hit]
        active = active[~hit]
        position[active] -= 1
        active = active[position[active] >= 0]
        active = active[reach[position[active]] >= op_key[active]]

    found = []
    for s in np.flatnonzero(other_use >= 0):
        i, u = int(suspects[s]), int(other_use[s])
        detail = {
            "other_terminal": names.name(int(terminal[u])),
            "other_from": iso(first[u]),
            "other_to": iso(last[u]),
        }
        found.append(Discrepancy(Kind.CONCURRENT_SESSION, (int(ops.id[i]),), (), detail, int(ops.at[i])))
    return found
